// Outline: one entry per report (its title) with its stacks and sections; one per crash command.
import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Report } from '../model/types';
import type { DocumentState } from './context';

function lineRange(doc: DocumentState, start: number, end: number) {
  // VS Code rejects a whole outline when one selectionRange falls outside its range.
  const last = Math.max(start, Math.min(end, doc.lines.length - 1));
  return { start: { line: start, character: 0 }, end: { line: last, character: doc.lines[last]?.length ?? 0 } };
}

function reportSymbol(doc: DocumentState, r: Report): DocumentSymbol {
  const children: DocumentSymbol[] = [];
  for (const s of r.sections) {
    if (s.kind === 'stack') continue;
    children.push(DocumentSymbol.create(s.label, undefined, SymbolKind.Struct, lineRange(doc, s.startLine, s.endLine), lineRange(doc, s.startLine, s.startLine)));
  }
  for (const st of r.stacks) {
    if (st.frames.length === 0) continue;
    const frames = st.frames.map((f) =>
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

export function provideDocumentSymbols(doc: DocumentState): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const session = doc.model.session;
  if (session) {
    for (const c of session.commands) {
      const end = Math.max(c.line, c.outputEnd);
      out.push(DocumentSymbol.create(`${c.prompt.trim()} ${c.command}`, undefined, SymbolKind.Method, lineRange(doc, c.line, end), lineRange(doc, c.line, c.line)));
    }
  }
  for (const r of doc.model.reports) out.push(reportSymbol(doc, r));
  for (const r of doc.model.dumps) out.push(reportSymbol(doc, r));
  out.sort((a, b) => a.range.start.line - b.range.start.line);
  return nest(out);
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
