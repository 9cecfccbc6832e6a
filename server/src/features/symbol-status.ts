// The status bar item of the symbolizer: which vmlinux is in use for a document and whether it
// matches the document's report. The client shows the active editor's.
import type { DocumentState, FeatureContext } from './context';
import { contextOf } from '../symbols/resolution';

const lastSent = new WeakMap<object, Map<string, string>>();

/**
 * Tell the client the symbolizer state of `doc` (the vmlinux its first report with frames is
 * resolved against, and whether it matches), only when it changed.
 */
export function publishSymbolStatus(ctx: FeatureContext, doc: DocumentState): void {
  if (!ctx.symbols) return;
  const report = doc.model.reports.find((r) => r.frames.length) ?? doc.model.dumps.find((r) => r.frames.length);
  if (!report && !doc.model.session?.frames.length) return;
  // Asked for this document, not read from the service's last answer (another document's, maybe).
  const s = ctx.symbols.vmlinux(contextOf(report, doc.model)).status;
  const uri = doc.uri;
  const icon = s.state === 'ok' ? '$(check)' : s.state === 'mismatch' ? '$(warning)' : s.state === 'error' ? '$(error)' : '$(question)';
  const text = `${icon} ${s.text}`;
  const tooltip = `Oops Lens: ${s.tooltip ?? s.text}\nClick to select a vmlinux.`;
  const key = text + '\0' + tooltip;
  let sent = lastSent.get(ctx.client);
  if (!sent) lastSent.set(ctx.client, (sent = new Map()));
  if (sent.get(uri) === key) return;
  sent.set(uri, key);
  ctx.client.status(text, tooltip, uri);
}
