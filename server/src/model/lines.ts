// Splits a document into lines and peels off what the logging path put in front of the
// kernel's message: console level, syslog/journal prefix, dmesg timestamps, printk caller ids,
// and the noise consoles glue in front (`syzkaller login: `, `** 3 printk messages dropped ** `).
// This runs on every line of 50 MB logs, so the common `[ 12.345678] ` prefix is scanned by hand.
import type { LogLine } from './types';

// `\x1b[0;32m`-style colour codes from consoles and `dmesg --color`.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

// syslog / journalctl: `Jan 12 10:00:01 host kernel: ` or ISO `2025-01-12T10:00:01.123+00:00 host kernel: `
const SYSLOG = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ kernel: ?/;
// dmesg -T: `[Mon Jan 12 10:00:01 2025]`
const HUMAN_TIME = /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/;
// Console noise in front of a kernel line: a login prompt the kernel printed over, or the
// `printk messages dropped` notice (syzkaller strips both before reading the prefix).
const DROPPED = /^\*\* \d+ printk messages dropped \*\* /;
const LOGIN = /^.*? login: (?=[<[])/;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Parse one physical line. `lineNo` is its 0-based index. */
export function parseLine(raw: string, lineNo: number, mayHaveEscapes = true): LogLine {
  let s = raw;
  if (mayHaveEscapes && s.indexOf('\x1b') >= 0) s = s.replace(ANSI, '');
  // Every field present from the start: one hidden class, no out-of-object property store.
  const out: LogLine = { line: lineNo, raw, textStart: 0, text: s, timestamp: undefined, caller: undefined, level: undefined };
  const n = s.length;
  let pos = 0;
  let c = s.charCodeAt(0);

  if (c === 42 /* * */ && s.startsWith('** ')) {
    const m = DROPPED.exec(s);
    if (m) {
      pos = m[0].length;
      c = s.charCodeAt(pos);
    }
  }
  if (c !== 91 /* [ */ && c !== 60 /* < */ && s.indexOf(' login: ') >= 0) {
    const m = LOGIN.exec(s.slice(pos));
    if (m) {
      pos += m[0].length;
      c = s.charCodeAt(pos);
    }
  }
  if ((c >= 65 && c <= 90) || isDigit(c)) {
    const m = SYSLOG.exec(pos ? s.slice(pos) : s);
    if (m) {
      pos += m[0].length;
      c = s.charCodeAt(pos);
    }
  }
  // `<4>` console level
  if (c === 60 && isDigit(s.charCodeAt(pos + 1)) && s.charCodeAt(pos + 2) === 62 /* > */) {
    out.level = s.charCodeAt(pos + 1) - 48;
    pos += 3;
    c = s.charCodeAt(pos);
  }
  if (c === 91) {
    let end = timestampEnd(s, pos, out);
    if (end < 0) {
      const m = HUMAN_TIME.exec(pos ? s.slice(pos) : s);
      if (m) end = pos + m[0].length;
    }
    if (end > 0) {
      pos = callerEnd(s, end, out);
      // The kernel prints exactly one space after the prefix; the rest is message indentation.
      if (s.charCodeAt(pos) === 32) pos++;
    }
  }
  if (pos > n) pos = n;
  // With escape codes removed, columns of `text` no longer match `raw`: keep textStart conservative.
  out.textStart = s === raw ? pos : Math.min(pos, raw.length);
  out.text = pos ? s.slice(pos) : s;
  return out;
}

/** `[   12.345678]` at `pos`: sets out.timestamp and returns the index after `]`, or -1. */
function timestampEnd(s: string, pos: number, out: LogLine): number {
  let i = pos + 1;
  while (s.charCodeAt(i) === 32) i++;
  let whole = 0;
  const startDigits = i;
  while (isDigit(s.charCodeAt(i))) whole = whole * 10 + (s.charCodeAt(i++) - 48);
  if (i === startDigits || s.charCodeAt(i) !== 46 /* . */) return -1;
  i++;
  let frac = 0;
  let scale = 1;
  const startFrac = i;
  while (isDigit(s.charCodeAt(i))) {
    frac = frac * 10 + (s.charCodeAt(i++) - 48);
    scale *= 10;
  }
  if (i === startFrac || s.charCodeAt(i) !== 93 /* ] */) return -1;
  out.timestamp = whole + frac / scale;
  return i + 1;
}

/** printk caller `[ T123]` / `[  C1]` right after the timestamp (with or without a space). */
function callerEnd(s: string, pos: number, out: LogLine): number {
  let i = pos;
  if (s.charCodeAt(i) === 32 && s.charCodeAt(i + 1) === 91) i++;
  if (s.charCodeAt(i) !== 91) return pos;
  i++;
  while (s.charCodeAt(i) === 32) i++;
  const kind = s.charCodeAt(i);
  if (kind !== 84 /* T */ && kind !== 67 /* C */) return pos;
  const start = i;
  i++;
  while (isDigit(s.charCodeAt(i))) i++;
  if (i === start + 1 || s.charCodeAt(i) !== 93) return pos;
  out.caller = s.slice(start, i);
  return i + 1;
}

/** Split text into lines (LF, CRLF or lone CR) and parse each. */
export function parseLines(text: string): LogLine[] {
  const raws = splitLines(text);
  const out = new Array<LogLine>(raws.length);
  // One scan of the whole text instead of one per line.
  const escapes = text.indexOf('\x1b') >= 0;
  for (let i = 0; i < raws.length; i++) out[i] = parseLine(raws[i], i, escapes);
  return out;
}

export function splitLines(text: string): string[] {
  // Most logs are LF-only; a plain split is several times faster than the regex one.
  return text.indexOf('\r') < 0 ? text.split('\n') : text.split(/\r\n|\r|\n/);
}
