// TEMPORARY stub by the lead so the parser builds; the titles helper replaces this file whole.
import type { ReportKind } from './types';

export interface HeaderMatch {
  kind: ReportKind;
  /** A header that continues the report before it (`Oops:` after `BUG:`, `Kernel panic` tail). */
  continuation?: boolean;
}

const TABLE: [RegExp, ReportKind, boolean?][] = [
  [/^(?:Oops|invalid opcode|Internal error): /, 'oops', true],
  [/^Kernel panic - not syncing/, 'panic', true],
  [/^BUG: KASAN: /, 'kasan'],
  [/^BUG: KMSAN: /, 'kmsan'],
  [/^BUG: KCSAN: /, 'kcsan'],
  [/^BUG: KFENCE: /, 'kfence'],
  [/^(?:watchdog: )?BUG: soft lockup/, 'softlockup'],
  [/^INFO: task .* blocked for more than/, 'hung-task'],
  [/^(?:INFO: )?rcu_(?:sched|preempt|bh)? ?(?:self-)?detected (?:stalls?|expedited)/, 'rcu-stall'],
  [/^UBSAN: /, 'ubsan'],
  [/^(?:WARNING: (?:CPU|possible circular|possible recursive|inconsistent lock|suspicious RCU)|======================================================)/, 'warning'],
  [/^kernel BUG at /, 'bug'],
  [/^BUG: (?:unable to handle|kernel NULL pointer|kernel paging request)/, 'oops'],
  [/^BUG: /, 'bug'],
  [/^general protection fault/, 'oops'],
  [/^Unable to handle kernel /, 'oops'],
  [/^WARNING: /, 'warning'],
  [/^unreferenced object /, 'leak'],
  [/^Kernel panic/, 'panic'],
];

export function matchHeader(text: string): HeaderMatch | undefined {
  const t = text.trimStart();
  for (const [re, kind, continuation] of TABLE) if (re.test(t)) return { kind, continuation };
  return undefined;
}
