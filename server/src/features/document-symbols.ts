// Outline: one entry per report (its title) with its stacks and sections; one per crash command.
// Bounded: a sysrq-t log of 35k task dumps would otherwise send 150 MB of outline nobody can read.
import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Report } from '../model/types';
import type { DocumentState } from './context';

function lineRange(doc: DocumentState, start: number, end: number) {
  // VS Code rejects a whole outline when one selectionRange falls outside its range.
  const last = Math.max(start, Math.min(end, doc.lines.length - 1));
  return { start: { line: start, character: 0 }, end: { line: last, character: doc.lines[last]?.length ?? 0 } };
}

/** Most outline entries (all levels) sent for one document. */
export const MAX_OUTLINE_SYMBOLS = 5000;

/** What is left of the outline's entries. Crash reports spend it first, then stack dumps. */
class Budget {
  constructor(public left: number) {}
  take(n: number): boolean {
    if (n > this.left) return false;
    this.left -= n;
    return true;
  }
}

function reportSymbol(doc: DocumentState, r: Report, budget: Budget): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  for (const s of r.sections) {
    if (s.kind === 'stack' || !budget.take(1)) continue;
    children.push(DocumentSymbol.create(s.label, undefined, SymbolKind.Struct, lineRange(doc, s.startLine, s.endLine), lineRange(doc, s.startLine, s.startLine)));
  }
  for (const st of r.stacks) {
    if (st.frames.length === 0 || !budget.take(1)) continue;
    // A stack whose frames no longer fit is listed without them (its detail still counts them).
    const frames = !budget.take(st.frames.length) ? undefined : st.frames.map((f) =>
      DocumentSymbol.create(f.function, [f.unreliable ? '?' : '', f.module ? `[${f.module}]` : ''].join(' ').trim() || undefined, SymbolKind.Function,
        { start: { line: f.span.line, character: f.span.start }, end: { line: f.span.line, character: f.span.end } },
        { start: { line: f.nameSpan.line, character: f.nameSpan.start }, end: { line: f.nameSpan.line, character: f.nameSpan.end } }),
    );
    children.push(DocumentSymbol.create(st.label, `${st.frames.length} frames`, SymbolKind.Array, lineRange(doc, st.startLine, st.endLine), lineRange(doc, st.startLine, st.startLine), frames));
  }
  children.sort((a, b) => a.range.start.line - b.range.start.line);
  const detail = r.kind === 'dump' ? 'stack dump' : [r.type, r.corrupted ? 'corrupted' : ''].filter(Boolean).join(' ');
  return DocumentSymbol.create(r.title || r.headerText, detail, r.kind === 'dump' ? SymbolKind.Namespace : SymbolKind.Event, lineRange(doc, r.startLine, r.endLine), lineRange(doc, r.header.line, r.header.line), children);
}

export function provideDocumentSymbols(doc: DocumentState, limit = MAX_OUTLINE_SYMBOLS): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const budget = new Budget(limit);
  const session = doc.model.session;
  if (session) {
    for (const c of session.commands) {
      if (!budget.take(1)) break;
      const end = Math.max(c.line, c.outputEnd);
      out.push(DocumentSymbol.create(`${c.prompt.trim()} ${c.command}`, undefined, SymbolKind.Method, lineRange(doc, c.line, end), lineRange(doc, c.line, c.line)));
    }
  }
  const omitted: Report[] = [];
  for (const r of [doc.model.reports, doc.model.dumps].flat()) {
    if (budget.take(1)) out.push(reportSymbol(doc, r, budget));
    else omitted.push(r);
  }
  if (omitted.length) out.push(omittedSymbol(doc, omitted, limit));
  out.sort((a, b) => a.range.start.line - b.range.start.line);
  return nest(out);
}

/** One entry that says how many reports the outline left out, and spans them. */
function omittedSymbol(doc: DocumentState, omitted: Report[], limit: number): DocumentSymbol {
  const dumps = omitted.filter((r) => r.kind === 'dump').length;
  const crashes = omitted.length - dumps;
  const what = [crashes && `${crashes} reports`, dumps && `${dumps} stack dumps`].filter(Boolean).join(' and ');
  let first = Infinity;
  let last = 0;
  for (const r of omitted) {
    first = Math.min(first, r.startLine);
    last = Math.max(last, r.endLine);
  }
  return DocumentSymbol.create(`… ${what} more`, `outline limited to ${limit} entries`, SymbolKind.Null, lineRange(doc, first, last), lineRange(doc, first, first));
}

/** Reports that sit inside a crash command's output become that command's children. */
function nest(symbols: DocumentSymbol[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of symbols) {
    const parent = out[out.length - 1];
    if (parent && parent.kind === SymbolKind.Method && s.kind !== SymbolKind.Method && s.range.start.line >= parent.range.start.line && s.range.end.line <= parent.range.end.line) {
      (parent.children ??= []).push(s);
    } else out.push(s);
  }
  return out;
}
