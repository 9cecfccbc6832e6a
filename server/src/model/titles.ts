// syzkaller-compatible title, alternative titles, crash type, guilty frame and corruption
// verdict of one report (rules from syzkaller's pkg/report, see headers.ts for attribution).
import type { LogLine } from './types';
import {
  CORRUPTED_LINES, FRAME_LINES, INFO_MESSAGES_WITH_STACK, OOPSES, RISCV_STACK_START, STACK_STARTS,
  STRIP_FRAME_PREFIXES, findOops, isContinuationHeader, mayBeHeader, type HeaderMatch, type OopsFormat, type OopsHeader,
} from './headers';
import { extractGuilty, type GuiltyFrame } from './guilty';
import { titleToType } from './crash-types';

export interface TitleResult {
  type: string;
  title: string;
  altTitles: string[];
  guiltyFrame?: string;
  guiltyLine?: number;
  corrupted: boolean;
  corruptedReason?: string;
}

/** A report is never read further than this many lines for its title (keeps huge logs fast). */
const MAX_REPORT_LINES = 1000;
/** ...nor scanned further than this many lines past its header (other callers' lines included). */
const MAX_SCAN_LINES = 4000;
/** Longer lines are cut: titles come from the start of a line, and regexes stay linear. */
const MAX_TEXT = 4096;
/** Lines kept after a later report begins: enough for syzkaller's stack-trace checks, and logs
 *  with thousands of reports stay linear. */
const TAIL_LINES = 100;
/** Lines of the report proper before a trailing panic/lockdep splat may be dropped. */
const MIN_LINES = 22;
const MIN_LINES_KMSAN = 16;

/** The report text as syzkaller sees it: same-context lines from the header on. */
export interface ReportText {
  /** Message text of each line. */
  texts: string[];
  /** Document line of each entry of `texts`. */
  lineNos: number[];
  /** `texts.slice(0, end)` is the part before a second, unrelated report starts. */
  end: number;
}

/** printk context of a line: caller id, or just "has a console prefix", or none. */
function contextOf(l: LogLine): string {
  if (l.caller) return l.caller;
  return l.timestamp !== undefined ? 'console' : '';
}

/** `?` frames (x86) and `(unreliable)` frames (powerpc) are dropped from the report text. */
function isQuestionable(text: string): boolean {
  if (!text.includes(' ? ') && !text.endsWith(' (unreliable)')) return false;
  return !text.includes('<EOI>');
}

const REPLAY = '** replaying previous printk message **';

/** Collect the lines syzkaller would consider part of the report starting at `headerLine`. */
export function collectReport(lines: LogLine[], headerLine: number): ReportText {
  const texts: string[] = [];
  const lineNos: number[] = [];
  const head = lines[headerLine];
  const ctx = contextOf(head);
  const byCaller = ctx !== '' && ctx !== 'console';
  const minLines = head.text.includes('BUG: KMSAN:') ? MIN_LINES_KMSAN : MIN_LINES;
  let end = -1;
  // Where a later report begins (in this report's own printk context when callers are printed).
  let cut = -1;
  let secondReport = false;
  let textLines = 0;
  let skipRest = false;
  let cpuTraceback = false;
  const stop = Math.min(lines.length, headerLine + MAX_SCAN_LINES);
  for (let i = headerLine; i < stop && texts.length < MAX_REPORT_LINES; i++) {
    const l = lines[i];
    const t = l.text.length > MAX_TEXT ? l.text.slice(0, MAX_TEXT) : l.text;
    const isHeader = i === headerLine;
    if (!isHeader && !secondReport) {
      if (mayBeHeader(t) && findOops(t) >= 0 && !isContinuationHeader(t) && !replayedNext(lines, i)) secondReport = true;
      else if (INFO_MESSAGES_WITH_STACK.some((m) => t.includes(m))) secondReport = true;
      if (secondReport && !byCaller) end = cut = texts.length;
    }
    if (!isHeader) {
      const c = contextOf(l);
      if (c !== ctx && !(cpuTraceback && c.startsWith('C'))) continue;
      if (c !== '' && isQuestionable(t)) continue;
      if (byCaller && cut < 0 && mayBeHeader(t) && findOops(t) >= 0 && !isContinuationHeader(t)) cut = texts.length;
    }
    if (cut >= 0 && texts.length >= cut + TAIL_LINES) break;
    textLines++;
    let skip = skipRest;
    if (t.includes('Disabling lock debugging due to kernel taint')) skip = true;
    else if (t.includes('Sending NMI from CPU')) cpuTraceback = true;
    else if ((t.includes('Kernel panic - not syncing') || t.includes('WARNING: possible circular locking dependency detected')) && textLines > minLines) {
      // panic_on_warn adds a second stack of the panic itself, and oopses often trigger lockdep
      // splats: once the report proper is long enough, the rest is noise.
      skipRest = true;
      skip = true;
    }
    // Everything after is dropped anyway.
    if (skipRest && !isHeader) break;
    if (!isHeader && skip) continue;
    texts.push(t);
    lineNos.push(i);
  }
  return { texts, lineNos, end: end < 0 ? texts.length : end };
}

function replayedNext(lines: LogLine[], i: number): boolean {
  return i + 1 < lines.length && lines[i + 1].text.includes(REPLAY);
}

/** Title a report whose header (matched by matchHeader) is on `headerLine`. */
export function titleReport(lines: LogLine[], reportLines: number[], header: HeaderMatch, headerLine: number): TitleResult {
  void reportLines; // the extent syzkaller titles from is its own (collectReport), wider than the view's
  const rep = collectReport(lines, headerLine);
  const oops = OOPSES[header.oops] ?? OOPSES[findOops(lines[headerLine].text)];
  if (!oops) return { type: 'UNKNOWN', title: sanitizeTitle(lines[headerLine].text), altTitles: [], corrupted: true, corruptedReason: 'no oops header' };
  return titleFromText(rep, oops, hasConsoleHangup(lines));
}

const hangupCache = new WeakMap<LogLine[], boolean>();
/** GCE's serial console drops right after panics; such logs are usually truncated. */
function hasConsoleHangup(lines: LogLine[]): boolean {
  let v = hangupCache.get(lines);
  if (v === undefined) {
    v = lines.some((l) => l.text.includes('serialport: VM disconnected.'));
    hangupCache.set(lines, v);
  }
  return v;
}

interface Arg {
  value: string;
  /** Index into the report texts where this value was read, when known. */
  index?: number;
}

interface Description {
  title: string;
  alts: string[];
  corrupted: string;
  format?: OopsFormat;
  /** Index in report texts of the frame named by the title. */
  guiltyIndex?: number;
}

export function titleFromText(rep: ReportText, oops: OopsHeader, consoleHangup = false): TitleResult {
  const head = rep.texts.slice(0, rep.end);
  const text = head.join('\n') + '\n';
  const starts = lineStarts(head);
  const d = describe(text, head, starts, oops);
  let corrupted = d.corrupted;
  const rawTitle = d.title;
  if (!corrupted) corrupted = corruptionOf(rawTitle, rep.texts, d.format);
  const title = normalizeTitle(rawTitle);
  const altTitles = d.alts.map(normalizeTitle);
  const frameMatch = /.* in ((?:<[a-zA-Z0-9_: ]+>)?[a-zA-Z0-9_:]+)/.exec(title);
  const frame = frameMatch?.[1];
  const res: TitleResult = {
    type: titleToType(rawTitle),
    title,
    altTitles,
    corrupted: corrupted !== '' || consoleHangup,
  };
  if (corrupted) res.corruptedReason = corrupted;
  else if (consoleHangup) res.corruptedReason = 'console connection lost after the crash';
  if (frame && frame !== 'corrupted') {
    res.guiltyFrame = frame;
    if (d.guiltyIndex !== undefined) res.guiltyLine = rep.lineNos[d.guiltyIndex];
  }
  return res;
}

function lineStarts(texts: string[]): number[] {
  const s = new Array<number>(texts.length);
  let pos = 0;
  for (let i = 0; i < texts.length; i++) {
    s[i] = pos;
    pos += texts[i].length + 1;
  }
  return s;
}

/** Index of the line containing character `pos`. */
function lineAt(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const withIndices = new WeakMap<RegExp, RegExp>();
function indexed(r: RegExp): RegExp {
  let x = withIndices.get(r);
  if (!x) {
    x = new RegExp(r.source, r.flags.includes('d') ? r.flags : r.flags + 'd');
    withIndices.set(r, x);
  }
  return x;
}

/** syzkaller's extractDescription: the earliest-matching format decides the title. */
function describe(text: string, lines: string[], starts: number[], oops: OopsHeader): Description {
  let startPos = text.length;
  let desc = '';
  let corrupted = '';
  let format: OopsFormat | undefined;
  let matchedTitle = false;
  let guiltyIndex: number | undefined;
  const alts: string[] = [];
  for (const f of oops.formats) {
    const tm = f.title.exec(text);
    if (!tm || tm.index > startPos) continue;
    if (tm.index === startPos && desc !== '') continue;
    if (tm.index < startPos) {
      desc = '';
      format = undefined;
      startPos = tm.index;
    }
    matchedTitle = true;
    let m: RegExpExecArray | null = tm;
    let source = f.title;
    if (f.report) {
      source = f.report;
      m = f.report.exec(text);
      if (!m) continue;
    }
    const args: Arg[] = [];
    let im: RegExpExecArray | null | undefined;
    for (let g = 1; g < m.length; g++) {
      const arg: Arg = { value: m[g] ?? '' };
      if (m[g]) {
        im ??= indexed(source).exec(text);
        const span = im?.indices?.[g];
        if (span) arg.index = lineAt(starts, span[0]);
      }
      args.push(arg);
    }
    const frames: (GuiltyFrame | undefined)[] = [];
    corrupted = '';
    if (f.stack) {
      const first = lineAt(starts, m.index);
      const from = [lines[first].slice(m.index - starts[first]), ...lines.slice(first + 1)];
      const r = extractGuilty(from, f.stack);
      for (const fr of r.frames) frames.push(fr && { ...fr, index: fr.index + first });
      if (!r.ok) corrupted = 'extracted no frames';
    }
    const canonical: Arg[] = [...args, ...frames.map((fr) => (fr ? { value: fr.canonical, index: fr.index } : { value: 'corrupted' }))];
    const t = fill(f.fmt, canonical);
    desc = t.text;
    guiltyIndex = t.last !== undefined ? canonical[t.last]?.index : undefined;
    for (const a of f.alt ?? []) alts.push(fill(a, canonical).text);
    // Titles with the syscall prefixes only partly stripped also identify the same bug.
    for (const seq of partiallyStripped(args, frames)) {
      const alt = fill(f.fmt, seq).text;
      if (alt !== desc) alts.push(alt);
      for (const a of f.alt ?? []) alts.push(fill(a, seq).text);
    }
    format = f;
  }
  if (desc === '') {
    if (matchedTitle) corrupted = 'matched title but not report regexp';
    const pos = text.indexOf(oops.header);
    if (pos >= 0) {
      const nl = text.indexOf('\n', pos);
      desc = text.slice(pos, nl < 0 ? text.length : nl);
    }
  }
  if (corrupted === '' && format?.corrupted) corrupted = 'report format is marked as corrupted';
  return { title: desc, alts: [...new Set(alts)], corrupted, format, guiltyIndex };
}

function partiallyStripped(prefix: Arg[], frames: (GuiltyFrame | undefined)[]): Arg[][] {
  const out: Arg[][] = [];
  for (let i = 0; i <= STRIP_FRAME_PREFIXES.length; i++) {
    const strip = i > 0 ? STRIP_FRAME_PREFIXES[i - 1] : '';
    let add = i === 0;
    const list: Arg[] = [];
    for (const fr of frames) {
      const rawName = fr ? fr.raw : 'corrupted';
      const trimmed = strip && rawName.startsWith(strip) ? rawName.slice(strip.length) : rawName;
      if (trimmed !== rawName) add = true;
      list.push({ value: trimmed, index: fr?.index });
    }
    if (add) out.push([...prefix, ...list]);
  }
  return out;
}

/** Fill `{N}` slots; also report which argument the last slot used (the guilty frame). */
function fill(fmt: string, args: Arg[]): { text: string; last?: number } {
  let last: number | undefined;
  const text = fmt.replace(/\{(\d+)\}/g, (_, n: string) => {
    const i = Number(n) - 1;
    last = i;
    return args[i]?.value ?? '';
  });
  return { text, last };
}

/** syzkaller's isCorrupted: merged timestamps in the title, or stack traces without frames. */
function corruptionOf(title: string, texts: string[], format: OopsFormat | undefined): string {
  if (/\[ *[0-9]+\.[0-9]+\]/.test(title)) return 'title matches corrupted regexp';
  if (!format || format.noStackTrace) return '';
  let hasStack = false;
  // The report text ends with a newline, so a trace at its very end splits into one more line.
  const text = texts.join('\n') + '\n';
  for (const key of STACK_STARTS) {
    const m = key.exec(text);
    if (!m) continue;
    const rest = text.slice(m.index).split('\n');
    if (rest.length < 4) return 'call trace is missed';
    let corrupted = true;
    for (let i = 1; i <= 15 && i < rest.length; i++) {
      const ln = rest[i];
      if (STACK_STARTS.some((k) => k.test(ln))) break;
      if (ln.includes('(stack is not available)') || FRAME_LINES.some((r) => r.test(ln))) {
        hasStack = true;
        corrupted = false;
        break;
      }
    }
    if (key !== RISCV_STACK_START && corrupted) return 'no frames in a stack trace';
  }
  if (!hasStack) return 'no stack trace in report';
  return '';
}

// Parts of titles that change from run to run: pids, addresses, line numbers, CPU numbers.
const DYNAMIC: [RegExp, string][] = [
  [/syz-executor\.?[0-9]+((\/|:)[0-9]+)?/g, 'syz-executor'],
  [/syzkaller[0-9]+((\/|:)[0-9]+)?/g, 'syzkaller'],
  [/([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}/g, '$1ADDR'],
  [/([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})/g, 'IP'],
  [/(\.\w+)(:[0-9]+)+/g, '$1:LINE'],
  [/([a-zA-Z][a-zA-Z0-9_.]+)\+0x[0-9a-z]+\/0x[0-9a-z]+/g, '$1'],
  [/CPU#[0-9]+/g, 'CPU'],
  // Overlapping matches ("0,1,2") need several rounds.
  [/(\W)(\d+)(\W|$)/g, '$1NUM$3'],
  // Digits inside names (cfg80211, nl802154) stay unless the run is too long to be a name.
  [/\d{7,}/g, 'NUM'],
];

export function normalizeTitle(title: string): string {
  let s = title;
  for (const [r, rep] of DYNAMIC) {
    for (let n = 0; n < 100; n++) {
      const next = s.replace(r, rep);
      if (next === s) break;
      s = next;
    }
  }
  return sanitizeTitle(s);
}

/** At most 120 bytes, printable ASCII only, single spaces, trimmed. */
export function sanitizeTitle(title: string): string {
  const bytes = Buffer.from(title, 'utf8');
  let out = '';
  let prev = 32;
  for (let i = 0; i < bytes.length && i < 120; i++) {
    let ch = bytes[i];
    if (ch === 9) ch = 32;
    else if (ch < 0x20 || ch >= 0x7f) continue;
    if (ch === 32 && prev === 32) continue;
    out += String.fromCharCode(ch);
    prev = ch;
  }
  return out.trim();
}
