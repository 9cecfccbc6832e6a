// Semantic tokens only where the grammar cannot know: the guilty frame of each report.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentState } from './context';

export const legend: SemanticTokensLegend = { tokenTypes: ['function'], tokenModifiers: ['declaration', 'defaultLibrary'] };

export function provideSemanticTokens(doc: DocumentState): SemanticTokens {
  const spans = doc.model.reports.flatMap((r) => (r.guilty ? [r.guilty.nameSpan] : []));
  spans.sort((a, b) => a.line - b.line || a.start - b.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const s of spans) {
    const dl = s.line - prevLine;
    data.push(dl, dl === 0 ? s.start - prevChar : s.start, s.end - s.start, 0, 1);
    prevLine = s.line;
    prevChar = s.start;
  }
  return { data };
}
