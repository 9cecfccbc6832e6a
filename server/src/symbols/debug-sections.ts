// The DWARF sections of one ELF object, as the DWARF reader wants them: decompressed
// (SHF_COMPRESSED zlib/zstd, legacy `.zdebug_*`) and, for ET_REL objects, relocated into the
// synthetic section layout. Uncompressed sections of linked files stay windows onto the file.
import { inflateSync } from 'node:zlib';
import { zstdDecompress } from './zstd';
import type { ByteSource, DwarfSections } from './bytes';
import { BufferBytes } from './file-bytes';
import { ElfError, ElfFile, ElfSection, Reader, SHF_COMPRESSED, ET_REL } from './elf';
import type { RawSymbol } from './elf-symbols';
import type { SectionLayout } from './layout';
import { applyRelocations } from './relocations';

const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;
/** Refuse to inflate a section claiming more than this (corrupt header, decompression bomb). */
const MAX_DECOMPRESSED = 2 ** 31 - 1;
/** Debug info compresses about 3-10x; deflate cannot exceed 1032:1. A larger claim is corruption. */
const MAX_RATIO = 2048;

export class ElfDwarfSections implements DwarfSections {
  readonly littleEndian: boolean;
  readonly addressSize: 4 | 8;
  /** Problems met while preparing sections (unsupported relocation types, ...). */
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, ByteSource | undefined>();
  private readonly failures = new Map<string, ElfError>();

  constructor(
    readonly elf: ElfFile,
    private readonly layout: SectionLayout,
    private readonly symbols: () => RawSymbol[],
  ) {
    this.littleEndian = elf.littleEndian;
    this.addressSize = elf.addressSize;
  }

  /** True when the object has any DWARF line or info section at all. */
  get hasDwarf(): boolean {
    return !!(this.find('.debug_info') || this.find('.debug_line'));
  }

  get(name: string): ByteSource | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    const failed = this.failures.get(name);
    if (failed) throw failed; // a section that could not be read is not decompressed again per lookup
    const s = this.find(name);
    let src: ByteSource | undefined;
    try {
      src = s ? this.load(s) : undefined;
    } catch (e) {
      if (e instanceof ElfError) this.failures.set(name, e);
      throw e;
    }
    this.cache.set(name, src);
    return src;
  }

  private find(name: string): ElfSection | undefined {
    return this.elf.section(name) ?? (name.startsWith('.debug_') ? this.elf.section('.z' + name.slice(1)) : undefined);
  }

  private load(s: ElfSection): ByteSource {
    const relocate = this.elf.type === ET_REL;
    let data: Uint8Array | undefined;
    if (s.flags & SHF_COMPRESSED) data = this.decompressElf(s);
    else if (s.name.startsWith('.zdebug_')) data = this.decompressGnu(s);
    if (!relocate) return data ? new BufferBytes(data) : this.elf.data(s);
    // Relocations patch bytes: work on a private copy, never on the shared block cache.
    const copy = data ?? Uint8Array.from(this.elf.readAll(s));
    const r = applyRelocations(this.elf, this.layout, this.symbols(), s.index, copy);
    for (const [type, count] of r.unsupported)
      this.warnings.push(`${this.elf.path}: ${count} relocations of unsupported type ${type} in ${s.name} ignored`);
    return new BufferBytes(copy);
  }

  private decompressElf(s: ElfSection): Uint8Array {
    const raw = this.elf.readAll(s);
    const hdr = this.elf.is64 ? 24 : 12;
    if (raw.length < hdr) throw new ElfError(`${this.elf.path}: compressed section ${s.name} is truncated`);
    const r = new Reader(raw, this.elf.littleEndian);
    const type = r.u32(0);
    const size = this.elf.is64 ? r.u64(8) : BigInt(r.u32(4));
    if (size > BigInt(MAX_DECOMPRESSED)) throw new ElfError(`${this.elf.path}: ${s.name} claims ${size} bytes uncompressed`);
    const body = raw.subarray(hdr);
    return this.inflate(s, type, body, Number(size));
  }

  private decompressGnu(s: ElfSection): Uint8Array {
    const raw = this.elf.readAll(s);
    if (raw.length < 12 || String.fromCharCode(...raw.subarray(0, 4)) !== 'ZLIB') return Uint8Array.from(raw);
    const size = new DataView(raw.buffer, raw.byteOffset + 4, 8).getBigUint64(0, false);
    if (size > BigInt(MAX_DECOMPRESSED)) throw new ElfError(`${this.elf.path}: ${s.name} claims ${size} bytes uncompressed`);
    return this.inflate(s, ELFCOMPRESS_ZLIB, raw.subarray(12), Number(size));
  }

  private inflate(s: ElfSection, type: number, body: Uint8Array, size: number): Uint8Array {
    // The output buffer is allocated from the header's claim: refuse claims no real section makes.
    if (size > body.length * MAX_RATIO + 65536)
      throw new ElfError(`${this.elf.path}: ${s.name} claims ${size} bytes uncompressed from ${body.length} compressed bytes: corrupt header`);
    let out: Uint8Array;
    try {
      if (type === ELFCOMPRESS_ZLIB) out = new Uint8Array(inflateSync(body, { maxOutputLength: Math.max(size, 1) }));
      else if (type === ELFCOMPRESS_ZSTD) out = zstdDecompress(body, size);
      else throw new ElfError(`unknown compression type ${type}`);
    } catch (e) {
      throw new ElfError(`${this.elf.path}: cannot decompress ${s.name}: ${(e as Error).message}`);
    }
    if (out.length !== size) throw new ElfError(`${this.elf.path}: ${s.name} decompressed to ${out.length} bytes, header says ${size}`);
    return out;
  }
}
