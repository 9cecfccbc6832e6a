// text -> CrashLog. Finds every report, ties lines to it by printk caller id, and fills in
// its stacks, frames, registers, Code: bytes, modules and kernel identity. Titles come from titles.ts.
// Speed: each distinct line text is examined once (logs repeat themselves), stack dumps read their
// registers lazily, and a re-parse with the previous version's model reuses untouched lines and dumps
// (`npm run bench`).
import type {
  Arch, CodeDump, CrashLog, Frame, KernelInfo, LogLine, Register, Report, Section, Span, Stack, StackKind,
} from './types';
import { parseLine } from './lines';
import { matchMentions, matchPcFrame, matchTraceFrame, type FrameMatch } from './frames';
import { matchHeader, type HeaderMatch } from './headers';
import { titleReport } from './titles';
import { stripFramePrefix } from './guilty';
import { isCrashTranscript, logCommands, parseCrashSession } from './crash-session';

/** Lines longer than this are not examined for report structure (a 50 MB single line stays cheap). */
const MAX_LINE = 4096;
/**
 * Lines analysed per document. A 50 MB sysrq-t log has about a million; 50 MB of empty lines
 * would be fifty million line objects (gigabytes): the rest of such a text is left unparsed.
 */
export const MAX_LINES = 2_000_000;
/**
 * Reports built per document: a WARN storm fills 2M lines with ~100k reports; beyond that a crafted
 * text only costs time (each report is titled, ~30 µs) and is not read further.
 */
export const MAX_REPORTS = 100_000;
/** A report with no recognised content for this many lines has ended. */
const QUIET_GAP = 60;

/** What the per-line recognisers say about one message text. */
interface Facts {
  header: HeaderMatch | undefined;
  label: [string, StackKind] | undefined;
  pc: FrameMatch | undefined;
  trace: FrameMatch | undefined;
  /** Lazily: looks like part of a report (registers, frames, markers...). */
  content?: boolean;
  mentions?: FrameMatch[];
}

// Logs repeat the same message texts over and over (a sysrq-t dump of 857 tasks has 23k lines
// but 5.5k distinct texts) and several passes look at the same line: each distinct text is
// examined once. Results are shared (also across parses), so callers must never mutate them.
let memo = new Map<string, Facts>();
let factsLines: LogLine[] = [];
/** Facts per line of the parse in progress (kept with the model for the next edit). */
let factsByLine: (Facts | undefined)[] = [];
let memoLookups = 0;
let memoHits = 0;
const MEMO_MAX = 50_000;

function factsAt(n: number): Facts {
  let f = factsByLine[n];
  if (f) return f;
  const text = factsLines[n].text;
  // Logs without repetition (report-dense syzkaller output) only pay for hashing: stop asking.
  const useMemo = memoLookups < 4096 || memoHits * 8 > memoLookups;
  if (useMemo) {
    memoLookups++;
    f = memo.get(text);
    if (f) memoHits++;
  }
  if (!f) {
    f = { header: matchHeader(text), label: stackLabel(text), pc: matchPcFrame(text), trace: matchTraceFrame(text) };
    if (useMemo && text.length <= 512) {
      if (memo.size >= MEMO_MAX) memo = new Map();
      memo.set(text, f);
    }
  }
  factsByLine[n] = f;
  return f;
}

/** What an incremental re-parse may reuse from the previous version of a document. */
interface ParseState {
  text: string;
  facts: (Facts | undefined)[];
  dumps: Report[];
  banner?: KernelInfo;
}

/** Dumps of the previous version that an edit left alone, by start line. */
interface DumpReuse {
  byStart: Map<number, Report>;
  /** Lines [from, to) of the new text that differ from the previous version. */
  changedFrom: number;
  changedTo: number;
}
const states = new WeakMap<CrashLog, ParseState>();

function contentAt(n: number): boolean {
  const f = factsAt(n);
  return (f.content ??= isReportContent(factsLines[n].text));
}

function mentionsAt(n: number): FrameMatch[] {
  const f = factsAt(n);
  return (f.mentions ??= matchMentions(factsLines[n].text));
}

/**
 * Parse a document. With `previous` (the model of an earlier version of the same document), lines
 * outside the edited region keep their LogLine objects and recognised facts: a one-character
 * edit in a 1 MB log re-reads one line instead of eighteen thousand.
 */
export function parseCrashLog(text: string, previous?: CrashLog): CrashLog {
  const job = new ParseJob(text, previous);
  for (;;) {
    const r = job.step();
    if (r.done) return r.value;
  }
}

export interface AsyncParseOptions {
  /** Abandons the parse (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /** Longest stretch of parsing between two returns to the event loop. */
  sliceMs?: number;
  /** How far the parse is (0..1), told between slices. */
  onProgress?: (fraction: number) => void;
}

/**
 * The same parse, in slices of about `sliceMs` with a return to the event loop between them, so a
 * 50 MB log does not hold up every other request of the server while it is read.
 */
export async function parseCrashLogAsync(text: string, previous?: CrashLog, options: AsyncParseOptions = {}): Promise<CrashLog> {
  const { signal, sliceMs = 8, onProgress } = options;
  const job = new ParseJob(text, previous);
  for (;;) {
    signal?.throwIfAborted();
    const end = performance.now() + sliceMs;
    let at: number | void = undefined;
    for (;;) {
      const r = job.step();
      if (r.done) return r.value;
      at = r.value ?? at;
      if (performance.now() >= end) break;
    }
    if (at !== undefined) onProgress?.(at);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Lines examined between two chances to pause. */
const PAUSE_EVERY = 4096;

/**
 * One parse, resumable: the per-parse state the recognisers read is swapped in for each step, so
 * parses of several documents may interleave.
 */
class ParseJob {
  private lines: LogLine[] = [];
  private facts: (Facts | undefined)[] = [];
  private lookups = 0;
  private hits = 0;
  private readonly gen: Generator<Progress, CrashLog, void>;

  constructor(text: string, previous: CrashLog | undefined) {
    this.gen = parse(text, previous);
  }

  step(): IteratorResult<Progress, CrashLog> {
    factsLines = this.lines;
    factsByLine = this.facts;
    memoLookups = this.lookups;
    memoHits = this.hits;
    try {
      return this.gen.next();
    } finally {
      this.lines = factsLines;
      this.facts = factsByLine;
      this.lookups = memoLookups;
      this.hits = memoHits;
      // The memo stays for the next parse; this parse's arrays are not kept alive by the module.
      factsLines = [];
      factsByLine = [];
    }
  }
}

/** What the parse steps yield: how far the parse is (0..1), when they know. */
type Progress = number | void;

function* parse(text: string, previous: CrashLog | undefined): Generator<Progress, CrashLog, void> {
  const prev = previous ? states.get(previous) : undefined;
  const reused = prev && !previous!.truncated ? reuseLines(prev, previous!.lines, text) : undefined;
  const lines = reused ? reused.lines : yield* parseLinesInSteps(text);
  const totalLines = lines.length < MAX_LINES ? lines.length : countLines(text);
  factsLines = lines;
  factsByLine = reused ? reused.facts : new Array(lines.length);
  memoLookups = memoHits = 0;
  const log: CrashLog = { lines, reports: [], dumps: [], frames: [] };
  if (totalLines > lines.length) log.truncated = { totalLines };
  log.banner = findBanner(lines);
  // In a crash(8) transcript only the output of `log`/`dmesg` is a console log; the rest
  // (sys, bt, dis, struct...) is crash's own output and must not be read as reports.
  const skip = new Uint8Array(lines.length);
  if (isCrashTranscript(lines)) {
    const session = (log.session = parseCrashSession(lines));
    skip.fill(1);
    // Above the first prompt: crash's start-up banner, or a console log pasted before the session.
    const first = session.commands[0]?.line ?? 0;
    if (!session.banner?.crashVersion && !Object.values(session.sys).some((v) => v.span.line < first) && lines.slice(0, first).some((l) => l.raw.trim() && !/^(?:WARNING|crash): /.test(l.raw))) skip.fill(0, 0, first);
    for (const c of logCommands(session)) skip.fill(0, c.outputStart, c.outputEnd + 1);
    const rel = session.sys.RELEASE?.value;
    if (!log.banner && rel) log.banner = { release: rel, version: session.sys.VERSION?.value, span: session.sys.RELEASE.span };
    yield;
  }
  const found = yield* findReports(lines, log.banner, skip);
  log.reports = found.reports;
  if (found.droppedFrom !== undefined) log.truncated = { ...log.truncated, totalLines, reportsFrom: found.droppedFrom };
  const taken = skip.slice();
  for (const r of log.reports) for (const n of r.lines) taken[n] = 1;
  // Same line numbers and the same banner: dumps untouched by the edit can be taken over whole.
  let reuse: DumpReuse | undefined;
  if (reused && reused.delta === 0 && sameKernel(prev!.banner, log.banner)) {
    reuse = { byStart: new Map(prev!.dumps.map((d) => [d.startLine, d])), changedFrom: reused.first, changedTo: reused.first + reused.midLength };
  }
  log.dumps = yield* findDumps(lines, taken, log.banner, reuse);
  log.frames = yield* collectFrames(log, lines, taken);
  states.set(log, { text, facts: factsByLine, dumps: log.dumps, banner: log.banner });
  return log;
}

function* parseLinesInSteps(text: string): Generator<Progress, LogLine[], void> {
  const out: LogLine[] = [];
  const escapes = text.indexOf('\x1b') >= 0;
  // Split as we go (not text.split): a 50 MB split is one 100-200 ms stretch nothing can interrupt.
  const crlf = text.indexOf('\r') >= 0;
  const eol = /\r\n|\r|\n/g;
  let from = 0;
  for (;;) {
    let to: number;
    let next: number;
    if (crlf) {
      const m = eol.exec(text);
      to = m ? m.index : -1;
      next = eol.lastIndex;
    } else {
      to = text.indexOf('\n', from);
      next = to + 1;
    }
    out.push(parseLine(text.slice(from, to < 0 ? text.length : to), out.length, escapes));
    if (to < 0 || out.length === MAX_LINES) return out;
    from = next;
    // Splitting and reading the lines is about half of the parse.
    if (out.length % PAUSE_EVERY === 0) yield (0.5 * from) / text.length;
  }
}

// Equal chunks compare with one native string comparison; only the differing chunk is walked.
const CHUNK = 4096;

function commonPrefix(a: string, b: string, max: number): number {
  let p = 0;
  while (p + CHUNK <= max && a.slice(p, p + CHUNK) === b.slice(p, p + CHUNK)) p += CHUNK;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  return p;
}

function commonSuffix(a: string, b: string, max: number): number {
  let s = 0;
  const la = a.length;
  const lb = b.length;
  while (s + CHUNK <= max && a.slice(la - s - CHUNK, la - s) === b.slice(lb - s - CHUNK, lb - s)) s += CHUNK;
  while (s < max && a.charCodeAt(la - 1 - s) === b.charCodeAt(lb - 1 - s)) s++;
  return s;
}

/**
 * Lines of `text` given the previous version: the unchanged head and tail are taken over (tail
 * lines renumbered when the edit added or removed lines), only the edited middle is parsed.
 * LF-only documents; anything else is parsed from scratch.
 */
function reuseLines(
  prev: ParseState,
  oldLines: LogLine[],
  text: string,
): { lines: LogLine[]; facts: (Facts | undefined)[]; first: number; midLength: number; delta: number } | undefined {
  const old = prev.text;
  if (old.indexOf('\r') >= 0 || text.indexOf('\r') >= 0 || oldLines.length === 0) return undefined;
  const min = Math.min(old.length, text.length);
  const p = commonPrefix(old, text, min);
  const s = commonSuffix(old, text, min - p);
  // Start offset of every old line.
  const starts = new Array<number>(oldLines.length);
  let off = 0;
  for (let i = 0; i < oldLines.length; i++) {
    starts[i] = off;
    off += oldLines[i].raw.length + 1;
  }
  // First line touched by the edit; head = lines before it.
  let first = 0;
  while (first + 1 < oldLines.length && starts[first + 1] <= p) first++;
  // First old line whose preceding newline lies in the unchanged tail: tail = it and after.
  const tailFrom = old.length - s;
  let tail = oldLines.length;
  while (tail - 1 > first && starts[tail - 1] - 1 >= tailFrom) tail--;
  const newMidStart = starts[first];
  const newMidEnd = tail < oldLines.length ? starts[tail] - 1 + (text.length - old.length) : text.length;
  if (newMidEnd < newMidStart) return undefined;
  // A copy: lines sliced from `text` would keep the whole version alive for as long as they
  // survive later edits (each edit on another line would pin one more 50 MB string).
  const mid = flatCopy(text.slice(newMidStart, newMidEnd)).split('\n');
  const delta = mid.length - (tail - first);
  if (oldLines.length + delta >= MAX_LINES) return undefined;
  const lines = new Array<LogLine>(oldLines.length + delta);
  const facts = new Array<Facts | undefined>(lines.length);
  for (let i = 0; i < first; i++) {
    lines[i] = oldLines[i];
    facts[i] = prev.facts[i];
  }
  for (let k = 0; k < mid.length; k++) lines[first + k] = parseLine(mid[k], first + k);
  for (let i = tail; i < oldLines.length; i++) {
    const o = oldLines[i];
    lines[i + delta] = delta === 0 ? o : { ...o, line: i + delta };
    facts[i + delta] = prev.facts[i];
  }
  return { lines, facts, first, midLength: mid.length, delta };
}

/** Lines of `text` as the splitter counts them (LF, CRLF or lone CR), without making them. */
function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  if (text.indexOf('\r') >= 0) {
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** A string that shares no storage with `s`'s parent (JSON keeps lone surrogates as escapes). */
function flatCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function sameKernel(a: KernelInfo | undefined, b: KernelInfo | undefined): boolean {
  return a?.release === b?.release && a?.version === b?.version && a?.span?.line === b?.span?.line;
}

/** Every frame, in document order: reports, dumps, `%pS` mentions elsewhere, crash session frames. */
function* collectFrames(log: CrashLog, lines: LogLine[], taken: Uint8Array): Generator<Progress, Frame[], void> {
  // findDumps already marked its lines in `taken`.
  const fromReports = concatFrames(log.reports);
  const fromDumps = concatFrames(log.dumps);
  const mentions: Frame[] = [];
  for (const l of lines) {
    if (l.line % PAUSE_EVERY === 0) yield 0.9 + (0.1 * l.line) / lines.length;
    if (taken[l.line] || l.text.length > MAX_LINE) continue;
    if (!l.text.includes('+0x')) continue;
    for (const m of mentionsAt(l.line)) mentions.push(toFrame(l, m, true));
  }
  // Each source is (nearly) in order already: merging beats sorting half a million frames.
  let out = mergeSorted(sortedFrames(fromReports), sortedFrames(fromDumps));
  out = mergeSorted(out, mentions);
  if (log.session) out = mergeSorted(out, sortedFrames([...log.session.frames]));
  return out;
}

function concatFrames(reports: Report[]): Frame[] {
  let total = 0;
  for (const r of reports) total += r.frames.length;
  const out = new Array<Frame>(total);
  let k = 0;
  for (const r of reports) for (let i = 0; i < r.frames.length; i++) out[k++] = r.frames[i];
  return out;
}

const before = (a: Frame, b: Frame): number => a.span.line - b.span.line || a.span.start - b.span.start;

function sortedFrames(fs: Frame[]): Frame[] {
  for (let i = 1; i < fs.length; i++) if (before(fs[i - 1], fs[i]) > 0) return fs.sort(before);
  return fs;
}

function mergeSorted(a: Frame[], b: Frame[]): Frame[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Array<Frame>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = before(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * Stack dumps that are not crashes: runs of stack content outside reports (sysrq-t tasks,
 * `NMI backtrace for cpu N`, dump_stack()). Titled by the context line printed just before.
 */
function* findDumps(lines: LogLine[], taken: Uint8Array, banner: KernelInfo | undefined, reuse?: DumpReuse): Generator<Progress, Report[], void> {
  const out: Report[] = [];
  let i = 0;
  let pauseAt = PAUSE_EVERY;
  while (i < lines.length) {
    if (i >= pauseAt) {
      pauseAt = i + PAUSE_EVERY;
      yield 0.7 + (0.2 * i) / lines.length;
    }
    const l = lines[i];
    if (taken[i] || l.text.length > MAX_LINE) {
      i++;
      continue;
    }
    const f = factsAt(i);
    if (!(f.label || f.trace || f.pc)) {
      i++;
      continue;
    }
    // Context: up to 3 lines back of non-taken lines (`task:... state:...`, `NMI backtrace for cpu 1`, `CPU: ...`).
    let start = i;
    while (start > 0 && i - start < 3 && !taken[start - 1] && NON_BLANK.test(lines[start - 1].text) && !isBoundary(start - 1)) start--;
    let end = i;
    let quiet = 0;
    for (let j = i + 1; j < lines.length && !taken[j] && quiet <= 2; j++) {
      const t = lines[j].text;
      if (t.length > MAX_LINE) break;
      const fj = factsAt(j);
      if (fj.header) break;
      // The next task of a sysrq-t dump starts its own dump.
      if (t.includes('state:') && TASK_LINE.test(t)) break;
      if (contentAt(j) || fj.label) {
        end = j;
        quiet = 0;
      } else quiet++;
    }
    // Unchanged lines at unchanged numbers give the very same dump: keep the old object.
    const old = reuse?.byStart.get(start);
    if (old && old.endLine === end && (end < reuse!.changedFrom || start >= reuse!.changedTo)) {
      out.push(old);
      for (let n = start; n <= end; n++) taken[n] = 1;
      i = end + 1;
      continue;
    }
    const nums: number[] = [];
    for (let n = start; n <= end; n++) nums.push(n);
    const r = emptyReport(lines, start, end, nums, 'dump');
    if (!r.title) r.title = r.headerText = lines[i].text.trim();
    if (r.title.length > 200) r.title = r.headerText = r.title.slice(0, 200);
    const names = fillStructure(lines, r);
    // Shared, never mutated: tens of thousands of dumps need no copy each.
    if (!r.kernel.release && banner) r.kernel = banner;
    r.arch = detectArch(r, names);
    markExactFrames(r);
    out.push(r);
    for (const n of nums) taken[n] = 1;
    i = end + 1;
  }
  return out;
}

const TASK_LINE = /^\s*task:\S* +state:/;
const NON_BLANK = /\S/;

function isBoundary(n: number): boolean {
  return /^\s*(?:Call Trace:|Call trace:|<\/TASK>|---\[ end)/.test(factsLines[n].text) || !!factsAt(n).trace;
}

const BANNER = /^Linux version (\S+) (.*)$/;
function findBanner(lines: LogLine[]): KernelInfo | undefined {
  const limit = Math.min(lines.length, 2000);
  for (let i = 0; i < limit; i++) {
    const t = lines[i].text;
    if (!t.startsWith('Linux version ')) continue;
    const m = BANNER.exec(t);
    if (m) {
      const start = lines[i].textStart + 'Linux version '.length;
      return { release: m[1], version: bannerVersion(m[2]), span: { line: i, start, end: start + m[1].length } };
    }
  }
  return undefined;
}

// `(builder@host) (gcc ...) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-08-02)` -> from `#1` on.
function bannerVersion(rest: string): string | undefined {
  const i = rest.indexOf('#');
  return i >= 0 ? rest.slice(i).trim() : undefined;
}

interface OpenReport {
  header: HeaderMatch;
  headerLine: number;
  caller?: string;
  lines: number[];
  lastContent: number;
  sawFrames: boolean;
  ended: boolean;
}

function* findReports(lines: LogLine[], banner: KernelInfo | undefined, skip: Uint8Array): Generator<Progress, { reports: Report[]; droppedFrom?: number }, void> {
  let droppedFrom: number | undefined;
  const open: OpenReport[] = [];
  const done: OpenReport[] = [];
  // The last report closed per printk caller, so a late `Kernel panic` can still join it.
  const lastClosed = new Map<string, OpenReport>();
  const close = (r: OpenReport) => {
    const i = open.indexOf(r);
    if (i >= 0) open.splice(i, 1);
    // Lines after the last recognisable report content are the log going on, not the report.
    while (r.lines.length > 1 && r.lines[r.lines.length - 1] > r.lastContent) r.lines.pop();
    done.push(r);
    lastClosed.set(r.caller ?? '', r);
  };
  for (const l of lines) {
    if (l.line % PAUSE_EVERY === 0) yield 0.5 + (0.15 * l.line) / lines.length;
    const text = l.text;
    if (text.length > MAX_LINE || skip[l.line]) continue;
    const owner = ownerOf(open, l);
    let header = factsAt(l.line).header;
    // A header the console is about to print again is not a report yet (syzkaller's rule).
    if (header && l.line + 1 < lines.length && lines[l.line + 1].text.includes(REPLAY)) header = undefined;
    if (header) {
      // A second header inside a report that has not reached its stack yet is the same crash
      // (`BUG: ...` then `Oops:`; `kernel BUG at` then `invalid opcode:`; `Kernel panic` tail).
      if (owner && (!owner.sawFrames || header.continuation) && (!owner.ended || header.continuation) && l.line - owner.lastContent < QUIET_GAP) {
        owner.ended = false;
        owner.lines.push(l.line);
        owner.lastContent = l.line;
        continue;
      }
      if (!owner && header.continuation) {
        const prev = lastClosed.get(l.caller ?? '');
        if (prev && l.line - prev.lastContent < QUIET_GAP && done.includes(prev)) {
          done.splice(done.indexOf(prev), 1);
          prev.ended = false;
          prev.lines.push(l.line);
          prev.lastContent = l.line;
          open.push(prev);
          continue;
        }
      }
      if (owner) close(owner);
      if (done.length + open.length >= MAX_REPORTS) {
        droppedFrom ??= l.line;
        continue;
      }
      open.push({ header, headerLine: l.line, caller: l.caller, lines: [l.line], lastContent: l.line, sawFrames: false, ended: false });
      continue;
    }
    if (!owner) continue;
    const content = contentAt(l.line);
    // After `---[ end trace ]---` the kernel may repeat the RIP block and then panic: keep only that.
    if ((owner.ended && !content) || l.line - owner.lastContent > QUIET_GAP) {
      close(owner);
      continue;
    }
    owner.lines.push(l.line);
    if (content) {
      owner.lastContent = l.line;
      if (!owner.sawFrames && (text.includes('+0x') || text.includes('[inline]'))) owner.sawFrames = !!factsAt(l.line).trace;
    }
    if (text.startsWith('---[ end Kernel panic')) close(owner);
    else if (text.startsWith('---[ end ')) owner.ended = true;
  }
  for (const r of [...open]) close(r);
  done.sort((a, b) => a.headerLine - b.headerLine);
  const out: Report[] = [];
  for (const r of done) {
    out.push(buildReport(lines, r, banner));
    if (out.length % 64 === 0) yield 0.65 + (0.05 * out.length) / done.length;
  }
  return { reports: out, droppedFrom };
}

const REPLAY = '** replaying previous printk message **';

/** The open report this line belongs to: same caller id when ids are printed, else the latest. */
function ownerOf(open: OpenReport[], l: LogLine): OpenReport | undefined {
  for (let i = open.length - 1; i >= 0; i--) {
    const r = open[i];
    if (r.caller === undefined || l.caller === undefined || r.caller === l.caller) return r;
  }
  return undefined;
}

const CONTENT = new RegExp(String.raw`^\s*(?:` + [
  // stacks and frames
  String.raw`Call Trace:|Call trace:|Backtrace:|Stack:|<\/?(?:TASK|IRQ|NMI|SOFTIRQ|EOI|#[A-Z]+)>|\? |\[<|\S+\+0x[0-9a-f]+\/0x[0-9a-f]+`,
  // registers (x86, arm64, riscv, powerpc) and the code bytes
  String.raw`RIP:|RSP:|R[A-Z0-9]{2}:|(?:[CDEFGS]S|E[A-D]X|E[SD]I|E[BS]P|EIP|EFLAGS|CR[0-4]|DR[0-7]|PKRU):|pc :|lr :|sp :|x\d+ ?:|pstate:|(?:epc|ra|gp|status|badaddr|NIP|MSR|GPR\d\d) ?:|Code:`,
  // identity and sections of oopses
  String.raw`Modules linked in:|CPU: |Hardware name:|Kernel Offset:|PGD |#PF:|Oops|Internal error|Mem abort info|Data abort info|ESR = |FAR = |---\[`,
  // KASAN/KFENCE/slab: alloc/free stacks, object description, shadow memory rows, page dump
  String.raw`Allocated by|Freed by|Last potentially|Second to last|The buggy address|Memory state|={20,}|[> ]?[0-9a-f]{8,16}: [0-9a-f]{2}|page:|raw: |flags: 0x|page dumped because|page_owner`,
  // lockdep and hung tasks
  String.raw`-> #\d|#\d+: |\*\*\* DEADLOCK \*\*\*|Chain exists of|Possible unsafe locking scenario|\d+ locks? held by|stack backtrace:|task:\S* +state:|Showing all locks held`,
].join('|') + ')');
function isReportContent(text: string): boolean {
  return CONTENT.test(text) || text.includes('+0x');
}

// ---------------------------------------------------------------------------------------------

function emptyReport(lines: LogLine[], headerLine: number, endLine: number, nums: number[], kind: Report['kind']): Report {
  const headerL = lines[headerLine];
  if (kind === 'dump') return new DumpReport(headerL, endLine, nums);
  return {
    kind,
    type: 'UNKNOWN',
    title: headerL.text.trim(),
    altTitles: [],
    corrupted: false,
    header: { line: headerLine, start: headerL.textStart, end: headerL.raw.length },
    headerText: headerL.text.trim(),
    startLine: headerLine,
    endLine,
    lines: nums,
    arch: 'unknown',
    kernel: {},
    registers: [],
    stacks: [],
    frames: [],
    sections: [],
  };
}

/**
 * A stack dump outside any crash. sysrq-t prints the user registers of every task: a 50 MB log
 * holds a million register values nobody looks at, so they are read when a feature first asks.
 */
class DumpReport implements Report {
  kind: Report['kind'] = 'dump';
  type = 'UNKNOWN';
  title: string;
  altTitles: string[] = [];
  corrupted = false;
  header: Span;
  headerText: string;
  startLine: number;
  endLine: number;
  lines: number[];
  arch: Arch = 'unknown';
  kernel: KernelInfo = {};
  stacks: Stack[] = [];
  frames: Frame[] = [];
  sections: Section[] = [];
  #registers: Register[] | undefined;
  /** Just the register lines (not the document's line array: reused dumps outlive it). */
  #regLines: LogLine[] | undefined;

  constructor(headerL: LogLine, endLine: number, nums: number[]) {
    this.title = this.headerText = headerL.text.trim();
    this.header = { line: headerL.line, start: headerL.textStart, end: headerL.raw.length };
    this.startLine = headerL.line;
    this.endLine = endLine;
    this.lines = nums;
  }

  get registers(): Register[] {
    if (!this.#registers) {
      this.#registers = this.#regLines ? readRegisters(this.#regLines) : [];
      this.#regLines = undefined;
    }
    return this.#registers;
  }

  set registers(v: Register[]) {
    this.#registers = v;
  }

  deferRegisters(regLines: LogLine[]): void {
    this.#registers = undefined;
    this.#regLines = regLines;
  }

  /** Plain-object view with the registers read, for JSON output. */
  toJSON(): Report {
    return { ...this, registers: this.registers };
  }
}

function buildReport(lines: LogLine[], r: OpenReport, banner: KernelInfo | undefined): Report {
  const report = emptyReport(lines, r.headerLine, r.lines[r.lines.length - 1], r.lines, r.header.kind);
  const names = fillStructure(lines, report);
  if (!report.kernel.release && banner) report.kernel = { ...banner };
  report.arch = detectArch(report, names);
  markExactFrames(report);

  const t = titleReport(lines, r.lines, r.header, r.headerLine);
  report.kind = kindOfType(report.kind, t.type);
  report.type = t.type;
  report.title = t.title;
  report.altTitles = t.altTitles;
  report.guiltyFrame = t.guiltyFrame;
  report.corrupted = t.corrupted;
  report.corruptedReason = t.corruptedReason;
  if (t.guiltyFrame) {
    // The title may name a bucket (`synchronize_rcu` for a synchronize_srcu frame) or a stripped
    // name (`mount` for SyS_mount): the frame on the line the title came from is the guilty one.
    const onLine = t.guiltyLine === undefined ? [] : report.frames.filter((f) => f.span.line === t.guiltyLine);
    report.guilty =
      onLine.find((f) => sameFunction(f.function, t.guiltyFrame!)) ??
      onLine[0] ??
      report.frames.find((f) => sameFunction(f.function, t.guiltyFrame!));
  }
  return report;
}

/** The crash type, once known, can say more than the header line did (`BUG: spinlock` is lockdep's). */
function kindOfType(kind: Report['kind'], type: string): Report['kind'] {
  if (type === 'LOCKDEP') return 'lockdep';
  if (type === 'LEAK') return 'leak';
  if (type.startsWith('KASAN')) return 'kasan';
  if (type.startsWith('KMSAN')) return 'kmsan';
  if (type.startsWith('KCSAN')) return 'kcsan';
  if (type.startsWith('KFENCE')) return 'kfence';
  if (type === 'UBSAN' || type === 'MEMORY_SAFETY_UBSAN') return 'ubsan';
  return kind;
}

/** Whether a printed frame is the one the title names (titles drop clone suffixes and syscall wrappers). */
function sameFunction(printed: string, title: string): boolean {
  if (printed === title) return true;
  const base = printed.replace(/\.(?:isra|constprop|part|cold|llvm)\b.*$/, '');
  return base === title || stripFramePrefix(base) === title;
}

const CPU_LINE = /CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (Not tainted|Tainted: ([A-Z ]*?))\s+(\S+)(?: (#.*))?$/;
const STACK_LABEL: [RegExp, StackKind][] = [
  [/^\s*(Call Trace:|Call trace:|Backtrace:|stack backtrace:|Stack:|Call Trace)\s*$/, 'task'],
  [/^\s*<TASK>\s*$/, 'task'],
  [/^\s*<IRQ>\s*$/, 'irq'],
  [/^\s*<SOFTIRQ>\s*$/, 'softirq'],
  [/^\s*<NMI>\s*$/, 'nmi'],
  [/^\s*<#[A-Z]+>\s*$/, 'exception'],
  [/^\s*(Allocated by task \d+|Allocated by task \d+ on cpu \d+ at [\d.]+s|Allocated)(?: .*)?:\s*$/, 'allocated'],
  [/^\s*(Freed by task \d+|Freed)(?: .*)?:\s*$/, 'freed'],
  [/^\s*(Last potentially related work creation|Second to last potentially related work creation|Last call_rcu\(\)|Second to last call_rcu\(\)):\s*$/, 'last-aux'],
  // `{usage}-{wait:wait}` as bounded groups: `\{.*\}.*:` backtracked cubically on a 40 KB line (found by fuzzing).
  [/^\s*(?:->|\.\.\.) ?#\d+ \(.*\)\{[^{}]*\}(?:-\{[^{}]*\})*:\s*$|^\s*-> #\d+ \(.*$/, 'lockdep'],
  [/^\s*(?:(?:Uninit was (?:created|stored to memory) at)|(?:Local variable .* created at)|(?:Bytes \d+-\d+ of \d+ are uninitialized)|(?:Memory access of size \d+ starts at .*)):\s*$/, 'other'],
  [/^\s*(?:read|write)(?: \(marked\))? to 0x[0-9a-f]+ of \d+ bytes by (?:task|interrupt) .*:\s*$/, 'other'],
];
const REG_LINE = /^\s*(RSP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R0?8|R0?9|R1[0-5]|FS|GS|CS|DS|ES|CR[0-4]|DR[0-7]|EAX|EBX|ECX|EDX|ESI|EDI|EBP|ESP|EFLAGS|x\d{1,2}|sp|pstate|ra|gp|tp|t\d|s\d{1,2}|a\d|status|badaddr|cause|r\d{1,2}|ip|fp|psr|NIP|MSR|CTR|LR|XER|CCR|GPR\d\d|ORIG_RAX|PKRU)\s*:/;
const REG_PAIR = /\b([A-Za-z][A-Za-z0-9_]{0,7})\s?:\s*(?:[0-9a-f]{4}:)?([0-9a-f]{4,16})\b/g;
const ESR = /\b(ESR|FAR)\s*=\s*0x([0-9a-f]+)/;
const HEX_BYTES = /^[0-9a-f]{2}$|^<[0-9a-f]{2}>$/;


/** Where fillStructure is in a report: the open stack and register block. */
class Filler {
  stack: Stack | undefined;
  regStart = -1;
  constructor(readonly report: Report) {}

  pushSection(s: Section): void {
    this.report.sections.push(s);
  }

  startStack(kind: StackKind, label: string, line: number): void {
    this.stack = { kind, label, startLine: line, endLine: line, frames: [] };
    this.report.stacks.push(this.stack);
  }

  addFrame(l: LogLine, m: FrameMatch, exact: boolean): Frame {
    const frame = toFrame(l, m, exact);
    this.report.frames.push(frame);
    if (m.source === 'trace') {
      if (!this.stack) this.startStack('task', 'Call Trace', l.line);
      this.stack!.frames.push(frame);
      this.stack!.endLine = l.line;
    }
    return frame;
  }

  endRegisters(line: number): void {
    // A `pc :` line followed at once by a frame opens no register block: no empty section.
    if (this.regStart >= 0 && line - 1 >= this.regStart) this.pushSection({ kind: 'registers', label: 'Registers', startLine: this.regStart, endLine: line - 1 });
    this.regStart = -1;
  }
}

// Closures would be re-created for each of tens of thousands of dumps: state lives in a Filler.
const byStartLine = (a: Section, b: Section): number => a.startLine - b.startLine;

/** Fill stacks, frames, registers, sections...; returns the register names seen (for arch detection). */
function fillStructure(lines: LogLine[], report: Report): Set<string> {
  const F = new Filler(report);
  const regLines: number[] = [];
  const regNames = new Set<string>();

  for (const n of report.lines) {
    const l = lines[n];
    const t = l.text;
    if (t.length > MAX_LINE) continue;
    const facts = factsAt(n);
    // Fast path for the bulk of every report: a plain call-trace frame.
    if (facts.trace && !facts.pc && !facts.label) {
      F.endRegisters(n);
      F.addFrame(l, facts.trace, facts.trace.tag === 'P');
      continue;
    }

    // Identity of the crashing context.
    if (!report.kernel.release && t.includes('PID: ') && t.includes('Comm: ')) {
      const m = CPU_LINE.exec(t);
      if (m) {
        report.cpu = Number(m[1]);
        report.pid = Number(m[2]);
        report.comm = m[3];
        const taintIdx = t.indexOf(m[4]);
        report.taint = {
          letters: m[5] ? m[5].replace(/\s+/g, '') : '',
          span: { line: n, start: l.textStart + taintIdx, end: l.textStart + taintIdx + m[4].length },
        };
        const relIdx = t.indexOf(m[6], taintIdx + m[4].length);
        report.kernel = {
          release: m[6],
          version: m[7]?.trim(),
          span: { line: n, start: l.textStart + relIdx, end: l.textStart + relIdx + m[6].length },
        };
        continue;
      }
    }
    if (t.startsWith('Hardware name: ')) {
      report.hardware = t.slice('Hardware name: '.length).trim();
      continue;
    }
    if (t.startsWith('Modules linked in:')) {
      const list = t.slice('Modules linked in:'.length).trim();
      report.modules = {
        names: list ? list.split(/\s+/).map((s) => s.replace(/\(.*\)$/, '')).filter((s) => s && s !== '[last' && !s.startsWith('unloaded:')) : [],
        span: { line: n, start: l.textStart, end: l.raw.length },
        endLine: n,
      };
      F.pushSection({ kind: 'modules', label: 'Modules linked in', startLine: n, endLine: n });
      continue;
    }
    if (t.startsWith('Kernel Offset: ')) {
      const m = /^Kernel Offset: (?:0x)?([0-9a-f]+)/.exec(t);
      if (m) report.kernelOffset = m[1];
      continue;
    }
    if (/^\s*Code: /.test(t)) {
      F.endRegisters(n);
      const code = parseCode(l);
      if (code && !report.code) report.code = code;
      F.pushSection({ kind: 'code', label: 'Code', startLine: n, endLine: n });
      continue;
    }

    // Stack headings.
    const label = facts.label;
    if (label) {
      F.endRegisters(n);
      if (label[1] === 'task' && F.stack && (F.stack.kind === 'irq' || F.stack.kind === 'nmi' || F.stack.kind === 'softirq' || F.stack.kind === 'exception') && /<TASK>/.test(t)) {
        F.startStack('task', label[0], n);
      } else if (label[1] === 'task' && F.stack && F.stack.kind === 'task' && F.stack.frames.length === 0) {
        F.stack.label = F.stack.label + ' ' + label[0];
      } else {
        F.startStack(label[1], label[0], n);
      }
      continue;
    }
    if (/^\s*<\/(?:IRQ|NMI|SOFTIRQ|#[A-Z]+)>\s*$/.test(t)) {
      if (F.stack) F.stack.endLine = n;
      F.startStack('task', 'Call Trace (continued)', n);
      continue;
    }

    // Frames: the exact PC line, then trace frames, then mentions in messages.
    const pc = facts.pc;
    if (pc) {
      F.endRegisters(n);
      F.addFrame(l, pc, pc.source !== 'lr');
      if (pc.source === 'pc' || pc.source === 'lr') F.regStart = n + 1;
      continue;
    }
    const tf = facts.trace;
    if (tf) {
      F.endRegisters(n);
      F.addFrame(l, tf, tf.tag === 'P');
      continue;
    }
    const reg = REG_LINE.exec(t);
    if (reg) {
      if (F.regStart < 0) F.regStart = n;
      regLines.push(n);
      regNames.add(reg[1]);
      if (reg[1] === 'ra' && t.includes(' gp :')) regNames.add('gp');
      continue;
    }
    if (t.includes('SR = ') || t.includes('AR = ')) {
      regLines.push(n);
      regNames.add('ESR');
    }
    if (t.startsWith('RIP: ') || t.startsWith('EIP: ')) {
      // User-space RIP (`RIP: 0033:0x47b7a0`) or unknown: still the start of a register block.
      if (F.regStart < 0) F.regStart = n;
      continue;
    }
    if (t.includes('+0x')) for (const m of mentionsAt(n)) F.addFrame(l, m, true);
  }
  F.endRegisters(report.endLine + 1);
  if (report instanceof DumpReport) report.deferRegisters(linesAt(lines, regLines));
  else {
    report.registers = readRegisters(linesAt(lines, regLines));
  }
  for (const s of report.stacks) {
    if (s.frames.length) F.pushSection({ kind: 'stack', label: s.label, startLine: s.startLine, endLine: s.endLine });
  }
  if (report.sections.length > 1) report.sections.sort(byStartLine);
  return regNames;
}

function stackLabel(t: string): [string, StackKind] | undefined {
  // Prefilter: every heading has a colon, an angle bracket, a lockdep `#N`, or is `Call Trace`.
  if (t.indexOf(':') < 0 && t.indexOf('<') < 0 && t.indexOf('#') < 0 && !t.includes('Call Trace')) return undefined;
  for (const [re, kind] of STACK_LABEL) {
    const m = re.exec(t);
    if (m) return [t.trim().replace(/:$/, ''), kind];
  }
  return undefined;
}

function toFrame(l: LogLine, m: FrameMatch, exact: boolean): Frame {
  const off = l.textStart;
  const f: Frame = {
    span: { line: l.line, start: off + m.start, end: off + m.end },
    nameSpan: { line: l.line, start: off + m.nameStart, end: off + m.nameEnd },
    function: m.function,
    offset: m.offset,
    size: m.size,
    unreliable: m.unreliable,
    exact,
    source: m.source,
  };
  // Optional fields only when present: half the memory on 50 MB logs with 500k frames.
  if (m.module !== undefined) f.module = m.module;
  if (m.buildId !== undefined) f.buildId = m.buildId;
  if (m.address !== undefined) f.address = m.address;
  if (m.tag !== undefined) f.tag = m.tag;
  if (m.file !== undefined) f.file = m.file;
  if (m.fileLine !== undefined) f.fileLine = m.fileLine;
  if (m.inline !== undefined) f.inline = m.inline;
  return f;
}

function linesAt(lines: LogLine[], nums: number[]): LogLine[] {
  const out = new Array<LogLine>(nums.length);
  for (let i = 0; i < nums.length; i++) out[i] = lines[nums[i]];
  return out;
}

function readRegisters(regLines: LogLine[]): Register[] {
  const out: Register[] = [];
  for (const l of regLines) {
    const n = l.line;
    const esr = ESR.exec(l.text);
    if (esr) {
      const start = l.textStart + esr.index;
      out.push({ name: esr[1], value: esr[2], span: { line: n, start, end: start + esr[0].length } });
    } else if (REG_LINE.test(l.text)) {
      parseRegisters(l, out);
    }
  }
  return out;
}

function parseRegisters(l: LogLine, out: Register[]): void {
  REG_PAIR.lastIndex = 0;
  for (let m = REG_PAIR.exec(l.text); m; m = REG_PAIR.exec(l.text)) {
    const start = l.textStart + m.index;
    out.push({ name: m[1], value: m[2], span: { line: l.line, start, end: start + m[0].length } });
  }
}

function parseCode(l: LogLine): CodeDump | undefined {
  const t = l.text;
  const i = t.indexOf('Code: ');
  const body = t.slice(i + 6).trim();
  const tokens = body.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return undefined;
  const span: Span = { line: l.line, start: l.textStart + i, end: l.raw.length };
  if (tokens.every((x) => HEX_BYTES.test(x))) {
    const trapIndex = tokens.findIndex((x) => x.startsWith('<'));
    return { span, bytes: tokens.map((x) => x.replace(/[<>]/g, '')), trapIndex, unit: 'byte' };
  }
  if (tokens.every((x) => /^\(?[0-9a-f]{8}\)?$/.test(x))) {
    const trapIndex = tokens.findIndex((x) => x.startsWith('('));
    return { span, bytes: tokens.map((x) => x.replace(/[()]/g, '')), trapIndex, unit: 'word' };
  }
  if (tokens.every((x) => /^\(?[0-9a-f]{4}\)?$/.test(x))) {
    const trapIndex = tokens.findIndex((x) => x.startsWith('('));
    return { span, bytes: tokens.map((x) => x.replace(/[()]/g, '')), trapIndex, unit: 'half' };
  }
  return undefined;
}

const isRip = (f: Frame): boolean => f.source === 'rip';
const isPc = (f: Frame): boolean => f.source === 'pc';
const isPcOrLr = (f: Frame): boolean => f.source === 'pc' || f.source === 'lr';
const isArm64Entry = (f: Frame): boolean => /^el[01]h?_?\d*t?_64_/.test(f.function) || f.function.startsWith('__arm64_sys_');
const isX86Entry = (f: Frame): boolean => f.function.startsWith('__x64_sys_') || f.function === 'entry_SYSCALL_64_after_hwframe';

/** `names`: first register name of each register line (what fillStructure returns). */
function detectArch(r: Report, names: Set<string>): Arch {
  // `PC is at`/`NIP` lines are exact-PC frames too: tell arm and powerpc apart before x86's RIP.
  if (names.has('psr') || names.has('r10') || names.has('r7')) return 'arm';
  if (names.has('NIP') || names.has('MSR')) return 'powerpc';
  if (r.frames.some(isRip) || names.has('RAX') || names.has('RSP')) return 'x86_64';
  if (names.has('EAX') || names.has('ESP')) return 'i386';
  if (r.frames.some(isPcOrLr) && (names.has('x29') || names.has('x0') || names.has('pstate') || names.has('sp')))
    return r.frames.some(isPc) && names.has('epc') ? 'riscv' : 'arm64';
  if (names.has('epc') || names.has('ra') && names.has('gp')) return 'riscv';
  if (names.has('NIP') || names.has('MSR')) return 'powerpc';
  const rel = r.kernel.release ?? '';
  if (/arm64|aarch64/.test(rel)) return 'arm64';
  if (/amd64|x86_64/.test(rel)) return 'x86_64';
  for (const s of r.stacks) if (s.frames.some(isArm64Entry)) return 'arm64';
  for (const s of r.stacks) if (s.frames.some(isX86Entry)) return 'x86_64';
  return 'unknown';
}

/**
 * arm64 kernels before 6.12 print no `(P)` marker, yet the first call-trace frame after a register
 * dump repeats the `pc :` location, and so does the frame right after an `el1h_64_*` exception entry:
 * those are exact PCs, not return addresses.
 */
function markExactFrames(r: Report): void {
  if (r.arch !== 'arm64' && r.arch !== 'riscv') return;
  const pc = r.frames.find(isPc);
  for (const s of r.stacks) {
    const first = s.frames[0];
    if (first && pc && first.function === pc.function && first.offset === pc.offset && first.module === pc.module) first.exact = true;
    for (let i = 1; i < s.frames.length; i++) {
      const prev = s.frames[i - 1].function;
      if (/^el1h?_64_(sync|irq|fiq|error)$|^el1_(sync|irq|abort)|^__bad_stack$/.test(prev)) s.frames[i].exact = true;
    }
  }
}
