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
  return arm32Caller(doc, line, character, lo);
}

const ARM32_FROM = /\bfrom (?:\[<([0-9a-f]+)>\] )?\(?([\w.$]+)\+0x([0-9a-f]+)\/0x([0-9a-f]+)\)?/;

/**
 * arm32 `[<pc>] (callee) from [<lr>] (caller+0x18/0x1c)`: the `from` part is the caller's frame,
 * which the model has on the next line (`[<lr>] (caller) from ...`). When the chain breaks there
 * (an `Exception stack(...)` dump follows, or the trace ends) the part is a frame of its own: the
 * return address into the caller.
 */
function arm32Caller(doc: DocumentState, line: number, character: number, next: number): Frame | undefined {
  const text = doc.lines[line] ?? '';
  const m = text.length < 4096 ? ARM32_FROM.exec(text) : null;
  if (!m || character < m.index || character > m.index + m[0].length) return undefined;
  const f = doc.model.frames[next];
  if (f && f.span.line > line && f.span.line <= line + 4 && f.function === m[2]) return f;
  const nameStart = text.indexOf(m[2], m.index + 5);
  return {
    span: { line, start: m.index + 5, end: m.index + m[0].length },
    nameSpan: { line, start: nameStart, end: nameStart + m[2].length },
    function: m[2],
    offset: parseInt(m[3], 16),
    size: parseInt(m[4], 16),
    ...(m[1] ? { address: m[1] } : {}),
    unreliable: false,
    exact: false,
    source: 'trace',
  };
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
