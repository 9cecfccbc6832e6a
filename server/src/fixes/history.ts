// The history walks of one query, each one git process reading the range once:
// the function's lines followed by `git log -L`, the files' -U0 patches, the function's history
// before the crashing version, and the commit messages.
import { isCancelled, literalPath } from './git';
import { LOG_FORMAT, LOG_FORMAT_SHORT, parseLog, type LogEntry } from './git-log';
import { ereEscape, type LineRange } from './function-locator';
import { git, type Run } from './run';

/** Split `git log -p` output (LOG_FORMAT records followed by patches) into entries and their patch text. */
export function splitPatchLog(out: string): { entry: LogEntry; patch: string }[] {
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
export function patchTouch(patch: string, word: RegExp): { lines: boolean; header: boolean } {
  let lines = false;
  let header = false;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ [^@]*@@(.*)$/.exec(line);
    if (hunk) header ||= word.test(hunk[1]);
    else if (/^[+-](?![+-]{2} )/.test(line) && word.test(line.slice(1))) lines = true;
  }
  return { lines, header };
}

function yearsBefore(iso: string | undefined, years: number): string {
  const t = iso ? Date.parse(iso) : NaN;
  const d = new Date(Number.isNaN(t) ? Date.now() : t);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return d.toISOString().slice(0, 10);
}

/** (a) Commits that changed the function's lines at the tip, followed back by git to the crashing version. */
export async function walkFunctionLines(run: Run, range: string[], file: string, lines: LineRange): Promise<LogEntry[] | undefined> {
  try {
    const args = ['log', '--no-merges', `-L${lines.start},${lines.end}:${file}`, '--no-patch', '--no-textconv', '--no-ext-diff', LOG_FORMAT_SHORT, ...range];
    return parseLog((await git(run, args, { maxBytes: 8 * 1024 * 1024 })).stdout);
  } catch (e) {
    if (isCancelled(e)) throw e;
    run.notes.push(`git log -L failed (${(e as Error).message}); using the file's patches only.`);
    return undefined;
  }
}

export interface FileChange {
  entry: LogEntry;
  /** A changed line names the function (what git log -G would say). */
  lines: boolean;
  /** A hunk header names the function. */
  header: boolean;
}

/** Every commit to the files, with its message (Fixes: trailers) and how its hunks relate to the function. */
export async function walkFiles(run: Run, range: string[], paths: string[], word: RegExp): Promise<FileChange[]> {
  if (!paths.length) return [];
  const args = ['log', '--no-merges', '-p', '-U0', '--no-ext-diff', '--no-textconv', '--no-color', LOG_FORMAT, '-n', '5000', ...range, '--', ...paths.map(literalPath)];
  const r = await git(run, args, { maxBytes: 96 * 1024 * 1024 });
  if (r.truncated) run.notes.push('The history of the file is very long; only its newest part was read.');
  return splitPatchLog(r.stdout).map(({ entry, patch }) => ({ entry, ...patchTouch(patch, word) }));
}

/**
 * Commits that changed the function before the crashing version: the bugs the crashing kernel carries.
 * Bounded to the 200 newest within 2 years and to 10 s (a full kernel history walk would outlast the
 * whole query); when cut short, only Fixes: of commits to the file are checked (and the note says so).
 */
export async function walkBefore(run: Run, base: { sha: string; date?: string }, file: string, lines: LineRange, what: string): Promise<Set<string>> {
  const set = new Set<string>();
  try {
    const args = ['log', '--no-merges', `-L${lines.start},${lines.end}:${file}`, '--no-patch', '--no-textconv', '--no-ext-diff', '--format=%H', '-n', '200', `--since=${yearsBefore(base.date, 2)}`, base.sha];
    const r = await git(run, args, { maxBytes: 4 * 1024 * 1024, timeoutMs: Math.min(run.timeoutMs ?? 60000, 10000) });
    for (const l of r.stdout.split('\n')) if (/^[0-9a-f]{40}$/.test(l.trim())) set.add(l.trim());
  } catch (e) {
    if (isCancelled(e)) throw e;
    run.notes.push(`The history of ${what} before the crashing version was not available (${(e as Error).message}).`);
  }
  return set;
}

/**
 * Messages containing any of the literal strings, or a `Fixes:` line naming one of the sha prefixes.
 * One combined regex: git tries each --grep pattern on every line, so N patterns cost N walks' worth
 * of matching, while one alternation costs about one. Callers apply the exact rules to what comes back.
 */
export async function walkMessages(run: Run, range: string[], strings: string[], fixesPrefixes: string[] = [], limit = 2000): Promise<LogEntry[]> {
  const alternatives = strings.map(ereEscape);
  const hex = fixesPrefixes.filter((p) => /^[0-9a-f]{6,40}$/.test(p));
  if (hex.length) alternatives.push(`^Fixes:[[:space:]]*(${hex.join('|')})`);
  const r = await git(run, ['log', '--no-merges', '-E', `--grep=${alternatives.join('|')}`, LOG_FORMAT, '-n', String(limit), ...range], { maxBytes: 48 * 1024 * 1024 });
  const found = parseLog(r.stdout);
  if (found.length >= limit) run.notes.push(`More than ${limit} commit messages name "${strings[0]}"; only the newest ${limit} were read.`);
  return found;
}
