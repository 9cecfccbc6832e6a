// One opened debug file (vmlinux or module): its ELF, symbol table, identity and DWARF index,
// each built lazily on first use and kept for the next lookups.
import type { SourceLocation } from './bytes';
import { FileBytes, BufferBytes } from './file-bytes';
import type { ByteSource } from './bytes';
import { ElfFile, ElfError, ET_REL, ET_EXEC, ET_DYN } from './elf';
import { SymbolTable, readRawSymbols, RawSymbol } from './elf-symbols';
import { SectionLayout } from './layout';
import { ElfDwarfSections } from './debug-sections';
import { readBuildId, readLinuxBanner, readModinfo } from './elf-info';
import { DwarfIndex } from './dwarf/index';

/** Anything that maps an address of the object to an inline chain (the built-in DWARF index). */
export interface SourceIndex {
  lookup(address: bigint): SourceLocation[];
}

export class DebugObject {
  readonly elf: ElfFile;
  readonly layout: SectionLayout;
  private rawSymbols?: RawSymbol[];
  private symbolTable?: SymbolTable;
  private dwarfSections?: ElfDwarfSections;
  private index?: SourceIndex | null;
  private indexError?: string;
  private cachedBuildId?: string | null;
  private cachedBanner?: string | null;
  private cachedModinfo?: Record<string, string>;

  private constructor(readonly path: string, private readonly bytes: ByteSource & { close?(): void }) {
    try {
      this.elf = new ElfFile(bytes, path);
      if (this.elf.type !== ET_REL && this.elf.type !== ET_EXEC && this.elf.type !== ET_DYN)
        throw new ElfError(`${path}: ELF type ${this.elf.type} is neither an executable nor a relocatable object`);
      if (this.elf.sections.length === 0) throw new ElfError(`${path}: no section headers (stripped?)`);
      this.layout = new SectionLayout(this.elf);
    } catch (e) {
      bytes.close?.();
      throw e;
    }
  }

  /** Open a file by positioned reads (a vmlinux stays on disk). */
  static open(path: string): DebugObject {
    return new DebugObject(path, new FileBytes(path));
  }

  /** An object already in memory (decompressed .ko.xz / .ko.zst / .ko.gz). */
  static fromBuffer(path: string, data: Uint8Array): DebugObject {
    return new DebugObject(path, new BufferBytes(data));
  }

  get relocatable(): boolean { return this.elf.type === ET_REL; }

  get symbols(): SymbolTable {
    if (!this.symbolTable) this.symbolTable = new SymbolTable(this.elf, (i) => this.layout.base(i));
    return this.symbolTable;
  }

  get sections(): ElfDwarfSections {
    if (!this.dwarfSections) this.dwarfSections = new ElfDwarfSections(this.elf, this.layout, () => this.raw());
    return this.dwarfSections;
  }

  get buildId(): string | undefined {
    if (this.cachedBuildId === undefined) this.cachedBuildId = readBuildId(this.elf) ?? null;
    return this.cachedBuildId ?? undefined;
  }

  get banner(): string | undefined {
    if (this.cachedBanner === undefined) this.cachedBanner = readLinuxBanner(this.elf, this.symbols) ?? null;
    return this.cachedBanner ?? undefined;
  }

  get modinfo(): Record<string, string> {
    if (!this.cachedModinfo) this.cachedModinfo = readModinfo(this.elf);
    return this.cachedModinfo;
  }

  /** The DWARF index, or undefined (with `dwarfError`) when the file has no usable DWARF. */
  get dwarf(): SourceIndex | undefined {
    if (this.index === undefined) {
      try {
        if (!this.sections.hasDwarf) {
          this.index = null;
          this.indexError = `${this.path} has no DWARF debug information (stripped?)`;
        } else this.index = new DwarfIndex(this.sections);
      } catch (e) {
        this.index = null;
        this.indexError = `${this.path}: cannot read DWARF: ${(e as Error).message}`;
      }
    }
    return this.index ?? undefined;
  }

  get dwarfError(): string | undefined {
    void this.dwarf;
    return this.indexError;
  }

  /** Inline chain at an address of this object; [] when unknown. Never throws. */
  lookup(address: bigint): { inlines: SourceLocation[]; error?: string } {
    const d = this.dwarf;
    if (!d) return { inlines: [], error: this.indexError };
    try {
      return { inlines: d.lookup(address) };
    } catch (e) {
      return { inlines: [], error: `${this.path}: DWARF lookup failed at 0x${address.toString(16)}: ${(e as Error).message}` };
    }
  }

  close(): void {
    this.bytes.close?.();
  }

  private raw(): RawSymbol[] {
    if (!this.rawSymbols) this.rawSymbols = readRawSymbols(this.elf).symbols;
    return this.rawSymbols;
  }
}
