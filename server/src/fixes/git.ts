// Runs git with argument arrays only (never a shell), in the background, killable through an AbortSignal.
// Every call pins the options a user's or a cloned repository's config could turn into command
// execution or into output we cannot parse (fsmonitor hooks, external diff, textconv, pagers, colour).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface GitRunOptions {
  /** Directory git runs in (work tree or git dir). */
  cwd: string;
  signal?: AbortSignal;
  /** Kill the child after this long (default 60 s). */
  timeoutMs?: number;
  /** Stop reading (and kill git) after this many bytes of stdout; the result is marked truncated. */
  maxBytes?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-base --is-ancestor`). */
  okCodes?: number[];
}

export interface GitResult {
  stdout: string;
  code: number;
  truncated: boolean;
}

export class GitError extends Error {
  constructor(message: string, readonly args: string[], readonly code: number | null, readonly stderr: string) {
    super(message);
    this.name = 'GitError';
  }
}

export class GitCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}

/** Config that must not come from the repository or the user's config while we read history. */
const PINNED_CONFIG = [
  'core.fsmonitor=false',
  'core.pager=cat',
  'color.ui=false',
  'log.follow=false',
  'log.showSignature=false',
  'log.decorate=false',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'i18n.logOutputEncoding=UTF-8',
];

export function gitArgs(args: string[]): string[] {
  const out: string[] = ['--no-pager', '--no-optional-locks'];
  for (const c of PINNED_CONFIG) out.push('-c', c);
  return out.concat(args);
}

/** Value that came from a log, a report or a setting and will be given to git as a revision or pattern. */
export function assertNotOption(value: string, what: string): string {
  if (value.startsWith('-')) throw new Error(`refusing ${what} that starts with '-': ${JSON.stringify(value)}`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) throw new Error(`refusing ${what} with control characters`);
  return value;
}

/** A path from a report or a log, as a pathspec that is never a glob or magic. */
export function literalPath(path: string): string {
  return `:(literal)${path}`;
}

export function runGit(args: string[], opts: GitRunOptions): Promise<GitResult> {
  const full = gitArgs(args);
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new GitCancelled());
    // spawn reports a missing cwd as a missing git (ENOENT); say what is really missing.
    if (!existsSync(opts.cwd)) return reject(new GitError(`${opts.cwd} does not exist`, args, null, ''));
    const child = spawn('git', full, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_PAGER: 'cat',
        PAGER: 'cat',
        LC_ALL: 'C',
        GIT_OPTIONAL_LOCKS: '0',
        GIT_EXTERNAL_DIFF: '',
      },
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    let stderr = '';
    let settled = false;
    const max = opts.maxBytes ?? 64 * 1024 * 1024;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = () => {
      kill();
      finish(() => reject(new GitCancelled()));
    };
    const timer = setTimeout(() => {
      kill();
      finish(() => reject(new GitError(`git ${args[0]} timed out after ${opts.timeoutMs ?? 60000} ms`, args, null, stderr)));
    }, opts.timeoutMs ?? 60000);
    function finish(f: () => void) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      f();
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => {
      if (truncated) return;
      if (bytes + b.length > max) {
        chunks.push(b.subarray(0, max - bytes));
        bytes = max;
        truncated = true;
        kill();
        return;
      }
      chunks.push(b);
      bytes += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 16384) stderr += b.toString('utf8');
    });
    child.on('error', (e) => finish(() => reject(new GitError(`cannot run git: ${e.message}`, args, null, stderr))));
    child.on('close', (code) => {
      finish(() => {
        const stdout = Buffer.concat(chunks).toString('utf8');
        if (truncated) return resolve({ stdout, code: code ?? 0, truncated });
        if (code === 0 || (code !== null && opts.okCodes?.includes(code))) return resolve({ stdout, code, truncated });
        const first = stderr.trim().split('\n')[0] ?? '';
        reject(new GitError(`git ${args[0]} failed (${code}): ${first}`, args, code, stderr));
      });
    });
  });
}

export function isCancelled(e: unknown): boolean {
  return e instanceof GitCancelled || (e instanceof Error && e.name === 'AbortError');
}
