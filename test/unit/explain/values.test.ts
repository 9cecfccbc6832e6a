// Value classification shared by register hovers, fault addresses and the disassembly explanation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyValue, valueMarkdown, parseHexValue } from '../../../server/src/model/explain';
import type { Arch } from '../../../server/src/model/types';

const kind = (v: bigint, arch: Arch = 'x86_64') => classifyValue(v, arch).kind;
const summary = (v: bigint, arch: Arch = 'x86_64') => classifyValue(v, arch).summary;

test('NULL and NULL + offset below mmap_min_addr', () => {
  assert.equal(kind(0n), 'null');
  assert.equal(summary(8n), 'NULL + 0x8');
  assert.equal(summary(0xfff8n), 'NULL + 0xfff8');
  assert.match(classifyValue(0x10n, 'x86_64').detail, /ZERO_SIZE_PTR/);
  assert.notEqual(kind(0x10000n), 'null-offset');
});

test('LIST_POISON1/2 with POISON_POINTER_DELTA, with small offsets, and without the delta on 32-bit', () => {
  assert.equal(kind(0xdead000000000100n), 'list-poison');
  assert.match(summary(0xdead000000000100n), /^LIST_POISON1 \(/);
  assert.match(summary(0xdead000000000122n), /^LIST_POISON2 \(/);
  assert.match(summary(0xdead000000000108n), /^LIST_POISON1 \+ 0x8/);
  assert.match(summary(0xdead00000000011an), /^LIST_POISON2 - 0x8/);
  assert.match(summary(0xdead000000000122n, 'arm64'), /^LIST_POISON2/);
  assert.match(classifyValue(0xdead000000000100n, 'x86_64').detail, /list_del/);
  assert.match(summary(0x100n, 'i386'), /^LIST_POISON1 \(32-bit/);
  assert.match(summary(0x122n, 'arm'), /^LIST_POISON2/);
  // On 64-bit 0x100 is just a small offset from NULL.
  assert.equal(summary(0x100n), 'NULL + 0x100');
  assert.match(summary(0xdead000000000300n), /TIMER_ENTRY_STATIC/);
  assert.equal(kind(0xdead00000000abcdn), 'pointer-poison');
});

test('slab poison patterns, with offsets', () => {
  assert.match(summary(0x6b6b6b6b6b6b6b6bn), /^POISON_FREE pattern 0x6b$/);
  assert.match(classifyValue(0x6b6b6b6b6b6b6b6bn, 'x86_64').detail, /use-after-free/);
  assert.match(summary(0x6b6b6b6b6b6b6b83n), /^POISON_FREE pattern 0x6b \+ 0x18$/);
  assert.match(summary(0x5a5a5a5a5a5a5a5an), /^POISON_INUSE/);
  assert.match(classifyValue(0x5a5a5a5a5a5a5a5an, 'x86_64').detail, /never initialised/);
  assert.match(summary(0xa5a5a5a5a5a5a5a5n), /^POISON_END/);
  assert.match(summary(0xccccccccccccccccn), /SLUB_RED_ACTIVE/);
  assert.match(summary(0xbbbbbbbbbbbbbbbbn), /SLUB_RED_INACTIVE/);
  assert.match(summary(0x6b6b6b6bn, 'i386'), /^POISON_FREE/);
  assert.equal(kind(0x09f911029d74e35bn), 'redzone');
});

test('ERR_PTR values name the errno', () => {
  assert.equal(summary(0xfffffffffffffff4n), 'ERR_PTR(-ENOMEM) (= -12)');
  assert.equal(summary(0xfffffffffffffffen), 'ERR_PTR(-ENOENT) (= -2)');
  assert.equal(summary(0xfffffffffffffdfbn), 'ERR_PTR(-EPROBE_DEFER) (= -517)');
  assert.equal(summary(0xfffff001n, 'i386'), 'ERR_PTR(-4095) (= -4095)');
  assert.equal(summary(0xffffffean, 'arm'), 'ERR_PTR(-EINVAL) (= -22)');
  assert.notEqual(kind(0xfffffffffffff000n), 'err-ptr');
});

test('KASAN shadow addresses decode to the real pointer', () => {
  const c = classifyValue(0xdffffc0000000002n, 'x86_64');
  assert.equal(c.kind, 'kasan-shadow');
  assert.equal(c.shadowOf, 0x10n);
  assert.match(c.detail, /NULL pointer dereference \(address range \[0x10-0x17\]/);
  assert.equal(classifyValue(0xdfff800000000001n, 'arm64').shadowOf, 0x8n);
});

test('non-canonical, user and kernel ranges on x86-64', () => {
  assert.equal(kind(0x0000800000000000n), 'non-canonical');
  assert.match(classifyValue(0x1234567812345678n, 'x86_64').detail, /general protection fault/);
  assert.match(summary(0x00ff000000000000n), /non-canonical with 4-level paging/);
  assert.equal(kind(0x00007ffc8fc36f08n), 'user');
  assert.match(summary(0xffffffff81000000n), /kernel image/);
  assert.match(summary(0xffffffffc0305320n), /module area/);
  assert.match(summary(0xffff898741e7f180n), /direct map/);
  assert.match(summary(0xffffca7e80013ad0n), /vmalloc/);
  assert.match(summary(0xffffea0000123400n), /vmemmap/);
  assert.match(summary(0xfffffe0000001000n), /cpu_entry_area/);
  assert.match(summary(0xff11000012345678n), /5-level paging/);
});

test('arm64 ranges: user, linear map, vmalloc, vmemmap, tags, and the hole between', () => {
  assert.equal(kind(0x0000ffff12345678n, 'arm64'), 'user');
  assert.match(summary(0xffff4d93c2b1bf00n, 'arm64'), /linear map/);
  assert.match(summary(0xffff80000802bbc0n, 'arm64'), /vmalloc/);
  assert.match(summary(0xffffdfc82d5d83d0n, 'arm64'), /vmalloc/);
  assert.match(summary(0xfffffc0000123400n, 'arm64'), /vmemmap/);
  assert.match(summary(0xffff800000001000n, 'arm64'), /module/);
  assert.match(summary(0xf2ff000012345678n, 'arm64'), /tagged kernel pointer \(top byte 0xf2\)/);
  assert.equal(kind(0x0001000000000000n, 'arm64'), 'non-canonical');
});

test('register hover text: small register values read as integers first', () => {
  assert.match(valueMarkdown('RDI', '0000000000000001', 'x86_64')!, /`RDI` = `0x1` \(1\)\*\* — a small value: an integer, or as a pointer NULL \+ 0x1/);
  assert.match(valueMarkdown('CR2', '0000000000000008', 'x86_64')!, /— NULL \+ 0x8/);
  assert.equal(valueMarkdown('RAX', 'zz', 'x86_64'), undefined);
  assert.equal(parseHexValue('0x10'), 16n);
  assert.equal(parseHexValue('12345678901234567'), undefined);
});

test('a register of printable ASCII bytes is shown as text, not as a corrupted pointer', () => {
  // From the arm64 corpus (mod-null-deref.log): x13 holds part of a string being printed.
  const md = valueMarkdown('x13', '382074657366666f', 'arm64')!;
  assert.match(md, /ASCII text `offset 8`/);
  assert.doesNotMatch(md, /a corrupted pointer/);
  assert.match(valueMarkdown('RCX', '2074612065636e65', 'x86_64')!, /ASCII text `ence at `/);
  // Poison (one repeated printable byte), canonical values and non-registers keep their reading.
  assert.match(valueMarkdown('RAX', '6b6b6b6b6b6b6b6b', 'x86_64')!, /POISON_FREE/);
  assert.match(valueMarkdown('address', '382074657366666f', 'x86_64')!, /non-canonical address/);
  assert.match(valueMarkdown('RBX', '0000000074736574', 'x86_64')!, /user-space address/);
  assert.match(valueMarkdown('RDX', 'c0000000ffffefff', 'x86_64')!, /non-canonical address/);
});
