// Hover part that needs no vmlinux: taint letters, module flags, #PF/ESR/Oops lines, register and
// address values, report headers — explained from kernel knowledge (model/explain*.ts).
import type { DocumentState, FeatureContext } from './context';
import { reportAt } from './positions';
import { explainAt } from '../model/explain';
import type { Arch } from '../model/types';

/** Architecture for a line: its report's, else the first report's that knows it. */
function archFor(doc: DocumentState, line: number): Arch {
  const r = reportAt(doc, line);
  if (r && r.arch !== 'unknown') return r.arch;
  return doc.model.reports.find((x) => x.arch !== 'unknown')?.arch ?? 'unknown';
}

/** Kernel lines are short; longer ones are garbage or a whole file on one line. */
const MAX_LINE = 2048;

/** KASAN prints five shadow rows under `Memory state around the buggy address:`. */
function inKasanShadowDump(doc: DocumentState, line: number): boolean {
  for (let l = line - 1; l >= Math.max(0, line - 8); l--) {
    if (/Memory state around the buggy address/.test(doc.model.lines[l]?.text ?? '')) return true;
  }
  return false;
}

export function explainHover(doc: DocumentState, line: number, character: number, _ctx?: FeatureContext): string | undefined {
  const ll = doc.model.lines[line];
  if (!ll) return undefined;
  const col = character - ll.textStart;
  if (col < 0) return undefined;
  // `Code:` lines have their own hover (hover-code.ts).
  if (/^\s*Code:/.test(ll.text)) return undefined;
  const report = reportAt(doc, line);
  // A pathological line (a 50 MB single line) is looked at only around the cursor.
  let text = ll.text;
  let at = col;
  if (text.length > MAX_LINE) {
    const from = Math.max(0, col - MAX_LINE / 2);
    text = text.slice(from, from + MAX_LINE);
    at = col - from;
  }
  // `text` has ANSI escapes removed, so columns past one may shift; raw and text agree in the usual case.
  const hit = explainAt(text, at, { arch: archFor(doc, line), isHeader: report?.header.line === line, kind: report?.kind, kasanShadow: inKasanShadowDump(doc, line) });
  return hit?.markdown;
}
