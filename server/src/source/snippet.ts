// Source lines around a target line, cut to the function that contains it (tree-sitter finds the
// extent and signature). Files and extents are cached by path and mtime.
import { readFileSync, statSync } from 'node:fs';
import { cParser } from './c-parser';
import { enclosingFunction, parseC, type FunctionExtent } from './c-functions';

export interface SnippetLine {
  /** 1-based line number. */
  line: number;
  text: string;
  target: boolean;
}

export interface SourceSnippet {
  absPath: string;
  targetLine: number;
  /** The enclosing function, when the line is inside one. 1-based lines. */
  function?: { name?: string; signature: string; startLine: number; endLine: number };
  /** Header lines of the function shown above a gap when the window starts below them. */
  header: SnippetLine[];
  lines: SnippetLine[];
}

export interface SnippetOptions {
  /** Lines shown before and after the target (within the function). */
  before?: number;
  after?: number;
}

interface CachedFile { mtimeMs: number; size: number; lines: string[]; text: string; extents: Map<number, FunctionExtent | null> }
const files = new Map<string, CachedFile>();
const MAX_CACHED = 16;
const MAX_SNIPPET_FILE = 16 * 1024 * 1024;

function load(absPath: string): CachedFile | undefined {
  let st;
  try { st = statSync(absPath); } catch { return undefined; }
  if (!st.isFile() || st.size > MAX_SNIPPET_FILE) return undefined;
  const hit = files.get(absPath);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
    files.delete(absPath);
    files.set(absPath, hit);
    return hit;
  }
  let text: string;
  try { text = readFileSync(absPath, 'utf8'); } catch { return undefined; }
  const f: CachedFile = { mtimeMs: st.mtimeMs, size: st.size, text, lines: text.split(/\r?\n/), extents: new Map() };
  files.set(absPath, f);
  if (files.size > MAX_CACHED) files.delete(files.keys().next().value!);
  return f;
}

async function extentFor(f: CachedFile, absPath: string, row: number): Promise<FunctionExtent | undefined> {
  if (!/\.(c|h|inc)$/.test(absPath)) return undefined;
  const cached = f.extents.get(row);
  if (cached !== undefined) return cached ?? undefined;
  let ext: FunctionExtent | undefined;
  try {
    const parser = await cParser();
    const tree = parseC(parser, f.text);
    if (tree) {
      try { ext = enclosingFunction(tree, f.text, row); } finally { tree.delete(); }
    }
  } catch { ext = undefined; }
  f.extents.set(row, ext ?? null);
  return ext;
}

/**
 * Lines around `line` (1-based) of a local file: `before`/`after` lines, never outside the enclosing
 * function when there is one; the function's header is returned separately when it is not in view.
 * Undefined when the file cannot be read or is shorter than `line` (a different kernel version).
 */
export async function sourceSnippet(absPath: string, line: number, opts: SnippetOptions = {}): Promise<SourceSnippet | undefined> {
  const f = load(absPath);
  if (!f || line < 1 || line > f.lines.length) return undefined;
  const before = opts.before ?? 4;
  const after = opts.after ?? 3;
  const row = line - 1;
  const ext = await extentFor(f, absPath, row);
  let from = Math.max(0, row - before);
  let to = Math.min(f.lines.length - 1, row + after);
  const header: SnippetLine[] = [];
  if (ext) {
    from = Math.max(from, ext.startRow);
    to = Math.min(to, ext.endRow);
    if (from > ext.startRow) {
      // Show the signature up to the line before the body (or the body's brace line when it shares it).
      const braceOnly = (f.lines[ext.bodyRow] ?? '').trim() === '{';
      const headEnd = Math.min(braceOnly ? ext.bodyRow - 1 : ext.bodyRow, from - 1);
      for (let r = ext.startRow; r <= headEnd && header.length < 6; r++) header.push({ line: r + 1, text: f.lines[r], target: false });
    }
  }
  const lines: SnippetLine[] = [];
  for (let r = from; r <= to; r++) lines.push({ line: r + 1, text: f.lines[r], target: r === row });
  return {
    absPath,
    targetLine: line,
    ...(ext ? { function: { name: ext.name, signature: ext.signature, startLine: ext.startRow + 1, endLine: ext.endRow + 1 } } : {}),
    header,
    lines,
  };
}

/** Drop cached file texts (tests, settings changes). */
export function clearSnippetCache(): void {
  files.clear();
}
