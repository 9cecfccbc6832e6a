// Code lens above each `Code:` line: "Disassemble (N instructions, trap: ud2)". Its command asks the
// server for the same Markdown the hover shows (request `oopsLens/disassembly`).
import type { CodeLens } from 'vscode-languageserver';
import type { DocumentState, FeatureContext } from './context';
import { codeSiteAt, describeCodeLine } from './hover-code';
import { reportAt } from './positions';
import { contextOf } from '../symbols/resolution';
import { compareBytes, renderComparison } from '../symbols/disasm/compare';
import { referenceBytes } from '../symbols/disasm/vmlinux-bytes';

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

export async function provideCodeLenses(doc: DocumentState, ctx?: FeatureContext): Promise<CodeLens[]> {
  const lenses: CodeLens[] = [];
  for (const line of codeLines(doc)) {
    const d = await describeCodeLine(doc, line);
    if (!d) continue;
    const start = doc.model.lines[line]?.textStart ?? 0;
    const range = { start: { line, character: start }, end: { line, character: start } };
    lenses.push({ range, command: { title: d.summary, command: DISASSEMBLE_COMMAND, arguments: [doc.uri, line] } });
    const target = compareTarget(doc, line, ctx);
    if (target) lenses.push({ range, command: { title: `Compare with ${target}`, command: DISASSEMBLE_COMMAND, arguments: [doc.uri, line, 'compare'] } });
  }
  return lenses;
}

/** `vmlinux` / `evalcrash.ko` when a debug file is configured or found for the Code: line's report. */
function compareTarget(doc: DocumentState, line: number, ctx?: FeatureContext): string | undefined {
  if (!ctx?.symbols) return undefined;
  const info = codeSiteAt(doc, line);
  if (!info?.site?.symbol) return undefined;
  if (info.site.symbol.module) return `${info.site.symbol.module}.ko`;
  const report = reportAt(doc, line);
  return ctx.symbols.vmlinuxPath(contextOf(report, doc.model).release) ? 'vmlinux' : undefined;
}

/** The dumped bytes next to the same bytes in the vmlinux / module debug file. */
export async function compareWithDebugFile(doc: DocumentState, line: number, ctx: FeatureContext): Promise<string> {
  const info = codeSiteAt(doc, line);
  if (!info?.site) return info?.problem ? `**Compare:** ${info.problem}` : `Line ${line + 1} is not a \`Code:\` line.`;
  const sym = info.site.symbol;
  if (!sym) return '**Compare:** the RIP/pc line prints no `function+offset`, so the bytes cannot be located in a debug file.';
  if (!ctx.symbols) return '**Compare:** no symbolizer is available.';
  const rctx = contextOf(reportAt(doc, line), doc.model);
  const opened = sym.module ? await ctx.symbols.module(sym.module, rctx) : ctx.symbols.vmlinux(rctx);
  if (!opened.object) return `**Compare:** ${opened.error ?? 'no debug file'}`;
  let ref;
  try {
    ref = referenceBytes(opened.object, sym, info.site.code.trapOffset < 0 ? 0 : info.site.code.trapOffset, info.site.code.bytes.length);
  } catch (e) {
    return `**Compare:** cannot read ${opened.object.path}: ${(e as Error).message}`;
  }
  if ('error' in ref) return `**Compare:** ${ref.error}`;
  return renderComparison(info.site.code.bytes, info.site.code.trapOffset, ref, compareBytes(info.site.code.bytes, ref));
}

/** Handler of `oopsLens/disassembly` {uri, line}: the Markdown of the hover, or a message. */
export async function disassemblyMarkdown(doc: DocumentState, line: number): Promise<string> {
  const d = await describeCodeLine(doc, line);
  return d?.markdown ?? `Line ${line + 1} is not a \`Code:\` line.`;
}

/** Read-only documents holding a disassembly, served by `workspace/textDocumentContent`. */
export const DISASM_SCHEME = 'oops-disasm';

/** `oops-disasm:/L365/<encoded document uri>.md` (`/L365/compare/...` adds the debug-file comparison). */
export function disassemblyUri(docUri: string, line: number, compare = false): string {
  return `${DISASM_SCHEME}:/L${line + 1}/${compare ? 'compare/' : ''}${encodeURIComponent(docUri)}.md`;
}

/** Content for a `oops-disasm:` URI, or undefined when the URI is not one of ours. */
export async function disassemblyContent(uri: string, stateOf: (uri: string) => DocumentState | undefined, ctx?: FeatureContext): Promise<string | undefined> {
  const m = /^oops-disasm:\/L(\d+)\/(compare\/)?(.*)\.md$/.exec(uri);
  if (!m) return undefined;
  let docUri: string;
  try {
    docUri = decodeURIComponent(m[3]);
  } catch {
    return `Not a document URI: ${m[3]}`; // a malformed %-escape in a hand-made URI
  }
  const doc = stateOf(docUri);
  if (!doc) return `The document ${docUri} is no longer open.`;
  const line = Number(m[1]) - 1;
  const parts = [`# ${docUri.split('/').pop()} line ${m[1]}`, await disassemblyMarkdown(doc, line)];
  if (m[2] && ctx) parts.push(await compareWithDebugFile(doc, line, ctx));
  return parts.join('\n\n') + '\n';
}
