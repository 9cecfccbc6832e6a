// The symbol table of one ELF object seen the way kallsyms sees it: text symbols (FUNC and NOTYPE
// labels) whose size is the distance to the next symbol of the same section, so that a printed
// `func+0x6d/0x100` can be matched even among same-named static functions.
import { ElfError, ElfFile, Reader, SHT_SYMTAB, SHT_DYNSYM, SHT_NOBITS, SHF_EXECINSTR, SHF_ALLOC, ET_REL, SHT_SYMTAB_SHNDX } from './elf';

export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STT_GNU_IFUNC = 10;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
const SHN_XINDEX = 0xffff;

export interface ElfSymbol {
  name: string;
  /** Address in the object's address space (ET_REL: synthetic section base + value). */
  address: bigint;
  /** st_size from the symbol table. */
  elfSize: bigint;
  /** Distance to the next text symbol of the same section (what the kernel prints after `/`). */
  kallsymsSize: bigint;
  section: string;
  sectionIndex: number;
  /** st_value: for ET_REL the offset inside `section`. */
  value: bigint;
  type: number;
  global: boolean;
}

/** Raw entry of the symbol table (every type); index into it = symbol index for relocations. */
export interface RawSymbol {
  name: string;
  value: bigint;
  size: bigint;
  type: number;
  bind: number;
  shndx: number;
}

/** Strip what clang LTO appends to promoted statics and kallsyms removes when printing. */
export function kallsymsName(elfName: string): string {
  return elfName.replace(/\.llvm\.\d+$/, '');
}

/** Name without compiler clone suffixes: `foo.isra.0` -> `foo`, `foo.cold` -> `foo`. */
export function baseFunctionName(name: string): string {
  return kallsymsName(name)
    .replace(/^__(pfx|cfi)_/, '')
    .replace(/(\.(cold|isra|constprop|part|lto_priv|clone|localalias)(\.\d+)?)+$/, '');
}

function isTextCandidate(name: string): boolean {
  // ARM/AArch64/RISC-V mapping symbols ($x, $d, $a, $t, $x.123) and assembler locals are not kallsyms entries.
  return name.length > 0 && name[0] !== '$' && !name.startsWith('.L') && !name.startsWith('L0\x01');
}

const MAX_TABLE = 512 * 2 ** 20;

interface SymtabView {
  r: Reader;
  strings: Buffer;
  count: number;
  ent: number;
  xindex?: Reader;
}

function symtabView(elf: ElfFile): SymtabView | undefined {
  const table = elf.sections.find((s) => s.type === SHT_SYMTAB) ?? elf.sections.find((s) => s.type === SHT_DYNSYM);
  if (!table || table.type === SHT_NOBITS) return undefined;
  const strSec = elf.sections[table.link];
  // Real tables are a few MB (allyesconfig: ~100 MB); larger means a corrupt header, not a symbol table.
  if (table.size > MAX_TABLE || (strSec?.size ?? 0) > MAX_TABLE)
    throw new ElfError(`${elf.path}: symbol table of ${table.size} bytes (strings ${strSec?.size ?? 0}) is implausibly large`);
  const str = strSec ? elf.readAll(strSec) : new Uint8Array(0);
  const data = elf.readAll(table);
  const ent = elf.is64 ? 24 : 16;
  const shndxSec = elf.sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === table.index);
  return {
    r: new Reader(data, elf.littleEndian),
    strings: Buffer.from(str.buffer, str.byteOffset, str.byteLength),
    count: Math.floor(data.length / ent),
    ent,
    xindex: shndxSec ? new Reader(elf.readAll(shndxSec), elf.littleEndian) : undefined,
  };
}

function nameAt(strings: Buffer, off: number): string {
  if (off <= 0 || off >= strings.length) return '';
  let end = strings.indexOf(0, off);
  if (end < 0) end = strings.length;
  return strings.toString('utf8', off, end);
}

/** One entry of the table without its name: cheap enough to run over 130k vmlinux symbols. */
function entryAt(elf: ElfFile, v: SymtabView, i: number): { nameOff: number; info: number; shndx: number; value: bigint; size: bigint } {
  const o = i * v.ent;
  const r = v.r;
  let info: number, shndx: number, value: bigint, size: bigint;
  if (elf.is64) {
    info = r.u8(o + 4); shndx = r.u16(o + 6); value = r.u64(o + 8); size = r.u64(o + 16);
  } else {
    value = BigInt(r.u32(o + 4)); size = BigInt(r.u32(o + 8)); info = r.u8(o + 12); shndx = r.u16(o + 14);
  }
  if (shndx === SHN_XINDEX && v.xindex) shndx = v.xindex.u32(i * 4);
  return { nameOff: r.u32(o), info, shndx, value, size };
}

/** st_info and st_shndx alone: the filter runs over every entry, without allocating. */
function infoAt(elf: ElfFile, v: SymtabView, i: number): number {
  return v.r.u8(i * v.ent + (elf.is64 ? 4 : 12));
}

function shndxAt(elf: ElfFile, v: SymtabView, i: number): number {
  const s = v.r.u16(i * v.ent + (elf.is64 ? 6 : 14));
  return s === SHN_XINDEX && v.xindex ? v.xindex.u32(i * 4) : s;
}

/** Every entry of the symbol table (index = symbol index for relocations). */
export function readRawSymbols(elf: ElfFile): { symbols: RawSymbol[] } {
  const v = symtabView(elf);
  if (!v) return { symbols: [] };
  const out: RawSymbol[] = new Array(v.count);
  for (let i = 0; i < v.count; i++) {
    const e = entryAt(elf, v, i);
    out[i] = { name: nameAt(v.strings, e.nameOff), value: e.value, size: e.size, type: e.info & 0xf, bind: e.info >> 4, shndx: e.shndx };
  }
  return { symbols: out };
}

export interface SymbolChoice {
  symbol?: ElfSymbol;
  /** All same-named text symbols. */
  candidates: ElfSymbol[];
  warnings: string[];
}

export class SymbolTable {
  /** Text symbols sorted by address. */
  readonly text: ElfSymbol[] = [];
  private readonly byNameMap = new Map<string, ElfSymbol[]>();
  private strippedNames?: Map<string, ElfSymbol[]>;
  private readonly view?: SymtabView;

  /**
   * @param sectionBase address of a section's first byte: sh_addr for linked files, the synthetic
   *   layout base for ET_REL objects.
   */
  constructor(readonly elf: ElfFile, readonly sectionBase: (index: number) => bigint) {
    const view = symtabView(elf);
    // NOBITS text (separate debug files: objcopy --only-keep-debug) still places its symbols.
    const exec = elf.sections.map((sec) => (sec.flags & SHF_EXECINSTR) !== 0);
    const bySection = new Map<number, ElfSymbol[]>();
    for (let i = 0; view && i < view.count; i++) {
      const type = infoAt(elf, view, i) & 0xf;
      if (type !== STT_FUNC && type !== STT_NOTYPE && type !== STT_GNU_IFUNC) continue;
      const shndx = shndxAt(elf, view, i);
      if (shndx === SHN_UNDEF || shndx >= SHN_LORESERVE || !exec[shndx]) continue;
      const e = entryAt(elf, view, i);
      const name = nameAt(view.strings, e.nameOff);
      if (!isTextCandidate(name)) continue;
      const sec = elf.sections[e.shndx];
      const value = elf.type === ET_REL ? e.value : e.value - sec.addr;
      const sym: ElfSymbol = {
        name, address: sectionBase(e.shndx) + value, elfSize: e.size, kallsymsSize: 0n,
        section: sec.name, sectionIndex: e.shndx, value: e.value, type, global: e.info >> 4 !== 0,
      };
      let list = bySection.get(e.shndx);
      if (!list) bySection.set(e.shndx, (list = []));
      list.push(sym);
    }
    this.view = view;
    // Sections do not overlap: sort each by offset (plain numbers), then the sections by base.
    const sections = [...bySection.keys()].sort((a, b) => cmp(sectionBase(a), sectionBase(b)));
    for (const index of sections) {
      const unsorted = bySection.get(index)!;
      const base = sectionBase(index);
      // Offsets inside one section fit in a double: sort an index array by them (no BigInt compares).
      const offsets = Float64Array.from(unsorted, (x) => Number(x.address - base));
      const order = Uint32Array.from(unsorted.keys()).sort((a, b) => offsets[a] - offsets[b] || a - b);
      const list = Array.from(order, (i) => unsorted[i]);
      const sec = elf.sections[index];
      let next = base + BigInt(sec.size);
      for (let i = list.length - 1; i >= 0; i--) {
        if (i < list.length - 1 && offsets[order[i + 1]] > offsets[order[i]]) next = list[i + 1].address;
        list[i].kallsymsSize = next > list[i].address ? next - list[i].address : list[i].elfSize;
      }
      for (const x of list) this.text.push(x);
    }
    for (const x of this.text) {
      const l = this.byNameMap.get(x.name);
      if (l) l.push(x);
      else this.byNameMap.set(x.name, [x]);
    }
  }

  static fromElf(elf: ElfFile, sectionBase?: (index: number) => bigint): SymbolTable {
    return new SymbolTable(elf, sectionBase ?? ((i) => elf.sections[i].addr));
  }

  get size(): number { return this.text.length; }

  /** Text symbols named exactly `name`, or (clang LTO) whose kallsyms name is `name`. */
  byName(name: string): ElfSymbol[] {
    const exact = this.byNameMap.get(name);
    if (exact) return exact;
    if (!this.strippedNames) {
      this.strippedNames = new Map();
      for (const s of this.text) {
        const k = kallsymsName(s.name);
        if (k === s.name) continue;
        const l = this.strippedNames.get(k);
        if (l) l.push(s);
        else this.strippedNames.set(k, [s]);
      }
    }
    return this.strippedNames.get(name) ?? this.strippedNames.get(kallsymsName(name)) ?? [];
  }

  /** A data object symbol (e.g. `linux_banner`), by a scan of the table (needed once per file). */
  object(name: string): RawSymbol | undefined {
    const v = this.view;
    if (!v) return undefined;
    const want = Buffer.from(name + '\0', 'utf8');
    for (let i = 0; i < v.count; i++) {
      if ((infoAt(this.elf, v, i) & 0xf) !== STT_OBJECT) continue;
      // Compare the name bytes before decoding the entry (its BigInts); a corrupt name offset past
      // the string table is no match (Buffer.compare would throw).
      const nameOff = v.r.u32(i * v.ent);
      if (nameOff <= 0 || nameOff + want.length > v.strings.length) continue;
      if (v.strings.compare(want, 0, want.length, nameOff, nameOff + want.length) !== 0) continue;
      const e = entryAt(this.elf, v, i);
      return { name, value: e.value, size: e.size, type: STT_OBJECT, bind: e.info >> 4, shndx: e.shndx };
    }
    return undefined;
  }

  /** The text symbol whose kallsyms extent contains `address` (a named function preferred over a label alias). */
  at(address: bigint): ElfSymbol | undefined {
    const t = this.text;
    let lo = 0, hi = t.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid].address <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    let best = t[found];
    for (let i = found - 1; i >= 0 && t[i].address === best.address; i--) if (rank(t[i]) > rank(best)) best = t[i];
    return address < best.address + (best.kallsymsSize || 1n) ? best : undefined;
  }

  /**
   * Pick among same-named symbols the one the kernel printed: by kallsyms size first (the printed
   * `/0xSIZE`), then by ELF size, then the one the offset fits in.
   */
  choose(name: string, printedSize?: number, offset?: number): SymbolChoice {
    const candidates = this.byName(name);
    const warnings: string[] = [];
    if (candidates.length === 0) return { candidates, warnings: [`symbol ${name} not found`] };
    if (candidates.length === 1) {
      const s = candidates[0];
      if (printedSize !== undefined && BigInt(printedSize) !== s.kallsymsSize && !sizeToleratedAtSectionEnd(this, s, printedSize))
        warnings.push(sizeMismatch(s, printedSize));
      return { symbol: s, candidates, warnings };
    }
    if (printedSize !== undefined) {
      const size = BigInt(printedSize);
      const bySize = candidates.filter((s) => s.kallsymsSize === size);
      const pool = bySize.length ? bySize : candidates.filter((s) => s.elfSize === size);
      if (pool.length >= 1) {
        if (pool.length > 1) warnings.push(`${pool.length} symbols named ${name} have size 0x${size.toString(16)}; using the first`);
        return { symbol: pool[0], candidates, warnings };
      }
      warnings.push(`none of the ${candidates.length} symbols named ${name} has size 0x${size.toString(16)} (wrong debug file?)`);
    } else warnings.push(`${candidates.length} symbols named ${name}; no printed size to choose, using the first`);
    const fits = offset !== undefined ? candidates.find((s) => BigInt(offset) < s.kallsymsSize) : undefined;
    return { symbol: fits ?? candidates[0], candidates, warnings };
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function rank(s: ElfSymbol): number {
  const pfx = /^__(pfx|cfi)_/.test(s.name) ? 0 : 4;
  return pfx + (s.type === STT_FUNC ? 2 : 0) + (s.global ? 1 : 0);
}

/**
 * The last symbol of a module section is followed, once loaded, by whatever the module loader put
 * next (arm64 prints `evalcrash_init+0x68/0x1000` for an 0x80-byte function): a printed size at
 * least as large is not evidence of a wrong file there.
 */
function sizeToleratedAtSectionEnd(table: SymbolTable, s: ElfSymbol, printed: number): boolean {
  if (table.elf.type !== ET_REL) return false;
  const sec = table.elf.sections[s.sectionIndex];
  const end = table.sectionBase(s.sectionIndex) + BigInt(sec.size);
  return s.address + s.kallsymsSize === end && BigInt(printed) >= s.kallsymsSize && (sec.flags & SHF_ALLOC) !== 0;
}

function sizeMismatch(s: ElfSymbol, printed: number): string {
  return `${s.name}: printed size 0x${printed.toString(16)} differs from 0x${s.kallsymsSize.toString(16)} in the debug file (wrong debug file?)`;
}
