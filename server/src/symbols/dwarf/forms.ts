import { DW_FORM as DW_FORM_ } from './constants';
import { DwarfError } from './errors';
import type { Cursor } from './reader';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain objects.
const DW_FORM = DW_FORM_;

/** What a unit's header says about how its attribute values are encoded. */
export interface FormContext {
  readonly version: number;
  readonly offsetSize: 4 | 8;
  readonly addressSize: number;
  /** Section offset of the unit (CU-relative references are relative to it). */
  readonly unitOffset: number;
}

/**
 * A raw attribute value. Interpretation depends on the form: addresses (DW_FORM_addr) and
 * 8-byte data are bigints; references are made absolute (.debug_info offsets); index forms
 * (strx, addrx, rnglistx) stay indices; blocks and data16 read as undefined.
 */
export type AttrValue = number | bigint | string | undefined;

/** Byte size of a form's value, or -1 when it varies per DIE. */
export function fixedFormSize(form: number, ctx: FormContext): number {
  switch (form) {
    case DW_FORM.addr: return ctx.addressSize;
    case DW_FORM.data1: case DW_FORM.ref1: case DW_FORM.flag: case DW_FORM.strx1: case DW_FORM.addrx1: return 1;
    case DW_FORM.data2: case DW_FORM.ref2: case DW_FORM.strx2: case DW_FORM.addrx2: return 2;
    case DW_FORM.strx3: case DW_FORM.addrx3: return 3;
    case DW_FORM.data4: case DW_FORM.ref4: case DW_FORM.strx4: case DW_FORM.addrx4: case DW_FORM.ref_sup4: return 4;
    case DW_FORM.data8: case DW_FORM.ref8: case DW_FORM.ref_sig8: case DW_FORM.ref_sup8: return 8;
    case DW_FORM.data16: return 16;
    case DW_FORM.flag_present: case DW_FORM.implicit_const: return 0;
    case DW_FORM.strp: case DW_FORM.line_strp: case DW_FORM.sec_offset: case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt: case DW_FORM.GNU_strp_alt:
      return ctx.offsetSize;
    case DW_FORM.ref_addr: return ctx.version <= 2 ? ctx.addressSize : ctx.offsetSize;
    default: return -1;
  }
}

const MAX_INDIRECT = 4;

/** Skips one attribute value. */
export function skipForm(c: Cursor, form: number, ctx: FormContext): void {
  const size = fixedFormSize(form, ctx);
  if (size >= 0) { c.skip(size); return; }
  switch (form) {
    case DW_FORM.string: c.cstring(); return;
    case DW_FORM.udata: case DW_FORM.sdata: case DW_FORM.ref_udata: case DW_FORM.strx: case DW_FORM.addrx:
    case DW_FORM.loclistx: case DW_FORM.rnglistx: case DW_FORM.GNU_addr_index: case DW_FORM.GNU_str_index:
      while (c.u8() & 0x80) { /* LEB128 continuation */ }
      return;
    case DW_FORM.block1: c.skip(c.u8()); return;
    case DW_FORM.block2: c.skip(c.u16()); return;
    case DW_FORM.block4: c.skip(c.u32()); return;
    case DW_FORM.block: case DW_FORM.exprloc: c.skip(c.uleb()); return;
    case DW_FORM.indirect: readForm(c, DW_FORM.indirect, 0, ctx); return;
    default: throw new DwarfError(`unknown attribute form 0x${form.toString(16)} at 0x${c.offset.toString(16)}`);
  }
}

/** Reads one attribute value (see AttrValue). `form` is the resolved form for DW_FORM_indirect. */
export function readForm(c: Cursor, form: number, implicitConst: number, ctx: FormContext, depth = 0): AttrValue {
  switch (form) {
    case DW_FORM.addr: return c.address(ctx.addressSize);
    case DW_FORM.data1: case DW_FORM.flag: case DW_FORM.strx1: case DW_FORM.addrx1: return c.u8();
    case DW_FORM.data2: case DW_FORM.strx2: case DW_FORM.addrx2: return c.u16();
    case DW_FORM.strx3: case DW_FORM.addrx3: return c.u24();
    case DW_FORM.data4: case DW_FORM.strx4: case DW_FORM.addrx4: return c.u32();
    case DW_FORM.data8: return c.u64();
    case DW_FORM.sdata: return c.sleb();
    case DW_FORM.udata: case DW_FORM.strx: case DW_FORM.addrx: case DW_FORM.loclistx: case DW_FORM.rnglistx:
    case DW_FORM.GNU_addr_index: case DW_FORM.GNU_str_index:
      return c.uleb();
    case DW_FORM.implicit_const: return implicitConst;
    case DW_FORM.flag_present: return 1;
    case DW_FORM.string: return c.cstring();
    case DW_FORM.strp: case DW_FORM.line_strp: case DW_FORM.sec_offset: case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt: case DW_FORM.GNU_strp_alt:
      return c.offsetOf(ctx.offsetSize);
    case DW_FORM.ref1: return ctx.unitOffset + c.u8();
    case DW_FORM.ref2: return ctx.unitOffset + c.u16();
    case DW_FORM.ref4: return ctx.unitOffset + c.u32();
    case DW_FORM.ref8: return ctx.unitOffset + c.u64n();
    case DW_FORM.ref_udata: return ctx.unitOffset + c.uleb();
    case DW_FORM.ref_addr: return ctx.version <= 2 ? Number(c.address(ctx.addressSize)) : c.offsetOf(ctx.offsetSize);
    case DW_FORM.ref_sig8: return c.u64();
    case DW_FORM.ref_sup4: return c.u32();
    case DW_FORM.ref_sup8: return c.u64n();
    case DW_FORM.indirect: {
      if (depth >= MAX_INDIRECT) throw new DwarfError('DW_FORM_indirect nested too deeply');
      const actual = c.uleb();
      const ic = actual === DW_FORM.implicit_const ? c.sleb() : implicitConst;
      return readForm(c, actual, ic, ctx, depth + 1);
    }
    default:
      skipForm(c, form, ctx);
      return undefined;
  }
}

/** Forms whose value is a reference to a DIE in the same .debug_info. */
export function isDieReference(form: number): boolean {
  return form === DW_FORM.ref1 || form === DW_FORM.ref2 || form === DW_FORM.ref4 || form === DW_FORM.ref8
    || form === DW_FORM.ref_udata || form === DW_FORM.ref_addr;
}

/** Forms of the constant class (used for DW_AT_high_pc as an offset, call_file/line/column). */
export function isConstantForm(form: number): boolean {
  return form === DW_FORM.data1 || form === DW_FORM.data2 || form === DW_FORM.data4 || form === DW_FORM.data8
    || form === DW_FORM.udata || form === DW_FORM.sdata || form === DW_FORM.implicit_const;
}

/** A constant attribute value as a number (0 when absent or not representable). */
export function constantNumber(v: AttrValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : 0;
  return 0;
}
