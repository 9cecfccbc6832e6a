// Where each allocated section of an object lives in the address space we resolve in. Linked files
// (vmlinux) use sh_addr. Relocatable objects (.ko) have every section at 0, so `.text`,
// `.text.unlikely` and `.init.text` are laid out one after another at synthetic addresses.
import { ElfFile, ElfSection, ET_REL, SHF_ALLOC } from './elf';

/** First synthetic address: keeps module code away from 0, which DWARF producers use for discarded code. */
const SYNTHETIC_START = 0x100000n;

export class SectionLayout {
  private readonly bases: bigint[];
  private readonly placed: { section: ElfSection; base: bigint; end: bigint }[] = [];

  constructor(readonly elf: ElfFile) {
    this.bases = elf.sections.map((s) => (elf.type === ET_REL ? 0n : s.addr));
    if (elf.type === ET_REL) {
      let cur = SYNTHETIC_START;
      for (const s of elf.sections) {
        if (!(s.flags & SHF_ALLOC) || s.size === 0) continue;
        const align = BigInt(Math.max(16, s.addralign || 1));
        cur = ((cur + align - 1n) / align) * align;
        this.bases[s.index] = cur;
        cur += BigInt(s.size);
      }
    }
    for (const s of elf.sections)
      if (s.flags & SHF_ALLOC && s.size > 0) this.placed.push({ section: s, base: this.bases[s.index], end: this.bases[s.index] + BigInt(s.size) });
    this.placed.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  }

  get relocatable(): boolean { return this.elf.type === ET_REL; }

  base(index: number): bigint { return this.bases[index] ?? 0n; }

  /** Address of `offset` inside the allocated section `name`, or undefined when there is no such section. */
  address(sectionName: string, offset: bigint): bigint | undefined {
    const s = this.elf.section(sectionName);
    return s ? this.base(s.index) + offset : undefined;
  }

  /** The allocated section containing `address`, with the offset inside it. */
  sectionAt(address: bigint): { section: ElfSection; offset: bigint } | undefined {
    for (const p of this.placed) if (address >= p.base && address < p.end) return { section: p.section, offset: address - p.base };
    return undefined;
  }
}
