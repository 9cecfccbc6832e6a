import { DwarfError } from './errors';
import type { Section } from './section';

/** One address range of a unit, from .debug_aranges or the unit's own DW_AT_ranges / pc attributes. */
export interface UnitRange { low: bigint; high: bigint; unitOffset: number }

const MAX_TUPLES = 1 << 24;

/** All (range, unit) tuples of .debug_aranges. Sets with unknown versions are skipped. */
export function readAranges(section: Section): UnitRange[] {
  const out: UnitRange[] = [];
  let offset = 0;
  while (offset + 4 <= section.size) {
    const head = section.cursor(offset, Math.min(12, section.size - offset));
    const { length, offsetSize } = head.initialLength();
    const start = head.offset;
    const next = start + length;
    if (next > section.size) throw new DwarfError(`.debug_aranges: set at 0x${offset.toString(16)} extends past the end of the section`);
    const c = section.cursor(start, length);
    const version = c.u16();
    if (version === 2 || version === 3) {
      const unitOffset = c.offsetOf(offsetSize);
      const addressSize = c.u8();
      const segmentSize = c.u8();
      if (addressSize !== 2 && addressSize !== 4 && addressSize !== 8) throw new DwarfError(`.debug_aranges: bad address size ${addressSize}`);
      // Tuples start at a multiple of the tuple size from the set's start.
      const tuple = addressSize * 2 + segmentSize;
      const headerEnd = c.offset - offset;
      const pad = (tuple - (headerEnd % tuple)) % tuple;
      c.skip(Math.min(pad, c.remaining));
      while (c.remaining >= tuple) {
        c.skip(segmentSize);
        const low = c.address(addressSize);
        const len = c.address(addressSize);
        if (low === 0n && len === 0n) break;
        if (len > 0n) out.push({ low, high: low + len, unitOffset });
        if (out.length > MAX_TUPLES) throw new DwarfError('.debug_aranges: too many ranges');
      }
    }
    offset = next;
  }
  return out;
}

/** Interval lookup over possibly overlapping ranges. */
export class RangeIndex {
  private readonly ranges: UnitRange[];
  private readonly maxHigh: bigint[];

  constructor(ranges: UnitRange[]) {
    this.ranges = [...ranges].sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
    this.maxHigh = [];
    let m = 0n;
    for (const r of this.ranges) { if (r.high > m) m = r.high; this.maxHigh.push(m); }
  }

  get size(): number { return this.ranges.length; }

  /** Units whose ranges contain `address`, tightest range first. */
  find(address: bigint): number[] {
    const rs = this.ranges;
    let lo = 0;
    let hi = rs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rs[mid].low <= address) lo = mid + 1;
      else hi = mid;
    }
    const hits: UnitRange[] = [];
    for (let i = lo - 1; i >= 0 && this.maxHigh[i] > address; i--) {
      if (rs[i].high > address) hits.push(rs[i]);
    }
    hits.sort((a, b) => { const la = a.high - a.low; const lb = b.high - b.low; return la < lb ? -1 : la > lb ? 1 : 0; });
    return [...new Set(hits.map((h) => h.unitOffset))];
  }
}
