// Rules of syzkaller-compatible titling, each shown on a small hand-written console excerpt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLines } from '../../../server/src/model/lines';
import { matchHeader, OOPSES } from '../../../server/src/model/headers';
import { titleReport, normalizeTitle, sanitizeTitle, type TitleResult } from '../../../server/src/model/titles';
import { demangle } from '../../../server/src/model/demangle';
import { titleToType } from '../../../server/src/model/crash-types';

/** Title the first report of `log` (lines joined by \n). */
function title(log: string): TitleResult & { headerLine: number } {
  const lines = parseLines(log);
  for (const l of lines) {
    const h = matchHeader(l.text);
    if (h) return { ...titleReport(lines, [], h, l.line), headerLine: l.line };
  }
  throw new Error('no header');
}

const ts = (n: number): string => `[  ${(100 + n / 1000).toFixed(6)}] `;
/** Prefix every line with a growing timestamp, like a console log. */
const stamped = (...ls: string[]): string => ls.map((l, i) => ts(i) + l).join('\n');
/** Same with a printk caller id. */
const called = (caller: string, ...ls: string[]): string => ls.map((l, i) => `${ts(i).trimEnd()}[${caller}] ${l}`).join('\n');

test('KASAN: type, access and the first non-infrastructure frame; bad-access alt', () => {
  const r = title(stamped(
    '==================================================================',
    'BUG: KASAN: slab-out-of-bounds in memcpy_fromio+0x1a/0x40',
    'Write of size 8 at addr ffff8880123 by task a.out/77',
    '',
    'CPU: 0 PID: 77 Comm: a.out Not tainted 6.1.0 #1',
    'Call Trace:',
    ' <TASK>',
    ' dump_stack_lvl+0x48/0x60',
    ' print_report+0x171/0x472',
    ' kasan_report+0xb1/0x130',
    ' memcpy+0x3c/0x60',
    ' foo_copy_header+0x21/0x90 [foo]',
    ' foo_ioctl+0x99/0x120 [foo]',
    ' __x64_sys_ioctl+0x8d/0xd0',
    ' do_syscall_64+0x3b/0x90',
  ));
  assert.equal(r.title, 'KASAN: slab-out-of-bounds Write in foo_copy_header');
  assert.equal(r.type, 'KASAN-WRITE');
  assert.equal(r.guiltyFrame, 'foo_copy_header');
  assert.equal(r.guiltyLine, 11);
  assert.ok(r.altTitles.includes('bad-access in foo_copy_header'));
  assert.equal(r.corrupted, false);
});

test('syscall wrappers are stripped; the printed name stays an alt title', () => {
  const r = title(stamped(
    'BUG: kernel NULL pointer dereference, address: 0000000000000010',
    '#PF: supervisor read access in kernel mode',
    'Oops: 0000 [#1] PREEMPT SMP',
    'RIP: 0010:__do_sys_frobnicate+0x1c/0x50',
    'RSP: 0018:ffffc90000a3fe98 EFLAGS: 00010246',
    'Call Trace:',
    ' <TASK>',
    ' do_syscall_64+0x3b/0x90',
    ' entry_SYSCALL_64_after_hwframe+0x63/0xcd',
  ));
  assert.equal(r.title, 'BUG: unable to handle kernel NULL pointer dereference in frobnicate');
  assert.equal(r.type, 'NULL-POINTER-DEREFERENCE');
  assert.equal(r.guiltyLine, 3);
  assert.ok(r.altTitles.includes('BUG: unable to handle kernel NULL pointer dereference in __do_sys_frobnicate'));
  assert.ok(r.altTitles.includes('bad-access in frobnicate'));
});

test('WARNING: the trapping RIP names the function; file:line never leaks into the title', () => {
  const r = title(stamped(
    'WARNING: CPU: 1 PID: 1 at fs/bar/inode.c:642 bar_evict_inode+0x2a/0x80',
    'Modules linked in:',
    'RIP: 0010:bar_evict_inode+0x2a/0x80',
    'Call Trace:',
    ' evict+0xc0/0x1c0',
  ));
  assert.equal(r.title, 'WARNING in bar_evict_inode');
  assert.equal(r.type, 'WARNING');
  assert.equal(r.guiltyFrame, 'bar_evict_inode');
});

test('hung task: scheduler and lock frames skipped, RCU waits bucketed', () => {
  const plain = title(stamped(
    'INFO: task kworker/0:1:12 blocked for more than 143 seconds.',
    '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
    'Call Trace:',
    ' __schedule+0x2f0/0x950',
    ' schedule+0x5b/0xd0',
    ' schedule_preempt_disabled+0x11/0x20',
    ' __mutex_lock.constprop.0+0x399/0x700',
    ' baz_flush_queue+0x30/0x90',
    ' process_one_work+0x1e5/0x3b0',
  ));
  assert.equal(plain.title, 'INFO: task hung in baz_flush_queue');
  assert.equal(plain.type, 'HANG');
  assert.ok(plain.altTitles.includes('hang in baz_flush_queue'));
  const rcu = title(stamped(
    'INFO: task syz:99 blocked for more than 143 seconds.',
    'Call Trace:',
    ' __schedule+0x2f0/0x950',
    ' wait_for_completion+0x8a/0x140',
    ' synchronize_srcu+0x10/0x20',
    ' qux_release+0x10/0x20',
  ));
  assert.equal(rcu.title, 'INFO: task hung in synchronize_rcu');
});

test('stalls take the frame just above a dispatch point', () => {
  const r = title(stamped(
    'watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:98]',
    'RIP: 0010:_raw_spin_lock+0x1a/0x30',
    'Call Trace:',
    ' <TASK>',
    ' busy_loop_helper+0x10/0x20',
    ' spin_forever_write+0x40/0x60',
    ' vfs_write+0xc8/0x3f0',
    ' ksys_write+0x5f/0xe0',
    ' do_syscall_64+0x3b/0x90',
  ));
  assert.equal(r.title, 'BUG: soft lockup in spin_forever_write');
  assert.ok(r.altTitles.includes('stall in spin_forever_write'));
  assert.equal(r.guiltyLine, 5);
});

test('lines of other printk callers and ? frames do not count', () => {
  const log = [
    called(' T100', 'general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1]'),
    `[  100.000500][ T200] RIP: 0010:some_other_task_function+0x1/0x2`,
    called(' T100', 'RIP: 0010:zap_widget+0x44/0x100'),
    called(' T100', 'Call Trace:'),
    called(' T100', ' ? die_addr+0x3c/0x50'),
    called(' T100', ' widget_release+0x10/0x20'),
  ].join('\n');
  const r = title(log);
  assert.equal(r.title, 'general protection fault in zap_widget');
  assert.equal(r.guiltyLine, 2);
});

test('a report without a stack trace is corrupted', () => {
  const r = title(stamped(
    'general protection fault: 0000 [#1] SMP KASAN',
    'RIP: 0010:frob+0x4/0x10',
    'RSP: 0018:ffff88003b5a7d90 EFLAGS: 00010246',
  ));
  assert.equal(r.title, 'general protection fault in frob');
  assert.equal(r.corrupted, true);
  assert.equal(r.corruptedReason, 'no stack trace in report');
});

test('no usable frame titles the report "in corrupted" and leaves the frame undefined', () => {
  const r = title(stamped(
    'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580',
    'Call Trace:',
    ' dump_stack+0x10/0x20',
    ' __might_sleep+0x10/0x20',
    ' mutex_lock_nested+0x10/0x20',
  ));
  assert.equal(r.title, 'BUG: sleeping function called from invalid context in corrupted');
  assert.equal(r.corrupted, true);
  assert.equal(r.guiltyFrame, undefined);
});

test('without caller ids, a second report cuts the first; with them it does not', () => {
  const lines = [
    'INFO: task a:1 blocked for more than 120 seconds.',
    'Call Trace:',
    'BUG: unable to handle kernel paging request at ffff',
    ' victim_function+0x1/0x2',
  ];
  assert.equal(title(stamped(...lines)).title, 'INFO: task hung in corrupted');
  assert.equal(title(called(' T5', ...lines)).title, 'INFO: task hung in victim_function');
});

test('a panic after a long enough report is dropped from it', () => {
  const body = Array.from({ length: 24 }, (_, i) => `filler line ${i}`);
  const r = title(stamped(
    'WARNING: CPU: 0 PID: 5 at kernel/widget.c:10 widget_check+0x1/0x2',
    'RIP: 0010:widget_check+0x1/0x2',
    ...body,
    'Kernel panic - not syncing: panic_on_warn set ...',
    'Call Trace:',
    ' panic+0x1/0x2',
    ' widget_caller+0x1/0x2',
  ));
  assert.equal(r.title, 'WARNING in widget_check');
  // The only Call Trace was after the panic line, so the report has none left.
  assert.equal(r.corruptedReason, 'no stack trace in report');
});

test('arm64: pc line, el1h_64_sync and the fault path are skipped', () => {
  const r = title(stamped(
    'Unable to handle kernel paging request at virtual address dead000000000108',
    'Mem abort info:',
    'Internal error: Oops: 96000044 [#1] PREEMPT SMP',
    'pc : list_del_entry+0x10/0x40',
    'lr : gizmo_remove+0x30/0x80',
    'Call trace:',
    ' list_del_entry+0x10/0x40',
    ' gizmo_remove+0x30/0x80',
    ' platform_remove+0x20/0x40',
  ));
  assert.equal(r.title, 'BUG: unable to handle kernel paging request in gizmo_remove');
  assert.equal(r.type, 'MEMORY_SAFETY_BUG');
  assert.ok(r.altTitles.includes('bad-access in gizmo_remove'));
});

test('lockdep circular dependency: the lock being acquired names the bug', () => {
  const r = title(stamped(
    '======================================================',
    'WARNING: possible circular locking dependency detected',
    '6.1.0 #1 Not tainted',
    '------------------------------------------------------',
    'syz/123 is trying to acquire lock:',
    'ffff888012345678 (&dev->lock){+.+.}-{3:3}, at: gadget_ioctl+0x40/0x200',
    '',
    'but task is already holding lock:',
    'ffff888087654321 (&mm->mmap_lock){++++}-{3:3}, at: do_mmap+0x10/0x20',
    '',
    'stack backtrace:',
    'Call Trace:',
    ' dump_stack_lvl+0x1/0x2',
  ));
  assert.equal(r.title, 'possible deadlock in gadget_ioctl');
  assert.equal(r.type, 'LOCKDEP');
  assert.equal(r.guiltyLine, 5);
});

test('header table: kinds, suppressions, continuations', () => {
  assert.equal(matchHeader('BUG: KASAN: use-after-free in foo+0x1/0x2')?.kind, 'kasan');
  assert.equal(matchHeader('watchdog: BUG: soft lockup - CPU#0 stuck for 23s! [a:1]')?.kind, 'softlockup');
  assert.equal(matchHeader('rcu: INFO: rcu_preempt self-detected stall on CPU')?.kind, 'rcu-stall');
  assert.equal(matchHeader('INFO: task init:1 blocked for more than 120 seconds.')?.kind, 'hung-task');
  assert.equal(matchHeader('general protection fault, probably for non-canonical address 0x6b6b6b6b6b6b6b6b: 0000 [#1]')?.kind, 'oops');
  assert.equal(matchHeader('WARNING: possible circular locking dependency detected')?.kind, 'lockdep');
  assert.equal(matchHeader('BUG: memory leak')?.kind, 'leak');
  assert.equal(matchHeader('ODEBUG: free active (active state 0) object type: timer_list'), undefined);
  assert.equal(matchHeader('INFO: lockdep is turned off.'), undefined);
  assert.equal(matchHeader('INFO: NMI handler (nmi_cpu_backtrace_handler) took too long to run: 1.5 msecs'), undefined);
  assert.equal(matchHeader('EXT4-fs (sda1): WARNING: mounting fs with errors'), undefined);
  assert.equal(matchHeader('skb_panic: text:ffffffff len:1'), undefined);
  assert.equal(matchHeader('---[ end Kernel panic - not syncing: Fatal exception ]---'), undefined);
  assert.equal(matchHeader('sd 0:0:0:0: [sda] Attached SCSI disk'), undefined);
  assert.equal(matchHeader('Kernel panic - not syncing: Fatal exception')?.continuation, true);
  assert.equal(matchHeader('invalid opcode: 0000 [#1] PREEMPT SMP NOPTI')?.continuation, true);
  assert.equal(matchHeader('kernel BUG at fs/x.c:1!')?.continuation, undefined);
  // The cheap prefilter must let every header family through.
  for (const o of OOPSES) assert.ok(matchHeader(`${o.header} something`), o.header);
});

test('title normalisation: addresses, numbers, lines, pids, length', () => {
  assert.equal(normalizeTitle('BUG: Dentry ffff88801234abcd{i=12} still in use (2) [unmount of tmpfs tmpfs]'), 'BUG: Dentry ADDR{i=NUM} still in use (NUM) [unmount of tmpfs tmpfs]');
  assert.equal(normalizeTitle('kernel BUG at fs/ext4/inode.c:1234!'), 'kernel BUG at fs/ext4/inode.c:LINE!');
  assert.equal(normalizeTitle('WARNING in syz-executor.3/1234 CPU#2 at 10.0.0.1'), 'WARNING in syz-executor CPU at IP');
  assert.equal(normalizeTitle('KASAN: foo in bar+0x10/0x20'), 'KASAN: foo in bar');
  assert.equal(normalizeTitle('UBSAN: shift in cfg80211_scan nl802154_dump x1234567y'), 'UBSAN: shift in cfg80211_scan nl802154_dump xNUMy');
  assert.equal(sanitizeTitle('a\tb  c\u00e9d' + 'x'.repeat(200)).length, 120 - 2 - 1);
});

test('crash types follow the title prefix', () => {
  assert.equal(titleToType('KASAN: use-after-free Read in f'), 'KASAN-USE-AFTER-FREE-READ');
  assert.equal(titleToType('KASAN: null-ptr-deref Write in f'), 'KASAN-NULL-POINTER-DEREFERENCE-WRITE');
  assert.equal(titleToType('possible deadlock in f'), 'LOCKDEP');
  assert.equal(titleToType('kernel panic: sysrq triggered crash'), 'DoS');
  assert.equal(titleToType('BUG: Bad page state in f'), 'UNKNOWN');
  assert.equal(titleToType('something else'), 'UNKNOWN');
});

test('C++ and Rust v0 names are demangled', () => {
  assert.equal(demangle('_Z8fakeNameiii'), 'fakeName');
  assert.equal(demangle('_ZN3foo3barEv'), 'foo::bar');
  assert.equal(demangle('_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind'), '__rustc::rust_begin_unwind');
  assert.equal(
    demangle('_RNvXs1_CscPPBqWtAqum_11ashmem_rustNtB5_6AshmemNtNtCs43vyB533jt3_6kernel10miscdevice10MiscDevice4mmap'),
    '<ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap',
  );
  assert.equal(demangle('_Rgarbage'), '_Rgarbage');
  assert.equal(demangle('do_syscall_64'), 'do_syscall_64');
});

test('hard lockups are reports of their own (an extension over syzkaller)', () => {
  const r = title(stamped(
    'NMI watchdog: Watchdog detected hard LOCKUP on cpu 1',
    'CPU: 1 PID: 0 Comm: swapper/1 Not tainted 6.1.0 #1',
    'RIP: 0010:spin_in_irq_off+0x10/0x20 [stuck]',
    'Call Trace:',
    ' <TASK>',
    ' stuck_write+0x40/0x60 [stuck]',
    ' vfs_write+0xc8/0x3f0',
    ' ksys_write+0x5f/0xe0',
  ));
  assert.equal(r.title, 'hard LOCKUP in stuck_write');
  assert.equal(matchHeader('NMI watchdog: Watchdog detected hard LOCKUP on cpu 1')?.kind, 'hardlockup');
});
