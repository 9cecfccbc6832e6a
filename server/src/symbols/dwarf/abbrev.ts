import { DW_FORM as DW_FORM_ } from './constants';
import { DwarfError } from './errors';
import type { Section } from './section';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain objects.
const DW_FORM = DW_FORM_;

export interface AbbrevAttr {
  readonly at: number;
  readonly form: number;
  /** The value of a DW_FORM_implicit_const attribute (held in the abbreviation, not the DIE). */
  readonly implicitConst: number;
}

export interface Abbrev {
  readonly code: number;
  readonly tag: number;
  readonly hasChildren: boolean;
  readonly attrs: readonly AbbrevAttr[];
  /** Byte size of all attribute values when every form has a fixed size for this unit, else -1. */
  fixedSize: number;
}

export type AbbrevTable = ReadonlyMap<number, Abbrev>;

const MAX_ATTRS = 4096;

/** Parses the abbreviation table at `offset` of .debug_abbrev. */
export function parseAbbrevTable(section: Section, offset: number): AbbrevTable {
  return section.parseOpenEnded(offset, 8192, (c) => {
    const table = new Map<number, Abbrev>();
    for (;;) {
      const code = c.uleb();
      if (code === 0) break;
      const tag = c.uleb();
      const hasChildren = c.u8() !== 0;
      const attrs: AbbrevAttr[] = [];
      for (;;) {
        const at = c.uleb();
        const form = c.uleb();
        if (at === 0 && form === 0) break;
        const implicitConst = form === DW_FORM.implicit_const ? c.sleb() : 0;
        attrs.push({ at, form, implicitConst });
        if (attrs.length > MAX_ATTRS) throw new DwarfError(`.debug_abbrev: abbreviation ${code} has too many attributes`);
      }
      if (table.has(code)) throw new DwarfError(`.debug_abbrev: duplicate abbreviation code ${code} at 0x${offset.toString(16)}`);
      table.set(code, { code, tag, hasChildren, attrs, fixedSize: -2 });
    }
    return table;
  });
}
