// ELF32/ELF64 x little/big endian: the same symbols, sizes and build ID read back from each layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ElfFile, EM_PPC64, EM_PPC, EM_AARCH64, EM_386, ET_EXEC, ET_REL } from '../../../server/src/symbols/elf';
import { BufferBytes } from '../../../server/src/symbols/file-bytes';
import { SymbolTable, STT_FUNC, STT_NOTYPE } from '../../../server/src/symbols/elf-symbols';
import { readBuildId } from '../../../server/src/symbols/elf-info';
import { SectionLayout } from '../../../server/src/symbols/layout';
import { writeElf } from './elf-writer';

const TEXT = 0x1000;
const sections = [
  { name: '.text', size: 0x100, addr: TEXT, flags: 6 },
  { name: '.text.unlikely', size: 0x40, addr: TEXT + 0x100, flags: 6 },
];
const symbols = [
  { name: 'alpha', value: TEXT, size: 0x30, type: STT_FUNC, bind: 1, section: '.text' },
  { name: 'dup', value: TEXT + 0x40, size: 0x10, type: STT_FUNC, bind: 0, section: '.text' },
  { name: 'label_after', value: TEXT + 0x48, size: 0, type: STT_NOTYPE, bind: 1, section: '.text' },
  { name: 'dup', value: TEXT + 0x80, size: 0x60, type: STT_FUNC, bind: 0, section: '.text' },
  { name: 'cold_fn.cold', value: TEXT + 0x100, size: 0x20, type: STT_FUNC, bind: 0, section: '.text.unlikely' },
  { name: '$x', value: TEXT + 0x100, size: 0, type: STT_NOTYPE, bind: 0, section: '.text.unlikely' },
];
const buildId = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);

for (const [is64, le, machine] of [[true, true, EM_AARCH64], [true, false, EM_PPC64], [false, true, EM_386], [false, false, EM_PPC]] as const) {
  test(`ELF${is64 ? 64 : 32} ${le ? 'little' : 'big'} endian: symbols, kallsyms sizes, build ID`, () => {
    const elf = new ElfFile(new BufferBytes(writeElf({ is64, le, machine, type: ET_EXEC, sections, symbols, buildId })));
    assert.equal(elf.is64, is64);
    assert.equal(elf.littleEndian, le);
    assert.equal(elf.machine, machine);
    const t = SymbolTable.fromElf(elf);
    assert.deepEqual(t.text.map((s) => [s.name, Number(s.address), Number(s.kallsymsSize), s.section]), [
      ['alpha', TEXT, 0x40, '.text'],
      ['dup', TEXT + 0x40, 0x8, '.text'],
      ['label_after', TEXT + 0x48, 0x38, '.text'],
      ['dup', TEXT + 0x80, 0x80, '.text'],
      ['cold_fn.cold', TEXT + 0x100, 0x40, '.text.unlikely'],
    ]);
    assert.equal(t.choose('dup', 0x80).symbol?.address, BigInt(TEXT + 0x80));
    assert.equal(t.choose('dup', 0x8).symbol?.address, BigInt(TEXT + 0x40));
    assert.equal(t.at(BigInt(TEXT + 0x4a))?.name, 'label_after');
    assert.equal(readBuildId(elf), 'deadbeef01020304');
  });
}

test('relocatable layout keeps same-offset sections apart in any byte order', () => {
  for (const le of [true, false]) {
    const rel = sections.map((s) => ({ ...s, addr: 0 }));
    const syms = symbols.map((s) => ({ ...s, value: s.value - (s.section === '.text' ? TEXT : TEXT + 0x100) }));
    const elf = new ElfFile(new BufferBytes(writeElf({ is64: true, le, machine: EM_PPC64, type: ET_REL, sections: rel, symbols: syms })));
    const layout = new SectionLayout(elf);
    const t = SymbolTable.fromElf(elf, (i) => layout.base(i));
    const cold = t.byName('cold_fn.cold')[0];
    const alpha = t.byName('alpha')[0];
    assert.notEqual(cold.address, alpha.address);
    assert.equal(layout.sectionAt(cold.address)?.section.name, '.text.unlikely');
    assert.equal(cold.value, 0n);
  }
});

test('any corruption of an ELF file gives an error or an answer, never another exception', () => {
  const base = writeElf({ is64: true, le: true, machine: EM_AARCH64, type: ET_EXEC, sections, symbols, buildId });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(255)), { minLength: 1, maxLength: 12 }), fc.nat(base.length), (edits, cut) => {
      const bytes = Uint8Array.from(base.subarray(0, Math.max(cut, 1)));
      for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
      try {
        const elf = new ElfFile(new BufferBytes(bytes));
        const t = SymbolTable.fromElf(elf);
        t.at(BigInt(TEXT + 0x10));
        t.choose('dup', 0x80);
        readBuildId(elf);
      } catch (e) {
        const name = (e as Error).name;
        if (name !== 'ElfError' && name !== 'OutOfBoundsError' && !(e instanceof RangeError)) throw e;
      }
    }),
    { numRuns: 400 },
  );
});

test('clang LTO .llvm.N suffixes are found by their kallsyms name; __pfx_ padding never names an address', () => {
  const syms = [
    { name: '__pfx_helper.llvm.1234567', value: TEXT, size: 0x10, type: STT_FUNC, bind: 0, section: '.text' },
    { name: 'helper.llvm.1234567', value: TEXT + 0x10, size: 0x30, type: STT_FUNC, bind: 0, section: '.text' },
    { name: '__cfi_other', value: TEXT + 0x40, size: 0x0, type: STT_NOTYPE, bind: 0, section: '.text' },
    { name: 'other', value: TEXT + 0x40, size: 0x20, type: STT_FUNC, bind: 1, section: '.text' },
  ];
  const elf = new ElfFile(new BufferBytes(writeElf({ is64: true, le: true, machine: EM_AARCH64, type: ET_EXEC, sections, symbols: syms })));
  const t = SymbolTable.fromElf(elf);
  const c = t.choose('helper', 0x30, 4);
  assert.equal(c.symbol?.name, 'helper.llvm.1234567');
  assert.deepEqual(c.warnings, []);
  assert.equal(t.at(BigInt(TEXT + 0x40))?.name, 'other');
  assert.equal(t.at(BigInt(TEXT + 0x44))?.name, 'other');
  assert.equal(t.byName('__pfx_helper.llvm.1234567')[0]?.kallsymsSize, 0x10n);
});

test('a symbol table header claiming a gigabyte is refused before anything is read', () => {
  const bytes = writeElf({ is64: true, le: true, machine: EM_AARCH64, type: ET_EXEC, sections, symbols });
  const elf = new ElfFile(new BufferBytes(bytes));
  const symtab = elf.section('.symtab')!;
  const shoff = Number(new DataView(bytes.buffer).getBigUint64(40, true));
  new DataView(bytes.buffer).setBigUint64(shoff + symtab.index * 64 + 32, 1n << 30n, true);
  assert.throws(() => SymbolTable.fromElf(new ElfFile(new BufferBytes(bytes))), /implausibly large/);
});
