// Order of the answer: fixes the crashing kernel lacks first; among them Fixes:/Cc: stable before
// the rest, then by how directly they touch the function; contained ones last.
import type { FixCommit, Touch } from './types';

const TOUCH_SCORE: Record<Touch, number> = { body: 400, mention: 300, message: 200, file: 100, none: 0 };

export function scoreCommit(c: FixCommit): number {
  let s = 0;
  // A Fixes: whose every target is known to be missing from the crashing kernel fixes a bug it does not have.
  const relevantFixes = c.fixes.some((f) => f.inCrashingKernel !== false);
  if (relevantFixes || c.stable) s += 1000;
  if (c.titleMatch) s += c.syzbot ? 900 : 500;
  s += TOUCH_SCORE[c.touch];
  if (c.fixes.some((f) => f.touchedFunction)) s += 250;
  if (c.fixes.some((f) => f.inCrashingKernel)) s += 50;
  return s;
}

/** Sorted copy with scores filled in; oldest first among equals (the first fix after the crash is the likely one). */
export function rankCommits(commits: FixCommit[]): FixCommit[] {
  for (const c of commits) c.score = scoreCommit(c);
  const containedLast = (c: FixCommit) => (c.contained.state === 'contained' ? 1 : 0);
  return [...commits].sort(
    (a, b) => containedLast(a) - containedLast(b) || b.score - a.score || Date.parse(a.date) - Date.parse(b.date) || a.sha.localeCompare(b.sha),
  );
}
