// Source for hovers and links: the local tree of the settings, the kernel version of the report at a
// line, and Markdown snippets of source lines around a target line within the enclosing function.
import { pathToFileURL } from 'node:url';
import type { KernelInfo } from '../model/types';
import { sourceSnippet, type SnippetOptions, type SourceSnippet } from '../source/snippet';
import { sourceRootsFor, type ResolvedFile, type SourceRoots } from '../source/source-roots';
import { versionCaveat, webSourceTarget, type WebTarget } from '../source/web-target';
import { guessKernelFromText } from '../source/version';
import type { DocumentState, FeatureContext } from './context';
import { findCodeRefs } from '../source/code-refs';
import { contextOf } from '../symbols/resolution';
import { frameAt, reportAt } from './positions';

/** The user's source trees for the current settings (shared caches). */
export function sourceRoots(ctx: FeatureContext): SourceRoots {
  const s = ctx.settings();
  return sourceRootsFor(s.sourceRoots, s.pathMap);
}

/** Kernel release/version that applies at a document line: its report, the boot banner, the crash session. */
export function kernelAt(doc: DocumentState, line: number): KernelInfo | undefined {
  return kernelLookup(doc)(line);
}

const lookups = new WeakMap<DocumentState, (line: number) => KernelInfo | undefined>();

/** A per-document line -> kernel function: reports sorted by start line, binary-searched (50 MB logs have thousands). */
function kernelLookup(doc: DocumentState): (line: number) => KernelInfo | undefined {
  let fn = lookups.get(doc);
  if (fn) return fn;
  const banner = doc.model.banner;
  const sys = doc.model.session?.sys;
  const fallback = { release: banner?.release ?? sys?.RELEASE?.value, version: banner?.version ?? sys?.VERSION?.value };
  if (!fallback.release && !fallback.version) Object.assign(fallback, guessKernelFromText(doc.text));
  const ranges = [...doc.model.reports, ...doc.model.dumps]
    .filter((r) => r.kernel.release || r.kernel.version)
    .map((r) => ({ start: r.startLine, end: r.endLine, kernel: r.kernel }))
    .sort((a, b) => a.start - b.start);
  const merge = (k?: KernelInfo): KernelInfo | undefined => {
    const release = k?.release ?? fallback.release;
    const version = k?.version ?? fallback.version;
    return release || version ? { release, version } : undefined;
  };
  fn = (line: number) => {
    let lo = 0;
    let hi = ranges.length - 1;
    let hit: KernelInfo | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= line) { if (line <= ranges[mid].end) hit = ranges[mid].kernel; lo = mid + 1; } else hi = mid - 1;
    }
    return merge(hit);
  };
  lookups.set(doc, fn);
  return fn;
}

/** A local file as a URI that opens at a line (`file:///...#L382`, which VS Code's link opener honours). */
export function fileUriAt(absPath: string, line?: number): string {
  const uri = pathToFileURL(absPath).toString();
  return line && line > 0 ? `${uri}#L${line}` : uri;
}

function fence(s: string): string {
  // A line of backticks inside the source would end the fence early.
  return s.replace(/```/g, '`\u200b``');
}

/** Text inside a Markdown code span is literal: only backticks must go. */
function codeSpan(s: string): string {
  return s.replace(/`/g, "'");
}

function mdEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (c) => '\\' + c);
}

/** Render a snippet as Markdown: a heading line, then a C block with line numbers and the target marked. */
export function renderSnippet(snippet: SourceSnippet, shownPath: string): string {
  const width = String(snippet.lines.at(-1)?.line ?? snippet.targetLine).length;
  const row = (n: number, text: string, target: boolean) => `${String(n).padStart(width)}${target ? '▶' : ' '} ${fence(text)}`;
  const out: string[] = [];
  const fn = snippet.function?.name ? ` in \`${snippet.function.name}()\`` : '';
  out.push(`\`${codeSpan(shownPath)}:${snippet.targetLine}\`${fn}`);
  out.push('```c');
  for (const l of snippet.header) out.push(row(l.line, l.text, false));
  if (snippet.header.length && snippet.lines.length && snippet.lines[0].line > snippet.header.at(-1)!.line + 1) out.push(`${' '.repeat(width)}  …`);
  for (const l of snippet.lines) out.push(row(l.line, l.text, l.target));
  out.push('```');
  return out.join('\n');
}

export interface SourceLocationInfo {
  local?: ResolvedFile;
  web?: WebTarget;
}

/** Where a printed path:line can be opened: a local file, a web page, or both. */
export function locateSource(printedPath: string, line: number | undefined, kernel: KernelInfo | undefined, ctx: FeatureContext): SourceLocationInfo {
  const local = sourceRoots(ctx).resolve(printedPath);
  const web = webSourceTarget(printedPath, line, kernel, ctx.settings());
  return { ...(local ? { local } : {}), ...(web ? { web } : {}) };
}

/**
 * Markdown for a hover: source lines around `printedPath:line` from the local tree (within the
 * enclosing function, target marked) plus the web link; just the link when there is no local file.
 */
export async function sourceSnippetMarkdown(
  printedPath: string,
  line: number,
  kernel: KernelInfo | undefined,
  ctx: FeatureContext,
  opts: SnippetOptions = {},
): Promise<string | undefined> {
  const where = locateSource(printedPath, line, kernel, ctx);
  const parts: string[] = [];
  if (where.local) {
    const snippet = await sourceSnippet(where.local.absPath, line, opts);
    const shown = where.local.relPath ?? where.local.absPath;
    if (snippet) parts.push(renderSnippet(snippet, shown));
    else parts.push(`\`${codeSpan(shown)}\` has no line ${line}: the local tree is probably another kernel version`);
  }
  const links: string[] = [];
  if (where.local) links.push(`[open ${mdEscape(where.local.relPath ?? where.local.absPath)}:${line}](${fileUriAt(where.local.absPath, line)})`);
  if (where.web) {
    const caveat = versionCaveat(where.web.version);
    links.push(`[${where.web.host} ${mdEscape(where.web.version.tag)}](${where.web.url})${caveat ? ` — ${mdEscape(caveat)}` : ''}`);
  }
  if (links.length) parts.push(links.join(' · '));
  return parts.length ? parts.join('\n\n') : undefined;
}

/** Hover on a printed `path:line` (BUG/WARNING lines, syzbot, crash `bt -l`): the source lines there. */
export async function codeRefHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<string | undefined> {
  const text = doc.lines[line] ?? '';
  const ref = findCodeRefs(text).find((r) => character >= r.start && character <= r.end);
  if (!ref?.line) return undefined;
  return sourceSnippetMarkdown(ref.path, ref.line, kernelAt(doc, line), ctx);
}

/**
 * Hover on a frame: source lines at the symbolizer's innermost location when the debug files match,
 * else at the printed file:line (syzbot, crash `bt -l`), else around the function's definition when
 * the tree's index is already built (a hover never starts indexing a tree; go-to-definition does).
 */
export async function frameSourceHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<string | undefined> {
  const frame = frameAt(doc, line, character);
  if (!frame) return undefined;
  const kernel = kernelAt(doc, line);
  // A clean answer from the debug files beats a printed line: crash's `bt -l` prints the line of
  // the return address, not of the call site the frame hover names.
  if (ctx.symbols && !frame.inline) {
    try {
      const res = await ctx.symbols.resolveFrame(frame, contextOf(reportAt(doc, line), doc.model));
      const inner = res.inlines[0];
      if (inner?.file && inner.line > 0 && (!frame.file || (!res.warnings.length && !res.error))) return sourceSnippetMarkdown(inner.file, inner.line, kernel, ctx);
    } catch { /* fall through to the printed line or the definition */ }
  }
  if (frame.file && frame.fileLine) return sourceSnippetMarkdown(frame.file, frame.fileLine, kernel, ctx);
  const roots = sourceRoots(ctx);
  if (roots.empty || !roots.indexed) return undefined;
  const [def] = await roots.definitions(frame.function, { arch: reportAt(doc, line)?.arch, module: frame.module });
  if (!def) return undefined;
  const snippet = await sourceSnippet(def.absPath, def.line, { before: 0, after: 4 });
  if (!snippet) return undefined;
  const md = renderSnippet({ ...snippet, lines: snippet.lines.map((l) => ({ ...l, target: false })) }, def.relPath);
  return `${md}\n\n[open ${mdEscape(def.relPath)}:${def.line}](${fileUriAt(def.absPath, def.line)}) · definition by name (no debug info for this frame)`;
}
