// The archaeology users do by hand after a crash, as one query over a kernel clone:
// which commits after the crashing version changed the crashing function, say they fix it,
// fix a commit that changed it, or answer the syzbot report — and which of them the crashing
// kernel already has through a stable backport.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseMessage, prose, type MessageFacts } from './commit-message';
import { GitError, assertNotOption, isCancelled, literalPath, runGit, type GitResult } from './git';
import { LOG_FORMAT, LOG_FORMAT_SHORT, parseLog, type LogEntry } from './git-log';
import {
  definitionPattern,
  findDefinition,
  sourceFunction,
  wordPattern,
  type LineRange,
  type SourceFunction,
} from './function-locator';
import { kernelRevision, stableNumber } from './kernel-version';
import { rankCommits } from './rank';
import type { FindOptions, FixCommit, FixQuery, FixResult, FixesTarget, Touch } from './types';

interface Run {
  cwd: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  notes: string[];
  progress(message: string, percent: number): void;
}

function git(run: Run, args: string[], extra: { okCodes?: number[]; maxBytes?: number; timeoutMs?: number } = {}): Promise<GitResult> {
  return runGit(args, { cwd: run.cwd, signal: run.signal, timeoutMs: extra.timeoutMs ?? run.timeoutMs, okCodes: extra.okCodes, maxBytes: extra.maxBytes });
}

export async function revParse(run: Pick<Run, 'cwd' | 'signal' | 'timeoutMs'>, rev: string): Promise<string | undefined> {
  assertNotOption(rev, 'revision');
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: run.cwd, signal: run.signal, timeoutMs: run.timeoutMs, okCodes: [1, 128] });
  const s = r.stdout.trim();
  return /^[0-9a-f]{40}$/.test(s) ? s : undefined;
}

/** A path as git knows it: relative to the top of the tree, forward slashes. */
export function treePath(path: string): string | undefined {
  let p = path.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^[ab]\//, '');
  if (p.startsWith('/')) {
    // Absolute build paths (`/build/linux-6.1/fs/nfs/write.c`): keep from the first kernel top-level dir.
    const m = /\/((?:arch|block|certs|crypto|drivers|fs|include|init|io_uring|ipc|kernel|lib|mm|net|rust|samples|security|sound|tools|usr|virt)\/.*)$/.exec(p);
    if (!m) return undefined;
    p = m[1];
  }
  if (!p || p.startsWith('-') || p.split('/').includes('..') || /[\x00-\x1f]/.test(p)) return undefined;
  return p;
}

interface Base {
  name?: string;
  sha?: string;
  /** Stable line tag prefix (`v6.1.`) and its tags present in the clone, ascending. */
  prefix?: string;
  lineTags: string[];
  mainline?: string;
  exact: boolean;
  distro?: string;
  since?: string;
  /** Committer date of the base, ISO. */
  date?: string;
}

async function resolveBase(run: Run, q: FixQuery): Promise<Base> {
  // An explicit `v6.1.3` base names its stable line as well as a release would.
  const tagged = !q.kernel && q.baseRef ? /^v(\d+\.\d+(?:\.\d+)*(?:-rc\d+)?)$/.exec(q.baseRef.trim()) : null;
  const rev = kernelRevision(tagged ? { release: tagged[1] } : q.kernel);
  const base: Base = { lineTags: [], exact: false, distro: rev?.distro, mainline: rev?.mainline, prefix: rev?.stablePrefix };
  if (rev?.stablePrefix || rev?.mainline) {
    const refs = [rev.mainline && `refs/tags/${rev.mainline}`, rev.stablePrefix && `refs/tags/${rev.stablePrefix}*`].filter(Boolean) as string[];
    const out = await git(run, ['for-each-ref', '--format=%(refname:short)', ...refs]);
    const tags = out.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    if (rev.stablePrefix) base.lineTags = tags.filter((t) => stableNumber(t, rev.stablePrefix!) >= 0).sort((a, b) => stableNumber(a, rev.stablePrefix!) - stableNumber(b, rev.stablePrefix!));
    if (rev.mainline && tags.includes(rev.mainline)) base.mainline = rev.mainline;
    else if (rev.mainline) base.mainline = (await revParse(run, rev.mainline)) ? rev.mainline : undefined;
  }
  if (q.baseRef) {
    base.sha = await revParse(run, q.baseRef);
    if (!base.sha) throw new Error(`the clone has no revision ${q.baseRef}`);
    base.name = q.baseRef;
    base.exact = true;
    return base;
  }
  if (rev?.commit) {
    const sha = await revParse(run, rev.commit).catch(() => undefined);
    if (sha) return { ...base, name: rev.commit, sha, exact: true };
  }
  for (const tag of rev?.tags ?? []) {
    const sha = await revParse(run, tag);
    if (!sha) continue;
    base.name = tag;
    base.sha = sha;
    base.exact = tag === rev!.tags[0];
    if (!base.exact)
      run.notes.push(`The clone has no tag ${rev!.tags[0]}; searching after ${tag}. Fetch the stable tags to tell which fixes ${rev!.tags[0]} already has.`);
    return base;
  }
  if (rev?.buildDate) {
    base.since = rev.buildDate;
    run.notes.push(`No tag for ${q.kernel?.release ?? 'the crashing kernel'} in the clone; searching commits after its build date ${rev.buildDate}.`);
    return base;
  }
  throw new Error(
    q.kernel?.release
      ? `cannot find the crashing version ${q.kernel.release} in the clone (no tag ${rev?.tags.join(' / ') || '?'}); set the base revision or fetch tags`
      : 'the report does not say which kernel version crashed; set the base revision',
  );
}

async function fileAt(run: Run, rev: string, path: string): Promise<string | undefined> {
  try {
    const r = await git(run, ['cat-file', 'blob', `${rev}:${path}`], { maxBytes: 16 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    if (isCancelled(e)) throw e;
    return undefined;
  }
}

/** Files that define `fn` at `rev`, best first (module directory, .c before .h). */
async function locate(run: Run, fn: SourceFunction, rev: string, module?: string, near?: string): Promise<string[]> {
  const specs: string[][] = [];
  if (near) specs.push([`:(glob)${near.replace(/[*?[\]]/g, '')}/**`]);
  if (module && /^[A-Za-z0-9_-]+$/.test(module)) specs.push([`:(glob)**/${module}/**`, `:(glob)**/${module}*.c`, `:(glob)**/${module.replace(/_/g, '-')}/**`]);
  specs.push([':(glob)**/*.c', ':(glob)**/*.h']);
  for (const spec of specs) {
    const r = await git(run, ['grep', '-n', '-I', '-E', '-e', definitionPattern(fn), rev, '--', ...spec], { okCodes: [1], maxBytes: 4 * 1024 * 1024 });
    const files = new Map<string, number>();
    for (const line of r.stdout.split('\n')) {
      // `<rev>:<path>:<line>:<text>`
      const rest = line.startsWith(rev + ':') ? line.slice(rev.length + 1) : line;
      const m = /^([^:]+):(\d+):(.*)$/.exec(rest);
      if (!m || /;\s*$/.test(m[3]) || m[3].startsWith('#')) continue;
      const score = (m[1].endsWith('.c') ? 2 : 0) + (module && m[1].includes(module) ? 4 : 0);
      files.set(m[1], Math.max(files.get(m[1]) ?? 0, score));
    }
    if (files.size) return [...files.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length).map(([f]) => f);
  }
  return [];
}

/** Where the file went between the crashing version and the tip (renames). */
async function followRenames(run: Run, range: string[], path: string, tipSha: string): Promise<string | undefined> {
  let current = path;
  for (let hop = 0; hop < 4; hop++) {
    const del = await git(run, ['log', '--format=%H', '--diff-filter=D', '-n', '1', ...range, '--', literalPath(current)]);
    const sha = del.stdout.trim().split('\n')[0];
    if (!sha) return undefined;
    const show = await git(run, ['show', '-M', '--name-status', '--format=', '--no-ext-diff', '--no-textconv', sha], { maxBytes: 8 * 1024 * 1024 });
    const moved = show.stdout.split('\n').map((l) => l.split('\t')).find((f) => /^R\d*$/.test(f[0]) && f[1] === current);
    if (!moved) return undefined;
    current = moved[2];
    const exists = await git(run, ['cat-file', '-e', `${tipSha}:${current}`], { okCodes: [1, 128] });
    if (exists.code === 0) return current;
  }
  return undefined;
}

interface Candidate {
  entry: LogEntry;
  facts?: MessageFacts;
  touch: Touch;
  titleMatch: boolean;
  mentions: boolean;
}

/** Split `git log -p` output (LOG_FORMAT records followed by patches) into entries and their patch text. */
function splitPatchLog(out: string): { entry: LogEntry; patch: string }[] {
  const res: { entry: LogEntry; patch: string }[] = [];
  for (const rec of out.split('\x1e')) {
    if (!rec.trim()) continue;
    // The message ends where the patch begins: the first `diff --git` line after it.
    const at = rec.search(/\ndiff --git /);
    const head = at >= 0 ? rec.slice(0, at) : rec;
    const [entry] = parseLog('\x1e' + head);
    if (entry) res.push({ entry, patch: at >= 0 ? rec.slice(at) : '' });
  }
  return res;
}

/**
 * How a -U0 patch touches the function: a changed line naming it, or a hunk whose header names it.
 * A hunk header is the nearest function line above the hunk, so it also names the function for a
 * change just after its end: only a hint, used when git log -L could not follow the function.
 */
function patchTouch(patch: string, word: RegExp): { lines: boolean; header: boolean } {
  let lines = false;
  let header = false;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ [^@]*@@(.*)$/.exec(line);
    if (hunk) header ||= word.test(hunk[1]);
    else if (/^[+-](?![+-]{2} )/.test(line) && word.test(line.slice(1))) lines = true;
  }
  return { lines, header };
}

/** A commit-graph (with changed-path filters, ideally) is what makes history walks on a kernel fast. */
export async function hasCommitGraph(run: Pick<Run, 'cwd' | 'signal' | 'timeoutMs'>): Promise<boolean> {
  try {
    const r = await runGit(['rev-parse', '--git-path', 'objects/info/commit-graph', '--git-path', 'objects/info/commit-graphs/commit-graph-chain'], { cwd: run.cwd, signal: run.signal });
    return r.stdout.split('\n').filter(Boolean).some((p) => existsSync(isAbsolute(p) ? p : join(run.cwd, p)));
  } catch (e) {
    if (isCancelled(e)) throw e;
    return true;
  }
}

function yearsBefore(iso: string | undefined, years: number): string {
  const t = iso ? Date.parse(iso) : NaN;
  const d = new Date(Number.isNaN(t) ? Date.now() : t);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

const TOUCH_ORDER: Touch[] = ['body', 'mention', 'message', 'file', 'none'];
const better = (a: Touch, b: Touch): Touch => (TOUCH_ORDER.indexOf(a) <= TOUCH_ORDER.indexOf(b) ? a : b);

export async function findFixes(q: FixQuery, opts: FindOptions = {}): Promise<FixResult> {
  const t0 = Date.now();
  const notes: string[] = [];
  const timings: Record<string, number> = {};
  const run: Run = {
    cwd: q.repo,
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    notes,
    progress: (m, p) => opts.onProgress?.(m, p),
  };
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

  // The function's file in the crashing version, then at the tip.
  run.progress(`locating ${fn.name}()`, 8);
  let file = q.file ? treePath(q.file) : undefined;
  if (q.file && !file) notes.push(`Ignoring the file ${q.file}: not a path inside the kernel tree.`);
  let baseText = file ? await fileAt(run, baseRev, file) : undefined;
  if (file && baseText === undefined) {
    notes.push(`${file} does not exist at ${base.name ?? 'the crashing version'}; looking for ${fn.name}() elsewhere.`);
    file = undefined;
  }
  if (!file) {
    const found = await locate(run, fn, baseRev, q.module);
    if (found.length > 1) notes.push(`${fn.name}() is defined in ${found.length} files; using ${found[0]} (others: ${found.slice(1, 4).join(', ')}).`);
    file = found[0];
    baseText = file ? await fileAt(run, baseRev, file) : undefined;
    if (!file) notes.push(`No definition of ${fn.name}() found at ${base.name ?? 'the crashing version'}; searching commit messages only.`);
  }
  const baseRange = file && baseText !== undefined ? findDefinition(baseText, fn) : undefined;

  let tipFile: string | undefined;
  let tipRange: LineRange | undefined;
  if (file) {
    let tipText = await fileAt(run, upstreamSha, file);
    tipFile = tipText !== undefined ? file : await followRenames(run, range, file, upstreamSha);
    if (tipFile && tipFile !== file) notes.push(`${file} was renamed to ${tipFile}.`);
    if (tipFile && tipText === undefined) tipText = await fileAt(run, upstreamSha, tipFile);
    tipRange = tipText !== undefined ? findDefinition(tipText, fn) : undefined;
    if (!tipRange) {
      const dir = (tipFile ?? file).split('/').slice(0, -1).join('/');
      const moved = (await locate(run, fn, upstreamSha, q.module, dir || undefined)).filter((f) => f !== tipFile);
      if (moved.length) {
        notes.push(`${fn.name}() moved to ${moved[0]}.`);
        tipFile = moved[0];
        tipText = await fileAt(run, upstreamSha, tipFile);
        tipRange = tipText !== undefined ? findDefinition(tipText, fn) : undefined;
      } else notes.push(`${fn.name}() no longer exists at ${upstream} (renamed or removed); using changes that name it.`);
    }
  }
  const paths = [...new Set([file, tipFile].filter((p): p is string => !!p))];
  const pathspec = paths.map(literalPath);

  const cands = new Map<string, Candidate>();
  const add = (e: LogEntry, touch: Touch): Candidate => {
    let c = cands.get(e.sha);
    if (!c) cands.set(e.sha, (c = { entry: e, touch, titleMatch: false, mentions: false }));
    else {
      c.touch = better(c.touch, touch);
      if (!c.entry.message && e.message) c.entry = e;
    }
    return c;
  };

  const fnRe = new RegExp(fn.syscall ? `(^|[^A-Za-z0-9_])(sys_)?${fn.name}\\(|SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));
  const changeRe = new RegExp(fn.syscall ? `SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));
  const title = q.title && q.title.length >= 8 ? q.title.trim() : undefined;
  const syz = (q.syzbotAddresses ?? []).map((a) => a.toLowerCase()).filter((a) => /^syzbot\+[0-9a-f]+@/.test(a));
  const titleHit = (msg: string) => (title !== undefined && msg.includes(title)) || syz.some((a) => msg.toLowerCase().includes(a));

  // Three independent history walks, two at a time (each is one git process reading the range once):
  // (a) git log -L over the function's lines at the tip, following it back to the crashing version;
  // the files' history with -U0 patches: every commit to them with its message (Fixes: trailers) and
  //   whether its hunks sit in the function or its changed lines name it (what -G would say);
  // the function's own history before the crashing version: commits whose bugs the crashing kernel carries.
  run.progress(`history of ${fn.name}()`, 15);
  let followed = false;
  const walkL = async (): Promise<LogEntry[]> => {
    if (!tipFile || !tipRange) return [];
    followed = true;
    try {
      const r = await git(run, ['log', `-L${tipRange.start},${tipRange.end}:${tipFile}`, '--no-patch', '--no-textconv', '--no-ext-diff', LOG_FORMAT_SHORT, ...range], { maxBytes: 8 * 1024 * 1024 });
      return parseLog(r.stdout);
    } catch (e) {
      if (isCancelled(e)) throw e;
      notes.push(`git log -L failed (${(e as Error).message}); using the file's patches only.`);
      followed = false;
      return [];
    }
  };
  const walkFile = async (): Promise<{ entry: LogEntry; touch: { lines: boolean; header: boolean } }[]> => {
    if (!pathspec.length) return [];
    const r = await git(run, ['log', '-p', '-U0', '--no-ext-diff', '--no-textconv', '--no-color', LOG_FORMAT, '-n', '5000', ...range, '--', ...pathspec], { maxBytes: 96 * 1024 * 1024 });
    if (r.truncated) notes.push('The history of the file is very long; only its newest part was read.');
    return splitPatchLog(r.stdout).map(({ entry, patch }) => ({ entry, touch: patchTouch(patch, changeRe) }));
  };
  const walkBefore = async (): Promise<Set<string>> => {
    const set = new Set<string>();
    if (!base.sha || !file || !baseRange) return set;
    try {
      // Bounded: the 200 newest changes within 3 years before the crashing version (a full kernel
      // history walk would take longer than the whole rest of the query).
      const r = await git(run, ['log', `-L${baseRange.start},${baseRange.end}:${file}`, '--no-patch', '--no-textconv', '--no-ext-diff', '--format=%H', '-n', '200', `--since=${yearsBefore(base.date, 3)}`, base.sha], {
        maxBytes: 4 * 1024 * 1024,
        timeoutMs: Math.min(run.timeoutMs ?? 60000, 30000),
      });
      for (const l of r.stdout.split('\n')) if (/^[0-9a-f]{40}$/.test(l.trim())) set.add(l.trim());
    } catch (e) {
      if (isCancelled(e)) throw e;
      notes.push(`The history of ${fn.name}() before the crashing version was not available (${(e as Error).message}).`);
    }
    return set;
  };
  const t1 = Date.now();
  const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
    const v = await p;
    timings[name] = Date.now() - t1;
    return v;
  };
  const [lHits, fileHits, touchedBefore] = await Promise.all([timed('walkL', walkL()), timed('walkFile', walkFile()), timed('walkBefore', walkBefore())]);
  run.progress('commit messages', 55);
  const fileLog = new Map<string, LogEntry>();
  for (const { entry, touch } of fileHits) {
    fileLog.set(entry.sha, entry);
    if (touch.lines) add(entry, 'mention');
    if (touch.header && !followed) add(entry, 'body');
  }
  for (const e of lHits) add(fileLog.get(e.sha) ?? e, 'body');

  // (b)/(c)/(d) one message walk: the function's name, the title, the syzbot address, and
  // Fixes: naming a commit that changed the function before the crash.
  const t3 = Date.now();
  {
    // Fixed strings are searched many times faster than regexes; the exact rules are applied below.
    const greps = [fn.syscall ? `sys_${fn.name}` : fn.name];
    if (title) greps.push(title);
    for (const a of syz) greps.push(a);
    for (const sha of [...touchedBefore].slice(0, 200)) greps.push(`Fixes: ${sha.slice(0, 8)}`);
    const limit = 2000;
    const r = await git(run, ['log', '-F', ...greps.map((g) => `--grep=${g}`), LOG_FORMAT, '-n', String(limit), ...range], { maxBytes: 48 * 1024 * 1024 });
    const found = parseLog(r.stdout);
    if (found.length >= limit) notes.push(`More than ${limit} commit messages contain "${greps[0]}"; only the newest ${limit} were read.`);
    for (const e of found) {
      const facts = parseMessage(e.message);
      const mentions = fnRe.test(prose(e.message));
      const hit = titleHit(e.message);
      const fixesBefore = facts.fixes.some((f) => [...touchedBefore].some((t) => t.startsWith(f.sha)));
      if (!mentions && !hit && !fixesBefore) continue;
      const c = add(e, fileLog.has(e.sha) ? 'file' : 'none');
      c.facts = facts;
      c.mentions ||= mentions;
      c.titleMatch ||= hit;
    }
  }
  timings.walkMessages = Date.now() - t3;

  // Messages of -L hits outside the file log (-L follows renames through older paths).
  const still = [...cands.values()].filter((c) => !c.entry.message).map((c) => c.entry.sha);
  if (still.length) {
    const r = await git(run, ['log', '--no-walk=unsorted', LOG_FORMAT, ...still], { maxBytes: 16 * 1024 * 1024 });
    for (const e of parseLog(r.stdout)) {
      const c = cands.get(e.sha);
      if (c) c.entry = e;
    }
  }
  for (const c of cands.values()) {
    if (fileLog.has(c.entry.sha)) c.touch = better(c.touch, 'file');
    c.facts = parseMessage(c.entry.message);
    c.titleMatch ||= titleHit(c.entry.message);
    c.mentions ||= fnRe.test(prose(c.entry.message));
  }

  // Commits to the file whose Fixes: names a commit that changed the function (before or after the crash).
  const touchedAfter = new Set([...cands.values()].filter((c) => c.touch === 'body' || c.touch === 'mention').map((c) => c.entry.sha));
  for (const e of fileLog.values()) {
    if (cands.has(e.sha)) continue;
    const facts = parseMessage(e.message);
    if (facts.fixes.some((f) => [...touchedAfter, ...touchedBefore].some((t) => t.startsWith(f.sha)))) {
      const c = add(e, 'file');
      c.facts = facts;
    }
  }

  for (const c of cands.values()) if (c.mentions) c.touch = better(c.touch, 'message');

  run.progress('resolving Fixes: targets', 76);
  let t4 = Date.now();
  const targets = await resolveTargets(run, [...cands.values()], fn, touchedBefore, touchedAfter, baseRev, !!base.sha);

  run.progress('stable backports', 84);
  const commits: FixCommit[] = [];
  for (const c of cands.values()) {
    const facts = c.facts ?? parseMessage(c.entry.message);
    const fixes: FixesTarget[] = facts.fixes.map((f) => ({ ...f, ...(targets.get(f.sha) ?? {}) }));
    commits.push({
      sha: c.entry.sha,
      subject: c.entry.subject,
      author: c.entry.author,
      date: c.entry.date,
      trailers: facts.trailers,
      fixes,
      stable: facts.stable,
      syzbot: facts.syzbot,
      titleMatch: c.titleMatch,
      touch: c.touch,
      upstreamOf: facts.upstream[0],
      contained: { state: 'missing' },
      reasons: [],
      score: 0,
    });
  }
  timings.fixesTargets = Date.now() - t4;
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
    file,
    tipFile,
    tipRange,
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

/** Full sha, whether it changed the function, and whether the crashing kernel has it — per Fixes: target. */
async function resolveTargets(
  run: Run,
  cands: Candidate[],
  fn: SourceFunction,
  before: Set<string>,
  after: Set<string>,
  baseRev: string,
  haveBase: boolean,
): Promise<Map<string, Omit<FixesTarget, 'sha' | 'subject'>>> {
  const out = new Map<string, Omit<FixesTarget, 'sha' | 'subject'>>();
  const abbrevs = [...new Set(cands.flatMap((c) => (c.facts?.fixes ?? []).map((f) => f.sha)))].slice(0, 80);
  const unknown: string[] = [];
  for (const a of abbrevs) {
    const known = [...before].find((s) => s.startsWith(a)) ?? [...after].find((s) => s.startsWith(a));
    if (known) out.set(a, { full: known, touchedFunction: true, inCrashingKernel: haveBase ? before.has(known) : undefined });
    else unknown.push(a);
  }
  const fulls = new Map<string, string>();
  for (const a of unknown) {
    const full = await revParse(run, a).catch(() => undefined);
    if (full) fulls.set(a, full);
  }
  if (fulls.size) {
    // Does the named commit change the function? Its hunk headers and changed lines say.
    const r = await git(run, ['show', '-U0', '--no-ext-diff', '--no-textconv', '--format=%x1e%H', ...new Set(fulls.values())], { maxBytes: 32 * 1024 * 1024 });
    const touched = new Set<string>();
    const word = new RegExp(fn.syscall ? `SYSCALL_DEFINE\\d\\(${fn.name}\\b` : wordPattern(fn.name));
    for (const rec of r.stdout.split('\x1e')) {
      const sha = rec.slice(0, 40);
      for (const line of rec.split('\n')) {
        const hunk = /^@@ [^@]*@@(.*)$/.exec(line);
        const changed = /^[+-](?![+-]{2} )/.test(line);
        if ((hunk && word.test(hunk[1])) || (changed && word.test(line.slice(1)))) {
          touched.add(sha);
          break;
        }
      }
    }
    for (const [a, full] of fulls) {
      let inKernel: boolean | undefined;
      if (haveBase) {
        const anc = await git(run, ['merge-base', '--is-ancestor', full, baseRev], { okCodes: [1] });
        inKernel = anc.code === 0;
      }
      out.set(a, { full, touchedFunction: touched.has(full), inCrashingKernel: inKernel });
    }
  }
  return out;
}

/** Marks commits the crashing kernel already has through stable backports, and where the others landed in its line. */
async function containment(run: Run, commits: FixCommit[], base: Base): Promise<void> {
  if (!commits.length) return;
  if (base.distro) {
    for (const c of commits)
      c.contained = { state: 'unknown', reason: `a ${base.distro} kernel carries vendor backports the clone cannot see` };
    run.notes.push(`Distribution kernel (${base.distro}): fixes listed may already be backported by the vendor; check its changelog.`);
    return;
  }
  if (!base.sha) {
    for (const c of commits) c.contained = { state: 'unknown', reason: 'the clone has no tag for the crashing version' };
    return;
  }
  if (!base.exact) {
    for (const c of commits) c.contained = { state: 'unknown', reason: `the clone has no tag for the exact stable release; searched after ${base.name}` };
  }
  if (!base.prefix || !base.lineTags.length || !base.mainline) return;
  const lineTip = base.lineTags[base.lineTags.length - 1];
  const byUpstream = new Map<string, FixCommit>();
  for (const c of commits) byUpstream.set(c.upstreamOf ?? c.sha, c);
  const ids = [...byUpstream.keys()];
  const scan = async (range: string): Promise<LogEntry[]> => {
    const out: LogEntry[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const greps = ids.slice(i, i + 100).map((s) => `--grep=${s.slice(0, 12)}`);
      const r = await git(run, ['log', '-F', ...greps, LOG_FORMAT, range], { maxBytes: 16 * 1024 * 1024 });
      out.push(...parseLog(r.stdout));
    }
    return out;
  };
  const copiesOf = (e: LogEntry): string[] => {
    const facts = parseMessage(e.message);
    const found = new Set(facts.upstream);
    // Some backports cite the upstream commit abbreviated: `commit 0123456789ab upstream`.
    for (const m of e.message.matchAll(/\b(?:commit|cherry picked from commit)\s+([0-9a-f]{12,40})\b/gi))
      for (const id of ids) if (id.startsWith(m[1].toLowerCase())) found.add(id);
    return [...found].filter((id) => byUpstream.has(id));
  };
  // In the crashing kernel: stable commits between the mainline release and the crashing tag.
  if (base.exact && base.name !== base.mainline) {
    for (const e of await scan(`${base.mainline}..${base.sha}`))
      for (const id of copiesOf(e)) byUpstream.get(id)!.contained = { state: 'contained', via: base.name!, backport: e.sha };
  }
  // After it: the release of the line that got the fix (upgrade advice).
  const laterBackports = new Map<string, string>();
  if (lineTip !== base.name) {
    for (const e of await scan(`${base.sha}..${lineTip}`))
      for (const id of copiesOf(e)) if (byUpstream.get(id)!.contained.state !== 'contained') laterBackports.set(id, e.sha);
  }
  for (const c of commits) if (c.upstreamOf && c.contained.state !== 'contained') laterBackports.set(c.upstreamOf, c.sha);
  for (const [id, bp] of laterBackports) {
    const c = byUpstream.get(id)!;
    const d = await git(run, ['describe', '--contains', `--match=${base.prefix}*`, bp], { okCodes: [128] });
    const tag = d.code === 0 ? d.stdout.trim().replace(/[~^].*$/, '') : undefined;
    if (c.contained.state === 'unknown') continue;
    c.contained = { state: 'missing', backport: bp, laterIn: tag && stableNumber(tag, base.prefix) >= 0 ? tag : undefined };
  }
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

export { GitError };
