// The fix finder's question and answer. Pure data: the LSP layer and the CLI render it.
import type { KernelInfo } from '../model/types';
import type { FixesRef, Trailer } from './commit-message';

export interface FixQuery {
  /** Kernel git clone (work tree or bare). */
  repo: string;
  /** Symbol as printed in the report (`nfs_unlock_request`, `foo.isra.0`, `__x64_sys_close`). */
  function: string;
  /** Source file of the function in the crashing version, if known (syzbot line, symbolizer, `kernel BUG at`). */
  file?: string;
  /** Module the frame belongs to (`nfs`), a hint for finding the file. */
  module?: string;
  /** Report title (`kernel BUG in nfs_unlock_request`). */
  title?: string;
  /** The crashing kernel, mapped to a tag. */
  kernel?: KernelInfo;
  /** Explicit revision of the crashing kernel (overrides `kernel`). */
  baseRef?: string;
  /** Where upstream history ends; default HEAD. */
  upstreamRef?: string;
  /** `syzbot+<hash>@syzkaller.appspotmail.com` addresses printed with the report. */
  syzbotAddresses?: string[];
  /** Most commits returned (after ranking). Default 40. */
  limit?: number;
}

export interface FindOptions {
  signal?: AbortSignal;
  /** Progress in percent (0-100) with a short message. */
  onProgress?: (message: string, percent: number) => void;
  /** Per git call. Default 60 s. */
  timeoutMs?: number;
  /** Run the history walks one after the other instead of concurrently. */
  sequential?: boolean;
}

/** How a commit relates to the crashing function, strongest first. */
export type Touch =
  | 'body'           // changed lines inside the function's definition (git log -L)
  | 'mention'        // added/removed lines naming the function in its file (git log -G): renames, moves, callers
  | 'message'        // names the function or the report title in its message
  | 'file'           // touched the function's file only
  | 'none';

export interface FixesTarget extends FixesRef {
  /** Full sha, when the clone has the commit. */
  full?: string;
  /** The named commit changed the crashing function (hunk header or changed line names it). */
  touchedFunction?: boolean;
  /** The named commit is in the crashing kernel: the bug it introduced is there too. */
  inCrashingKernel?: boolean;
}

export type Containment =
  /** Not in the crashing kernel: a candidate fix. */
  | { state: 'missing'; laterIn?: string; backport?: string }
  /** Already in the crashing kernel (ancestor, or a stable backport of it is). */
  | { state: 'contained'; via: string; backport?: string }
  /** The clone cannot tell (no stable tags, distribution kernel). */
  | { state: 'unknown'; reason: string };

export interface FixCommit {
  sha: string;
  subject: string;
  author: string;
  /** Author date, ISO 8601. */
  date: string;
  trailers: Trailer[];
  fixes: FixesTarget[];
  /** Cc: stable. */
  stable: boolean;
  /** Reported-by: syzbot. */
  syzbot: boolean;
  /** The message names the report title or one of its syzbot addresses. */
  titleMatch: boolean;
  touch: Touch;
  /** Upstream commit this one is a stable copy of (when the searched history is a stable branch). */
  upstreamOf?: string;
  contained: Containment;
  /** Why it is listed, for people: `changes nfs_unlock_request()`, `Fixes: 43d20e80e288 (...)`. */
  reasons: string[];
  score: number;
}

export interface FixResult {
  function: string;
  /** Files searched: in the crashing version and at the upstream tip (after renames). */
  file?: string;
  tipFile?: string;
  /** Line range of the definition at the tip that `git log -L` followed. */
  tipRange?: { start: number; end: number };
  /** Revision used for the crashing kernel (tag name or sha) and its sha. */
  base?: string;
  baseSha?: string;
  upstream: string;
  upstreamSha: string;
  /** Ranked: fixes missing from the crashing kernel first, contained ones last. */
  commits: FixCommit[];
  /** Candidates before the limit was applied. */
  total: number;
  /** Things the user should know: fallbacks taken, ambiguity, missing stable tags. */
  notes: string[];
  elapsedMs: number;
  /** Milliseconds per phase (history walks, containment), for benchmarks and the log. */
  timings?: Record<string, number>;
}
