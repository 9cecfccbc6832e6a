// Diagnostics: the primary report's guilty frame, dimmed `?` frames, corrupted reports.
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { DocumentState } from './context';
import { toRange } from './positions';
import { crashSessionDiagnostics } from './crash-session';
import { MAX_REPORTS } from '../model/parser';

export const SOURCE = 'oops-lens';
/**
 * A 50 MB sysrq-t log has a quarter of a million `?` frames: publishing them all is tens of MB of
 * JSON per edit. The first ones (the top of the log, every report's guilty frame first) are enough.
 */
export const MAX_DIAGNOSTICS = 20_000;

export function computeDiagnostics(doc: DocumentState): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cut = doc.model.truncated;
  const n = (x: number) => x.toLocaleString('en-US');
  if (cut?.reportsFrom !== undefined) {
    const at = cut.reportsFrom;
    out.push(Diagnostic.create(
      { start: { line: at, character: 0 }, end: { line: at, character: doc.model.lines[at]?.raw.length ?? 0 } },
      `More than ${n(MAX_REPORTS)} reports: from this line on, report headers are not analysed (a bound that keeps the editor responsive). Split the log to analyse the rest.`,
      DiagnosticSeverity.Warning, 'reports-truncated', SOURCE,
    ));
  }
  if (cut && cut.totalLines > doc.model.lines.length) {
    const last = doc.model.lines.length - 1;
    out.push(Diagnostic.create(
      { start: { line: last, character: 0 }, end: { line: last, character: doc.model.lines[last]?.raw.length ?? 0 } },
      `Only the first ${n(doc.model.lines.length)} of ${n(cut.totalLines)} lines are analysed (a bound that keeps the editor responsive); the lines after this one get no outline, hovers or links. Split the log to analyse the rest.`,
      DiagnosticSeverity.Warning, 'document-truncated', SOURCE,
    ));
  }
  doc.model.reports.forEach((r, i) => {
    if (out.length >= MAX_DIAGNOSTICS) return;
    if (r.guilty) {
      const d = Diagnostic.create(toRange(r.guilty.span), r.title, i === 0 ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint, 'guilty-frame', SOURCE);
      out.push(d);
    }
    if (r.corrupted) {
      const reason = r.corruptedReason ? `: ${r.corruptedReason}` : '';
      out.push(Diagnostic.create(toRange(r.header), `Report is corrupted or truncated${reason}; its title and guilty frame may be wrong.`, DiagnosticSeverity.Warning, 'corrupted-report', SOURCE));
    }
  });
  for (const f of doc.model.frames) {
    if (out.length >= MAX_DIAGNOSTICS) break;
    if (!f.unreliable) continue;
    const d = Diagnostic.create(toRange(f.span), 'Unreliable frame (`?`): a stale return address found on the stack, probably not part of the call chain.', DiagnosticSeverity.Hint, 'unreliable-frame', SOURCE);
    d.tags = [DiagnosticTag.Unnecessary];
    out.push(d);
  }
  for (const d of crashSessionDiagnostics(doc)) if (out.length < MAX_DIAGNOSTICS) out.push(d);
  return out;
}
