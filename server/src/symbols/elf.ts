// ELF32/ELF64, little or big endian: file header, section headers and section contents, read
// lazily from a ByteSource (never the whole file).
import type { ByteSource } from './bytes';
import { SliceBytes, BufferBytes } from './file-bytes';

export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_COMPRESSED = 0x800;

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;

const machineNames: Record<number, string> = {
  [EM_386]: 'i386', [EM_ARM]: 'arm', [EM_PPC]: 'powerpc', [EM_PPC64]: 'powerpc64', [EM_S390]: 's390',
  [EM_X86_64]: 'x86_64', [EM_AARCH64]: 'arm64', [EM_RISCV]: 'riscv',
};

export function machineName(machine: number): string {
  return machineNames[machine] ?? `machine ${machine}`;
}

/** Endian-aware integer reads over a byte array. */
export class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly littleEndian: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(o: number): number { return this.view.getUint8(o); }
  u16(o: number): number { return this.view.getUint16(o, this.littleEndian); }
  u32(o: number): number { return this.view.getUint32(o, this.littleEndian); }
  i32(o: number): number { return this.view.getInt32(o, this.littleEndian); }
  u64(o: number): bigint { return this.view.getBigUint64(o, this.littleEndian); }
  i64(o: number): bigint { return this.view.getBigInt64(o, this.littleEndian); }
  setU16(o: number, v: number): void { this.view.setUint16(o, v, this.littleEndian); }
  setU32(o: number, v: number): void { this.view.setUint32(o, v >>> 0, this.littleEndian); }
  setU64(o: number, v: bigint): void { this.view.setBigUint64(o, BigInt.asUintN(64, v), this.littleEndian); }
}

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

function toNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`${what} too large (${v})`);
  return Number(v);
}

export class ElfFile {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly type: number;
  readonly machine: number;
  readonly sections: ElfSection[];
  private readonly byName = new Map<string, ElfSection>();

  constructor(readonly bytes: ByteSource, readonly path = '<memory>') {
    if (bytes.size < 16) throw new ElfError(`${path}: not an ELF file (only ${bytes.size} bytes)`);
    const ident = bytes.read(0, 16);
    if (ident[0] !== 0x7f || ident[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46)
      throw new ElfError(`${path}: not an ELF file`);
    if (ident[4] !== 1 && ident[4] !== 2) throw new ElfError(`${path}: unknown ELF class ${ident[4]}`);
    if (ident[5] !== 1 && ident[5] !== 2) throw new ElfError(`${path}: unknown ELF data encoding ${ident[5]}`);
    this.is64 = ident[4] === 2;
    this.littleEndian = ident[5] === 1;
    const ehsize = this.is64 ? 64 : 52;
    if (bytes.size < ehsize) throw new ElfError(`${path}: truncated ELF header`);
    const h = new Reader(bytes.read(0, ehsize), this.littleEndian);
    this.type = h.u16(16);
    this.machine = h.u16(18);
    const shoff = this.is64 ? toNumber(h.u64(40), 'e_shoff') : h.u32(32);
    const shentsize = h.u16(this.is64 ? 58 : 46);
    let shnum = h.u16(this.is64 ? 60 : 48);
    let shstrndx = h.u16(this.is64 ? 62 : 50);
    this.sections = [];
    if (shoff === 0) return; // no section headers at all (stripped to program headers)
    if (shentsize < (this.is64 ? 64 : 40)) throw new ElfError(`${path}: bad section header size ${shentsize}`);
    if (shoff + shentsize > bytes.size) throw new ElfError(`${path}: truncated (section headers at ${shoff} beyond end of ${bytes.size}-byte file)`);
    const sh0 = this.readHeader(shoff, shentsize, 0);
    if (shnum === 0) shnum = sh0.size; // extended numbering
    if (shstrndx === 0xffff) shstrndx = sh0.link;
    if (shoff + shnum * shentsize > bytes.size)
      throw new ElfError(`${path}: truncated (section header table needs ${shoff + shnum * shentsize} bytes, file has ${bytes.size})`);
    const table = bytes.read(shoff, shnum * shentsize);
    for (let i = 0; i < shnum; i++) this.sections.push(this.parseHeader(new Reader(table, this.littleEndian), i * shentsize, i));
    const strtab = this.sections[shstrndx];
    const names = strtab && strtab.type !== SHT_NOBITS && strtab.offset + strtab.size <= bytes.size ? bytes.read(strtab.offset, strtab.size) : undefined;
    for (const s of this.sections) {
      s.name = names ? cString(names, (s as unknown as { nameOff: number }).nameOff) : '';
      if (s.name && !this.byName.has(s.name)) this.byName.set(s.name, s);
    }
  }

  get machineName(): string { return machineName(this.machine); }
  get addressSize(): 4 | 8 { return this.is64 ? 8 : 4; }

  section(name: string): ElfSection | undefined { return this.byName.get(name); }

  /** The bytes of a section as stored in the file (compressed sections stay compressed here). */
  data(s: ElfSection): ByteSource {
    if (s.type === SHT_NOBITS || s.size === 0) return new BufferBytes(new Uint8Array(0));
    if (s.offset + s.size > this.bytes.size)
      throw new ElfError(`${this.path}: truncated (section ${s.name} ends at ${s.offset + s.size}, file has ${this.bytes.size} bytes)`);
    return new SliceBytes(this.bytes, s.offset, s.size);
  }

  /** Whole section contents in memory (for tables that are parsed completely: symtab, strtab, notes). */
  readAll(s: ElfSection): Uint8Array {
    const d = this.data(s);
    return d.read(0, d.size);
  }

  private readHeader(shoff: number, shentsize: number, i: number): ElfSection {
    return this.parseHeader(new Reader(this.bytes.read(shoff + i * shentsize, shentsize), this.littleEndian), 0, i);
  }

  private parseHeader(r: Reader, o: number, index: number): ElfSection {
    const s = this.is64
      ? {
          nameOff: r.u32(o), type: r.u32(o + 4), flags: Number(r.u64(o + 8) & 0xffffffffn), addr: r.u64(o + 16),
          offset: toNumber(r.u64(o + 24), 'sh_offset'), size: toNumber(r.u64(o + 32), 'sh_size'), link: r.u32(o + 40),
          info: r.u32(o + 44), addralign: toNumber(r.u64(o + 48), 'sh_addralign'), entsize: toNumber(r.u64(o + 56), 'sh_entsize'),
        }
      : {
          nameOff: r.u32(o), type: r.u32(o + 4), flags: r.u32(o + 8), addr: BigInt(r.u32(o + 12)), offset: r.u32(o + 16),
          size: r.u32(o + 20), link: r.u32(o + 24), info: r.u32(o + 28), addralign: r.u32(o + 32), entsize: r.u32(o + 36),
        };
    return { index, name: '', ...s } as ElfSection;
  }
}

export function cString(bytes: Uint8Array, offset: number): string {
  if (offset < 0 || offset >= bytes.length) return '';
  let end = offset;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return latin1(bytes, offset, end);
}

const decoder = new TextDecoder('utf-8');
function latin1(bytes: Uint8Array, start: number, end: number): string {
  // Symbol names are ASCII; a fast path avoids TextDecoder overhead for the 100k+ names of a vmlinux.
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i];
    if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
    s += String.fromCharCode(c);
  }
  return s;
}
