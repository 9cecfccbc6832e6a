// The archaeology users do by hand after a crash, as one query over a kernel clone:
// which commits after the crashing version changed the crashing function, say they fix it,
// fix a commit that changed it, or answer the syzbot report — and which of them the crashing
// kernel already has through a stable backport.
import { parseMessage, prose, syzbotHash, type MessageFacts } from './commit-message';
import { resolveBase } from './base-revision';
import { containment, resolveTargets } from './containment';
import { assertNotOption } from './git';
import { LOG_FORMAT, parseLog, type LogEntry } from './git-log';
import { sourceFunction, wordPattern, type SourceFunction } from './function-locator';
import { walkBefore, walkFiles, walkFunctionLines, walkMessages } from './history';
import { resolveFiles } from './locate';
import { rankCommits } from './rank';
import { git, hasCommitGraph, revParse, type Run } from './run';
import type { FindOptions, FixCommit, FixQuery, FixResult, FixesTarget, Touch } from './types';

export { hasCommitGraph, revParse } from './run';
export { treePath } from './locate';

interface Candidate {
  entry: LogEntry;
  facts?: MessageFacts;
  touch: Touch;
  titleMatch: boolean;
  mentions: boolean;
}

const TOUCH_ORDER: Touch[] = ['body', 'mention', 'message', 'file', 'none'];
const better = (a: Touch, b: Touch): Touch => (TOUCH_ORDER.indexOf(a) <= TOUCH_ORDER.indexOf(b) ? a : b);

/** The candidates of one query, keyed by sha, each with its strongest relation to the function. */
class Candidates {
  readonly map = new Map<string, Candidate>();
  add(e: LogEntry, touch: Touch): Candidate {
    let c = this.map.get(e.sha);
    if (!c) this.map.set(e.sha, (c = { entry: e, touch, titleMatch: false, mentions: false }));
    else {
      c.touch = better(c.touch, touch);
      if (!c.entry.message && e.message) c.entry = e;
    }
    return c;
  }
  has(sha: string): boolean {
    return this.map.has(sha);
  }
  all(): Candidate[] {
    return [...this.map.values()];
  }
}

/** What a message must contain to count: the function (as a word), the title, a syzbot address. */
function messageRules(fn: SourceFunction, q: FixQuery) {
  const fnRe = new RegExp(fn.syscall ? `(^|[^A-Za-z0-9_])(sys_)?${fn.name}\\(|SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));
  const title = q.title && q.title.length >= 8 ? q.title.trim() : undefined;
  const syz = (q.syzbotAddresses ?? []).map(syzbotHash).filter((h): h is string => !!h);
  return {
    title,
    syz,
    mentions: (msg: string) => fnRe.test(prose(msg)),
    titleHit: (msg: string) => (title !== undefined && msg.includes(title)) || syz.some((h) => new RegExp(`syzbot\\+${h}@|extid=${h}\\b`, 'i').test(msg)),
    /** Literal strings for git's message search; the rules above then decide. */
    strings: [fn.syscall ? `sys_${fn.name}` : fn.name, ...(title ? [title] : []), ...syz],
  };
}

export async function findFixes(q: FixQuery, opts: FindOptions = {}): Promise<FixResult> {
  const t0 = Date.now();
  const notes: string[] = [];
  const timings: Record<string, number> = {};
  const run: Run = { cwd: q.repo, signal: opts.signal, timeoutMs: opts.timeoutMs, notes, progress: (m, p) => opts.onProgress?.(m, p) };
  const fn = sourceFunction(q.function);
  if (!fn) throw new Error(`not a C function name: ${JSON.stringify(q.function)}`);
  const upstream = q.upstreamRef?.trim() || 'HEAD';
  assertNotOption(upstream, 'upstream revision');
  if (q.baseRef) assertNotOption(q.baseRef, 'base revision');

  run.progress('resolving versions', 2);
  const upstreamSha = await revParse(run, upstream);
  if (!upstreamSha) throw new Error(`the clone has no revision ${upstream}`);
  const base = await resolveBase(run, q);
  if (base.sha) base.date = (await git(run, ['log', '-1', '--format=%cI', base.sha])).stdout.trim();
  const range = base.sha ? [`${base.sha}..${upstreamSha}`] : [upstreamSha, `--since-as-filter=${base.since}`];
  const baseRev = base.sha ?? upstreamSha;

  run.progress(`locating ${fn.name}()`, 8);
  const files = await resolveFiles(run, fn, q, { baseRev, baseName: base.name, tipSha: upstreamSha, tipName: upstream, range });
  const paths = [...new Set([files.file, files.tipFile].filter((p): p is string => !!p))];
  const rules = messageRules(fn, q);
  const changeRe = new RegExp(fn.syscall ? `SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));

  // Three independent walks, at once unless asked otherwise (each git process is single-threaded).
  run.progress(`history of ${fn.name}()`, 15);
  const t1 = Date.now();
  const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    timings[name] = Date.now() - t1;
    return v;
  };
  const walks = [
    () => timed('walkL', files.tipFile && files.tipLines ? walkFunctionLines(run, range, files.tipFile, files.tipLines) : Promise.resolve(undefined)),
    () => timed('walkFile', walkFiles(run, range, paths, changeRe)),
    () => timed('walkBefore', base.sha && files.file && files.baseLines ? walkBefore(run, { sha: base.sha, date: base.date }, files.file, files.baseLines, `${fn.name}()`) : Promise.resolve(new Set<string>())),
  ] as const;
  const [lHits, fileChanges, touchedBefore] = opts.sequential
    ? [await walks[0](), await walks[1](), await walks[2]()]
    : await Promise.all([walks[0](), walks[1](), walks[2]()]);
  const followed = lHits !== undefined;

  const cands = new Candidates();
  const fileLog = new Map<string, LogEntry>();
  for (const ch of fileChanges) {
    fileLog.set(ch.entry.sha, ch.entry);
    if (ch.lines) cands.add(ch.entry, 'mention');
    // A hunk header names the nearest function above the hunk (also for a change just after it):
    // only used when git log -L could not follow the function.
    if (ch.header && !followed) cands.add(ch.entry, 'body');
  }
  for (const e of lHits ?? []) cands.add(fileLog.get(e.sha) ?? e, 'body');

  // (b)/(c)/(d) one message walk: function, title, syzbot address, Fixes: naming a pre-crash change.
  run.progress('commit messages', 55);
  const t3 = Date.now();
  const fixesBefore = (facts: MessageFacts) => facts.fixes.some((f) => [...touchedBefore].some((t) => t.startsWith(f.sha)));
  const prefixes = [...touchedBefore].slice(0, 200).map((sha) => sha.slice(0, 8));
  for (const e of await walkMessages(run, range, rules.strings, prefixes)) {
    const facts = parseMessage(e.message);
    const mentions = rules.mentions(e.message);
    const hit = rules.titleHit(e.message);
    if (!mentions && !hit && !fixesBefore(facts)) continue;
    const c = cands.add(e, fileLog.has(e.sha) ? 'file' : 'none');
    c.facts = facts;
    c.mentions ||= mentions;
    c.titleMatch ||= hit;
  }
  timings.walkMessages = Date.now() - t3;

  // Messages of -L hits outside the file log (-L follows renames through older paths).
  const still = cands.all().filter((c) => !c.entry.message).map((c) => c.entry.sha);
  if (still.length) {
    const r = await git(run, ['log', '--no-walk=unsorted', LOG_FORMAT, ...still], { maxBytes: 16 * 1024 * 1024 });
    for (const e of parseLog(r.stdout)) cands.add(e, 'none');
  }
  for (const c of cands.all()) {
    if (fileLog.has(c.entry.sha)) c.touch = better(c.touch, 'file');
    c.facts = parseMessage(c.entry.message);
    c.titleMatch ||= rules.titleHit(c.entry.message);
    c.mentions ||= rules.mentions(c.entry.message);
  }
  // (c) commits to the file whose Fixes: names a commit that changed the function (before or after the crash).
  const touchedAfter = new Set(cands.all().filter((c) => c.touch === 'body' || c.touch === 'mention').map((c) => c.entry.sha));
  for (const e of fileLog.values()) {
    if (cands.has(e.sha)) continue;
    const facts = parseMessage(e.message);
    if (facts.fixes.some((f) => [...touchedAfter, ...touchedBefore].some((t) => t.startsWith(f.sha)))) cands.add(e, 'file').facts = facts;
  }
  for (const c of cands.all()) if (c.mentions) c.touch = better(c.touch, 'message');

  run.progress('resolving Fixes: targets', 76);
  let t4 = Date.now();
  const targets = await resolveTargets(run, cands.all(), fn, touchedBefore, touchedAfter, baseRev, !!base.sha);
  const commits = cands.all().map((c) => toCommit(c, targets));
  timings.fixesTargets = Date.now() - t4;

  run.progress('stable backports', 84);
  t4 = Date.now();
  await containment(run, commits, base);
  timings.containment = Date.now() - t4;
  for (const c of commits) c.reasons = reasons(c, fn, q);
  const ranked = rankCommits(commits);
  if (Date.now() - t0 > 2000 && !(await hasCommitGraph(run))) {
    notes.push('This clone has no commit-graph; `git commit-graph write --reachable --changed-paths` makes these queries several times faster.');
  }
  run.progress('done', 100);
  return {
    function: fn.symbol,
    file: files.file,
    tipFile: files.tipFile,
    tipRange: files.tipLines,
    base: base.name,
    baseSha: base.sha,
    upstream,
    upstreamSha,
    commits: ranked.slice(0, q.limit ?? 40),
    total: ranked.length,
    notes,
    elapsedMs: Date.now() - t0,
    timings,
  };
}

function toCommit(c: Candidate, targets: Map<string, Omit<FixesTarget, 'sha' | 'subject'>>): FixCommit {
  const facts = c.facts ?? parseMessage(c.entry.message);
  return {
    sha: c.entry.sha,
    subject: c.entry.subject,
    author: c.entry.author,
    date: c.entry.date,
    trailers: facts.trailers,
    fixes: facts.fixes.map((f) => ({ ...f, ...(targets.get(f.sha) ?? {}) })),
    stable: facts.stable,
    syzbot: facts.syzbot,
    titleMatch: c.titleMatch,
    touch: c.touch,
    upstreamOf: facts.upstream[0],
    contained: { state: 'missing' },
    reasons: [],
    score: 0,
  };
}

function reasons(c: FixCommit, fn: SourceFunction, q: FixQuery): string[] {
  const r: string[] = [];
  const name = `${fn.name}()`;
  if (c.touch === 'body') r.push(`changes ${name}`);
  else if (c.touch === 'mention') r.push(`changes lines naming ${name}`);
  else if (c.touch === 'message') r.push(`message names ${name}`);
  else if (c.touch === 'file') r.push(`changes ${fn.name}()'s file`);
  for (const f of c.fixes) {
    let s = `Fixes: ${f.sha.slice(0, 12)}${f.subject ? ` ("${f.subject}")` : ''}`;
    if (f.touchedFunction) s += `, which changed ${name}`;
    if (f.inCrashingKernel) s += ' and is in the crashing kernel';
    else if (f.inCrashingKernel === false) s += ' (that commit is not in the crashing kernel)';
    r.push(s);
  }
  if (c.stable) r.push('Cc: stable');
  if (c.titleMatch) r.push(c.syzbot ? `Reported-by: syzbot for "${q.title ?? 'this report'}"` : `message names "${q.title ?? 'the report'}"`);
  else if (c.syzbot) r.push('Reported-by: syzbot');
  if (c.upstreamOf) r.push(`stable copy of ${c.upstreamOf.slice(0, 12)}`);
  // Containment is rendered from `contained` (containmentLabel), not repeated here.
  return r;
}
