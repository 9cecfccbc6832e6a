// crash(8) transcripts: commands, sys header, bt frames, bt -l sources, dis, sym, mod, log re-parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../../../server/src/model/parser';

const LOGS = join(__dirname, '../../../../shared/corpus/real-kernel/logs');
const sessions = readdirSync(LOGS).filter((n) => n.startsWith('crash-session-'));

test('the shared sessions are there', () => assert.equal(sessions.length, 3));

for (const name of sessions) {
  test(`${name}: commands, sys, bt frames and the log's report`, () => {
    const text = readFileSync(join(LOGS, name), 'utf8');
    const lines = text.split('\n');
    const log = parseCrashLog(text);
    const s = log.session!;
    assert.ok(s, 'recognised as a crash transcript');
    const prompts = lines.filter((l) => l.startsWith('crash> ')).length;
    assert.equal(s.commands.length, prompts);
    assert.deepEqual(s.commands.slice(0, 1).map((c) => c.command), ['sys']);
    assert.equal(s.sys.RELEASE.value, '6.1.0-56-amd64');
    assert.match(s.sys.VERSION.value, /Debian 6\.1\.192-2/);
    assert.equal(s.sys.KERNEL.value, '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64');
    // Every `#N [sp] func at addr` line of every bt output is a frame with its address.
    const btLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*#\d+ \[[0-9a-f]+\] \S+ at [0-9a-f]+/.test(l));
    for (const [l, i] of btLines) {
      const f = s.frames.find((x) => x.span.line === i && x.source === 'crash-bt');
      assert.ok(f, `frame on line ${i + 1}`);
      assert.ok(l.includes(`${f.function} at ${f.address}`));
    }
    // bt -l gives each frame its source line; paths keep their build prefix here (mapping is source/'s job).
    const withSource = s.frames.filter((f) => f.source === 'crash-bt' && f.file);
    assert.ok(withSource.length >= btLines.length / 2 - 1, `${withSource.length} frames with source`);
    assert.ok(withSource.some((f) => f.function === 'vfs_write' && /fs\/read_write\.c$/.test(f.file!)));
    // Only the `log` output is read as a console log: it holds the panic, sys/bt output does not.
    const logCmd = s.commands.find((c) => c.command.startsWith('log'))!;
    assert.ok(log.reports.length >= 1);
    for (const r of log.reports) assert.ok(r.startLine >= logCmd.outputStart && r.endLine <= logCmd.outputEnd, `report at ${r.startLine + 1} inside log output`);
    assert.ok(s.modules.qemu_fw_cfg, 'mod table');
    assert.ok(s.facts.some((f) => f.offset > 0), 'sym/dis give (symbol+offset, address) facts for the KASLR slide');
  });
}

test('module session: exception RIP with a decimal offset, faulting dis line, module base', () => {
  const name = sessions.find((n) => n.includes('mod-null-deref'))!;
  const text = readFileSync(join(LOGS, name), 'utf8');
  const s = parseCrashLog(text).session!;
  const exc = s.frames.find((f) => f.source === 'crash-exception')!;
  assert.equal(exc.function, 'evalcrash_null_deref');
  assert.equal(exc.offset, 24); // crash prints decimal offsets
  assert.equal(exc.address, 'ffffffffc03044aa');
  assert.ok(exc.exact);
  const faulting = s.instructions.filter((i) => i.faulting);
  assert.equal(faulting.length, 1);
  assert.match(faulting[0].text, /movq\s+\$0x1234,0x8\(%rax\)/);
  assert.equal(s.modules.evalcrash, 'ffffffffc0304000');
  const mod = s.frames.find((f) => f.function === 'evalcrash_dispatch' && f.source === 'crash-bt')!;
  assert.equal(mod.module, 'evalcrash');
});

test('banner, renamed prompt, errors, empty output and truncated output', () => {
  const banner = sessions.find((n) => n.includes('banner'))!;
  const b = parseCrashLog(readFileSync(join(LOGS, banner), 'utf8')).session!;
  assert.equal(b.banner?.crashVersion, '8.0.2');
  assert.ok(b.banner!.warnings.some((w) => w.text.includes('not found in PID hash')));

  const s = parseCrashLog(readFileSync(join(__dirname, '../../fixtures/crash/edge-cases.txt'), 'utf8')).session!;
  assert.deepEqual(s.commands.map((c) => c.prompt), ['crash-arm64> ', 'crash-arm64> ', 'crash-arm64> ', 'crash-arm64> ']);
  assert.equal(s.sys.RELEASE.value, '6.1.0-56-arm64');
  assert.match(s.sys.PANIC.value, /^Unable to handle kernel NULL pointer/);
  assert.deepEqual(s.errors.map((e) => e.text), ['invalid structure member name: nosuchfield']);
  const set = s.commands[2];
  assert.equal(set.command, 'set scroll off');
  assert.ok(set.outputEnd < set.outputStart, 'a command with no output has an empty output range');
  assert.deepEqual(s.frames.map((f) => f.function), ['__crash_kexec', 'panic', 'evalcrash_null_deref']);
  assert.equal(s.frames[2].module, 'evalcrash');
});

test('a console log pasted above a crash session keeps its reports and frames', () => {
  const text = [
    'the box panicked, log below:',
    '[2305675.256787] kernel BUG at fs/nfs/pagelist.c:382!',
    '[2305675.259330] invalid opcode: 0000 [#1] SMP NOPTI',
    '[2305675.301490] Call Trace:',
    '[2305675.302501] nfs_end_page_writeback+0x6d/0x100 [nfs]',
    '[2305675.304672] nfs_redirty_request+0x28/0x40 [nfs]',
    '[2305675.336788] entry_SYSCALL_64_after_hwframe+0x44/0xa9',
    'then in crash:',
    'crash> mod | grep nfs',
    'ffffffffc0985c80  nfs  311296  (not loaded)  [CONFIG_KALLSYMS]',
    '',
  ].join('\n');
  const log = parseCrashLog(text);
  assert.ok(log.session, 'still a crash session');
  assert.equal(log.reports.length, 1);
  assert.equal(log.reports[0].header.line, 1);
  assert.ok(log.frames.some((f) => f.function === 'nfs_end_page_writeback' && f.module === 'nfs'));
  // crash's own start-up banner above the first prompt is still not read as a console log.
  const banner = ['crash 8.0.2', 'GNU gdb (GDB) 10.2', '      KERNEL: /usr/lib/debug/boot/vmlinux-6.1.0-56-amd64', '       PANIC: "Kernel panic - not syncing: sysrq triggered crash"', 'crash> bt', ''].join('\n');
  assert.equal(parseCrashLog(banner).reports.length, 0);
});

test('dis -s: source lines interleaved with instructions; the FILE: line is a code reference', () => {
  const text = [
    'crash> bt',
    'PID: 1  TASK: ffff888000000000  CPU: 0  COMMAND: "init"',
    ' #3 [ffffc90000003e00] page_fault at ffffffff81a0100c',
    '    [exception RIP: sysrq_handle_crash+22]',
    '    RIP: ffffffff81690926  RSP: ffffc90000003e58  RFLAGS: 00010246',
    'crash> dis -s sysrq_handle_crash',
    'FILE: drivers/tty/sysrq.c',
    'LINE: 150',
    '',
    '  149   static void sysrq_handle_crash(int key)',
    '* 150   {',
    '0xffffffff81690910 <sysrq_handle_crash>:       nopl   0x0(%rax,%rax,1) [FTRACE NOP]',
    '  155           panic("sysrq triggered crash\\n");',
    '0xffffffff81690926 <sysrq_handle_crash+22>:    call   0xffffffff81a01cb0 <panic>',
    '',
  ].join('\n');
  const s = parseCrashLog(text).session!;
  assert.deepEqual(s.instructions.map((i) => [i.function, i.offset, i.faulting]), [['sysrq_handle_crash', 0, false], ['sysrq_handle_crash', 22, true]]);
  const { findCodeRefs } = require('../../../server/src/source/code-refs') as typeof import('../../../server/src/source/code-refs');
  assert.deepEqual(findCodeRefs('FILE: drivers/tty/sysrq.c').map((r) => r.path), ['drivers/tty/sysrq.c']);
});
