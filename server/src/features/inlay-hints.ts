// Inlay hints: `file:line` after each frame (setting oopsLens.inlayHints).
import type { InlayHint, Range } from 'vscode-languageserver';
import type { DocumentState, FeatureContext } from './context';
import { contextOf } from '../symbols/resolution';
import { treeRelativePath } from '../symbols/display-path';
import { reportAt } from './positions';
import { publishSymbolStatus } from './symbol-status';

/** Frames resolved per request at most: a 50 MB log must not block the server. */
const MAX_FRAMES = 2000;

export async function provideInlayHints(doc: DocumentState, range: Range, ctx: FeatureContext, signal?: AbortSignal): Promise<InlayHint[]> {
  if (!ctx.settings().inlayHints || !ctx.symbols) return [];
  const frames = doc.model.frames.filter((f) => f.span.line >= range.start.line && f.span.line <= range.end.line && !f.inline && !f.file);
  const hints: InlayHint[] = [];
  for (const f of frames.slice(0, MAX_FRAMES)) {
    if (signal?.aborted) break;
    const r = await ctx.symbols.resolveFrame(f, contextOf(reportAt(doc, f.span.line), doc.model));
    // No debug file at all: one status bar message, not a hint on every line.
    if (r.error && !r.object) break;
    const outer = r.inlines[r.inlines.length - 1];
    if (!outer || outer.file === '??') continue;
    const inl = r.inlines.length - 1;
    hints.push({
      position: { line: f.span.line, character: f.span.end },
      label: `${treeRelativePath(outer.file)}:${outer.line}${inl > 0 ? ` (+${inl} inline)` : ''}${r.warnings.length ? ' ⚠' : ''}`,
      paddingLeft: true,
      tooltip: r.inlines.map((l) => `${l.function} ${treeRelativePath(l.file)}:${l.line}`).join('\n') + (r.warnings.length ? '\n' + r.warnings.join('\n') : ''),
    });
  }
  publishSymbolStatus(ctx, doc);
  return hints;
}
