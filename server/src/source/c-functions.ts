// Function extents and definitions in kernel C, with tree-sitter doing the structural work.
// Kernel sources are full of macros tree-sitter cannot expand (`static noinline void __init foo(`,
// `SYSCALL_DEFINE3(write, ...)`), which it parses as a broken declaration followed by a function
// definition or a bare `{ ... }` block. So a function here is: a body block at top level plus the
// contiguous, not-terminated header text before it.
import type { Node, Parser, Tree } from 'web-tree-sitter';

export interface FunctionExtent {
  /** 0-based rows: first signature line .. closing brace line. */
  startRow: number;
  endRow: number;
  /** Row of the body's opening brace. */
  bodyRow: number;
  /** Header text before the body, whitespace collapsed (`static void sysrq_handle_crash(int key)`). */
  signature: string;
  /** The function's name as written (`sysrq_handle_crash`, `write` for SYSCALL_DEFINE3(write, ...)). */
  name?: string;
}

export interface DefinitionHit extends FunctionExtent {
  /** 0-based row and column of the name. */
  row: number;
  column: number;
  /** `macro`: a function made by a defining macro, `DEFINE_IDTENTRY_RAW_ERRORCODE(exc_page_fault) {`. */
  kind: 'function' | 'syscall' | 'macro' | 'asm';
}

/** Files above this size are not parsed (generated register headers); a textual fallback is used. */
export const MAX_PARSE_CHARS = 4 * 1024 * 1024;

const CONTAINERS = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'declaration_list', 'linkage_specification']);
// A name inside one of these is a use, not a definition.
const USE_CONTEXTS = new Set(['compound_statement', 'field_declaration_list', 'initializer_list', 'enumerator_list', 'comment', 'string_literal', 'char_literal', 'preproc_def', 'preproc_function_def', 'preproc_call', 'preproc_include']);

/** Nodes that tree-sitter produced only because a macro confused it: they may be part of a header. */
function isBrokenHeaderPiece(n: Node): boolean {
  if (n.type === 'comment' || n.type.startsWith('preproc')) return false;
  if (n.type === 'ERROR' || n.isMissing || n.hasError) {
    const t = n.text.trimEnd();
    return !t.endsWith('}') && !(t.endsWith(';') && !hasMissingSemicolon(n));
  }
  return false;
}

function hasMissingSemicolon(n: Node): boolean {
  const last = n.lastChild;
  return !!last && last.isMissing;
}

/** The top-level node (child of a container) that contains `n`. */
function topLevel(n: Node): Node | undefined {
  let cur: Node | null = n;
  while (cur && cur.parent && !CONTAINERS.has(cur.parent.type)) cur = cur.parent;
  return cur && cur.parent ? cur : undefined;
}

/** The body of a top-level node: its own (function_definition) or the block it is. */
function bodyOf(n: Node): Node | undefined {
  if (n.type === 'function_definition') return n.childForFieldName('body') ?? undefined;
  if (n.type === 'compound_statement') return n;
  return undefined;
}

/** Extend a function's start upwards over broken header pieces on adjacent lines. */
function headerStart(first: Node): Node {
  let start = first;
  for (let prev = first.previousSibling; prev; prev = prev.previousSibling) {
    if (!isBrokenHeaderPiece(prev)) break;
    if (prev.endPosition.row < start.startPosition.row - 1) break;
    start = prev;
  }
  return start;
}

function collapse(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Identifier right before the first `(` of a header; for `SYSCALL_DEFINEn(name` the macro's first argument. */
export function headerName(signature: string): string | undefined {
  const sc = /\b(?:COMPAT_)?SYSCALL_DEFINE\d\s*\(\s*(\w+)/.exec(signature);
  if (sc) return sc[1];
  const m = /([A-Za-z_]\w*)\s*\(\s*(\w*)/.exec(signature);
  if (!m) return undefined;
  // A defining macro (`DEFINE_IDTENTRY_RAW_ERRORCODE(exc_page_fault)`) names the function in its argument.
  if (/^[A-Z][A-Z0-9_]*$/.test(m[1]) && m[2] && signature.trimStart().startsWith(m[1])) return m[2];
  return m[1];
}

function extentFrom(text: string, headFirst: Node, body: Node): FunctionExtent {
  const head = headerStart(headFirst);
  const signature = collapse(text.slice(head.startIndex, body.startIndex));
  return {
    startRow: head.startPosition.row,
    endRow: body.endPosition.row,
    bodyRow: body.startPosition.row,
    signature,
    name: headerName(signature),
  };
}

/** For a top-level node that holds (part of) a header, the function body that follows it, if nothing ends the header first. */
function followingBody(text: string, top: Node, from: number): { head: Node; body: Node } | undefined {
  const own = bodyOf(top);
  if (own && top.type === 'function_definition') return from < own.startIndex ? { head: top, body: own } : undefined;
  if (top.type === 'compound_statement') return undefined;
  let sib = top.nextSibling;
  for (let hops = 0; sib && hops < 8; sib = sib.nextSibling, hops++) {
    const body = bodyOf(sib);
    if (body) {
      const between = collapse(text.slice(from, body.startIndex));
      return between.includes(';') || between.includes('}') || between.includes('{') ? undefined : { head: top, body };
    }
    if (!isBrokenHeaderPiece(sib) && sib.type !== 'comment') return undefined;
  }
  return undefined;
}

export function parseC(parser: Parser, text: string): Tree | undefined {
  if (text.length > MAX_PARSE_CHARS) return undefined;
  return parser.parse(text) ?? undefined;
}

/** Is the identifier at `index` the name in a function header (definition, not use or prototype)? */
export function definitionAt(tree: Tree, text: string, index: number, nameLength: number): FunctionExtent | undefined {
  const node = tree.rootNode.descendantForIndex(index, index + nameLength);
  if (!node) return undefined;
  for (let a: Node | null = node; a; a = a.parent) if (USE_CONTEXTS.has(a.type)) return undefined;
  const top = topLevel(node);
  if (!top) return undefined;
  const found = followingBody(text, top, index + nameLength);
  return found ? extentFrom(text, found.head, found.body) : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function rowCol(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: index - lineStart };
}

/**
 * Definitions of `name` in one C file: `name(` in a function header, or `SYSCALL_DEFINEn(name,` when
 * `syscall` is given. `parser` null = textual fallback only (huge files).
 */
export function findDefinitions(parser: Parser | null, text: string, name: string, syscall?: { name: string; compat: boolean }): DefinitionHit[] {
  /** index/len: the name; paren: the `(` whose argument list precedes the body (the name's or the macro's). */
  const hits: { index: number; len: number; paren: number; kind: DefinitionHit['kind'] }[] = [];
  const fnRe = new RegExp(`(?<![\\w.>])${escapeRe(name)}\\s*\\(`, 'g');
  for (let m = fnRe.exec(text); m; m = fnRe.exec(text)) hits.push({ index: m.index, len: name.length, paren: m.index + m[0].length - 1, kind: 'function' });
  // Defining macros name the function in their first argument and are followed by its body.
  const macroRe = new RegExp(`\\b(?!(?:COMPAT_)?SYSCALL_DEFINE)[A-Z][A-Z0-9_]*\\s*\\(\\s*(${escapeRe(name)})\\s*[,)]`, 'g');
  for (let m = macroRe.exec(text); m; m = macroRe.exec(text)) {
    const paren = m.index + m[0].indexOf('(');
    hits.push({ index: text.indexOf(m[1], paren), len: name.length, paren, kind: 'macro' });
  }
  if (syscall) {
    const macro = syscall.compat ? 'COMPAT_SYSCALL_DEFINE' : '(?<!COMPAT_)SYSCALL_DEFINE';
    const scRe = new RegExp(`\\b${macro}\\d\\s*\\(\\s*(${escapeRe(syscall.name)})\\s*[,)]`, 'g');
    for (let m = scRe.exec(text); m; m = scRe.exec(text)) {
      const paren = m.index + m[0].indexOf('(');
      hits.push({ index: text.indexOf(m[1], paren), len: syscall.name.length, paren, kind: 'syscall' });
    }
  }
  const out: DefinitionHit[] = [];
  for (const h of hits) {
    // Calls and prototypes (`foo(x);`, `if (foo(x))`) are dropped before any parsing.
    if (!bodyFollows(text, h.paren)) continue;
    // Kernel style starts a definition's name line at column 0; an indented `name(...) {` is a loop macro
    // in a body (`list_for_each_entry(...) {`) or an annotation (`\t__acquires(x)`), which the window
    // parse below cannot tell from a header because the window starts inside the body.
    if (/[ \t]/.test(text[text.lastIndexOf('\n', h.index - 1) + 1] ?? '')) continue;
    const ext = parser && text.length <= MAX_PARSE_CHARS ? definitionInWindow(parser, text, h.index, h.len) : textualDefinitionAt(text, h.index, h.len);
    if (!ext) continue;
    const { row, column } = rowCol(text, h.index);
    out.push({ ...ext, row, column, kind: h.kind });
  }
  return out;
}

/** Index just past the `)` matching the `(` at `open`, or -1. Skips comments and strings. */
function skipBalanced(text: string, open: number, limit = 8000): number {
  let depth = 0;
  const end = Math.min(text.length, open + limit);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) return -1; i = e + 1; continue; }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); if (e < 0) return -1; i = e; continue; }
    if (c === '"' || c === "'") { let j = i + 1; while (j < end && text[j] !== c) j += text[j] === '\\' ? 2 : 1; i = j; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** After the argument list at `paren`: only attributes (`__acquires(x)`, `__must_hold(y)`) and comments before a `{`. */
export function bodyFollows(text: string, paren: number): boolean {
  let i = skipBalanced(text, paren);
  for (let guard = 0; i >= 0 && guard < 32; guard++) {
    while (i < text.length && /\s/.test(text[i])) i++;
    const c = text[i];
    if (c === '{') return true;
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) return false; i = e + 2; continue; }
    if (c === '/' && text[i + 1] === '/') { const e = text.indexOf('\n', i); if (e < 0) return false; i = e; continue; }
    const id = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 128));
    if (!id) return false;
    i += id[0].length;
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    if (text[i] === '(') i = skipBalanced(text, i);
  }
  return false;
}

/**
 * Parse only the lines around one candidate: from the start of its header (back to a blank line, a
 * `}` or `;` line, a preprocessor line or its continuation, or a comment end) to the next `}` at column 0.
 */
function definitionInWindow(parser: Parser, text: string, index: number, len: number): FunctionExtent | undefined {
  let start = text.lastIndexOf('\n', index - 1) + 1;
  for (let k = 0; k < 64 && start > 0; k++) {
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    const prev = text.slice(prevStart, start - 1);
    if (/^\s*$|^}|;\s*$|\*\/\s*$|^\s*#|^\s*\/\//.test(prev)) break;
    // The last line of a continued directive (`#if A || \` + `\tdefined(B)`) is no header either.
    if (prevStart > 0 && text[prevStart - 2] === '\\') break;
    start = prevStart;
  }
  const close = /\n}/g;
  close.lastIndex = index;
  const m = close.exec(text);
  let end = m ? text.indexOf('\n', m.index + 2) : text.length;
  if (end < 0) end = text.length;
  const window = text.slice(start, end);
  const tree = parser.parse(window);
  if (!tree) return undefined;
  try {
    const ext = definitionAt(tree, window, index - start, len);
    // tree-sitter gives up on some bodies (one that opens with a `#define`) and leaves the whole window an
    // ERROR; the name at column 0 with a body after it is then a definition unless it is on a preprocessor line.
    if (!ext) return tree.rootNode.hasError && !inPreprocessor(text, index) ? textualDefinitionAt(text, index, len) : undefined;
    const rowOffset = rowCol(text, start).row;
    return { ...ext, startRow: ext.startRow + rowOffset, endRow: ext.endRow + rowOffset, bodyRow: ext.bodyRow + rowOffset };
  } finally {
    tree.delete();
  }
}

/** Is the line at `index` a preprocessor line (`#if defined(X)`, `#define f(x)`) or a continued one? */
function inPreprocessor(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  if (/^\s*#/.test(text.slice(lineStart, index))) return true;
  let lineEnd = text.indexOf('\n', index);
  if (lineEnd < 0) lineEnd = text.length;
  const prev = lineStart > 1 ? text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1) : '';
  return /\\\s*$/.test(text.slice(lineStart, lineEnd)) || /\\\s*$/.test(prev);
}

/** Without a parse tree: a name at the start of a line's header whose `)` is followed by `{` before any `;`. */
function textualDefinitionAt(text: string, index: number, len: number): FunctionExtent | undefined {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  if (/^\s/.test(text.slice(lineStart, lineStart + 1))) return undefined;
  const after = text.slice(index + len, index + len + 2000);
  const brace = after.indexOf('{');
  const semi = after.indexOf(';');
  if (brace < 0 || (semi >= 0 && semi < brace)) return undefined;
  const { row } = rowCol(text, index);
  const bodyRow = row + (after.slice(0, brace).match(/\n/g)?.length ?? 0);
  const close = text.indexOf('\n}', index + len + brace);
  const endRow = close < 0 ? bodyRow : rowCol(text, close + 1).row;
  const signature = collapse(text.slice(lineStart, index + len + brace));
  return { startRow: row, endRow, bodyRow, signature, name: headerName(signature) };
}

/** The function whose extent contains `row` (0-based), or undefined (top-level data, macros). */
export function enclosingFunction(tree: Tree, text: string, row: number): FunctionExtent | undefined {
  let container: Node = tree.rootNode;
  // Descend through preprocessor blocks to the top-level node at `row`.
  for (let depth = 0; depth < 16; depth++) {
    let hit: Node | undefined;
    for (const c of container.namedChildren) {
      if (!c) continue;
      if (c.startPosition.row <= row && row <= c.endPosition.row) { hit = c; }
      if (c.startPosition.row > row) {
        // A header piece above a body that begins later: `row` is inside the signature.
        if (!hit) hit = c;
        break;
      }
    }
    if (!hit) return undefined;
    if (CONTAINERS.has(hit.type) && hit.type !== 'translation_unit') { container = hit; continue; }
    const body = bodyOf(hit);
    if (body) {
      const ext = extentFrom(text, hit, body);
      return ext.startRow <= row && row <= ext.endRow ? ext : undefined;
    }
    // Maybe a header piece (or the row is in a header): the next body that follows without a terminator.
    const found = followingBody(text, hit, hit.startIndex);
    if (!found) return undefined;
    const ext = extentFrom(text, found.head, found.body);
    return ext.startRow <= row && row <= ext.endRow ? ext : undefined;
  }
  return undefined;
}
