// Folding: reports, stacks, register dumps, module lists, Code:, crash command outputs.
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import type { DocumentState } from './context';

export function provideFoldingRanges(doc: DocumentState): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: string) => {
    if (end > start) out.push(FoldingRange.create(start, end, undefined, undefined, kind));
  };
  for (const r of [...doc.model.reports, ...doc.model.dumps]) {
    add(r.startLine, r.endLine, FoldingRangeKind.Region);
    for (const s of r.sections) add(s.startLine, s.endLine, s.kind === 'registers' || s.kind === 'code' ? FoldingRangeKind.Region : undefined);
  }
  for (const c of doc.model.session?.commands ?? []) add(c.line, c.outputEnd, FoldingRangeKind.Region);
  return out;
}
