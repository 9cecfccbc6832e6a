// Splits a document into lines and peels off what the logging path put in front of the
// kernel's message: console level, syslog/journal prefix, dmesg timestamps, printk caller ids.
import type { LogLine } from './types';

// `\x1b[0;32m`-style colour codes from consoles and `dmesg --color`.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

// syslog / journalctl: `Jan 12 10:00:01 host kernel: ` or ISO `2025-01-12T10:00:01.123+00:00 host kernel: `
const SYSLOG = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ kernel: ?/;
// `<4>` console level
const LEVEL = /^<(\d)>/;
// `[   12.345678]` (optionally with the caller inside: `[   12.345678][ T123]` handled separately)
const TIMESTAMP = /^\[\s*(\d+\.\d+)\]/;
// dmesg -T: `[Mon Jan 12 10:00:01 2025]`
const HUMAN_TIME = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/;
// printk caller `[ T123]` / `[  C1]`, right after the timestamp (with or without a space)
const CALLER = /^ ?\[\s*([TC]\d+)\]/;

/** Parse one physical line. `lineNo` is its 0-based index. */
export function parseLine(raw: string, lineNo: number): LogLine {
  let pos = 0;
  let rest = raw;
  let text: string | undefined;
  const out: LogLine = { line: lineNo, raw, textStart: 0, text: raw };

  // Escape codes shift columns; strip them only when present and map textStart conservatively.
  if (raw.includes('\x1b')) {
    rest = raw.replace(ANSI, '');
    text = rest;
  }

  const first = rest.charCodeAt(0);
  // Fast exit: most kernel lines start with '[' or ' ' or a letter; only then do the regexes run.
  if (first === 60 /* < */) {
    const m = LEVEL.exec(rest);
    if (m) {
      out.level = Number(m[1]);
      pos += m[0].length;
      rest = rest.slice(m[0].length);
    }
  } else if ((first >= 65 && first <= 90) || (first >= 48 && first <= 57)) {
    const m = SYSLOG.exec(rest);
    if (m) {
      pos += m[0].length;
      rest = rest.slice(m[0].length);
      const lv = LEVEL.exec(rest);
      if (lv) {
        out.level = Number(lv[1]);
        pos += lv[0].length;
        rest = rest.slice(lv[0].length);
      }
    }
  }
  if (rest.charCodeAt(0) === 91 /* [ */) {
    const m = TIMESTAMP.exec(rest) ?? HUMAN_TIME.exec(rest);
    if (m) {
      if (m[1] !== undefined) out.timestamp = Number(m[1]);
      pos += m[0].length;
      rest = rest.slice(m[0].length);
      const c = CALLER.exec(rest);
      if (c) {
        out.caller = c[1];
        pos += c[0].length;
        rest = rest.slice(c[0].length);
      }
      // The kernel prints exactly one space after the prefix; the rest is message indentation.
      if (rest.charCodeAt(0) === 32) {
        pos += 1;
        rest = rest.slice(1);
      }
    }
  }
  out.textStart = text === undefined ? pos : Math.min(pos, raw.length);
  out.text = rest;
  return out;
}

/** Split text into lines (LF, CRLF or lone CR) and parse each. */
export function parseLines(text: string): LogLine[] {
  const raws = splitLines(text);
  const out = new Array<LogLine>(raws.length);
  for (let i = 0; i < raws.length; i++) out[i] = parseLine(raws[i], i);
  return out;
}

export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
