// Reads the bytes a `Code:` dump should have from a debug file (vmlinux or module .ko), by symbol
// name and offset, with the module's relocation sites marked (they are filled in at load time).
import type { DebugObject } from '../debug-object';
import { Reader, SHT_REL, SHT_RELA, EM_X86_64, EM_386, EM_AARCH64, ET_REL } from '../elf';
import type { ElfSymbol } from '../elf-symbols';
import type { ReferenceBytes } from './compare';

/** Bytes a relocation rewrites, by machine and type (default 4: PC32/PLT32, CALL26, ADRP, ...). */
function relocationSize(machine: number, type: number): number {
  if (machine === EM_X86_64) return type === 1 || type === 24 ? 8 : type === 12 || type === 13 ? 2 : type === 14 || type === 15 ? 1 : 4;
  if (machine === EM_386) return 4;
  if (machine === EM_AARCH64) return type === 257 || type === 260 ? 8 : 4;
  return 4;
}

/** Offsets inside section `index` that relocations patch. */
function relocatedOffsets(obj: DebugObject, index: number): Set<number> {
  const out = new Set<number>();
  const elf = obj.elf;
  for (const rs of elf.sections) {
    if ((rs.type !== SHT_RELA && rs.type !== SHT_REL) || rs.info !== index) continue;
    const rela = rs.type === SHT_RELA;
    const ent = elf.is64 ? (rela ? 24 : 16) : rela ? 12 : 8;
    const bytes = elf.readAll(rs);
    const r = new Reader(bytes, elf.littleEndian);
    for (let o = 0; o + ent <= bytes.length; o += ent) {
      const offset = elf.is64 ? Number(r.u64(o)) : r.u32(o);
      const type = elf.is64 ? Number(r.u64(o + 8) & 0xffffffffn) : r.u32(o + 4) & 0xff;
      for (let k = 0; k < relocationSize(elf.machine, type); k++) out.add(offset + k);
    }
  }
  return out;
}

/** The symbol named `name`; with several (static functions of the same name) the one whose size matches. */
export function pickSymbol(obj: DebugObject, name: string, size?: number): ElfSymbol | undefined {
  const all = obj.symbols.byName(name);
  if (size !== undefined) {
    const bySize = all.find((s) => Number(s.kallsymsSize) === size || Number(s.elfSize) === size);
    if (bySize) return bySize;
  }
  return all[0];
}

/**
 * Bytes of `obj` for a dump of `length` bytes whose byte `trapOffset` is at `symbol+offset`.
 * Returns a message when the symbol is missing.
 */
export function referenceBytes(obj: DebugObject, symbol: { name: string; offset: number; size?: number }, trapOffset: number, length: number): ReferenceBytes | { error: string } {
  const sym = pickSymbol(obj, symbol.name, symbol.size);
  const file = obj.path.split('/').pop() ?? obj.path;
  if (!sym) return { error: `\`${symbol.name}\` is not in the symbol table of ${file}.` };
  const sec = obj.elf.sections[sym.sectionIndex];
  // Offset of the dump's first byte inside the section.
  const symInSection = obj.elf.type === ET_REL ? Number(sym.value) : Number(sym.address - sec.addr);
  const first = symInSection + symbol.offset - trapOffset;
  const from = Math.max(0, first);
  const to = Math.min(sec.size, first + length);
  const start = from - first;
  const bytes = to > from ? obj.elf.data(sec).read(from, to - from) : new Uint8Array(0);
  const relocated = new Set<number>();
  if (obj.elf.type === ET_REL) for (const o of relocatedOffsets(obj, sec.index)) if (o >= from && o < to) relocated.add(o - first);
  return { bytes, start, relocated, source: `${file} (${sec.name}+0x${first.toString(16)})` };
}
