// Code lens above each `Code:` line: "Disassemble (N instructions, trap: ud2)". Its command asks the
// server for the same Markdown the hover shows (request `oopsLens/disassembly`).
import type { CodeLens } from 'vscode-languageserver';
import type { DocumentState, FeatureContext } from './context';
import { describeCodeLine } from './hover-code';

export const DISASSEMBLE_COMMAND = 'oopsLens.showDisassembly';
/** LSP request the client sends to get the Markdown for a `Code:` line. */
export const DISASSEMBLY_REQUEST = 'oopsLens/disassembly';
/** A 50 MB log can hold thousands of oopses; lenses for the first ones are what a reader uses. */
const MAX_LENSES = 500;

export function codeLines(doc: DocumentState): number[] {
  const out: number[] = [];
  for (const ll of doc.model.lines) {
    if (out.length >= MAX_LENSES) break;
    if (ll.text.startsWith('Code:') || /^\s+Code:/.test(ll.text)) out.push(ll.line);
  }
  return out;
}

export async function provideCodeLenses(doc: DocumentState, _ctx?: FeatureContext): Promise<CodeLens[]> {
  const lenses: CodeLens[] = [];
  for (const line of codeLines(doc)) {
    const d = await describeCodeLine(doc, line);
    if (!d) continue;
    const start = doc.model.lines[line]?.textStart ?? 0;
    lenses.push({
      range: { start: { line, character: start }, end: { line, character: start } },
      command: { title: d.summary, command: DISASSEMBLE_COMMAND, arguments: [doc.uri, line] },
    });
  }
  return lenses;
}

/** Handler of `oopsLens/disassembly` {uri, line}: the Markdown of the hover, or a message. */
export async function disassemblyMarkdown(doc: DocumentState, line: number): Promise<string> {
  const d = await describeCodeLine(doc, line);
  return d?.markdown ?? `Line ${line + 1} is not a \`Code:\` line.`;
}

/** Read-only documents holding a disassembly, served by `workspace/textDocumentContent`. */
export const DISASM_SCHEME = 'oops-disasm';

/** `oops-disasm:/L365/<encoded document uri>.md` — the line first so the tab title says which Code: line. */
export function disassemblyUri(docUri: string, line: number): string {
  return `${DISASM_SCHEME}:/L${line + 1}/${encodeURIComponent(docUri)}.md`;
}

/** Content for a `oops-disasm:` URI, or undefined when the URI is not one of ours. */
export async function disassemblyContent(uri: string, stateOf: (uri: string) => DocumentState | undefined): Promise<string | undefined> {
  const m = /^oops-disasm:\/L(\d+)\/(.*)\.md$/.exec(uri);
  if (!m) return undefined;
  const docUri = decodeURIComponent(m[2]);
  const doc = stateOf(docUri);
  if (!doc) return `The document ${docUri} is no longer open.`;
  return `# ${docUri.split('/').pop()} line ${m[1]}\n\n${await disassemblyMarkdown(doc, Number(m[1]) - 1)}\n`;
}
