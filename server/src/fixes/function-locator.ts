// Where a C function is defined in a file's text, and the patterns git needs to find it.
// The definition's extent comes from source/c-functions.ts; the git patterns are this module's own.
import type { Parser } from 'web-tree-sitter';
import { findDefinitions, type DefinitionHit } from '../source/c-functions';
import { isIdentifier, nameQuery } from '../source/symbol-names';

/** The name as it appears in source, from a symbol as printed in a trace. */
export interface SourceFunction {
  /** Identifier to look for: `nfs_unlock_request`, or the syscall name `close` for `__x64_sys_close`. */
  name: string;
  /** true when the symbol is a syscall wrapper defined by SYSCALL_DEFINEn(name, ...). */
  syscall: boolean;
  /** The symbol as given (after suffix stripping), for messages. */
  symbol: string;
}

// Only the suffixes compilers add: `tsan.module_ctor` is no clone of a function `tsan`.
const COMPILER_SUFFIX = /(\.(isra|constprop|part|cold|llvm|lto_priv|localalias|clone|specialized)(\.\d+)?)+$/;

/** The printed symbol's source name; syscall wrappers are recognised as go-to-definition does (source/symbol-names.ts). */
export function sourceFunction(symbol: string): SourceFunction | undefined {
  const s = symbol.trim().replace(COMPILER_SUFFIX, '').replace(/\.\d+$/, '');
  if (!isIdentifier(s) || s.length > 200) return undefined;
  // A plain `sys_X` is also an ordinary function's name (fbdev's sys_copyarea); `__<arch>_sys_X` is a wrapper.
  const sys = s.startsWith('__') ? nameQuery(s).syscall : undefined;
  return sys ? { name: sys.name, syscall: true, symbol: s } : { name: s, syscall: false, symbol: s };
}

/** POSIX ERE matching the identifier as a whole word (git -G, git grep -E, --grep -E). */
export function wordPattern(name: string): string {
  return `(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`;
}

/** POSIX ERE for a definition line at column 0 (git grep -E). */
export function definitionPattern(fn: SourceFunction): string {
  if (fn.syscall) return `^(COMPAT_)?SYSCALL_DEFINE[0-9]\\(${fn.name}[,)]`;
  return `^([A-Za-z_][^;=(]*[^A-Za-z0-9_])?${fn.name}[[:space:]]*\\(`;
}

/** ERE for lines that name the function in a diff (git -G). */
export function changePattern(fn: SourceFunction): string {
  return fn.syscall ? `SYSCALL_DEFINE[0-9]\\(${fn.name}[,)]` : wordPattern(fn.name);
}

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/**
 * The lines of the first definition (not a prototype, macro or call) of `fn` in `text`, C text at some
 * revision (`git cat-file`), found by source/'s tree-sitter finder. `parser` null: its textual fallback
 * (the extent starts at the name's line, not at a return type on the line above).
 */
export function findDefinition(text: string, fn: SourceFunction, parser: Parser | null): LineRange | undefined {
  const hits = fn.syscall
    ? [false, true].flatMap((compat) => findDefinitions(parser, text, fn.symbol, { name: fn.name, compat })).filter((h) => h.kind === 'syscall')
    : findDefinitions(parser, text, fn.name).filter((h) => h.kind === 'function');
  // The first in the file: (COMPAT_)SYSCALL_DEFINEn alike, as `git grep` finds them.
  let first: DefinitionHit | undefined;
  for (const h of hits) if (!first || h.row < first.row) first = h;
  return first ? { start: first.startRow + 1, end: first.endRow + 1 } : undefined;
}

/** Escape a literal string for a POSIX ERE. */
export function ereEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
