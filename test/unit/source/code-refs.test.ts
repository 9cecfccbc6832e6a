// The code-reference scanner: every clickable form of console logs, syzbot reports and crash(8) output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCodeRefs } from '../../../server/src/source/code-refs';

const FIX = join(__dirname, '../../fixtures/source');

/** The single reference in `line`, with the text its span covers. */
function one(line: string) {
  const refs = findCodeRefs(line);
  assert.equal(refs.length, 1, `${line}: ${JSON.stringify(refs)}`);
  return { ...refs[0], text: line.slice(refs[0].start, refs[0].end) };
}

test('kernel BUG at path:line!', () => {
  const r = one('[2305675.256787] kernel BUG at fs/nfs/pagelist.c:382!');
  assert.deepEqual([r.path, r.line, r.text, r.form], ['fs/nfs/pagelist.c', 382, 'fs/nfs/pagelist.c:382', 'colon']);
  const abs = one('[    2.754152] kernel BUG at /usr/src/evalmod/evalcrash.c:58!');
  assert.deepEqual([abs.path, abs.line], ['/usr/src/evalmod/evalcrash.c', 58]);
});

test('WARNING: CPU: N PID: N at path:line and the 2025 WARNING form', () => {
  const w = one('[    1.108000] WARNING: CPU: 1 PID: 1 at kernel/module.c:1108 load_module+0x1d/0x80');
  assert.deepEqual([w.path, w.line, w.text], ['kernel/module.c', 1108, 'kernel/module.c:1108']);
  const n = one('WARNING: [cond] io_uring/io_uring.c:3026 at io_ring_exit_work+0x2a4/0x6e0, CPU#1: kworker/u8:2/45');
  assert.deepEqual([n.path, n.line, n.start], ['io_uring/io_uring.c', 3026, 16]);
});

test('list_debug lines', () => {
  assert.deepEqual(findCodeRefs('list_del corruption, ffff8880123456c8->next is LIST_POISON1 (dead000000000100)'), []);
  const r = one('kernel BUG at lib/list_debug.c:53!');
  assert.deepEqual([r.path, r.line], ['lib/list_debug.c', 53]);
  const w = one('WARNING: CPU: 0 PID: 1 at lib/list_debug.c:53 __list_del_entry_valid+0x62/0x90');
  assert.equal(w.path, 'lib/list_debug.c');
});

test('syzbot symbolized frames with [inline]', () => {
  const a = one(' __dump_stack lib/dump_stack.c:88 [inline]');
  assert.deepEqual([a.path, a.line, a.inline], ['lib/dump_stack.c', 88, true]);
  const b = one(' dump_stack_lvl+0xd9/0x1b0 lib/dump_stack.c:106');
  assert.deepEqual([b.path, b.line, b.inline], ['lib/dump_stack.c', 106, false]);
  assert.equal(one(' fdget_pos fs/file.c:123 [inline]').path, 'fs/file.c');
});

test('crash bt -l, sym and dis -l path lines (`path: line`)', () => {
  const bt = one('    debian/build/build_amd64_none_amd64/fs/read_write.c: 582');
  assert.deepEqual([bt.path, bt.line, bt.form, bt.start, bt.text], ['debian/build/build_amd64_none_amd64/fs/read_write.c', 582, 'crash', 4, 'debian/build/build_amd64_none_amd64/fs/read_write.c: 582']);
  const dis = one('/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h: 83');
  assert.deepEqual([dis.line, dis.start], [83, 0]);
  const sym = one('ffffffffbb001f99 (T) panic+745 debian/build/build_amd64_none_amd64/kernel/panic.c: 459');
  assert.deepEqual([sym.path, sym.line], ['debian/build/build_amd64_none_amd64/kernel/panic.c', 459]);
  // pasted into one line (the CentOS seed): the line number is followed by more text
  const flat = one('crash> dis -l ffffffff810aa989 /usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h: 83 0xffffffff810aa989 <down_read_trylock+9>: mov (%rdi),%rax');
  assert.equal(flat.line, 83);
});

test('gdb, addr2line and decode_stacktrace output', () => {
  assert.equal(one('0xffffffff810aa989 is in down_read_trylock (arch/x86/include/asm/rwsem.h:83).').line, 83);
  const d = one('nfs_end_page_writeback (fs/nfs/write.c:123:9) nfs');
  assert.deepEqual([d.line, d.column, d.text], [123, 9, 'fs/nfs/write.c:123:9']);
  assert.equal(one('/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S:121').path, '/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S');
});

test('not references: module files, versions, registers, line 0, bare names without lines', () => {
  for (const s of [
    'Modules linked in: evalcrash(OE) qemu_fw_cfg nfs.ko',
    'CPU: 1 PID: 1 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2',
    'RIP: 0010:evalcrash_null_deref+0x18/0x25 [evalcrash]',
    'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
    'last sysfs file: /sys/devices/pci0000:00/0000:00:02.2/queue/logical_block_size',
    'llvm-symbolizer says fs/file.c:0',
    'the bug is in main.c somewhere',
    'config.cfg x.hpp foo.class',
  ]) assert.deepEqual(findCodeRefs(s), [], s);
});

test('a path with directories and no line is still a reference (prose mentions)', () => {
  const r = one('see arch/x86/include/asm/rwsem.h.');
  assert.deepEqual([r.path, r.line, r.form], ['arch/x86/include/asm/rwsem.h', undefined, 'path']);
});

test('fixture logs: one reference per line of clickable-forms.txt (except the list_del message)', () => {
  const lines = readFileSync(join(FIX, 'clickable-forms.txt'), 'utf8').split('\n').filter(Boolean);
  for (const l of lines) {
    const refs = findCodeRefs(l);
    assert.equal(refs.length, l.includes('list_del corruption') ? 0 : 1, l);
    for (const r of refs) assert.ok(r.line && r.line > 0, l);
  }
});

test('columns are UTF-16 offsets; long lines of slashes do not trip the scanner', () => {
  const r = one('ünïcödé kernel BUG at mm/slub.c:42!');
  assert.equal('ünïcödé kernel BUG at mm/slub.c:42!'.slice(r.start, r.end), 'mm/slub.c:42');
  const long = 'x'.repeat(200_000) + ' a/b.c:1 ' + '/'.repeat(100_000) + '.c';
  const refs = findCodeRefs(long);
  assert.ok(refs.some((x) => x.path === 'a/b.c'));
});
