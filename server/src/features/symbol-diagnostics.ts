// Diagnostics from the debug files: the vmlinux or a module does not match the report (release,
// build, printed symbol sizes, build IDs), a module's debug file is missing. Computed in the
// background after the parser's diagnostics; nothing when no debug file is in use at all (the
// status bar says so once instead of a squiggle per frame).
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { DocumentState, FeatureContext } from './context';
import { toRange } from './positions';
import { contextOf } from '../symbols/resolution';
import { publishSymbolStatus } from './symbol-status';

const SOURCE = 'oops-lens';
/** Frames checked per document: enough for every report, bounded for 50 MB logs. */
const MAX_FRAMES = 400;

export async function symbolDiagnostics(doc: DocumentState, ctx: FeatureContext, signal?: AbortSignal): Promise<Diagnostic[]> {
  const symbols = ctx.symbols;
  if (!symbols) return [];
  const out: Diagnostic[] = [];
  let budget = MAX_FRAMES;
  for (const report of doc.model.reports) {
    const rctx = contextOf(report, doc.model);
    const frames = report.frames.filter((f) => !f.inline && (f.offset !== undefined || f.address));
    if (!frames.length) continue;
    const seen = new Set<string>();
    // No vmlinux at all means the user has not set debug files up: the status bar says it once.
    const v = symbols.vmlinux(rctx);
    if (!v.object) continue;
    if (frames.some((f) => !f.module)) {
      for (const w of v.warnings) {
        seen.add(w);
        out.push(Diagnostic.create(toRange(report.kernel.span ?? report.header), `Debug file mismatch: ${w}`, DiagnosticSeverity.Warning, 'vmlinux-mismatch', SOURCE));
      }
    }
    for (const f of frames) {
      if (signal?.aborted || budget-- <= 0) return out;
      const r = await symbols.resolveFrame(f, rctx);
      for (const w of r.warnings) {
        if (seen.has(w)) continue;
        seen.add(w);
        out.push(Diagnostic.create(toRange(f.span), w, DiagnosticSeverity.Warning, 'debug-file-mismatch', SOURCE));
      }
      if (r.error && f.module && !seen.has(r.error)) {
        seen.add(r.error);
        out.push(Diagnostic.create(toRange(f.span), r.error, DiagnosticSeverity.Information, 'module-debug-file', SOURCE));
      }
    }
  }
  publishSymbolStatus(ctx, doc);
  return out;
}
