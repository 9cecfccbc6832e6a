// Report extent rules of the parser and incremental re-parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCrashLog } from '../../../server/src/model/parser';
import type { CrashLog } from '../../../server/src/model/types';

const ts = (n: number, caller?: string): string => `[  ${(50 + n / 1000).toFixed(6)}]${caller ? `[${caller}]` : ''} `;
const log = (...ls: (string | [string, string])[]): string =>
  ls.map((l, i) => (Array.isArray(l) ? ts(i, l[0]) + l[1] : ts(i) + l)).join('\n');

const OOPS = [
  'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  '#PF: supervisor write access in kernel mode',
  'Oops: 0002 [#1] PREEMPT SMP NOPTI',
  'CPU: 1 PID: 1 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2',
  'RIP: 0010:gadget_poke+0x9/0x20 [gadget]',
  'RSP: 0018:ffffc90000013b58 EFLAGS: 00010246',
  'Call Trace:',
  ' <TASK>',
  ' gadget_write+0x76/0xc0 [gadget]',
  ' vfs_write+0xc7/0x3f0',
  ' </TASK>',
  'Modules linked in: gadget(OE)',
  'CR2: 0000000000000008',
  '---[ end trace 0000000000000000 ]---',
  'RIP: 0010:gadget_poke+0x9/0x20 [gadget]',
  'CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033',
  'Kernel panic - not syncing: Fatal exception',
  'Kernel Offset: 0x2a000000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)',
  '---[ end Kernel panic - not syncing: Fatal exception ]---',
];

test('an oops, its repeated RIP block and the panic that follows are one report', () => {
  const l = parseCrashLog(log('random boot line', ...OOPS, 'after the panic'));
  assert.equal(l.reports.length, 1);
  const r = l.reports[0];
  assert.equal(r.title, 'BUG: unable to handle kernel NULL pointer dereference in gadget_poke');
  assert.equal(r.startLine, 1);
  assert.equal(r.endLine, OOPS.length);
  assert.equal(r.kernel.release, '6.1.0-56-amd64');
  assert.equal(r.guilty?.span.line, 5);
});

test('lines after the last report content are not part of the report', () => {
  const l = parseCrashLog(log(...OOPS.slice(0, 14), 'usb 1-1: new device', 'eth0: link up'));
  assert.equal(l.reports.length, 1);
  assert.equal(l.reports[0].endLine, 13);
});

test('interleaved printk callers: each line goes to its own report', () => {
  const text = log(
    ['T10', 'WARNING: CPU: 0 PID: 10 at drivers/a.c:1 alpha_check+0x1/0x2'],
    ['T20', 'general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#2]'],
    ['T10', 'RIP: 0010:alpha_check+0x1/0x2'],
    ['T20', 'RIP: 0010:beta_walk+0x4/0x40'],
    ['T10', 'Call Trace:'],
    ['T20', 'Call Trace:'],
    ['T10', ' alpha_caller+0x1/0x2'],
    ['T20', ' beta_caller+0x1/0x2'],
  );
  const l = parseCrashLog(text);
  assert.equal(l.reports.length, 2);
  assert.deepEqual(l.reports[0].lines, [0, 2, 4, 6]);
  assert.deepEqual(l.reports[1].lines, [1, 3, 5, 7]);
  assert.equal(l.reports[0].title, 'WARNING in alpha_check');
  assert.equal(l.reports[1].title, 'general protection fault in beta_walk');
});

test('every report of a log is found, in order', () => {
  const warn = (fn: string) => [`WARNING: CPU: 0 PID: 1 at fs/x.c:9 ${fn}+0x1/0x2`, `RIP: 0010:${fn}+0x1/0x2`, 'Call Trace:', ' do_one+0x1/0x2', '---[ end trace 0000000000000000 ]---'];
  const l = parseCrashLog(log(...warn('first_fn'), 'unrelated', ...warn('second_fn')));
  assert.deepEqual(l.reports.map((r) => r.title), ['WARNING in first_fn', 'WARNING in second_fn']);
});

test('a header the console replays right after is not a report', () => {
  const l = parseCrashLog(['BUG: soft lockup - CPU#0 stuck for 22s! [a:1]', '** replaying previous printk message **'].join('\n'));
  assert.equal(l.reports.length, 0);
});

test('garbage, binary and a huge single line do not throw', () => {
  const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
  assert.doesNotThrow(() => parseCrashLog(junk));
  assert.doesNotThrow(() => parseCrashLog('BUG: ' + 'x'.repeat(2_000_000)));
  assert.doesNotThrow(() => parseCrashLog('\0\x01\x02\r\n\r\rCall Trace:\n ? +0x/0x'));
});

/** The parts of a model an incremental re-parse must reproduce exactly. */
function essence(l: CrashLog): unknown {
  return {
    lines: l.lines.map((x) => [x.line, x.raw, x.text, x.textStart, x.timestamp, x.caller, x.level]),
    reports: l.reports.map((r) => [r.title, r.startLine, r.endLine, r.lines, r.frames.map((f) => [f.function, f.span])]),
    dumps: l.dumps.map((d) => [d.title, d.startLine, d.endLine, d.registers.length]),
    frames: l.frames.map((f) => [f.function, f.span.line, f.span.start, f.exact, f.source]),
  };
}

test('re-parsing after an edit gives the same model as parsing from scratch', () => {
  const base = log(...OOPS, 'task:kworker state:I stack:0 pid:5', 'Call Trace:', ' <TASK>', ' __schedule+0x2f0/0x950', ' schedule+0x5a/0xd0', ' </TASK>', 'RAX: 0000000000000000 RBX: 0000000000000001');
  fc.assert(
    fc.property(fc.nat(base.length), fc.nat(40), fc.constantFrom('', 'x', '\n', 'BUG: oops\n', ' foo+0x1/0x2\n', '[  1.0] '), (at, del, ins) => {
      const edited = base.slice(0, at) + ins + base.slice(Math.min(base.length, at + del));
      const prev = parseCrashLog(base);
      assert.deepEqual(essence(parseCrashLog(edited, prev)), essence(parseCrashLog(edited)));
    }),
    { numRuns: 300 },
  );
});

test('sections never end before they start (arm64 pc line right before a frame)', () => {
  const { readFileSync, readdirSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const dir = join(__dirname, '../../../../shared/corpus');
  for (const sub of ['real-kernel/logs', 'real-kernel-arm64/logs']) {
    for (const name of readdirSync(join(dir, sub))) {
      const log = parseCrashLog(readFileSync(join(dir, sub, name), 'utf8'));
      for (const r of [...log.reports, ...log.dumps]) for (const s of r.sections) assert.ok(s.endLine >= s.startLine, `${name}: ${s.kind} ${s.startLine}-${s.endLine}`);
    }
  }
});
