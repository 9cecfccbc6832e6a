import { DW_UT as DW_UT_ } from './constants';
import { DwarfError } from './errors';
import type { FormContext } from './forms';
import type { Section } from './section';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain objects.
const DW_UT = DW_UT_;

/** A unit header of .debug_info (DWARF 2-5, 32- or 64-bit format). */
export interface UnitHeader extends FormContext {
  /** Section offset of the unit's first byte (its initial length). */
  readonly offset: number;
  /** Section offset just past the unit. */
  readonly end: number;
  /** Section offset of the unit's first DIE. */
  readonly dieOffset: number;
  readonly unitType: number;
  readonly abbrevOffset: number;
}

/** Reads the unit header at `offset` of .debug_info. */
export function readUnitHeader(info: Section, offset: number): UnitHeader {
  const c = info.cursor(offset, Math.min(40, info.size - offset));
  const { length, offsetSize } = c.initialLength();
  const end = c.offset + length;
  if (end > info.size) throw new DwarfError(`.debug_info: unit at 0x${offset.toString(16)} extends past the end of the section`);
  const version = c.u16();
  if (version < 2 || version > 5) throw new DwarfError(`.debug_info: unit at 0x${offset.toString(16)} has unsupported DWARF version ${version}`);
  let unitType: number = DW_UT.compile;
  let addressSize: number;
  let abbrevOffset: number;
  if (version >= 5) {
    unitType = c.u8();
    addressSize = c.u8();
    abbrevOffset = c.offsetOf(offsetSize);
    if (unitType === DW_UT.type || unitType === DW_UT.split_type) c.skip(8 + offsetSize);
    else if (unitType === DW_UT.skeleton || unitType === DW_UT.split_compile) c.skip(8);
  } else {
    abbrevOffset = c.offsetOf(offsetSize);
    addressSize = c.u8();
  }
  if (addressSize !== 1 && addressSize !== 2 && addressSize !== 4 && addressSize !== 8) {
    throw new DwarfError(`.debug_info: unit at 0x${offset.toString(16)} has unsupported address size ${addressSize}`);
  }
  if (c.offset > end) throw new DwarfError(`.debug_info: unit at 0x${offset.toString(16)} is shorter than its header`);
  return { offset, end, dieOffset: c.offset, version, unitType, offsetSize, addressSize, abbrevOffset, unitOffset: offset };
}

/** Whether a unit can hold code (compile, partial or skeleton units; not type units). */
export function holdsCode(h: UnitHeader): boolean {
  return h.unitType === DW_UT.compile || h.unitType === DW_UT.partial || h.unitType === DW_UT.skeleton;
}
