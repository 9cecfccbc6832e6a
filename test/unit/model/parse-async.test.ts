// The sliced parse (parseCrashLogAsync) gives the very model the one-shot parse gives, can be
// abandoned, lets parses of several documents interleave, and an edited document does not keep
// earlier versions of its text alive.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseCrashLog, parseCrashLogAsync } from '../../../server/src/model/parser';
import { splitLines } from '../../../server/src/model/lines';
import type { CrashLog } from '../../../server/src/model/types';
import { SHARED } from '../fuzz/text-harness';

const LOGS = join(SHARED, 'corpus/real-kernel/logs');
const logs = (() => {
  try {
    return readdirSync(LOGS).map((n) => [n, readFileSync(join(LOGS, n), 'utf8')] as const);
  } catch {
    return [];
  }
})();

/** Everything a feature reads, as plain data (DumpReport's lazy registers included). */
const view = (m: CrashLog) => JSON.parse(JSON.stringify({ ...m, lines: m.lines.map((l) => [l.raw, l.text, l.textStart, l.caller ?? null]) }));

describe('parseCrashLogAsync', { skip: !logs.length && 'corpus absent' }, () => {
  it('gives the same model as parseCrashLog on every real-kernel log, with LF, CRLF and CR line ends', async () => {
    for (const [name, text] of logs) {
      for (const [eol, t] of [['LF', text], ['CRLF', text.replace(/\n/g, '\r\n')], ['CR', text.replace(/\n/g, '\r')]] as const) {
        const sync = parseCrashLog(t);
        const sliced = await parseCrashLogAsync(t, undefined, { sliceMs: 0 });
        assert.deepEqual(view(sliced), view(sync), `${name} (${eol})`);
        assert.deepEqual(sliced.lines.map((l) => l.raw), splitLines(t), `${name} (${eol}) lines`);
      }
    }
  });

  it('interleaved parses of two documents do not mix their lines', async () => {
    const [a, b] = [logs.find(([n]) => n === 'sysrq-t.log')![1], logs.find(([n]) => n === 'mod-null-deref.log')![1]];
    const [ma, mb] = await Promise.all([parseCrashLogAsync(a, undefined, { sliceMs: 0 }), parseCrashLogAsync(b, undefined, { sliceMs: 0 })]);
    assert.deepEqual(view(ma), view(parseCrashLog(a)));
    assert.deepEqual(view(mb), view(parseCrashLog(b)));
  });

  it('an edit re-parsed in slices from the previous model equals a fresh parse', async () => {
    const text = logs.find(([n]) => n === 'mod-warn-multi.log')![1];
    const before = parseCrashLog(text);
    const lines = text.split('\n');
    lines.splice(40, 0, 'an inserted line', 'BUG: kernel NULL pointer dereference, address: 0000000000000010');
    const edited = lines.join('\n');
    assert.deepEqual(view(await parseCrashLogAsync(edited, before, { sliceMs: 0 })), view(parseCrashLog(edited)));
  });

  it('tells how far it is: fractions between 0 and 1, never going back', async () => {
    const text = logs.find(([n]) => n === 'sysrq-t-many.log')![1];
    const seen: number[] = [];
    await parseCrashLogAsync(text, undefined, { sliceMs: 0, onProgress: (f) => seen.push(f) });
    assert.ok(seen.length > 5, `${seen.length} reports`);
    assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1])), JSON.stringify(seen));
    assert.ok(seen.at(-1)! > 0.9, `last ${seen.at(-1)}`);
  });

  it('an aborted parse rejects with an AbortError and returns to the event loop between slices', async () => {
    const text = logs.find(([n]) => n === 'sysrq-t-many.log')![1];
    const abort = new AbortController();
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const parsing = parseCrashLogAsync(text, undefined, { signal: abort.signal, sliceMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await assert.rejects(parsing, { name: 'AbortError' });
    clearInterval(ticker);
    assert.ok(turns > 0, 'timers ran while the parse was under way');
  });
});

describe('an edited document does not keep its earlier versions alive', { skip: !logs.length && 'corpus absent' }, () => {
  it('forty one-line edits of a 5 MB log grow the heap by less than two copies of it', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const base = logs.find(([n]) => n === 'sysrq-t-many.log')![1].repeat(4);
    const lines = base.split('\n');
    let text = base;
    let model = parseCrashLog(text);
    gc();
    const start = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i++) {
      // Each edit on another line: before the fix every version's text stayed reachable from its line.
      lines[1000 + i * 1500] += ' edited';
      text = lines.join('\n');
      model = parseCrashLog(text, model);
    }
    text = '';
    gc();
    const growth = process.memoryUsage().heapUsed - start;
    console.log(`  heap growth after 40 edits of ${(base.length / 2 ** 20).toFixed(1)} MB: ${(growth / 2 ** 20).toFixed(1)} MB`);
    assert.ok(model.lines.length === lines.length);
    assert.ok(growth < 2 * base.length, `heap grew ${growth} bytes`);
  });
});
