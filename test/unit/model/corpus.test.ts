// Runs the whole public syzkaller corpus (../shared/corpus/syzkaller/reports, Apache-2.0, see
// its README) through the parser and compares the first report with syzkaller's expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../../../server/src/model/parser';

const DIR = join(__dirname, '../../../../shared/corpus/syzkaller/reports');

interface Expected {
  title: string | null;
  alt?: string[];
  type: string | null;
  frame: string | null;
  corrupted: boolean;
}

test('syzkaller corpus: titles, alt titles and guilty frames', { skip: !existsSync(DIR) && 'corpus not present' }, () => {
  const names = readdirSync(DIR).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)).sort();
  assert.ok(names.length >= 300, `corpus has ${names.length} logs`);
  let title = 0, titleOrAlt = 0, frame = 0, corrupted = 0, type = 0;
  const misses: string[] = [];
  for (const name of names) {
    const exp = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Expected;
    const log = parseCrashLog(readFileSync(join(DIR, `${name}.log`), 'utf8'));
    const r = log.reports[0];
    const ours = r ? [r.title, ...r.altTitles] : [null];
    const theirs = [exp.title, ...(exp.alt ?? [])];
    const titleOk = (r?.title ?? null) === exp.title;
    const altOk = ours.some((t) => theirs.includes(t));
    // syzkaller names the frame `corrupted` when it found none; we leave it undefined.
    const expFrame = exp.frame === 'corrupted' ? undefined : exp.frame ?? undefined;
    const frameOk = (r?.guiltyFrame ?? undefined) === expFrame;
    if (titleOk) title++;
    if (altOk) titleOrAlt++;
    if (frameOk) frame++;
    if (!r || r.corrupted === exp.corrupted) corrupted++;
    if ((r?.type ?? null) === exp.type) type++;
    if (!altOk || !frameOk) misses.push(`${name}: ${JSON.stringify(r?.title ?? null)} expected ${JSON.stringify(exp.title)}; frame ${r?.guiltyFrame} expected ${exp.frame}`);
  }
  const pct = (n: number): number => Math.round((1000 * n) / names.length) / 10;
  console.log(`syzkaller corpus (${names.length} logs): title ${pct(title)}%, title-or-alt ${pct(titleOrAlt)}%, guilty frame ${pct(frame)}%, corrupted flag ${pct(corrupted)}%, type ${pct(type)}%`);
  if (misses.length) console.log(misses.join('\n'));
  assert.ok(pct(titleOrAlt) >= 90, `title-or-alt ${pct(titleOrAlt)}% < 90%`);
  assert.ok(pct(frame) >= 90, `guilty frame ${pct(frame)}% < 90%`);
});
