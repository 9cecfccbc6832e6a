import type { DwarfSections, SourceLocation } from '../bytes';
import { parseAbbrevTable, type AbbrevTable } from './abbrev';
import { RangeIndex, readAranges, type UnitRange } from './aranges';
import { DW_FORM as DW_FORM_, DW_TAG as DW_TAG_ } from './constants';
import { DwarfError } from './errors';
import type { AttrValue } from './forms';
import { FunctionIndex } from './function-index';
import { LineTable } from './lines';
import { readDebugRanges, readRngList, rnglistxOffset, type RangeList } from './ranges';
import { SectionSet } from './section';
import { holdsCode, readUnitHeader, type UnitHeader } from './unit';
import { readFunctions, readNameAttrs, readRoot, type FunctionDie, type UnitResolver, type UnitRoot } from './unit-dies';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain objects.
const DW_FORM = DW_FORM_;
const DW_TAG = DW_TAG_;

export { DwarfError } from './errors';

/** What addr2line prints for an unknown function or file. */
export const UNKNOWN = '??';

/**
 * Parsed units (function lists and line tables) are kept up to about this many bytes (estimated);
 * the least recently used ones are dropped first.
 */
const UNIT_CACHE_BYTES = 64 * 1024 * 1024;
/** Estimated heap bytes per function DIE and per line row kept. */
const BYTES_PER_FUNCTION = 200;
const BYTES_PER_ROW = 40;
/** Abbreviation tables kept (a kernel has one per unit, thousands of them). */
const ABBREV_CACHE = 64;
const NAME_CACHE = 200_000;
const MAX_ORIGIN_CHAIN = 64;
const MAX_UNITS = 10_000_000;

interface UnitBase { header: UnitHeader; root: UnitRoot }
interface UnitDetail { functions: FunctionDie[]; index: FunctionIndex; lines: LineTable | undefined; weight: number }

/**
 * Source lookup over an object's DWARF (versions 2-5): address -> inline chain, as GNU
 * `addr2line -i -f` reports it. Everything is read lazily: unit headers on first use, a unit's
 * DIEs and line program only when an address falls in it; a bounded number of units is kept.
 */
export class DwarfIndex {
  private readonly s: SectionSet;
  private readonly addressSize: number;
  /** Every unit header, in section order: read only when aranges do not answer (or for ref_addr). */
  private units: UnitHeader[] | undefined;
  /** Headers read one by one (units named by .debug_aranges), before or without the full list. */
  private readonly headerCache = new Map<number, UnitHeader>();
  private arangesIndex: RangeIndex | null | undefined;
  /** Ranges of units .debug_aranges does not list, from their root DIEs. */
  private fallbackIndex: RangeIndex | undefined;
  /** Units with code but no known ranges: searched last, by their function ranges. */
  private unplaced: number[] = [];
  private readonly abbrevCache = new Map<string, AbbrevTable>();
  private readonly bases = new Map<number, UnitBase>();
  private readonly details = new Map<number, UnitDetail>();
  private detailsWeight = 0;
  private readonly names = new Map<number, string>();
  private readonly strCache = new Map<number, string>();
  private readonly resolver: UnitResolver;

  constructor(sections: DwarfSections) {
    this.s = new SectionSet((n) => sections.get(n), sections.littleEndian);
    this.addressSize = sections.addressSize;
    this.resolver = {
      string: (form, value, root) => this.string(form, value, root),
      address: (form, value, root) => this.address(form, value, root),
      ranges: (form, value, root) => this.ranges(form, value, root),
    };
  }

  /** Whether the object has any DWARF to look addresses up in. */
  get hasDebugInfo(): boolean { return this.s.section('.debug_info') !== undefined; }

  /** Number of units in .debug_info (reads every unit header). */
  get unitCount(): number { return this.unitHeaders().length; }

  /**
   * The inline chain at `address`, innermost first: [0] is the innermost function with the
   * line-table position of the address; each next entry is its caller at the call site
   * (DW_AT_call_file/line/column); the last is the real (out-of-line) function. Empty when no
   * unit covers the address. A function or file unknown to DWARF is UNKNOWN ('??').
   */
  lookup(address: bigint): SourceLocation[] {
    if (!this.hasDebugInfo) return [];
    // A broken unit fails only the lookups that need it: other candidates are still tried, and
    // its error is reported when nothing else answers.
    let firstError: DwarfError | undefined;
    const tryUnit = (unitOffset: number, requireFunction = false): SourceLocation[] => {
      try {
        return this.lookupInUnit(unitOffset, address, requireFunction);
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        firstError ??= e;
        return [];
      }
    };
    // The common case reads one unit header: the one .debug_aranges names. Only a miss pays for
    // reading every header (to find units that aranges leave out).
    const aranges = this.arangesRanges();
    if (aranges) {
      for (const unitOffset of aranges.find(address)) {
        const found = tryUnit(unitOffset);
        if (found.length > 0) return found;
      }
    }
    for (const unitOffset of this.fallbackRanges().find(address)) {
      const found = tryUnit(unitOffset);
      if (found.length > 0) return found;
    }
    // Units of unknown extent may share a line program: one whose functions cover the address
    // wins over one that only has a line row for it.
    for (const requireFunction of [true, false]) {
      for (const unitOffset of this.unplaced) {
        const found = tryUnit(unitOffset, requireFunction);
        if (found.length > 0) return found;
      }
    }
    if (firstError) throw firstError;
    return [];
  }

  /**
   * Parses units' functions and line programs in order, within `budgetMs` (benchmarks and
   * validation). Parsed units go through the same bounded cache as lookups.
   */
  parseAll(budgetMs = Infinity): { units: number; functions: number; rows: number; bytes: number; complete: boolean } {
    const start = Date.now();
    let functions = 0;
    let rows = 0;
    let units = 0;
    let bytes = 0;
    for (const h of this.unitHeaders()) {
      if (Date.now() - start > budgetMs) return { units, functions, rows, bytes, complete: false };
      if (!holdsCode(h)) continue;
      const d = this.detail(h.offset);
      units++;
      functions += d.functions.length;
      rows += d.lines?.rowCount ?? 0;
      bytes += h.end - h.offset + (d.lines?.byteLength ?? 0);
    }
    return { units, functions, rows, bytes, complete: true };
  }

  private lookupInUnit(unitOffset: number, address: bigint, requireFunction = false): SourceLocation[] {
    const base = this.base(unitOffset);
    const { functions, index, lines } = this.detail(unitOffset);
    const best = index.bestFit(address);
    if (requireFunction && best < 0) return [];
    const row = lines?.lookup(address);
    if (best < 0 && !row) return [];
    const chain: SourceLocation[] = [];
    const first: SourceLocation = {
      function: best >= 0 ? this.functionName(functions[best], base) : UNKNOWN,
      file: row ? row.file : UNKNOWN,
      line: row ? row.line : 0,
    };
    if (row && row.column) first.column = row.column;
    chain.push(first);
    // Walk outwards: each inlined subroutine's call site is a position in its caller.
    let f = best;
    for (let guard = 0; f >= 0 && functions[f].tag === DW_TAG.inlined_subroutine && functions[f].parent >= 0; guard++) {
      if (guard > functions.length) throw new DwarfError('cyclic function nesting');
      const callee = functions[f];
      const caller = functions[callee.parent];
      const loc: SourceLocation = {
        function: this.functionName(caller, base),
        file: lines && callee.callFile >= 0 ? lines.fileName(callee.callFile) : UNKNOWN,
        line: callee.callLine,
      };
      if (callee.callColumn) loc.column = callee.callColumn;
      chain.push(loc);
      f = callee.parent;
    }
    return chain;
  }

  private functionName(f: FunctionDie, base: UnitBase): string {
    const own = f.nameForm ? this.string(f.nameForm, f.nameValue, base.root) : undefined;
    if (own !== undefined) return own;
    if (f.origin < 0) return UNKNOWN;
    return this.nameAt(f.origin, base) ?? UNKNOWN;
  }

  /** The name of the DIE at `offset`, following abstract_origin/specification chains. */
  private nameAt(offset: number, from: UnitBase): string | undefined {
    const cached = this.names.get(offset);
    if (cached !== undefined) return cached;
    const seen = new Set<number>();
    let at = offset;
    let unit = from;
    let name: string | undefined;
    while (at >= 0) {
      if (seen.has(at)) throw new DwarfError(`.debug_info: cyclic DW_AT_abstract_origin/DW_AT_specification at 0x${at.toString(16)}`);
      if (seen.size >= MAX_ORIGIN_CHAIN) throw new DwarfError(`.debug_info: DW_AT_abstract_origin chain longer than ${MAX_ORIGIN_CHAIN} at 0x${offset.toString(16)}`);
      seen.add(at);
      if (at < unit.header.dieOffset || at >= unit.header.end) unit = this.base(this.unitContaining(at));
      const u = unit;
      const info = this.s.require('.debug_info');
      const attrs = info.parseOpenEnded(at, 512, (c) => {
        if (c.base + c.end > u.header.end) c = info.cursor(at, u.header.end - at);
        return readNameAttrs(c, u.header, this.abbrevs(u.header), u.root, this.resolver);
      });
      if (attrs.name !== undefined) { name = attrs.name; break; }
      at = attrs.origin;
    }
    if (name !== undefined) {
      if (this.names.size >= NAME_CACHE) this.names.clear();
      this.names.set(offset, name);
    }
    return name;
  }

  // ---- units ------------------------------------------------------------------------------

  private unitHeaders(): UnitHeader[] {
    if (this.units) return this.units;
    const info = this.s.require('.debug_info');
    const units: UnitHeader[] = [];
    let offset = 0;
    while (offset < info.size) {
      const h = this.header(offset);
      units.push(h);
      if (units.length > MAX_UNITS) throw new DwarfError('.debug_info: too many units');
      offset = h.end;
    }
    this.units = units;
    return units;
  }

  private unitContaining(offset: number): number {
    const units = this.unitHeaders();
    let lo = 0;
    let hi = units.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (units[mid].end <= offset) lo = mid + 1;
      else hi = mid;
    }
    const u = units[lo];
    if (!u || offset < u.dieOffset) throw new DwarfError(`.debug_info: reference 0x${offset.toString(16)} outside every unit`);
    return u.offset;
  }

  private header(unitOffset: number): UnitHeader {
    let h = this.headerCache.get(unitOffset);
    if (!h) {
      h = readUnitHeader(this.s.require('.debug_info'), unitOffset);
      this.headerCache.set(unitOffset, h);
    }
    return h;
  }

  /** A unit's abbreviations. Keyed by format too: each table caches attribute sizes for it. */
  private abbrevs(h: UnitHeader): AbbrevTable {
    const key = `${h.abbrevOffset}/${h.offsetSize}/${h.addressSize}/${h.version <= 2 ? 2 : 3}`;
    let t = this.abbrevCache.get(key);
    if (t) {
      this.abbrevCache.delete(key);
    } else {
      t = parseAbbrevTable(this.s.require('.debug_abbrev'), h.abbrevOffset);
      while (this.abbrevCache.size >= ABBREV_CACHE) this.abbrevCache.delete(this.abbrevCache.keys().next().value as string);
    }
    this.abbrevCache.set(key, t);
    return t;
  }

  private base(unitOffset: number): UnitBase {
    let b = this.bases.get(unitOffset);
    if (!b) {
      const header = this.header(unitOffset);
      const abbrevs = this.abbrevs(header);
      const info = this.s.require('.debug_info');
      const root = info.parseOpenEnded(header.dieOffset, 1024, (c) => {
        if (c.base + c.end > header.end) c = info.cursor(header.dieOffset, header.end - header.dieOffset);
        return readRoot(c, header, abbrevs, this.resolver);
      });
      b = { header, root };
      this.bases.set(unitOffset, b);
    }
    return b;
  }

  private detail(unitOffset: number): UnitDetail {
    let d = this.details.get(unitOffset);
    if (d) {
      // Most recently used last.
      this.details.delete(unitOffset);
      this.details.set(unitOffset, d);
      return d;
    }
    const b = this.base(unitOffset);
    const h = b.header;
    const c = this.s.require('.debug_info').cursor(h.dieOffset, h.end - h.dieOffset);
    const abbrevs = this.abbrevs(h);
    // Skip the root DIE, already read.
    readRoot(c, h, abbrevs, this.resolver);
    const functions = readFunctions(c, h, abbrevs, b.root, this.resolver);
    let lines: LineTable | undefined;
    const line = this.s.section('.debug_line');
    if (b.root.stmtList !== undefined && line) {
      lines = LineTable.parse(line, b.root.stmtList, b.root.compDir, {
        resolve: (form, value) => this.string(form, value, b.root),
      }, h.addressSize);
    }
    const weight = functions.length * BYTES_PER_FUNCTION + (lines?.rowCount ?? 0) * BYTES_PER_ROW;
    d = { functions, index: new FunctionIndex(functions), lines, weight };
    while (this.details.size > 0 && this.detailsWeight + weight > UNIT_CACHE_BYTES) {
      const oldest = this.details.keys().next().value as number;
      this.detailsWeight -= this.details.get(oldest)!.weight;
      this.details.delete(oldest);
    }
    this.details.set(unitOffset, d);
    this.detailsWeight += weight;
    return d;
  }

  /** Unit ranges from .debug_aranges (null when absent or empty). */
  private arangesRanges(): RangeIndex | null {
    if (this.arangesIndex !== undefined) return this.arangesIndex;
    const section = this.s.section('.debug_aranges');
    const info = this.s.require('.debug_info');
    const ranges = section ? readAranges(section).filter((r) => r.unitOffset < info.size) : [];
    this.arangesIndex = ranges.length > 0 ? new RangeIndex(ranges) : null;
    return this.arangesIndex;
  }

  /** Ranges of the units with code that .debug_aranges does not list, from their root DIEs. */
  private fallbackRanges(): RangeIndex {
    if (this.fallbackIndex) return this.fallbackIndex;
    const listed = new Set<number>();
    const aranges = this.s.section('.debug_aranges');
    if (aranges && this.arangesRanges()) for (const r of readAranges(aranges)) listed.add(r.unitOffset);
    const all: UnitRange[] = [];
    const unplaced: number[] = [];
    for (const h of this.unitHeaders()) {
      if (!holdsCode(h) || listed.has(h.offset)) continue;
      let root: UnitRoot;
      try {
        root = this.base(h.offset).root;
      } catch (e) {
        // An unreadable root: the unit stays out of the index (lookups it would answer fail).
        if (e instanceof DwarfError) continue;
        throw e;
      }
      if (root.tag !== DW_TAG.compile_unit && root.tag !== DW_TAG.partial_unit && root.tag !== DW_TAG.skeleton_unit) continue;
      if (root.hasRanges) {
        for (let i = 0; i < root.ranges.length; i += 2) all.push({ low: root.ranges[i], high: root.ranges[i + 1], unitOffset: h.offset });
      } else {
        unplaced.push(h.offset);
      }
    }
    this.unplaced = unplaced;
    this.fallbackIndex = new RangeIndex(all);
    return this.fallbackIndex;
  }

  // ---- attribute values in other sections -------------------------------------------------

  private string(form: number, value: AttrValue, root: UnitRoot | undefined): string | undefined {
    if (typeof value === 'string') return value;
    if (typeof value !== 'number') return undefined;
    switch (form) {
      case DW_FORM.strp: return this.strAt('.debug_str', value);
      case DW_FORM.line_strp: return this.lineStr(value);
      case DW_FORM.strx: case DW_FORM.strx1: case DW_FORM.strx2: case DW_FORM.strx3: case DW_FORM.strx4: case DW_FORM.GNU_str_index: {
        const so = this.s.require('.debug_str_offsets');
        const size = root?.offsetSize ?? 4;
        const c = so.cursor((root?.strOffsetsBase ?? 0) + value * size, size);
        return this.strAt('.debug_str', c.offsetOf(size));
      }
      default: return undefined;
    }
  }

  private lineStr(offset: number): string {
    const s = this.s.require('.debug_line_str');
    return s.cstringAt(offset);
  }

  private strAt(name: string, offset: number): string {
    const cached = this.strCache.get(offset);
    if (cached !== undefined) return cached;
    const v = this.s.require(name).cstringAt(offset);
    if (this.strCache.size >= NAME_CACHE) this.strCache.clear();
    this.strCache.set(offset, v);
    return v;
  }

  private address(form: number, value: AttrValue, root: UnitRoot | undefined): bigint | undefined {
    if (typeof value === 'bigint' && form === DW_FORM.addr) return value;
    if (typeof value !== 'number') return undefined;
    switch (form) {
      case DW_FORM.addrx: case DW_FORM.addrx1: case DW_FORM.addrx2: case DW_FORM.addrx3: case DW_FORM.addrx4: case DW_FORM.GNU_addr_index:
        return this.addrIndex(root, value);
      default: return undefined;
    }
  }

  private addrIndex(root: UnitRoot | undefined, index: number): bigint {
    const size = root?.addressSize ?? this.addressSize;
    return this.s.require('.debug_addr').cursor((root?.addrBase ?? 0) + index * size, size).address(size);
  }

  private ranges(form: number, value: AttrValue, root: UnitRoot | undefined): RangeList {
    if (typeof value !== 'number') return [];
    const base = root?.lowPc ?? 0n;
    const addr = { address: (i: number) => this.addrIndex(root, i) };
    const addressSize = root?.addressSize ?? this.addressSize;
    const rnglists = this.s.section('.debug_rnglists');
    if (form === DW_FORM.rnglistx) {
      if (!rnglists) throw new DwarfError('DW_FORM_rnglistx without .debug_rnglists');
      const off = rnglistxOffset(rnglists, root?.rnglistsBase ?? 0, value, root?.offsetSize ?? 4);
      return readRngList(rnglists, off, addressSize, base, addr);
    }
    // DWARF 5 units use .debug_rnglists; earlier ones .debug_ranges.
    const v5 = root !== undefined && root.version >= 5;
    if (v5 && rnglists) return readRngList(rnglists, value, addressSize, base, addr);
    const ranges = this.s.section('.debug_ranges');
    if (!ranges) throw new DwarfError('DW_AT_ranges without .debug_ranges');
    return readDebugRanges(ranges, value, addressSize, base);
  }
}
