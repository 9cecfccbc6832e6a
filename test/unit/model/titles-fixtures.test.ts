// Syzkaller's own expectations for a spread of report formats (test/fixtures/syzkaller, Apache-2.0,
// see NOTICE there): one case per rule family, arm64 and x86, printk caller ids, corrupted logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../../../server/src/model/parser';

const DIR = join(__dirname, '../../fixtures/syzkaller');

interface Expected {
  title: string | null;
  alt: string[];
  type: string | null;
  frame: string | null;
  corrupted: boolean;
}

for (const name of readdirSync(DIR).filter((f) => f.endsWith('.log')).map((f) => f.slice(0, -4)).sort()) {
  test(`syzkaller case: ${name}`, () => {
    const exp = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Expected;
    const r = parseCrashLog(readFileSync(join(DIR, `${name}.log`), 'utf8')).reports[0];
    if (exp.title === null) {
      assert.equal(r, undefined);
      return;
    }
    assert.ok(r, 'no report found');
    assert.equal(r.title, exp.title);
    for (const alt of exp.alt) assert.ok(r.altTitles.includes(alt), `alt title ${alt} missing from ${JSON.stringify(r.altTitles)}`);
    assert.equal(r.type, exp.type);
    assert.equal(r.guiltyFrame, exp.frame === 'corrupted' ? undefined : exp.frame ?? undefined);
    assert.equal(r.corrupted, exp.corrupted, r.corruptedReason);
  });
}
