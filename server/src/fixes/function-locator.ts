// Where a C function is defined in a file's text, and the patterns git needs to find it.
// A small scanner, not a parser: kernel style puts definitions at column 0, which is what we rely on.

/** The name as it appears in source, from a symbol as printed in a trace. */
export interface SourceFunction {
  /** Identifier to look for: `nfs_unlock_request`, or the syscall name `close` for `__x64_sys_close`. */
  name: string;
  /** true when the symbol is a syscall wrapper defined by SYSCALL_DEFINEn(name, ...). */
  syscall: boolean;
  /** The symbol as given (after suffix stripping), for messages. */
  symbol: string;
}

const COMPILER_SUFFIX = /(\.(isra|constprop|part|cold|llvm|lto_priv|localalias|clone|specialized)(\.\d+)?)+$/;
const SYSCALL_WRAPPER = /^__(?:x64|ia32|arm64|riscv|s390x|powerpc|se|do)_(?:compat_)?sys_([A-Za-z0-9_]+)$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function sourceFunction(symbol: string): SourceFunction | undefined {
  const s = symbol.trim().replace(COMPILER_SUFFIX, '').replace(/\.\d+$/, '');
  if (!IDENT.test(s) || s.length > 200) return undefined;
  const sys = SYSCALL_WRAPPER.exec(s);
  if (sys) return { name: sys[1], syscall: true, symbol: s };
  return { name: s, syscall: false, symbol: s };
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

/** The lines of the first definition (not a prototype, macro or call) of `fn` in `text`. */
export function findDefinition(text: string, fn: SourceFunction): LineRange | undefined {
  const lines = text.split('\n');
  const head = fn.syscall
    ? new RegExp(`^(?:COMPAT_)?SYSCALL_DEFINE\\d\\(${fn.name}[,)]`)
    : new RegExp(`(?:^|[^A-Za-z0-9_])${fn.name}\\s*\\(`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || /^[\s#]/.test(line) || line.startsWith('/') || line.startsWith('*')) continue;
    const m = head.exec(line);
    if (!m) continue;
    const open = signatureEnd(lines, i, m.index + m[0].indexOf('('));
    if (!open) continue;
    const end = matchingBrace(lines, open.line, open.col);
    if (end === undefined) continue;
    let start = i;
    // Return type and attributes on the lines above (`static void\nnfs_unlock_request(...)`).
    while (start > 0 && start > i - 3 && /^[A-Za-z_][A-Za-z0-9_ \t*()]*$/.test(lines[start - 1]) && !/[;{}]\s*$/.test(lines[start - 1]))
      start--;
    return { start: start + 1, end: end + 1 };
  }
  return undefined;
}

/** From the `(` after the name, the position of the body's `{`, or undefined for prototypes/initialisers. */
function signatureEnd(lines: string[], line: number, col: number): { line: number; col: number } | undefined {
  let depth = 0;
  for (let l = line; l < lines.length && l < line + 40; l++) {
    const s = lines[l];
    for (let c = l === line ? col : 0; c < s.length; c++) {
      const ch = s[c];
      if (ch === '/' && s[c + 1] === '/') break;
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (depth === 0 && (ch === ';' || ch === '=' || ch === ',')) return undefined;
      else if (depth === 0 && ch === '{') return { line: l, col: c };
    }
  }
  return undefined;
}

function matchingBrace(lines: string[], line: number, col: number): number | undefined {
  let depth = 0;
  let inBlock = false;
  for (let l = line; l < lines.length; l++) {
    const s = lines[l];
    let c = l === line ? col : 0;
    if (!inBlock && /^\s*#/.test(s) && l !== line) continue;
    for (; c < s.length; c++) {
      const ch = s[c];
      if (inBlock) {
        if (ch === '*' && s[c + 1] === '/') { inBlock = false; c++; }
        continue;
      }
      if (ch === '/' && s[c + 1] === '*') { inBlock = true; c++; continue; }
      if (ch === '/' && s[c + 1] === '/') break;
      if (ch === '"' || ch === "'") {
        c = skipQuoted(s, c);
        continue;
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) return l;
      }
    }
  }
  return undefined;
}

function skipQuoted(s: string, c: number): number {
  const q = s[c];
  for (let i = c + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === q) return i;
  }
  return s.length;
}

/** Escape a literal string for a POSIX ERE. */
export function ereEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
