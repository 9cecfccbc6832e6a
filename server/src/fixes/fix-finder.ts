// The finder as a service: results cached per (repo HEAD, upstream tip, base, function, file, title),
// identical concurrent queries share one run, and a run can be cancelled.
import { findFixes, revParse } from './finder';
import type { FindOptions, FixQuery, FixResult } from './types';

export class FixFinder {
  private readonly cache = new Map<string, Promise<FixResult>>();
  private readonly done = new Map<string, FixResult>();

  constructor(private readonly maxEntries = 64) {}

  /** Cache key: the tip sha makes a fetch/pull invalidate everything for that repo. */
  async key(q: FixQuery, signal?: AbortSignal): Promise<string> {
    const head = await revParse({ cwd: q.repo, signal }, q.upstreamRef?.trim() || 'HEAD');
    if (!head) throw new Error(`${q.repo}: no revision ${q.upstreamRef || 'HEAD'}`);
    return JSON.stringify([q.repo, head, q.baseRef ?? '', q.kernel?.release ?? '', q.kernel?.version ?? '', q.function, q.file ?? '', q.module ?? '', q.title ?? '', q.syzbotAddresses ?? [], q.limit ?? 0]);
  }

  async find(q: FixQuery, opts: FindOptions = {}): Promise<FixResult> {
    const key = await this.key(q, opts.signal);
    const hit = this.cache.get(key);
    if (hit) {
      opts.onProgress?.('cached', 100);
      return hit;
    }
    const p = findFixes(q, opts);
    this.cache.set(key, p);
    this.trim();
    try {
      const r = await p;
      this.done.set(key, r);
      return r;
    } catch (e) {
      // Failures and cancellations are not answers: the next request runs again.
      this.cache.delete(key);
      throw e;
    }
  }

  /** Finished results for a function in any repo/version, newest first (for "Open <sha>" code actions). */
  resultsFor(fn: string, repo?: string): FixResult[] {
    const out: FixResult[] = [];
    for (const [k, r] of this.done) {
      const parts = JSON.parse(k) as unknown[];
      if (parts[5] === fn && (!repo || parts[0] === repo)) out.push(r);
    }
    return out.reverse();
  }

  clear(): void {
    this.cache.clear();
    this.done.clear();
  }

  private trim(): void {
    while (this.cache.size > this.maxEntries) {
      const first = this.cache.keys().next().value as string;
      this.cache.delete(first);
      this.done.delete(first);
    }
  }
}
