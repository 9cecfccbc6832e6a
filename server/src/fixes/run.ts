// One query's git context: where git runs, its cancellation, its notes for the user, its progress.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { assertNotOption, isCancelled, runGit, type GitResult } from './git';

export interface Run {
  cwd: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  notes: string[];
  progress(message: string, percent: number): void;
}

export function git(run: Run, args: string[], extra: { okCodes?: number[]; maxBytes?: number; timeoutMs?: number } = {}): Promise<GitResult> {
  return runGit(args, { cwd: run.cwd, signal: run.signal, timeoutMs: extra.timeoutMs ?? run.timeoutMs, okCodes: extra.okCodes, maxBytes: extra.maxBytes });
}

export async function revParse(run: Pick<Run, 'cwd' | 'signal' | 'timeoutMs'>, rev: string): Promise<string | undefined> {
  assertNotOption(rev, 'revision');
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: run.cwd, signal: run.signal, timeoutMs: run.timeoutMs, okCodes: [1, 128] });
  const s = r.stdout.trim();
  return /^[0-9a-f]{40}$/.test(s) ? s : undefined;
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
