// Bad DWARF never hangs the index nor escapes as anything but a DwarfError (or an empty answer):
// corrupted and truncated sections of real gcc output, cycles, absurd counts and lengths.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DwarfError, DwarfIndex } from '../../../server/src/symbols/dwarf';
import { dumpDebugSections, fixtureDir, gcc, hasTool, memorySections, textSymbols } from './dwarf-support';

const skip = !hasTool('gcc') || !hasTool('objcopy') ? 'gcc/binutils not installed' : false;

/** Runs lookups; only arrays or DwarfErrors are acceptable outcomes. */
export const outcomes = { ok: 0, error: 0 };
function probe(sections: Map<string, Uint8Array>, addrs: bigint[]): 'ok' | 'dwarf-error' {
  let outcome: 'ok' | 'dwarf-error' = 'ok';
  const index = new DwarfIndex(memorySections(sections));
  for (const a of addrs) {
    try {
      const chain = index.lookup(a);
      assert.ok(Array.isArray(chain));
      for (const f of chain) assert.equal(typeof f.function, 'string');
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      outcome = 'dwarf-error';
      outcomes.error++;
    }
  }
  if (outcome === 'ok') outcomes.ok++;
  return outcome;
}

describe('DwarfIndex on bad input', { skip }, () => {
  let fx: ReturnType<typeof fixtureDir>;
  const builds = new Map<string, { sections: Map<string, Uint8Array>; addrs: bigint[] }>();
  before(() => {
    fx = fixtureDir();
    for (const v of ['4', '5']) {
      const out = join(fx.dir, `fx${v}`);
      gcc(fx.dir, ['-g', '-O2', `-gdwarf-${v}`, '-ffunction-sections', '-Iinclude', '-o', out, 'main.c', 'dup_a.c', 'dup_b.c', 'asm_add_one.s']);
      const addrs = textSymbols(out).filter((s) => s.size > 0).flatMap((s) => [s.address, s.address + BigInt(s.size >> 1)]);
      builds.set(v, { sections: dumpDebugSections(out), addrs });
    }
  });
  after(() => { fx?.cleanup(); console.log(`  corrupted inputs: ${outcomes.ok} answered, ${outcomes.error} lookups refused with DwarfError`); });

  const NAMES = ['.debug_info', '.debug_abbrev', '.debug_line', '.debug_str', '.debug_aranges', '.debug_rnglists', '.debug_ranges', '.debug_line_str'];

  it('survives random byte corruption of any section', () => {
    fc.assert(fc.property(
      fc.constantFrom('4', '5'), fc.constantFrom(...NAMES), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      (v, name, edits) => {
        const b = builds.get(v)!;
        const orig = b.sections.get(name);
        if (!orig) return;
        const bytes = Uint8Array.from(orig);
        for (const [at, value] of edits) bytes[Math.min(bytes.length - 1, Math.floor(at * bytes.length))] = value;
        probe(new Map(b.sections).set(name, bytes), b.addrs);
      }), { numRuns: 300 });
  });

  it('survives truncation of any section', () => {
    fc.assert(fc.property(fc.constantFrom('4', '5'), fc.constantFrom(...NAMES), fc.double({ min: 0, max: 1, noNaN: true }), (v, name, keep) => {
      const b = builds.get(v)!;
      const orig = b.sections.get(name);
      if (!orig) return;
      probe(new Map(b.sections).set(name, orig.subarray(0, Math.floor(keep * orig.length))), b.addrs);
    }), { numRuns: 150 });
  });

  it('refuses a unit longer than .debug_info and an unknown DWARF version', () => {
    const b = builds.get('5')!;
    const info = Uint8Array.from(b.sections.get('.debug_info')!);
    new DataView(info.buffer).setUint32(0, 0x7ffffff0, true);
    assert.throws(() => new DwarfIndex(memorySections(new Map(b.sections).set('.debug_info', info))).lookup(b.addrs[0]), DwarfError);
    const v6 = Uint8Array.from(b.sections.get('.debug_info')!);
    new DataView(v6.buffer).setUint16(4, 6, true);
    assert.throws(() => new DwarfIndex(memorySections(new Map(b.sections).set('.debug_info', v6))).lookup(b.addrs[0]), /unsupported DWARF version 6/);
  });

  it('keeps answering for other units when one unit is broken', () => {
    const b = builds.get('5')!;
    const info = Uint8Array.from(b.sections.get('.debug_info')!);
    const view = new DataView(info.buffer);
    // Units in link order: main.c, dup_a.c, dup_b.c, the assembly unit. Break dup_b.c's root DIE.
    let offset = 0;
    for (let i = 0; i < 2; i++) offset += 4 + view.getUint32(offset, true);
    info[offset + 12] = 0x7f;
    const index = new DwarfIndex(memorySections(new Map(b.sections).set('.debug_info', info)));
    const syms = textSymbols(join(fx.dir, 'fx5'));
    const at = (name: string): bigint => syms.find((s) => s.name === name)!.address;
    assert.throws(() => index.lookup(at('dup_b_entry')), (e: unknown) => e instanceof DwarfError && /unknown abbreviation code 127/.test(e.message));
    assert.equal(index.lookup(at('main')).at(-1)!.function, 'main');
    assert.equal(index.lookup(at('dup_a_entry')).at(-1)!.function, 'dup_a_entry');
  });

  it('returns [] without DWARF', () => {
    assert.deepEqual(new DwarfIndex(memorySections(new Map())).lookup(0x401000n), []);
  });

  describe('hand-made hostile DWARF', () => {
    const hand = (): string => readFileSync(join(fx.dir, 'hand-dwarf5.s'), 'utf8');
    function build(name: string, source: string): Map<string, Uint8Array> {
      writeFileSync(join(fx.dir, `${name}.s`), source);
      gcc(fx.dir, ['-nostdlib', '-no-pie', '-Wl,-e,outer_fn', '-o', join(fx.dir, name), `${name}.s`]);
      return dumpDebugSections(join(fx.dir, name));
    }

    it('reports a cyclic DW_AT_abstract_origin chain', () => {
      // Abstract subprograms lose their names and point at each other: inner -> outer -> inner.
      const src = hand()
        .replace('.uleb128 0x03, 0x26	# name: strx2', '.uleb128 0x31, 0x12	# abstract_origin: ref2')
        .replace('.2byte	1		# "inner_fn"', '.2byte	.Labstract_outer - .Lcu1')
        .replace('.2byte	2		# "outer_fn"', '.2byte	.Labstract_inner - .Lcu1')
        .replace('.2byte	3		# "shared_fn"', '.2byte	.Labstract_shared - .Lcu1');
      const index = new DwarfIndex(memorySections(build('cyclic', src)));
      assert.throws(() => index.lookup(0x401004n), (e: unknown) => e instanceof DwarfError && /cyclic/.test(e.message));
    });

    it('refuses an absurd file count in a line table header', () => {
      const src = hand().replace('.uleb128 5, 0x1e\n	.uleb128 3', '.uleb128 5, 0x1e\n	.uleb128 0x7fffffff');
      assert.notEqual(src, hand());
      const index = new DwarfIndex(memorySections(build('hugecount', src)));
      assert.throws(() => index.lookup(0x401004n), (e: unknown) => e instanceof DwarfError && /implausible entry count/.test(e.message));
    });

    it('refuses a range list that never ends', () => {
      // An offset_pair list without end_of_list runs into the section end.
      const src = hand().replace('	.uleb128 5\n	.byte	0\n.Lrl_end:', '	.uleb128 5\n.Lrl_end:');
      assert.notEqual(src, hand());
      const index = new DwarfIndex(memorySections(build('rangeend', src)));
      assert.throws(() => index.lookup(0x401024n), DwarfError);
    });
  });
});
