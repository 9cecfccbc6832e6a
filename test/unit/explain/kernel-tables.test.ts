// The explanation tables, value by value, against the kernel's own definitions (Linux 6.1 excerpts in
// test/fixtures/explain/linux-6.1, see its NOTICE). Entries newer than 6.1 are listed explicitly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TAINT_FLAGS, X86_PF_BITS, ESR_CLASSES, faultStatusName, brkImmediateMeaning, POINTER_POISONS, BYTE_POISONS,
  POISON_POINTER_DELTA, allErrnos, errnoByNumber, KASAN_SHADOW_VALUES, EFLAGS, CR0_BITS, CR4_BITS,
} from '../../../server/src/model/explain';

const DIR = join(__dirname, '../../fixtures/explain/linux-6.1');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');

test('taint flags: letter, bit and per-module flag match kernel/panic.c taint_flags[]', () => {
  const rows = [...read('panic.c.taint_flags.excerpt').matchAll(/\[\s*(TAINT_\w+)\s*\]\s*=\s*\{\s*'(.)',\s*'(.)',\s*(true|false)\s*\}/g)];
  assert.equal(rows.length, 19, 'Linux 6.1 has 19 taint flags');
  rows.forEach((r, bit) => {
    const f = TAINT_FLAGS[bit];
    assert.equal(f.name, r[1], `bit ${bit}`);
    assert.equal(f.letter, r[2], r[1]);
    assert.equal(f.module, r[4] === 'true', `${r[1]} module flag`);
    if (r[3] !== ' ') assert.equal(f.clearLetter, r[3], `${r[1]} clear letter`);
  });
  // Newer than 6.1: TAINT_FWCTL (6.15), bit 19, letter J, per module.
  assert.deepEqual(TAINT_FLAGS.slice(rows.length).map((f) => [f.bit, f.name, f.letter]), [[19, 'TAINT_FWCTL', 'J']]);
});

test('x86 page-fault error bits match arch/x86/include/asm/trap_pf.h', () => {
  const defs = new Map([...read('trap_pf.h').matchAll(/(X86_PF_\w+)\s*=\s*1 << (\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.equal(defs.size, 7);
  for (const [name, bit] of defs) assert.equal(X86_PF_BITS.find((b) => b.name === name)?.bit, bit, name);
  // Newer than 6.1.
  assert.deepEqual(X86_PF_BITS.filter((b) => !defs.has(b.name)).map((b) => [b.name, b.bit]), [['X86_PF_SHSTK', 6], ['X86_PF_RMP', 31]]);
});

test('ESR exception classes: values from esr.h, names from traps.c esr_class_str[]', () => {
  const values = new Map([...read('esr.h.excerpt').matchAll(/#define ESR_ELx_EC_(\w+)\s+\((0x[0-9A-Fa-f]+)\)/g)].filter((m) => m[1] !== 'MAX').map((m) => [m[1], parseInt(m[2], 16)]));
  const names = new Map([...read('traps.c.esr_class_str.excerpt').matchAll(/\[ESR_ELx_EC_(\w+)\]\s*=\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
  assert.ok(values.size >= 40);
  for (const [c, v] of values) {
    const ours = ESR_CLASSES.get(v);
    assert.ok(ours, `EC ${c} (0x${v.toString(16)}) missing`);
    assert.equal(ours[1], c, `EC 0x${v.toString(16)} constant`);
    if (names.has(c)) assert.equal(ours[0], names.get(c), `EC ${c} name`);
  }
  // Newer than 6.1: MOPS (0x27), GCS (0x2d).
  assert.deepEqual([...ESR_CLASSES.keys()].filter((v) => ![...values.values()].includes(v)), [0x27, 0x2d]);
});

test('fault status names match arch/arm64/mm/fault.c fault_info[] (6.9+ names where 6.1 says "unknown")', () => {
  const names = [...read('fault.c.fault_info.excerpt').matchAll(/\{\s*\w+,\s*\w+,\s*\w+,\s*"([^"]+)"\s*\}/g)].map((m) => m[1]);
  assert.equal(names.length, 64);
  const newer: number[] = [];
  names.forEach((n, i) => {
    if (/^unknown \d+$/.test(n) && faultStatusName(i) !== n) newer.push(i);
    else assert.equal(faultStatusName(i), n, `FSC ${i}`);
  });
  // level 0 access flag / permission, level -1 walks, level -1 address size / translation (LPA2, 6.9).
  assert.deepEqual(newer, [8, 12, 19, 27, 41, 43]);
});

test('BRK immediates match arch/arm64/include/asm/brk-imm.h', () => {
  const defs = new Map([...read('brk-imm.h').matchAll(/#define (\w*BRK\w*)\s+(0x[0-9a-f]+)/g)].map((m) => [m[1], parseInt(m[2], 16)]));
  for (const name of ['KPROBES_BRK_IMM', 'UPROBES_BRK_IMM', 'KPROBES_BRK_SS_IMM', 'FAULT_BRK_IMM', 'KGDB_DYN_DBG_BRK_IMM', 'KGDB_COMPILED_DBG_BRK_IMM', 'BUG_BRK_IMM', 'KASAN_BRK_IMM']) {
    const v = defs.get(name);
    assert.ok(v !== undefined, name);
    // Each meaning names the brk-imm.h constant it comes from.
    assert.match(brkImmediateMeaning(v) ?? '', new RegExp(`\\b${name}\\b`), `${name} = 0x${v.toString(16)}`);
  }
  const cfi = defs.get('CFI_BRK_IMM_BASE')!;
  assert.match(brkImmediateMeaning(cfi) ?? '', /\bCFI_BRK_IMM_BASE\b/);
  assert.equal(brkImmediateMeaning(0x900 | defs.get('KASAN_BRK_MASK')!)?.includes('KASAN'), true);
});

test('poison values match include/linux/poison.h', () => {
  const text = read('poison.h');
  const ptr = new Map([...text.matchAll(/#define\s+(\w+)\s+\(\(void \*\)\s*\(?(0x[0-9a-fA-F]+)(?:UL)?\)?\s*\+\s*POISON_POINTER_DELTA\)/g)].map((m) => [m[1], BigInt(m[2])]));
  ptr.set('PP_SIGNATURE', BigInt(/#define PP_SIGNATURE\s+\((0x[0-9a-f]+)/.exec(text)![1]));
  for (const [off, name] of POINTER_POISONS) assert.equal(ptr.get(name), off, name);
  const bytes = new Map([...text.matchAll(/#define\s+(\w+)\s+(0x[0-9a-f]{2})\b/g)].map((m) => [m[1], parseInt(m[2], 16)]));
  for (const [b, names] of BYTE_POISONS) for (const n of names.split(' / ')) assert.equal(bytes.get(n), b, n);
  assert.equal(POISON_POINTER_DELTA, 0xdead000000000000n); // CONFIG_ILLEGAL_POINTER_VALUE on x86-64 and arm64
});

test('errno names and numbers match the asm-generic and kernel-internal headers', () => {
  const defs = new Map<number, string>();
  for (const f of ['uapi-errno-base.h', 'uapi-errno.h', 'linux-errno.h']) {
    for (const m of read(f).matchAll(/#define\s+(E\w+)\s+(\d+)/g)) if (!defs.has(Number(m[2]))) defs.set(Number(m[2]), m[1]);
  }
  assert.equal(allErrnos().length, defs.size);
  for (const [n, name] of defs) assert.equal(errnoByNumber(n)?.name, name, `errno ${n}`);
});

test('KASAN shadow values match mm/kasan/kasan.h', () => {
  const defs = new Map([...read('kasan.h.excerpt').matchAll(/#define (KASAN_\w+)\s+(0x[0-9A-Fa-f]{2})\b/g)].map((m) => [m[1], parseInt(m[2], 16)]));
  assert.equal(defs.size, 13);
  for (const [name, v] of defs) assert.equal(KASAN_SHADOW_VALUES.find((r) => r[1] === name)?.[0], v, name);
  assert.equal(KASAN_SHADOW_VALUES.length, defs.size);
});

test('EFLAGS, CR0 and CR4 bits match arch/x86/include/uapi/asm/processor-flags.h', () => {
  const text = read('processor-flags.h.excerpt');
  for (const [prefix, table] of [['X86_EFLAGS', EFLAGS], ['X86_CR0', CR0_BITS], ['X86_CR4', CR4_BITS]] as const) {
    const defs = new Map([...text.matchAll(new RegExp(`#define ${prefix}_(\\w+)_BIT\\s+(\\d+)`, 'g'))].map((m) => [m[1], Number(m[2])]));
    for (const [bit, name] of table) {
      if (defs.has(name)) assert.equal(defs.get(name), bit, `${prefix}_${name}`);
      else assert.ok(['KL', 'PKS'].includes(name), `${prefix}_${name} not in 6.1 (only KL and PKS are newer)`);
    }
    for (const [name, bit] of defs) if (name !== 'FIXED' && name !== 'IOPL') assert.ok(table.some(([b, n]) => b === bit && n === name), `${prefix}_${name} missing`);
  }
});
