// DWARF written byte by byte in the test, in both byte orders and both address sizes: the index
// must give the same answers for little- and big-endian objects (s390x, ppc64 and MIPS kernels are
// big-endian) and for 32-bit ones. Needs no toolchain.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { DwarfIndex } from '../../../server/src/symbols/dwarf';
import { memorySections } from './dwarf-support';

class Out {
  private readonly bytes: number[] = [];
  constructor(private readonly le: boolean) {}
  get length(): number { return this.bytes.length; }
  u8(...v: number[]): this { this.bytes.push(...v.map((x) => x & 0xff)); return this; }
  int(v: bigint | number, size: number): this {
    const b: number[] = [];
    let x = BigInt(v);
    for (let i = 0; i < size; i++) { b.push(Number(x & 0xffn)); x >>= 8n; }
    return this.u8(...(this.le ? b : b.reverse()));
  }
  uleb(v: number): this { do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; this.u8(b); } while (v); return this; }
  sleb(v: number): this {
    for (;;) { const b = v & 0x7f; v >>= 7; const done = (v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40)); this.u8(done ? b : b | 0x80); if (done) return this; }
  }
  str(s: string): this { return this.u8(...Buffer.from(s), 0); }
  /** Patches a 4-byte unit length at `at` to cover everything after it. */
  patchLength(at: number): this {
    const len = this.bytes.length - at - 4;
    const b = [len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, (len >>> 24) & 0xff];
    this.bytes.splice(at, 4, ...(this.le ? b : b.reverse()));
    return this;
  }
  done(): Uint8Array { return Uint8Array.from(this.bytes); }
}

const BASE = 0x1000n;

/**
 * One DWARF 4 unit: outer() at [BASE, BASE+0x40) with inner() inlined at [BASE+0x10, BASE+0x20),
 * called from line 20 column 3; rows: +0 line 10, +0x10 line 5 (header file), +0x20 line 12.
 */
function build(le: boolean, addressSize: 4 | 8): Map<string, Uint8Array> {
  const abbrev = new Out(le)
    .uleb(1).uleb(0x11).u8(1) // compile_unit, children
    .uleb(0x03).uleb(0x08).uleb(0x1b).uleb(0x08).uleb(0x11).uleb(0x01).uleb(0x12).uleb(0x06).uleb(0x10).uleb(0x17).uleb(0x13).uleb(0x0b).uleb(0).uleb(0)
    .uleb(2).uleb(0x2e).u8(0).uleb(0x03).uleb(0x08).uleb(0x20).uleb(0x0b).uleb(0).uleb(0) // abstract subprogram: name, inline
    .uleb(3).uleb(0x2e).u8(1).uleb(0x31).uleb(0x13).uleb(0x11).uleb(0x01).uleb(0x12).uleb(0x06).uleb(0).uleb(0) // concrete: origin ref4, low, high
    .uleb(4).uleb(0x1d).u8(0).uleb(0x31).uleb(0x13).uleb(0x11).uleb(0x01).uleb(0x12).uleb(0x06)
    .uleb(0x58).uleb(0x0b).uleb(0x59).uleb(0x0b).uleb(0x57).uleb(0x0b).uleb(0).uleb(0) // inlined: origin, low, high, call file/line/column
    .uleb(0).done();
  const info = new Out(le).int(0, 4).int(4, 2).int(0, 4).u8(addressSize);
  info.uleb(1).str('unit.c').str('/src').int(BASE, addressSize).int(0x40, 4).int(0, 4).u8(0x0c);
  const innerAt = info.length;
  info.uleb(2).str('inner').u8(3);
  const outerAt = info.length;
  info.uleb(2).str('outer').u8(3);
  info.uleb(3).int(outerAt, 4).int(BASE, addressSize).int(0x40, 4);
  info.uleb(4).int(innerAt, 4).int(BASE + 0x10n, addressSize).int(0x10, 4).u8(1).u8(20).u8(3);
  info.u8(0).u8(0).patchLength(0);
  const line = new Out(le).int(0, 4).int(4, 2);
  const headerLengthAt = line.length;
  line.int(0, 4).u8(1, 1, 1).u8(-5).u8(14).u8(13).u8(0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1);
  line.str('include').u8(0).str('unit.c').uleb(0).uleb(0).uleb(0).str('inner.h').uleb(1).uleb(0).uleb(0).u8(0);
  const programAt = line.length;
  line.u8(0).uleb(1 + addressSize).u8(2).int(BASE, addressSize) // set_address
    .u8(3).sleb(9).u8(1) // line 10
    .u8(4).uleb(2).u8(2).uleb(0x10).u8(3).sleb(-5).u8(1) // inner.h:5 at +0x10
    .u8(4).uleb(1).u8(2).uleb(0x10).u8(3).sleb(7).u8(1) // unit.c:12 at +0x20
    .u8(2).uleb(0x20).u8(0).uleb(1).u8(1); // end at +0x40
  const bytes = line.patchLength(0).done();
  // header_length: from after the field to the program.
  const hl = programAt - headerLengthAt - 4;
  const hb = [hl & 0xff, (hl >> 8) & 0xff, 0, 0];
  bytes.set(le ? hb : hb.reverse(), headerLengthAt);
  return new Map([['.debug_abbrev', abbrev], ['.debug_info', info.done()], ['.debug_line', bytes]]);
}

describe('DwarfIndex on synthetic DWARF in every byte order and address size', () => {
  for (const le of [true, false]) for (const size of [4, 8] as const) {
    it(`${le ? 'little' : 'big'}-endian, ${size * 8}-bit addresses`, () => {
      const index = new DwarfIndex(memorySections(build(le, size), le, size));
      assert.deepEqual(index.lookup(BASE), [{ function: 'outer', file: '/src/unit.c', line: 10 }]);
      assert.deepEqual(index.lookup(BASE + 0x18n), [
        { function: 'inner', file: '/src/include/inner.h', line: 5 },
        { function: 'outer', file: '/src/unit.c', line: 20, column: 3 },
      ]);
      assert.deepEqual(index.lookup(BASE + 0x3fn), [{ function: 'outer', file: '/src/unit.c', line: 12 }]);
      assert.deepEqual(index.lookup(BASE + 0x40n), []);
      assert.deepEqual(index.lookup(BASE - 1n), []);
    });
  }
});
