// Document links: every printed file:line opens in the local tree when the file is there, else on
// the web source browser of the settings (Elixir by default) at the report's kernel version.
// Frame function names link to the identifier page when there is no local tree (with one, go to
// definition finds them). Links open only when the user clicks them.
import type { DocumentLink } from 'vscode-languageserver';
import { findCodeRefs } from '../source/code-refs';
import { nameQuery } from '../source/symbol-names';
import { versionCaveat, webIdentTarget, webSourceTarget } from '../source/web-target';
import type { DocumentState, FeatureContext } from './context';
import { fileUriAt, kernelAt, sourceRoots } from './source-snippet';

/** Enough for any real report; a 50 MB log gets its first links, not a frozen editor. */
export const MAX_LINKS = 5000;

/** The identifier the web index knows: clone suffixes dropped, syscall wrappers as `sys_close`. */
function identName(symbol: string): string {
  const q = nameQuery(symbol);
  return q.syscall ? `${q.syscall.compat ? 'compat_' : ''}sys_${q.syscall.name}` : q.name;
}

export function provideDocumentLinks(doc: DocumentState, ctx: FeatureContext): DocumentLink[] {
  const settings = ctx.settings();
  const roots = sourceRoots(ctx);
  const links: DocumentLink[] = [];
  for (let line = 0; line < doc.lines.length && links.length < MAX_LINKS; line++) {
    const text = doc.lines[line];
    if (text.length > 4096) continue; // not a log line anyone clicks in
    for (const ref of findCodeRefs(text)) {
      const range = { start: { line, character: ref.start }, end: { line, character: ref.end } };
      const where = ref.line ? `${ref.path}:${ref.line}` : ref.path;
      const local = roots.empty ? undefined : roots.resolve(ref.path);
      if (local) {
        links.push({ range, target: fileUriAt(local.absPath, ref.line), tooltip: `Open ${local.relPath ?? local.absPath}${ref.line ? `:${ref.line}` : ''} (local tree)` });
        continue;
      }
      const web = webSourceTarget(ref.path, ref.line, kernelAt(doc, line), settings);
      if (!web) continue;
      const caveat = versionCaveat(web.version);
      links.push({ range, target: web.url, tooltip: `Open ${web.path ?? where} on ${web.host} (${web.version.tag})${caveat ? ` — ${caveat}` : ''}` });
    }
  }
  if (roots.empty) {
    for (const f of doc.model.frames) {
      if (links.length >= MAX_LINKS) break;
      const web = webIdentTarget(identName(f.function), kernelAt(doc, f.nameSpan.line), settings);
      if (!web) continue;
      const s = f.nameSpan;
      const caveat = versionCaveat(web.version);
      links.push({
        range: { start: { line: s.line, character: s.start }, end: { line: s.line, character: s.end } },
        target: web.url,
        tooltip: `Find ${f.function} on ${web.host} (${web.version.tag})${caveat ? ` — ${caveat}` : ''}`,
      });
    }
    links.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  }
  return links;
}
