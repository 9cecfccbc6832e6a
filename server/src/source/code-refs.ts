// Finds references to source code (`path.c:123`, crash's `path.c: 123`) in one line of log text.
// Pure: columns are UTF-16 offsets into the given text. Covers `kernel BUG at fs/nfs/pagelist.c:382!`,
// `WARNING: CPU: 1 PID: 1 at kernel/module.c:1108 ...`, `WARNING: [cond] io_uring/io_uring.c:3026 at ...`,
// list_debug `lib/list_debug.c:53`, syzbot `fs/file.c:123 [inline]`, gdb/addr2line/decode_stacktrace
// output, and crash(8) `bt -l` / `dis -l` / `sym` path lines.

export interface CodeRef {
  /** The path as printed (build prefixes still on). */
  path: string;
  /** 1-based line, when printed. */
  line?: number;
  column?: number;
  /** [start, end) columns of the whole reference (path through line number). */
  start: number;
  end: number;
  /** `colon`: path:line; `crash`: crash(8)'s `path: line`; `path`: a path with directories and no line. */
  form: 'colon' | 'crash' | 'path';
  /** syzbot `[inline]` marker follows. */
  inline: boolean;
}

/** Source file extensions found in kernel trees and debug info. */
const EXT = '(?:c|h|S|s|rs|lds|inc|y|l|cpp|cc)';
// A path: optional ./ ../ or /, then segments. `@`, `+`, `~`, `,` occur in build dirs (linux-6.1+git, ~bpo).
const PATH = `(?:\\.{1,2}/|/)?(?:[\\w.+@~,-]+/)*[\\w+@~,-][\\w.+@~,-]*\\.${EXT}`;
const REF = new RegExp(
  `(?<![\\w./~@+\\-])(${PATH})(?![\\w+@~\\-/]|\\.\\w)(?:(?::(\\d+)(?::(\\d+))?)|(?:: (\\d+)(?=\\s*$|\\s)))?`,
  'g',
);

/** Every code reference in `text`, left to right. */
export function findCodeRefs(text: string): CodeRef[] {
  const out: CodeRef[] = [];
  // Cheap reject: no source extension, no reference.
  if (!/\.(?:c|h|S|s|rs|lds|inc|y|l|cpp|cc)\b/.test(text)) return out;
  REF.lastIndex = 0;
  for (let m = REF.exec(text); m; m = REF.exec(text)) {
    const path = m[1];
    const colonLine = m[2];
    const crashLine = m[4];
    const hasDir = path.includes('/');
    if (!colonLine && !crashLine && !hasDir) continue; // bare `foo.c` in prose: too ambiguous
    if (/^\.+\//.test(path) && !hasDir) continue;
    const end = m.index + m[0].length;
    const ref: CodeRef = {
      path,
      start: m.index,
      end,
      form: colonLine ? 'colon' : crashLine ? 'crash' : 'path',
      inline: /^\s*\[inline\]/.test(text.slice(end)),
    };
    const line = Number(colonLine ?? crashLine);
    if (colonLine || crashLine) {
      if (line <= 0) continue; // line 0 = unknown (llvm-symbolizer `file.c:0`)
      ref.line = line;
    }
    if (m[3]) ref.column = Number(m[3]);
    out.push(ref);
  }
  return out;
}
