// For every byte offset of every function of the gcc-built fixtures, the built-in engine must
// give the same inline chain (function, file, line) as GNU addr2line -i -f.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { SourceLocation } from '../../../server/src/symbols/bytes';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { parseAddr2linePretty } from '../../../server/src/symbols/backends/addr2line';
import { buildFixtures } from './build-fixtures';

const fx = buildFixtures();
after(() => fx.cleanup());

function addr2line(file: string, addresses: bigint[], section?: string): SourceLocation[][] {
  const args = ['-a', '-f', '-i', '-p', '-e', file, ...(section ? ['-j', section] : []), ...addresses.map((a) => '0x' + a.toString(16))];
  const out = execFileSync('addr2line', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const groups: string[][] = [];
  for (const line of out.split('\n')) {
    if (/^0x[0-9a-f]+: /.test(line)) groups.push([line]);
    else if (line.trim() && groups.length) groups[groups.length - 1].push(line);
  }
  assert.equal(groups.length, addresses.length);
  return groups.map(parseAddr2linePretty);
}

const strip = (chain: SourceLocation[]) =>
  // The raw DWARF index knows no ELF symbols: addr2line's symbol-table fallback (`sym ??:0`) is the service's job.
  chain.filter((l) => l.function !== '??' && l.file !== '??').map((l) => `${l.function} ${l.file}:${l.line}`);

/**
 * A relocatable object linked at fixed addresses (as the truth files of the real module were made):
 * binutils then reads it as an executable, whatever relocation types the host addr2line knows.
 */
function linkedCopy(obj: DebugObject): { path: string; address: Map<string, bigint> } {
  const out = obj.path + '.linked';
  const m32 = !obj.elf.is64;
  execFileSync('ld', [...(m32 ? ['-m', 'elf_i386'] : []), '--unresolved-symbols=ignore-all', '-e', '0', '-o', out, obj.path]);
  const linked = DebugObject.open(out);
  try {
    return { path: out, address: new Map(linked.symbols.text.map((s) => [s.name, s.address])) };
  } finally {
    linked.close();
  }
}

function compare(obj: DebugObject, label: string) {
  const mismatches: string[] = [];
  let checked = 0;
  const linked = obj.relocatable ? linkedCopy(obj) : undefined;
  const bySection = new Map<string, { address: bigint; oracle: bigint; name: string }[]>();
  for (const s of obj.symbols.text)
    // Real frames fall inside the function; alignment padding up to the next symbol belongs to no DIE.
    for (let off = 0n; off < (s.elfSize || s.kallsymsSize); off++) {
      const address = s.address + off;
      const list = bySection.get(s.section) ?? [];
      const base = linked ? linked.address.get(s.name) : s.address;
      assert.ok(base !== undefined, `${s.name} not in the linked copy`);
      list.push({ address, oracle: base + off, name: `${s.name}+0x${off.toString(16)}` });
      bySection.set(s.section, list);
    }
  for (const [, points] of bySection) {
    const expected = addr2line(linked?.path ?? obj.path, points.map((p) => p.oracle));
    points.forEach((p, i) => {
      const ours = strip(obj.lookup(p.address).inlines);
      const theirs = strip(expected[i]);
      checked++;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${p.name}: ours ${JSON.stringify(ours)} addr2line ${JSON.stringify(theirs)}`);
    });
  }
  assert.ok(checked > 100, `${label}: only ${checked} offsets checked`);
  assert.deepEqual(mismatches.slice(0, 10), [], `${label}: ${mismatches.length}/${checked} offsets disagree`);
  return checked;
}

for (const [label, pick] of [
  ['DWARF 5', () => fx.dwarf5],
  ['DWARF 4', () => fx.dwarf4],
  ['SHF_COMPRESSED zlib (-gz)', () => fx.zlib],
  ['.zdebug (zlib-gnu)', () => fx.zlibGnu],
  ['SHF_COMPRESSED zstd', () => fx.zstd],
  ['ET_REL x86-64 module (.rela.debug_*)', () => fx.module],
  ['ET_REL i386 module (.rel.debug_*)', () => fx.module32],
] as const) {
  const path = pick();
  test(`agrees with addr2line -i on every offset: ${label}`, { skip: !path && 'toolchain cannot build this variant' }, () => {
    const obj = DebugObject.open(path!);
    try {
      assert.ok(obj.dwarf, obj.dwarfError);
      compare(obj, label);
    } finally {
      obj.close();
    }
  });
}

test('inline chains and .cold parts are really exercised by the fixture', () => {
  const obj = DebugObject.open(fx.dwarf5);
  try {
    let inlined = 0, cold = 0;
    for (const s of obj.symbols.text)
      for (let off = 0n; off < s.kallsymsSize; off++) {
        const chain = obj.lookup(s.address + off).inlines;
        if (chain.length >= 3) inlined++;
        if (s.name.endsWith('.cold') && chain.length) cold++;
      }
    assert.ok(inlined > 0, 'no two-level inline chain (twice inside add_checked)');
    assert.ok(cold > 0, 'no .cold part resolved');
  } finally {
    obj.close();
  }
});
