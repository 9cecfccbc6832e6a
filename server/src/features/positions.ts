// Finding model objects under a cursor.
import type { Frame, Report, Span } from '../model/types';
import type { DocumentState } from './context';

export function inSpan(s: Span, line: number, character: number): boolean {
  return s.line === line && character >= s.start && character <= s.end;
}

/** Binary search over the document's frames (sorted by position). */
export function frameAt(doc: DocumentState, line: number, character: number): Frame | undefined {
  const frames = doc.model.frames;
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = frames[mid];
    if (f.span.line < line || (f.span.line === line && f.span.end < character)) lo = mid + 1;
    else if (f.span.line > line || f.span.start > character) hi = mid - 1;
    else return f;
  }
  return undefined;
}

/** The report (or stack dump) a line belongs to. */
export function reportAt(doc: DocumentState, line: number): Report | undefined {
  for (const r of [...doc.model.reports, ...doc.model.dumps]) {
    if (line < r.startLine || line > r.endLine) continue;
    if (r.lines.includes(line)) return r;
  }
  return undefined;
}

export function toRange(s: Span) {
  return { start: { line: s.line, character: s.start }, end: { line: s.line, character: s.end } };
}
