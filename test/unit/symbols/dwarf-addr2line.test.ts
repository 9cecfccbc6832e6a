// DwarfIndex against GNU addr2line (and llvm-symbolizer) on every byte of every function of
// executables gcc builds during the test: DWARF 4 and 5, inline chains, .cold parts,
// noreturn calls at a function's end, static duplicates, an assembly unit.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { DwarfIndex, UNKNOWN } from '../../../server/src/symbols/dwarf';
import type { SourceLocation } from '../../../server/src/symbols/bytes';
import {
  addr2line, chainDiff, dumpDebugSections, fixtureDir, fmt, gcc, hasTool, llvmSymbolizer, memorySections, precedingSymbol, textSymbols,
  type FuncSymbol, type ToolFrame,
} from './dwarf-support';

const SOURCES = ['main.c', 'dup_a.c', 'dup_b.c', 'asm_add_one.s'];
// `anchor`: the tool that is right for the variant. binutils 2.40 reads no line table of a
// 64-bit DWARF 5 unit (prints ??:0); and before the first DW_LNS_set_file of a DWARF 5 sequence
// it takes file 0 for the file register, which the standard starts at 1: for a unit whose first
// code comes from a header (the kernel's TRACE_EVENT functions) it names the .c file with the
// header's line numbers. llvm-symbolizer and readelf follow the standard, and so do we.
interface Variant {
  name: string;
  flags: (dir: string) => string[];
  anchor?: 'llvm-symbolizer';
  extra?: string[];
  /** Every disagreement with addr2line must match this: its DWARF 5 default-file slip. */
  gnuSlip?: RegExp;
  /** Edits the dumped sections before indexing (the tools still see the file as built). */
  edit?: (sections: Map<string, Uint8Array>) => void;
}

/** Keeps only the first set of .debug_aranges: the other units must be found by their own ranges. */
function keepFirstArangesSet(sections: Map<string, Uint8Array>): void {
  const a = sections.get('.debug_aranges')!;
  const len = new DataView(a.buffer, a.byteOffset).getUint32(0, true);
  assert.ok(len + 4 < a.length, 'the fixture has several aranges sets');
  sections.set('.debug_aranges', a.subarray(0, len + 4));
}

const VARIANTS: Variant[] = [
  { name: 'dwarf4-function-sections', flags: () => ['-g', '-O2', '-gdwarf-4', '-ffunction-sections'] },
  { name: 'dwarf5-function-sections', flags: () => ['-g', '-O2', '-gdwarf-5', '-ffunction-sections'] },
  { name: 'dwarf4-text', flags: () => ['-g', '-O2', '-gdwarf-4'] },
  // A relative DW_AT_comp_dir, as in Debian's kernel build (debian/build/build_amd64_none_amd64).
  { name: 'dwarf5-relative-comp-dir', flags: (dir) => ['-g', '-O2', '-gdwarf-5', `-fdebug-prefix-map=${dir}=build/rel`] },
  { name: 'dwarf5-dwarf64', flags: () => ['-g', '-O2', '-gdwarf-5', '-gdwarf64', '-ffunction-sections'], anchor: 'llvm-symbolizer' },
  { name: 'dwarf5-header-first', flags: () => ['-g', '-O2', '-gdwarf-5'], anchor: 'llvm-symbolizer', extra: ['header_first.c'], gnuSlip: /from_header@.*header_first\.c:/ },
  { name: 'dwarf4-header-first', flags: () => ['-g', '-O2', '-gdwarf-4'], extra: ['header_first.c'] },
  { name: 'dwarf4-dwarf64', flags: () => ['-g', '-O2', '-gdwarf-4', '-gdwarf64'] },
  { name: 'dwarf3', flags: () => ['-g', '-O2', '-gdwarf-3', '-ffunction-sections'] },
  { name: 'dwarf2', flags: () => ['-g', '-O1', '-gdwarf-2'] },
  { name: 'dwarf5-partial-aranges', flags: () => ['-g', '-O2', '-gdwarf-5', '-ffunction-sections'], edit: keepFirstArangesSet },
  { name: 'dwarf4-function-sections-no-aranges', flags: () => ['-g', '-O2', '-gdwarf-4', '-ffunction-sections'], edit: (m) => { m.delete('.debug_aranges'); } },
  // Type units: in .debug_types (DWARF 4) or as DW_UT_type units inside .debug_info (DWARF 5).
  { name: 'dwarf4-types-section', flags: () => ['-g', '-O2', '-gdwarf-4', '-fdebug-types-section'] },
  { name: 'dwarf5-types-section', flags: () => ['-g', '-O2', '-gdwarf-5', '-fdebug-types-section'] },
  // Compressed sections (the ELF reader inflates them).
  { name: 'dwarf5-gz', flags: () => ['-g', '-O2', '-gdwarf-5', '-gz=zlib', '-ffunction-sections'] },
  // Link-time optimization: concrete functions refer to early-debug DIEs of other units (DW_FORM_ref_addr).
  // (LTO units name file 0 `<artificial>`: addr2line's default-file slip shows it.)
  { name: 'dwarf4-lto', flags: () => ['-g', '-O2', '-gdwarf-4', '-flto'] },
  { name: 'dwarf5-lto', flags: () => ['-g', '-O2', '-gdwarf-5', '-flto'], anchor: 'llvm-symbolizer', gnuSlip: /<artificial>:/ },
  { name: 'dwarf5-O3-no-aranges', flags: () => ['-g', '-O3', '-gdwarf-5', '-gno-as-locview-support'] },
];

const skip = !hasTool('gcc') || !hasTool('addr2line') || !hasTool('objcopy') ? 'gcc/binutils not installed' : false;

/**
 * Our chain as addr2line prints it: where DWARF names no function addr2line takes the nearest
 * ELF symbol (and, with no line either, an STT_FILE name): the ELF side's job, not ours.
 */
function asAddr2line(chain: SourceLocation[], syms: FuncSymbol[], a: bigint, theirs: ToolFrame[]): ToolFrame[] {
  if (chain.length === 0) return theirs.length === 1 && theirs[0].line === 0 ? theirs : [{ function: UNKNOWN, file: UNKNOWN, line: 0 }];
  return chain.map((f, i) => ({ ...f, function: i === 0 && f.function === UNKNOWN ? precedingSymbol(syms, a) ?? UNKNOWN : f.function }));
}

describe('DwarfIndex agrees with addr2line -i on gcc-built executables', { skip }, () => {
  let fx: ReturnType<typeof fixtureDir>;
  before(() => { fx = fixtureDir(); });
  after(() => fx?.cleanup());

  for (const v of VARIANTS) {
    const noAnchor = v.anchor && !hasTool(v.anchor) ? `${v.anchor} not installed` : false;
    it(`${v.name}: every byte of every function`, { skip: noAnchor }, () => {
      const out = join(fx.dir, v.name);
      gcc(fx.dir, [...v.flags(fx.dir), '-Iinclude', '-o', out, ...SOURCES, ...(v.extra ?? [])]);
      if (v.name.includes('no-aranges')) {
        // The index must fall back to each unit's own ranges.
        const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
        execFileSync('objcopy', ['--remove-section=.debug_aranges', out]);
      }
      const sections = dumpDebugSections(out);
      v.edit?.(sections);
      const index = new DwarfIndex(memorySections(sections));
      const syms = textSymbols(out);
      const addrs: bigint[] = [];
      for (const s of syms) for (let o = 0; o <= s.size; o++) addrs.push(s.address + BigInt(o));
      let covered = 0;
      const truth = addr2line(out, addrs);
      assert.equal(truth.length, addrs.length);
      let agree = 0;
      let inlined = 0;
      const diffs: string[] = [];
      for (let i = 0; i < addrs.length; i++) {
        const ours = index.lookup(addrs[i]);
        if (ours.length > 1) inlined++;
        if (ours.length > 0) covered++;
        const d = chainDiff(asAddr2line(ours, syms, addrs[i], truth[i]), truth[i]);
        if (d) diffs.push(`0x${addrs[i].toString(16)}: ${d}`);
        else agree++;
      }
      let llvmAgree = -1;
      const llvmDiffs: string[] = [];
      if (hasTool('llvm-symbolizer')) {
        const llvm = llvmSymbolizer(out, addrs);
        llvmAgree = 0;
        for (let i = 0; i < addrs.length; i++) {
          const ours = index.lookup(addrs[i]).map((f) => ({ ...f }));
          const theirs = llvm[i].filter((f) => f.file !== '' || f.function !== '??').map((f) => ({ ...f, file: f.file || UNKNOWN }));
          if (ours.length > 0 && ours[0].function === UNKNOWN && theirs.length === 1) ours[0].function = theirs[0].function;
          // llvm-symbolizer names the outermost function by its ELF symbol (crash_check.cold).
          if (ours.length > 0 && ours.length === theirs.length && theirs.at(-1)!.function === precedingSymbol(syms, addrs[i])) ours.at(-1)!.function = theirs.at(-1)!.function;
          const uncovered = ours.length === 0 && theirs.length <= 1 && (theirs[0]?.line ?? 0) === 0;
          const d = uncovered ? undefined : chainDiff(ours, theirs, { columns: true });
          if (d) llvmDiffs.push(`0x${addrs[i].toString(16)}: ${d}`);
          else llvmAgree++;
        }
      }
      console.log(`  ${v.name}: ${agree}/${addrs.length} addresses agree with addr2line (${covered} covered by DWARF, ${inlined} with inline chains)`
        + (llvmAgree >= 0 ? `, ${llvmAgree}/${addrs.length} with llvm-symbolizer incl. columns` : ''));
      assert.ok(inlined > 50, `fixture should exercise inline chains (got ${inlined})`);
      if (v.gnuSlip) {
        // addr2line differs only where its DWARF 5 default-file slip applies.
        assert.ok(diffs.length > 0 && diffs.every((d) => v.gnuSlip!.test(d)), diffs.slice(0, 3).join('\n'));
      }
      const anchored = v.anchor ? llvmDiffs : diffs;
      assert.deepEqual(anchored.slice(0, 15), [], `${anchored.length} disagreements with ${v.anchor ?? 'addr2line'}`);
    });
  }

  it('resolves a noreturn call site at the end of a function and both static helpers', () => {
    const out = join(fx.dir, 'dwarf5-function-sections');
    const index = new DwarfIndex(memorySections(dumpDebugSections(out)));
    const syms = textSymbols(out);
    const handler = syms.find((s) => s.name === 'crash_handler')!;
    // The return address of the call to die_now is the function's end: its call site is end-1.
    const site = index.lookup(handler.address + BigInt(handler.size) - 1n);
    assert.equal(site[site.length - 1].function, 'crash_handler');
    const helpers = syms.filter((s) => s.name === 'helper');
    assert.equal(helpers.length, 2);
    const files = helpers.map((h) => index.lookup(h.address).at(-1)!.file.replace(/.*\//, '')).sort();
    assert.deepEqual(files, ['dup_a.c', 'dup_b.c']);
    assert.deepEqual(index.lookup(0x10n), []);
    void fmt;
  });
});
