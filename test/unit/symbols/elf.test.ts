import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ElfFile, ElfError, ET_EXEC, ET_REL, EM_X86_64, EM_386 } from '../../../server/src/symbols/elf';
import { FileBytes, BufferBytes } from '../../../server/src/symbols/file-bytes';
import { SymbolTable } from '../../../server/src/symbols/elf-symbols';
import { readBuildId, readLinuxBanner, readModinfo, parseBanner } from '../../../server/src/symbols/elf-info';
import { SectionLayout } from '../../../server/src/symbols/layout';
import { buildFixtures, nmSymbols } from './build-fixtures';

const fx = buildFixtures();
const scratch = mkdtempSync(join(tmpdir(), 'oops-elf-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
  fx.cleanup();
});

function open(path: string): ElfFile {
  return new ElfFile(new FileBytes(path), path);
}

test('reads the header and section table like readelf', () => {
  const elf = open(fx.dwarf5);
  assert.equal(elf.is64, true);
  assert.equal(elf.littleEndian, true);
  assert.equal(elf.type, ET_EXEC);
  assert.equal(elf.machine, EM_X86_64);
  const readelf = execFileSync('readelf', ['-SW', fx.dwarf5], { encoding: 'utf8' });
  const names = [...readelf.matchAll(/^\s*\[\s*\d+\] (\S+)\s+\w+\s+([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)/gm)].map((m) => ({
    name: m[1], addr: BigInt('0x' + m[2]), offset: parseInt(m[3], 16), size: parseInt(m[4], 16),
  }));
  assert.ok(names.length > 5);
  for (const n of names) {
    const s = elf.section(n.name);
    assert.ok(s, n.name);
    assert.equal(s.addr, n.addr, n.name);
    assert.equal(s.offset, n.offset, n.name);
    assert.equal(s.size, n.size, n.name);
  }
});

test('reads ELF32 relocatable objects', { skip: !fx.module32 && 'gcc -m32 unavailable' }, () => {
  const elf = open(fx.module32!);
  assert.equal(elf.is64, false);
  assert.equal(elf.type, ET_REL);
  assert.equal(elf.machine, EM_386);
  const table = SymbolTable.fromElf(elf, (i) => new SectionLayout(elf).base(i));
  assert.ok(table.byName('mod_dispatch').length === 1);
});

test('text symbols: FUNC and NOTYPE labels with kallsyms sizes', () => {
  const elf = open(fx.dwarf5);
  const table = SymbolTable.fromElf(elf);
  const nm = nmSymbols(fx.dwarf5).filter((s) => /[tT]/.test(s.type));
  for (const s of nm) assert.ok(table.byName(s.name).some((x) => x.address === s.address), `${s.name} missing`);
  // The NOTYPE label splits the assembler function for kallsyms, as entry_SYSCALL_64_after_hwframe does.
  const entry = table.byName('entry_fixture')[0];
  const label = table.byName('entry_fixture_after_hwframe')[0];
  assert.ok(entry && label);
  assert.equal(entry.kallsymsSize, label.address - entry.address);
  assert.equal(entry.elfSize, 6n); // nop nop | nop nop nop ret
  // Every size is the distance to the next symbol of the section.
  const text = table.text;
  for (let i = 0; i + 1 < text.length; i++)
    if (text[i].section === text[i + 1].section && text[i + 1].address > text[i].address)
      assert.equal(text[i].kallsymsSize, text[i + 1].address - text[i].address, text[i].name);
});

test('same-named statics are told apart by the printed size', () => {
  const table = SymbolTable.fromElf(open(fx.dwarf5));
  const dups = table.byName('put_page.isra.0');
  assert.equal(dups.length, 2, 'the fixture must have two put_page.isra.0');
  assert.notEqual(dups[0].kallsymsSize, dups[1].kallsymsSize);
  for (const d of dups) {
    const c = table.choose('put_page.isra.0', Number(d.kallsymsSize), 1);
    assert.equal(c.symbol, d);
    assert.deepEqual(c.warnings, []);
  }
  const wrong = table.choose('put_page.isra.0', 0x999, 1);
  assert.ok(wrong.symbol);
  assert.match(wrong.warnings.join(), /none of the 2 symbols/);
  const single = table.choose('fs_entry', 0x998, 3);
  assert.match(single.warnings.join(), /printed size 0x998 differs/);
});

test('address lookup finds the containing symbol and never a __pfx_ alias', () => {
  const table = SymbolTable.fromElf(open(fx.dwarf5));
  const fs = table.byName('fs_entry')[0];
  assert.equal(table.at(fs.address + 5n)?.name, 'fs_entry');
  assert.equal(table.at(fs.address)?.name, 'fs_entry');
  assert.equal(table.at(0x10n), undefined);
});

test('build id, linux_banner and .modinfo', () => {
  const elf = open(fx.dwarf5);
  const readelf = execFileSync('readelf', ['-n', fx.dwarf5], { encoding: 'utf8' });
  const id = /Build ID: ([0-9a-f]+)/.exec(readelf)?.[1];
  assert.ok(id);
  assert.equal(readBuildId(elf), id);
  const banner = readLinuxBanner(elf, SymbolTable.fromElf(elf));
  assert.equal(banner, 'Linux version 6.1.0-fixture (gcc) #1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1 (2025-01-01)');
  assert.deepEqual(parseBanner(banner!), { release: '6.1.0-fixture', version: '#1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1 (2025-01-01)' });
  const mod = open(fx.module);
  assert.equal(readModinfo(mod).name, 'fixture_mod');
  assert.match(readModinfo(mod).vermagic, /^6\.1\.0-fixture /);
});

test('relocatable sections get distinct synthetic addresses', () => {
  const elf = open(fx.module);
  const layout = new SectionLayout(elf);
  const text = elf.section('.text')!, cold = elf.section('.text.unlikely')!, init = elf.section('.init.text')!;
  const bases = [text, cold, init].map((s) => layout.base(s.index));
  assert.equal(new Set(bases).size, 3);
  for (const s of [text, cold, init]) {
    const at = layout.sectionAt(layout.base(s.index) + 1n);
    assert.equal(at?.section.name, s.name);
    assert.equal(at?.offset, 1n);
  }
  const table = SymbolTable.fromElf(elf, (i) => layout.base(i));
  const nd = table.byName('mod_null_deref')[0];
  assert.equal(nd.section, '.text.unlikely');
  assert.equal(nd.address, layout.base(cold.index) + nd.value);
});

test('bad files: clear errors, never a crash', () => {
  const bad = (bytes: Uint8Array) => () => new ElfFile(new BufferBytes(bytes), 'bad');
  assert.throws(bad(new Uint8Array(0)), ElfError);
  assert.throws(bad(new TextEncoder().encode('#!/bin/sh\necho not an elf file at all\n')), /not an ELF file/);
  const whole = readFileSync(fx.dwarf5);
  assert.throws(bad(whole.subarray(0, 40)), /truncated/);
  // Section headers sit at the end of the file: cutting the tail must say "truncated".
  const cut = join(scratch, 'truncated');
  writeFileSync(cut, whole.subarray(0, whole.length - 100));
  assert.throws(() => open(cut), /truncated/);
});
