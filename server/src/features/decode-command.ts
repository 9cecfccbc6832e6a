// "Oops Lens: Decode stack trace": the document with every frame annotated syzbot-style.
// The client command sends this request and opens the text in a new editor.
import type { DocumentState, FeatureContext } from './context';
import { annotate, resolveLog } from '../symbols/decode';
import { publishSymbolStatus } from './symbol-status';

/** Request `{ uri }` -> `{ text, problems } | null` (the client's `oopsLens.decodeStackTrace` sends it). */
export const DECODE_REQUEST = 'oopsLens/decode';

export async function executeDecode(doc: DocumentState, ctx: FeatureContext, signal?: AbortSignal): Promise<{ text: string; problems: string[] } | null> {
  if (!ctx.symbols) return null;
  const progress = ctx.client.progress('Oops Lens: decoding stack traces', { cancellable: true });
  try {
    const token = { get isCancellationRequested() { return !!signal?.aborted || !!progress.signal?.aborted; } };
    const resolutions = await resolveLog(doc.model, ctx.symbols, token);
    if (token.isCancellationRequested) return null;
    publishSymbolStatus(ctx, doc);
    const problems = [...new Set([...resolutions.values()].flatMap((r) => [...(r.error ? [r.error] : []), ...r.warnings]))];
    return { text: annotate(doc.lines, resolutions), problems };
  } finally {
    progress.done();
  }
}
