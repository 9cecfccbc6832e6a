// DWARF 5 forms gcc does not emit by default (strx, addrx, rnglistx, implicit_const, data16,
// ref_addr across units, type units, MD5 in the line table), from a hand-written assembly
// fixture linked by gcc; checked on every byte against llvm-symbolizer (binutils 2.40 misses the
// inlined subroutine whose ranges are DW_FORM_rnglistx, so it is not the anchor here).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DwarfIndex } from '../../../server/src/symbols/dwarf';
import { addr2line, chainDiff, dumpDebugSections, fixtureDir, gcc, hasTool, llvmSymbolizer, memorySections, textSymbols } from './dwarf-support';

const skip = !hasTool('gcc') || !hasTool('objcopy') || !hasTool('llvm-symbolizer') ? 'gcc, binutils or llvm-symbolizer missing' : false;

describe('hand-written DWARF 5 forms', { skip }, () => {
  let fx: ReturnType<typeof fixtureDir>;
  let elf: string;
  let index: DwarfIndex;
  before(() => {
    fx = fixtureDir();
    elf = join(fx.dir, 'hand');
    gcc(fx.dir, ['-nostdlib', '-no-pie', '-Wl,-e,outer_fn', '-o', elf, 'hand-dwarf5.s']);
    index = new DwarfIndex(memorySections(dumpDebugSections(elf)));
  });
  after(() => fx?.cleanup());

  it('agrees with llvm-symbolizer on every byte (outermost named by DWARF, not the ELF symbol)', () => {
    const syms = textSymbols(elf).filter((s) => s.size > 0);
    const addrs: bigint[] = [];
    for (const s of syms) for (let o = 0; o < s.size; o++) addrs.push(s.address + BigInt(o));
    const llvm = llvmSymbolizer(elf, addrs);
    const gnu = addr2line(elf, addrs);
    const diffs: string[] = [];
    let gnuAgree = 0;
    let inlined = 0;
    for (let i = 0; i < addrs.length; i++) {
      const ours = index.lookup(addrs[i]);
      if (ours.length > 1) inlined++;
      const theirs = llvm[i].map((f) => ({ ...f }));
      // llvm-symbolizer reports the ELF symbol as the outermost name; DWARF says shared_fn.
      const sym = syms.find((s) => addrs[i] >= s.address && addrs[i] < s.address + BigInt(s.size))!;
      if (theirs.at(-1)!.function === sym.name && ours.length > 0) theirs.at(-1)!.function = ours.at(-1)!.function;
      const d = chainDiff(ours, theirs, { columns: true });
      if (d) diffs.push(`0x${addrs[i].toString(16)}: ${d}`);
      if (!chainDiff(ours, gnu[i])) gnuAgree++;
    }
    console.log(`  hand-dwarf5: ${addrs.length - diffs.length}/${addrs.length} agree with llvm-symbolizer, ${gnuAgree}/${addrs.length} with addr2line`);
    assert.deepEqual(diffs, []);
    assert.ok(inlined >= 10, 'inline chains through rnglistx and ref_addr are exercised');
  });

  it('reads what the forms say', () => {
    // rnglistx (base_addressx + offset_pair) inline, call_column from implicit_const.
    const a = index.lookup(0x401004n);
    assert.deepEqual(a.map((f) => f.function), ['inner_fn', 'outer_fn']);
    assert.deepEqual([a[1].file, a[1].line, a[1].column], ['/hand/src/hand1.c', 20, 5]);
    assert.equal(a[0].file, '/hand/src/include/inner.h');
    // Two rows at one address: the last wins, as in GNU addr2line.
    assert.equal(index.lookup(0x40100cn)[0].line, 22);
    // startx_length range of the same inline.
    assert.equal(index.lookup(0x401011n)[0].function, 'inner_fn');
    // ref_addr into the first unit from the second, both for the subprogram and the inline.
    assert.deepEqual(index.lookup(0x401025n).map((f) => `${f.function}:${f.line}`), ['inner_fn:9', 'shared_fn:33']);
    // The type unit between the two compile units is counted but never searched.
    assert.equal(index.unitCount, 3);
    assert.deepEqual(index.lookup(0x401030n), []);
  });

  it('reports an unknown call site file when DW_AT_call_file is absent', () => {
    const src = readFileSync(join(fx.dir, 'hand-dwarf5.s'), 'utf8')
      .replace('	.uleb128 0x12, 0x0b	# high_pc: data1\n	.uleb128 0x58, 0x0b	# call_file: data1\n', '	.uleb128 0x12, 0x0b	# high_pc: data1\n')
      .replace('	.byte	2		# hand2.c\n', '');
    writeFileSync(join(fx.dir, 'nocallfile.s'), src);
    const out = join(fx.dir, 'nocallfile');
    gcc(fx.dir, ['-nostdlib', '-no-pie', '-Wl,-e,outer_fn', '-o', out, 'nocallfile.s']);
    const chain = new DwarfIndex(memorySections(dumpDebugSections(out))).lookup(0x401025n);
    assert.deepEqual(chain.map((f) => `${f.function}@${f.file}:${f.line}`), ['inner_fn@/hand/src/include/inner.h:9', 'shared_fn@??:33']);
  });

  it('prefers the inlined call over a caller piece shorter than it (as llvm-symbolizer)', () => {
    // shared_fn's pieces become [+0,+2) [+2,+6) [+6,+16): the inlined call [+4,+10) is longer than
    // the piece [+2,+6) holding +4, so the shortest-range rule alone would answer shared_fn.
    const src = readFileSync(join(fx.dir, 'hand-dwarf5.s'), 'utf8')
      .replace('	.quad	second_fn + 2\n	.quad	second_fn + 4\n', '	.quad	second_fn + 2\n	.quad	second_fn + 6\n')
      .replace('	.quad	second_fn + 4\n	.quad	second_fn + 16\n.Laddr_end:', '	.quad	second_fn + 6\n	.quad	second_fn + 16\n.Laddr_end:');
    writeFileSync(join(fx.dir, 'pieces.s'), src);
    const out = join(fx.dir, 'pieces');
    gcc(fx.dir, ['-nostdlib', '-no-pie', '-Wl,-e,outer_fn', '-o', out, 'pieces.s']);
    const pieces = new DwarfIndex(memorySections(dumpDebugSections(out)));
    const llvm = llvmSymbolizer(out, [0x401024n, 0x401025n])[0];
    for (const a of [0x401024n, 0x401025n]) {
      const chain = pieces.lookup(a);
      assert.deepEqual(chain.map((f) => f.function), ['inner_fn', 'shared_fn']);
      assert.deepEqual(chain.map((f) => `${f.file}:${f.line}`), llvm.map((f) => `${f.file}:${f.line}`));
    }
  });

  it('finds units that state no ranges at all by their functions', () => {
    // Without DW_AT_high_pc the compile units have no extent (and there is no .debug_aranges).
    const src = readFileSync(join(fx.dir, 'hand-dwarf5.s'), 'utf8')
      .replace('	.uleb128 0x12, 0x06	# high_pc: data4 (offset)\n', '')
      .replace('	.4byte	.Louter_end - outer_fn\n', '')
      .replace('	.4byte	.Lsecond_end - second_fn\n', '');
    writeFileSync(join(fx.dir, 'unplaced.s'), src);
    const out = join(fx.dir, 'unplaced');
    gcc(fx.dir, ['-nostdlib', '-no-pie', '-Wl,-e,outer_fn', '-o', out, 'unplaced.s']);
    const unplaced = new DwarfIndex(memorySections(dumpDebugSections(out)));
    for (let a = 0x401000n; a < 0x401030n; a++) assert.deepEqual(unplaced.lookup(a), index.lookup(a), `0x${a.toString(16)}`);
  });
});
