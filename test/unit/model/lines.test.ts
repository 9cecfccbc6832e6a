// Console prefixes peeled off each line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine, parseLines, splitLines } from '../../../server/src/model/lines';

test('timestamp, caller id and the single separating space', () => {
  const l = parseLine('[  772.918915][ T4070]  dump_stack+0x1/0x2', 3);
  assert.equal(l.line, 3);
  assert.equal(l.timestamp, 772.918915);
  assert.equal(l.caller, 'T4070');
  assert.equal(l.text, ' dump_stack+0x1/0x2');
  assert.equal(l.textStart, 23);
  const c = parseLine('[    2.754753] [    C1] NMI backtrace for cpu 1', 0);
  assert.equal(c.caller, 'C1');
  assert.equal(c.text, 'NMI backtrace for cpu 1');
});

test('console level, syslog and journal prefixes', () => {
  const lv = parseLine('<4>[   12.5] WARNING: CPU: 0 PID: 1 at x.c:1 f+0x1/0x2', 0);
  assert.equal(lv.level, 4);
  assert.equal(lv.timestamp, 12.5);
  assert.ok(lv.text.startsWith('WARNING:'));
  const sys = parseLine('Jan 12 10:00:01 host kernel: [  3.1] BUG: soft lockup', 0);
  assert.equal(sys.text, 'BUG: soft lockup');
  assert.equal(sys.timestamp, 3.1);
  const iso = parseLine('2025-01-12T10:00:01.123+00:00 host kernel: Call Trace:', 0);
  assert.equal(iso.text, 'Call Trace:');
  const human = parseLine('[Mon Jan 12 10:00:01 2025] Oops: 0000 [#1] SMP', 0);
  assert.equal(human.text, 'Oops: 0000 [#1] SMP');
});

test('console noise before the prefix: login prompts, dropped-messages notices', () => {
  const login = parseLine('syzkaller login: [   59.806466][ T6792] BUG: using smp_processor_id() in preemptible', 0);
  assert.equal(login.caller, 'T6792');
  assert.ok(login.text.startsWith('BUG: using'));
  const dropped = parseLine('** 12 printk messages dropped ** [  100.1] Call Trace:', 0);
  assert.equal(dropped.text, 'Call Trace:');
  // A message that merely mentions a login is left alone.
  assert.equal(parseLine('sshd: user login: ok', 0).text, 'sshd: user login: ok');
});

test('escape codes are removed; lines without any prefix stay whole', () => {
  assert.equal(parseLine('\x1b[0;32m[    1.0] \x1b[0mhello', 0).text, 'hello');
  const bare = parseLine(' ? do_syscall_64+0x1/0x2', 0);
  assert.equal(bare.text, ' ? do_syscall_64+0x1/0x2');
  assert.equal(bare.textStart, 0);
  assert.equal(bare.timestamp, undefined);
  // Something bracketed that is not a timestamp is message text.
  assert.equal(parseLine('[<ffffffff81000000>] foo+0x1/0x2', 0).text, '[<ffffffff81000000>] foo+0x1/0x2');
});

test('LF, CRLF and lone CR line ends', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(parseLines('[ 1.0] x\r\n[ 2.0] y').map((l) => l.text), ['x', 'y']);
});
