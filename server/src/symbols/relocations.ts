// Applies an ET_REL object's relocations to a copy of one of its debug sections, so that DWARF
// addresses point at the synthetic section layout and string offsets at the right strings.
import { ElfFile, Reader, SHT_RELA, SHT_REL, EM_X86_64, EM_386, EM_AARCH64, EM_ARM, EM_RISCV, EM_PPC64, EM_PPC, EM_S390 } from './elf';
import type { RawSymbol } from './elf-symbols';
import type { SectionLayout } from './layout';

type Op = 'none' | 'abs' | 'pcrel' | 'add' | 'sub' | 'set';
interface RelocKind { op: Op; size: 1 | 2 | 4 | 8 }

const none: RelocKind = { op: 'none', size: 4 };
const abs = (size: 1 | 2 | 4 | 8): RelocKind => ({ op: 'abs', size });
const pcrel = (size: 1 | 2 | 4 | 8): RelocKind => ({ op: 'pcrel', size });

/** Data relocations that appear in debug sections, per machine. */
const kinds: Record<number, Record<number, RelocKind>> = {
  [EM_X86_64]: { 0: none, 1: abs(8), 2: pcrel(4), 10: abs(4), 11: abs(4), 24: pcrel(8), 12: abs(2), 14: abs(1) },
  [EM_386]: { 0: none, 1: abs(4), 2: pcrel(4), 20: abs(2), 22: abs(1) },
  [EM_AARCH64]: { 0: none, 256: none, 257: abs(8), 258: abs(4), 259: abs(2), 260: pcrel(8), 261: pcrel(4), 262: pcrel(2) },
  [EM_ARM]: { 0: none, 2: abs(4), 3: pcrel(4), 38: abs(4), 5: abs(2), 8: abs(1) },
  [EM_RISCV]: {
    0: none, 1: abs(4), 2: abs(8), 33: { op: 'add', size: 1 }, 34: { op: 'add', size: 2 }, 35: { op: 'add', size: 4 },
    36: { op: 'add', size: 8 }, 37: { op: 'sub', size: 1 }, 38: { op: 'sub', size: 2 }, 39: { op: 'sub', size: 4 },
    40: { op: 'sub', size: 8 }, 54: { op: 'set', size: 1 }, 55: { op: 'set', size: 2 }, 56: { op: 'set', size: 4 }, 57: pcrel(4),
  },
  [EM_PPC64]: { 0: none, 1: abs(4), 38: abs(8), 26: pcrel(4), 44: pcrel(8) },
  [EM_PPC]: { 0: none, 1: abs(4), 26: pcrel(4) },
  [EM_S390]: { 0: none, 4: abs(4), 22: abs(8), 5: pcrel(4), 23: pcrel(8) },
};

export interface RelocationResult {
  applied: number;
  /** Relocation types we do not know, with their counts: the section may be partly wrong. */
  unsupported: Map<number, number>;
}

/**
 * Relocate `data` (the contents of section `targetIndex`) in place.
 * S = symbol address in `layout`, A = addend (RELA) or the bytes in place (REL), P = layout address of the place.
 */
export function applyRelocations(elf: ElfFile, layout: SectionLayout, symbols: RawSymbol[], targetIndex: number, data: Uint8Array): RelocationResult {
  const result: RelocationResult = { applied: 0, unsupported: new Map() };
  const table = kinds[elf.machine] ?? {};
  const w = new Reader(data, elf.littleEndian);
  for (const rs of elf.sections) {
    if ((rs.type !== SHT_RELA && rs.type !== SHT_REL) || rs.info !== targetIndex) continue;
    const rela = rs.type === SHT_RELA;
    const ent = elf.is64 ? (rela ? 24 : 16) : rela ? 12 : 8;
    const bytes = elf.readAll(rs);
    const r = new Reader(bytes, elf.littleEndian);
    const place0 = layout.base(targetIndex);
    for (let o = 0; o + ent <= bytes.length; o += ent) {
      let offset: number, symIndex: number, type: number, addend: bigint | undefined;
      if (elf.is64) {
        offset = Number(r.u64(o));
        const info = r.u64(o + 8);
        symIndex = Number(info >> 32n);
        type = Number(info & 0xffffffffn);
        if (rela) addend = r.i64(o + 16);
      } else {
        offset = r.u32(o);
        const info = r.u32(o + 4);
        symIndex = info >>> 8;
        type = info & 0xff;
        if (rela) addend = BigInt(r.i32(o + 8));
      }
      const kind = table[type];
      if (!kind) {
        result.unsupported.set(type, (result.unsupported.get(type) ?? 0) + 1);
        continue;
      }
      if (kind.op === 'none' || offset + kind.size > data.length) continue;
      const sym = symbols[symIndex];
      const S = sym ? symbolAddress(elf, layout, sym) : 0n;
      const A = addend ?? readSigned(w, offset, kind.size);
      const P = place0 + BigInt(offset);
      const current = readUnsigned(w, offset, kind.size);
      let value: bigint;
      switch (kind.op) {
        case 'abs': value = S + A; break;
        case 'pcrel': value = S + A - P; break;
        case 'add': value = current + S + A; break;
        case 'sub': value = current - (S + A); break;
        default: value = S + A; break; // set
      }
      write(w, offset, kind.size, value);
      result.applied++;
    }
  }
  return result;
}

function symbolAddress(elf: ElfFile, layout: SectionLayout, sym: RawSymbol): bigint {
  if (sym.shndx === 0) return 0n; // undefined: resolved by the module loader, unknown here
  if (sym.shndx === 0xfff1) return sym.value; // SHN_ABS
  if (sym.shndx >= 0xff00) return 0n;
  return layout.base(sym.shndx) + sym.value;
}

function readUnsigned(r: Reader, o: number, size: number): bigint {
  switch (size) {
    case 1: return BigInt(r.u8(o));
    case 2: return BigInt(r.u16(o));
    case 4: return BigInt(r.u32(o));
    default: return r.u64(o);
  }
}

function readSigned(r: Reader, o: number, size: number): bigint {
  return BigInt.asIntN(size * 8, readUnsigned(r, o, size));
}

function write(r: Reader, o: number, size: number, v: bigint): void {
  const u = BigInt.asUintN(size * 8, v);
  switch (size) {
    case 1: r.bytes[o] = Number(u); break;
    case 2: r.setU16(o, Number(u)); break;
    case 4: r.setU32(o, Number(u)); break;
    default: r.setU64(o, u);
  }
}
