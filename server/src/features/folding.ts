// Folding: reports, stacks, register dumps, module lists, Code:, crash command outputs.
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import type { Report } from '../model/types';
import type { DocumentState } from './context';

/**
 * `limit` is the client's `foldingRange.rangeLimit` (VS Code: 5000). Over it, crash reports and
 * crash commands keep their ranges first, then stack dumps; the client would otherwise cut blindly.
 */
export function provideFoldingRanges(doc: DocumentState, limit = Infinity): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: string) => {
    if (end > start && out.length < limit) out.push(FoldingRange.create(start, end, undefined, undefined, kind));
  };
  const outer = (r: Report) => add(r.startLine, r.endLine, FoldingRangeKind.Region);
  const inner = (r: Report) => {
    for (const s of r.sections) add(s.startLine, s.endLine, s.kind === 'registers' || s.kind === 'code' ? FoldingRangeKind.Region : undefined);
  };
  for (const c of doc.model.session?.commands ?? []) add(c.line, c.outputEnd, FoldingRangeKind.Region);
  for (const r of doc.model.reports) {
    outer(r);
    inner(r);
  }
  for (const r of doc.model.dumps) outer(r);
  for (const r of doc.model.dumps) inner(r);
  return out.sort((a, b) => a.startLine - b.startLine);
}
