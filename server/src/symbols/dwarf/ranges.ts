import { DW_RLE as DW_RLE_ } from './constants';
import { DwarfError } from './errors';
import type { Section } from './section';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain objects.
const DW_RLE = DW_RLE_;

/** Address ranges flattened as [low0, high0, low1, high1, ...], each half-open. */
export type RangeList = bigint[];

const MAX_ENTRIES = 1 << 20;

/** What resolving .debug_addr indices needs. */
export interface AddrIndex {
  address(index: number): bigint;
}

function push(out: RangeList, low: bigint, high: bigint): void {
  if (high > low) out.push(low, high);
}

/** A DWARF 2-4 range list of .debug_ranges at `offset`, relative to `base` (the CU's low_pc). */
export function readDebugRanges(section: Section, offset: number, addressSize: number, base: bigint): RangeList {
  const bits = BigInt(addressSize * 8);
  const maxAddr = (1n << bits) - 1n;
  return section.parseOpenEnded(offset, 1024, (c) => {
    const out: RangeList = [];
    let b = base;
    for (let n = 0; ; n++) {
      if (n > MAX_ENTRIES) throw new DwarfError(`.debug_ranges: list at 0x${offset.toString(16)} too long`);
      const begin = c.address(addressSize);
      const end = c.address(addressSize);
      if (begin === 0n && end === 0n) break;
      if (begin === maxAddr) { b = end; continue; }
      push(out, BigInt.asUintN(Number(bits), b + begin), BigInt.asUintN(Number(bits), b + end));
    }
    return out;
  });
}

/** A DWARF 5 range list of .debug_rnglists at `offset`; `base` is the CU's base address. */
export function readRngList(section: Section, offset: number, addressSize: number, base: bigint, addr: AddrIndex): RangeList {
  const bits = addressSize * 8;
  return section.parseOpenEnded(offset, 1024, (c) => {
    const out: RangeList = [];
    let b = base;
    for (let n = 0; ; n++) {
      if (n > MAX_ENTRIES) throw new DwarfError(`.debug_rnglists: list at 0x${offset.toString(16)} too long`);
      const kind = c.u8();
      switch (kind) {
        case DW_RLE.end_of_list: return out;
        case DW_RLE.base_addressx: b = addr.address(c.uleb()); break;
        case DW_RLE.startx_endx: { const s = addr.address(c.uleb()); push(out, s, addr.address(c.uleb())); break; }
        case DW_RLE.startx_length: { const s = addr.address(c.uleb()); push(out, s, BigInt.asUintN(bits, s + c.ulebBig())); break; }
        case DW_RLE.offset_pair: {
          const s = c.ulebBig();
          const e = c.ulebBig();
          push(out, BigInt.asUintN(bits, b + s), BigInt.asUintN(bits, b + e));
          break;
        }
        case DW_RLE.base_address: b = c.address(addressSize); break;
        case DW_RLE.start_end: { const s = c.address(addressSize); push(out, s, c.address(addressSize)); break; }
        case DW_RLE.start_length: { const s = c.address(addressSize); push(out, s, BigInt.asUintN(bits, s + c.ulebBig())); break; }
        default: throw new DwarfError(`.debug_rnglists: unknown entry kind ${kind} at 0x${(c.offset - 1).toString(16)}`);
      }
    }
  });
}

/** Offset of range list `index` of a .debug_rnglists contribution whose offsets table starts at `base`. */
export function rnglistxOffset(section: Section, base: number, index: number, offsetSize: 4 | 8): number {
  const c = section.cursor(base + index * offsetSize, offsetSize);
  return base + c.offsetOf(offsetSize);
}
