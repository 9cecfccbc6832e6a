// Frame lines of every architecture's printing style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchMentions, matchPcFrame, matchTraceFrame } from '../../../server/src/model/frames';

test('x86-64 call trace frames: plain, unreliable, module with build id, (P) tag, old [<addr>]', () => {
  const plain = matchTraceFrame(' vfs_write+0xc7/0x3f0')!;
  assert.deepEqual([plain.function, plain.offset, plain.size, plain.unreliable, plain.nameStart], ['vfs_write', 0xc7, 0x3f0, false, 1]);
  const q = matchTraceFrame(' ? exit_to_user_mode_prepare+0x44/0x240')!;
  assert.equal(q.unreliable, true);
  assert.equal(q.function, 'exit_to_user_mode_prepare');
  const mod = matchTraceFrame(' evalcrash_write+0x76/0xc0 [evalcrash 0123456789abcdef0123456789abcdef01234567]')!;
  assert.deepEqual([mod.module, mod.buildId], ['evalcrash', '0123456789abcdef0123456789abcdef01234567']);
  const p = matchTraceFrame(' el0t_64_sync_handler+0x1/0x2 (P)')!;
  assert.equal(p.tag, 'P');
  const old = matchTraceFrame(' [<ffffffff81d90469>] dump_stack+0xc1/0x128')!;
  assert.deepEqual([old.address, old.function], ['ffffffff81d90469', 'dump_stack']);
  assert.equal(matchTraceFrame('Call Trace:'), undefined);
  assert.equal(matchTraceFrame('random text: with colon'), undefined);
});

test('syzbot symbolized frames: file:line and [inline] lines', () => {
  const f = matchTraceFrame(' kasan_report+0x1b2/0x281 mm/kasan/report.c:412')!;
  assert.deepEqual([f.function, f.file, f.fileLine], ['kasan_report', 'mm/kasan/report.c', 412]);
  const inl = matchTraceFrame(' __dump_stack lib/dump_stack.c:77 [inline]')!;
  assert.deepEqual([inl.function, inl.file, inl.fileLine, inl.inline], ['__dump_stack', 'lib/dump_stack.c', 77, true]);
});

test('arm32 (with and without addresses), powerpc and riscv frames', () => {
  const a = matchTraceFrame('[<8011344c>] (unwind_backtrace) from [<8010ef84>] (show_stack+0x18/0x1c)')!;
  assert.deepEqual([a.function, a.address], ['unwind_backtrace', '8011344c']);
  const b = matchTraceFrame(' unwind_backtrace from show_stack+0x10/0x14')!;
  assert.equal(b.function, 'unwind_backtrace');
  const ppc = matchTraceFrame('[c0000000fe7ff9e0] [c0000000001c4b6c] dump_stack+0x1c/0x40 (unreliable)')!;
  assert.deepEqual([ppc.function, ppc.unreliable], ['dump_stack', true]);
  const rv = matchTraceFrame('[<ffffffff80010a14>] dump_backtrace+0x2e/0x3c')!;
  assert.equal(rv.function, 'dump_backtrace');
});

test('exact-PC lines: RIP old and new, pc/lr', () => {
  const rip = matchPcFrame('RIP: 0010:evalcrash_bug_on+0x1a/0x21 [evalcrash]')!;
  assert.deepEqual([rip.source, rip.function, rip.module], ['rip', 'evalcrash_bug_on', 'evalcrash']);
  const old = matchPcFrame('RIP: 0010:[<ffffffff82d4e304>]  [<ffffffff82d4e304>] __memset+0x24/0x30')!;
  assert.equal(old.function, '__memset');
  assert.equal(matchPcFrame('pc : evalcrash_null_deref+0x18/0x28 [evalcrash]')!.source, 'pc');
  assert.equal(matchPcFrame('lr : evalcrash_dispatch+0x5c/0x80 [evalcrash]')!.source, 'lr');
  assert.equal(matchPcFrame('RIP: 0033:0x47b7a0'), undefined);
});

test('%pS mentions inside messages', () => {
  const ms = matchMentions('(&p->lock){+.+.}, at: seq_read+0xdd/0x1290 and also at: foo_bar+0x1/0x2 [mod]');
  assert.deepEqual(ms.map((m) => [m.function, m.module]), [['seq_read', undefined], ['foo_bar', 'mod']]);
});
