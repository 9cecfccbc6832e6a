import type { Abbrev, AbbrevTable } from './abbrev';
import { DW_AT as DW_AT_, DW_FORM as DW_FORM_, DW_TAG as DW_TAG_ } from './constants';
import { DwarfError } from './errors';
import { constantNumber as constantNumber_, isDieReference as isDieReference_, fixedFormSize as fixedFormSize_, isConstantForm as isConstantForm_, readForm as readForm_, skipForm as skipForm_, type AttrValue } from './forms';
import type { Cursor } from './reader';
import type { RangeList } from './ranges';
import type { UnitHeader } from './unit';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain locals.
const constantNumber = constantNumber_;
const isDieReference = isDieReference_;
const fixedFormSize = fixedFormSize_;
const isConstantForm = isConstantForm_;
const readForm = readForm_;
const skipForm = skipForm_;
const DW_AT = DW_AT_;
const DW_FORM = DW_FORM_;
const DW_TAG = DW_TAG_;

/** A subprogram, inlined subroutine or entry point of a unit. */
export interface FunctionDie {
  /** .debug_info offset of the DIE. */
  readonly offset: number;
  readonly tag: number;
  /** Code ranges; empty for abstract instances and declarations. */
  readonly ranges: RangeList;
  /** Index (in the unit's list) of the nearest enclosing function DIE, or -1. */
  readonly parent: number;
  /** DW_AT_name (else DW_AT_linkage_name) of the DIE itself, unresolved: see UnitResolver.string. 0 when absent. */
  readonly nameForm: number;
  readonly nameValue: AttrValue;
  /** DW_AT_abstract_origin or DW_AT_specification target (.debug_info offset), or -1. */
  readonly origin: number;
  /** DW_AT_call_file, -1 when absent. */
  readonly callFile: number;
  readonly callLine: number;
  readonly callColumn: number;
}

/** Everything a unit's root DIE says that the rest of the unit depends on. */
export interface UnitRoot {
  readonly version: number;
  readonly offsetSize: 4 | 8;
  readonly addressSize: number;
  readonly tag: number;
  readonly name: string | undefined;
  readonly compDir: string | undefined;
  readonly language: number;
  readonly stmtList: number | undefined;
  /** DW_AT_low_pc: the base address of range lists. */
  readonly lowPc: bigint;
  readonly strOffsetsBase: number;
  readonly addrBase: number;
  readonly rnglistsBase: number;
  readonly ranges: RangeList;
  /** Whether the root has DW_AT_ranges or a low/high pc pair. */
  readonly hasRanges: boolean;
}

/** Resolves the parts of attribute values that live in other sections. */
export interface UnitResolver {
  string(form: number, value: AttrValue, root: UnitRoot | undefined): string | undefined;
  address(form: number, value: AttrValue, root: UnitRoot | undefined): bigint | undefined;
  ranges(form: number, value: AttrValue, root: UnitRoot | undefined): RangeList;
}

const MAX_DEPTH = 4096;
const MAX_FUNCTIONS = 4_000_000;

function isFunctionTag(tag: number): boolean {
  return tag === DW_TAG.subprogram || tag === DW_TAG.inlined_subroutine || tag === DW_TAG.entry_point;
}

// Tags whose children never hold code (types, variables, parameters, call sites).
const NO_CODE_INSIDE = new Set<number>([
  0x01 /* array_type */, 0x04 /* enumeration_type */, 0x05 /* formal_parameter */, 0x0d /* member */,
  0x0f /* pointer_type */, 0x15 /* subroutine_type */, 0x16 /* typedef */, 0x21 /* subrange_type */,
  0x24 /* base_type */, 0x26 /* const_type */, 0x28 /* enumerator */, 0x34 /* variable */, 0x35 /* volatile_type */,
  0x37 /* restrict_type */, 0x47 /* atomic_type */, 0x48 /* call_site */, 0x49 /* call_site_parameter */,
  0x4109 /* GNU_call_site */, 0x410a /* GNU_call_site_parameter */,
]);
// In C, aggregates only hold members: skipping them saves most of a kernel unit's DIEs.
const C_AGGREGATES = new Set<number>([0x13 /* structure_type */, 0x17 /* union_type */]);
function isC(language: number): boolean {
  return language === 0x01 || language === 0x02 || language === 0x0c || language === 0x1d || language === 0x2c;
}

interface RawAttr { at: number; form: number; value: AttrValue }

/** Reads all attributes of a DIE whose abbreviation is `abbrev` (cursor just after the code). */
export function readAttrs(c: Cursor, abbrev: Abbrev, h: UnitHeader): RawAttr[] {
  const out: RawAttr[] = [];
  for (const a of abbrev.attrs) {
    let form = a.form;
    let ic = a.implicitConst;
    if (form === DW_FORM.indirect) {
      form = c.uleb();
      if (form === DW_FORM.implicit_const) ic = c.sleb();
      if (form === DW_FORM.indirect) throw new DwarfError('DW_FORM_indirect to DW_FORM_indirect');
    }
    out.push({ at: a.at, form, value: readForm(c, form, ic, h) });
  }
  return out;
}

function abbrevFor(table: AbbrevTable, code: number, offset: number): Abbrev {
  const a = table.get(code);
  if (!a) throw new DwarfError(`.debug_info: unknown abbreviation code ${code} at 0x${offset.toString(16)}`);
  return a;
}

function fixedSizeOf(a: Abbrev, h: UnitHeader): number {
  if (a.fixedSize === -2) {
    let sum = 0;
    for (const at of a.attrs) {
      const s = fixedFormSize(at.form, h);
      if (s < 0) { sum = -1; break; }
      sum += s;
    }
    a.fixedSize = sum;
  }
  return a.fixedSize;
}

/** Reads the root DIE of a unit (cursor at the unit's first DIE). */
export function readRoot(c: Cursor, h: UnitHeader, abbrevs: AbbrevTable, r: UnitResolver): UnitRoot {
  const at0 = c.offset;
  const code = c.uleb();
  if (code === 0) throw new DwarfError(`.debug_info: unit at 0x${h.offset.toString(16)} has no root DIE`);
  const abbrev = abbrevFor(abbrevs, code, at0);
  const attrs = readAttrs(c, abbrev, h);
  const get = (at: number): RawAttr | undefined => attrs.find((x) => x.at === at);
  const num = (at: number): number | undefined => { const v = get(at)?.value; return typeof v === 'number' ? v : undefined; };
  const v5 = h.version >= 5;
  const partial: UnitRoot = {
    version: h.version,
    offsetSize: h.offsetSize,
    addressSize: h.addressSize,
    tag: abbrev.tag,
    name: undefined,
    compDir: undefined,
    language: constantNumber(get(DW_AT.language)?.value),
    stmtList: num(DW_AT.stmt_list),
    lowPc: 0n,
    strOffsetsBase: num(DW_AT.str_offsets_base) ?? (v5 ? 8 : 0),
    addrBase: num(DW_AT.addr_base) ?? num(DW_AT.GNU_addr_base) ?? (v5 ? 8 : 0),
    rnglistsBase: num(DW_AT.rnglists_base) ?? (v5 ? (h.offsetSize === 8 ? 20 : 12) : 0),
    ranges: [],
    hasRanges: false,
  };
  const str = (at: number): string | undefined => { const a = get(at); return a ? r.string(a.form, a.value, partial) : undefined; };
  const low = get(DW_AT.low_pc);
  const lowPc = low ? r.address(low.form, low.value, partial) ?? 0n : 0n;
  const withBase: UnitRoot = { ...partial, name: str(DW_AT.name), compDir: str(DW_AT.comp_dir), lowPc };
  let ranges: RangeList = [];
  let hasRanges = false;
  const rangesAttr = get(DW_AT.ranges);
  if (rangesAttr) {
    ranges = r.ranges(rangesAttr.form, rangesAttr.value, withBase);
    hasRanges = true;
  } else {
    const high = get(DW_AT.high_pc);
    if (low && high) {
      const hp = highPc(lowPc, high, withBase, r, h.addressSize);
      if (hp !== undefined && hp > lowPc) ranges = [lowPc, hp];
      hasRanges = true;
    }
  }
  return { ...withBase, ranges, hasRanges };
}

function highPc(lowPc: bigint, high: RawAttr, root: UnitRoot, r: UnitResolver, addressSize: number): bigint | undefined {
  if (isConstantForm(high.form)) {
    const v = high.value;
    const off = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? v : 0);
    return BigInt.asUintN(addressSize * 8, lowPc + off);
  }
  return r.address(high.form, high.value, root);
}

/**
 * Walks the DIEs after the root and collects every function DIE with its ranges and its
 * nearest enclosing function (what GNU addr2line calls the caller of an inlined subroutine).
 */
export function readFunctions(c: Cursor, h: UnitHeader, abbrevs: AbbrevTable, root: UnitRoot, r: UnitResolver): FunctionDie[] {
  const out: FunctionDie[] = [];
  // enclosing[d] = index of the nearest function DIE enclosing depth d, -1 if none.
  const enclosing: number[] = [-1];
  const skipAggregates = isC(root.language);
  const end = c.base + c.end;
  while (c.offset < end) {
    const dieOffset = c.offset;
    const code = c.uleb();
    if (code === 0) {
      if (enclosing.length > 1) enclosing.pop();
      continue;
    }
    const abbrev = abbrevFor(abbrevs, code, dieOffset);
    const tag = abbrev.tag;
    if (isFunctionTag(tag)) {
      // Attributes are read into locals, not objects: this loop runs for every function DIE.
      let nameForm = 0, linkageForm = 0, lowForm = 0, highForm = 0, rangesForm = 0;
      let nameValue: AttrValue, linkageValue: AttrValue, lowValue: AttrValue, highValue: AttrValue, rangesValue: AttrValue;
      let origin = -1;
      let callFile = -1, callLine = 0, callColumn = 0;
      for (const a of abbrev.attrs) {
        let form = a.form;
        let ic = a.implicitConst;
        if (form === DW_FORM.indirect) {
          form = c.uleb();
          if (form === DW_FORM.implicit_const) ic = c.sleb();
          if (form === DW_FORM.indirect) throw new DwarfError('DW_FORM_indirect to DW_FORM_indirect');
        }
        switch (a.at) {
          case DW_AT.name: nameForm = form; nameValue = readForm(c, form, ic, h); break;
          case DW_AT.linkage_name: case DW_AT.MIPS_linkage_name: linkageForm = form; linkageValue = readForm(c, form, ic, h); break;
          case DW_AT.abstract_origin: case DW_AT.specification: {
            const v = readForm(c, form, ic, h);
            if (typeof v === 'number' && isDieReference(form)) origin = v;
            break;
          }
          case DW_AT.low_pc: lowForm = form; lowValue = readForm(c, form, ic, h); break;
          case DW_AT.high_pc: highForm = form; highValue = readForm(c, form, ic, h); break;
          case DW_AT.ranges: rangesForm = form; rangesValue = readForm(c, form, ic, h); break;
          case DW_AT.call_file: callFile = constantNumber(readForm(c, form, ic, h)); break;
          case DW_AT.call_line: callLine = constantNumber(readForm(c, form, ic, h)); break;
          case DW_AT.call_column: callColumn = constantNumber(readForm(c, form, ic, h)); break;
          default: skipForm(c, form, h);
        }
      }
      let ranges: RangeList = [];
      if (rangesForm) ranges = r.ranges(rangesForm, rangesValue, root);
      else if (lowForm && highForm) {
        const lo = r.address(lowForm, lowValue, root);
        const hi = lo === undefined ? undefined : highPc(lo, { at: DW_AT.high_pc, form: highForm, value: highValue }, root, r, h.addressSize);
        if (lo !== undefined && hi !== undefined && hi > lo) ranges = [lo, hi];
      }
      const index = out.length;
      out.push({
        offset: dieOffset, tag, ranges, parent: enclosing[enclosing.length - 1],
        nameForm: nameForm || linkageForm, nameValue: nameForm ? nameValue : linkageValue, origin, callFile, callLine, callColumn,
      });
      if (out.length > MAX_FUNCTIONS) throw new DwarfError('.debug_info: too many functions in one unit');
      if (abbrev.hasChildren) enclosing.push(index);
    } else if (abbrev.hasChildren && (NO_CODE_INSIDE.has(tag) || (skipAggregates && C_AGGREGATES.has(tag)))) {
      const sibling = skipToSibling(c, abbrev, h, end);
      if (!sibling) enclosing.push(enclosing[enclosing.length - 1]);
    } else {
      const fixed = fixedSizeOf(abbrev, h);
      if (fixed >= 0) c.skip(fixed);
      else for (const a of abbrev.attrs) skipAttr(c, a.form, h);
      if (abbrev.hasChildren) enclosing.push(enclosing[enclosing.length - 1]);
    }
    if (enclosing.length > MAX_DEPTH) throw new DwarfError(`.debug_info: DIE tree deeper than ${MAX_DEPTH} at 0x${dieOffset.toString(16)}`);
  }
  return out;
}

function skipAttr(c: Cursor, form: number, h: UnitHeader): void {
  if (form === DW_FORM.indirect) {
    const actual = c.uleb();
    if (actual === DW_FORM.implicit_const) c.sleb();
    if (actual === DW_FORM.indirect) throw new DwarfError('DW_FORM_indirect to DW_FORM_indirect');
    skipForm(c, actual, h);
    return;
  }
  skipForm(c, form, h);
}

/** Skips a DIE's attributes and, if it has a usable DW_AT_sibling, its children. Returns whether it did. */
function skipToSibling(c: Cursor, abbrev: Abbrev, h: UnitHeader, end: number): boolean {
  let sibling = -1;
  for (const a of abbrev.attrs) {
    if (a.at === DW_AT.sibling) {
      const v = readForm(c, a.form, a.implicitConst, h);
      if (typeof v === 'number') sibling = v;
    } else skipAttr(c, a.form, h);
  }
  if (sibling > c.offset && sibling <= end) { c.offset = sibling; return true; }
  return false;
}

/** Reads the name-related attributes of the DIE at the cursor. */
export function readNameAttrs(c: Cursor, h: UnitHeader, abbrevs: AbbrevTable, root: UnitRoot, r: UnitResolver): { name?: string; origin: number } {
  const at0 = c.offset;
  const code = c.uleb();
  if (code === 0) throw new DwarfError(`.debug_info: reference to a null DIE at 0x${at0.toString(16)}`);
  const abbrev = abbrevFor(abbrevs, code, at0);
  let name: string | undefined;
  let linkage: string | undefined;
  let origin = -1;
  let spec = -1;
  for (const a of readAttrs(c, abbrev, h)) {
    if (a.at === DW_AT.name) name = r.string(a.form, a.value, root);
    else if (a.at === DW_AT.linkage_name || a.at === DW_AT.MIPS_linkage_name) linkage = r.string(a.form, a.value, root);
    else if ((a.at === DW_AT.abstract_origin || a.at === DW_AT.specification) && typeof a.value === 'number' && isDieReference(a.form)) {
      if (a.at === DW_AT.abstract_origin) origin = a.value; else spec = a.value;
    }
  }
  return { name: name ?? linkage, origin: origin >= 0 ? origin : spec };
}
