// Identity of a debug file: GNU build ID, the `linux_banner` string of a vmlinux, `.modinfo` of a module.
import { ElfFile, Reader, SHT_NOTE, SHT_NOBITS, ET_REL } from './elf';
import type { SymbolTable } from './elf-symbols';

const NT_GNU_BUILD_ID = 3;

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The GNU build ID as lowercase hex, from any SHT_NOTE section. */
export function readBuildId(elf: ElfFile): string | undefined {
  for (const s of elf.sections) {
    if (s.type !== SHT_NOTE || s.size > 1 << 20) continue;
    const data = elf.readAll(s);
    const r = new Reader(data, elf.littleEndian);
    let o = 0;
    while (o + 12 <= data.length) {
      const namesz = r.u32(o), descsz = r.u32(o + 4), type = r.u32(o + 8);
      const nameStart = o + 12;
      const descStart = nameStart + align4(namesz);
      if (descStart + descsz > data.length) break;
      const name = String.fromCharCode(...data.subarray(nameStart, nameStart + Math.max(0, namesz - 1)));
      if (type === NT_GNU_BUILD_ID && name === 'GNU') return hex(data.subarray(descStart, descStart + descsz));
      o = descStart + align4(descsz);
    }
  }
  return undefined;
}

function align4(n: number): number {
  // Not `(n + 3) & ~3`: a corrupt 32-bit size would wrap to a negative offset.
  return Math.ceil(n / 4) * 4;
}

/** `Linux version 6.1.0-56-amd64 (...) #1 SMP ... Debian 6.1.192-2 (2025-...)` from a vmlinux. */
export function readLinuxBanner(elf: ElfFile, symbols: SymbolTable): string | undefined {
  const sym = symbols.object('linux_banner');
  if (!sym) return undefined;
  const sec = elf.sections[sym.shndx];
  if (!sec || sec.type === SHT_NOBITS) return undefined;
  const start = elf.type === ET_REL ? Number(sym.value) : Number(sym.value - sec.addr);
  const len = Number(sym.size) || 512;
  if (start < 0 || start >= sec.size) return undefined;
  const bytes = elf.data(sec).read(start, Math.min(len, sec.size - start));
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return new TextDecoder().decode(bytes.subarray(0, end)).trim();
}

export interface ParsedBanner {
  release: string;
  /** `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-10-31)` */
  version?: string;
}

export function parseBanner(banner: string): ParsedBanner | undefined {
  const m = /^Linux version (\S+)/.exec(banner);
  if (!m) return undefined;
  const v = /\s(#\d+.*)$/.exec(banner);
  return { release: m[1], version: v?.[1].trim() };
}

/** `.modinfo` key=value pairs (name, vermagic, srcversion, ...). */
export function readModinfo(elf: ElfFile): Record<string, string> {
  const s = elf.section('.modinfo');
  const out: Record<string, string> = {};
  if (!s || s.type === SHT_NOBITS || s.size > 1 << 20) return out;
  const text = new TextDecoder().decode(elf.readAll(s));
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && !(entry.slice(0, eq) in out)) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}
