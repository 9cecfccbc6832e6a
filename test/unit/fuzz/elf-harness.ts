// Fuzz harness for the ELF/DWARF reader: structured mutations of gcc-built objects (ELF header,
// section table, section contents: DIE trees, abbreviations, line programs, string offsets,
// relocations, compression headers) opened with DebugObject.fromBuffer and read every way the
// service reads them. The only acceptable failures are the reader's own errors (ElfError,
// DwarfError, OutOfBoundsError), each with a message; anything else is a crash.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { ElfError, ElfFile } from '../../../server/src/symbols/elf';
import { DwarfError, DwarfIndex } from '../../../server/src/symbols/dwarf';
import { BufferBytes, OutOfBoundsError } from '../../../server/src/symbols/file-bytes';
import { FIXTURE_FUNCTIONS } from './text-harness';
import { setZstdOptions } from '../../../server/src/symbols/zstd';

// Where fzstd decodes (no native zstd), mutated zstd sections can make it loop: the worker's
// deadline cuts them off. The seeds' sections decode in microseconds, so a short deadline keeps
// such an input within its CPU budget (the default, seconds, is for real multi-MB sections).
setZstdOptions({ deadlineMs: 400 });

export interface ElfSeed {
  name: string;
  bytes: Uint8Array;
  is64: boolean;
  le: boolean;
  shoff: number;
  shentsize: number;
  /** Section header index -> where its contents are in the file. */
  sections: { name: string; offset: number; size: number; weight: number }[];
  /** Addresses of the fixture's functions (start and middle) in the object's address space. */
  addrs: bigint[];
}

/** Sections whose contents are worth mutating, by interest. */
const INTERESTING = /^(\.z?debug_(info|abbrev|line|line_str|str_offsets|addr|rnglists|ranges|aranges|loclists|str)|\.rela?\.z?debug_\w+|\.symtab|\.strtab|\.shstrtab|\.note\.gnu\.build-id|\.modinfo|\.rodata)$/;

export function loadElfSeed(name: string, path: string): ElfSeed {
  const bytes = new Uint8Array(readFileSync(path));
  const elf = new ElfFile(new BufferBytes(bytes), path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = elf.littleEndian;
  const shoff = elf.is64 ? Number(dv.getBigUint64(40, le)) : dv.getUint32(32, le);
  const shentsize = dv.getUint16(elf.is64 ? 58 : 46, le);
  const sections = elf.sections.map((s) => ({ name: s.name, offset: s.offset, size: s.type === 8 ? 0 : s.size, weight: INTERESTING.test(s.name) ? 4 : 1 }));
  const obj = DebugObject.fromBuffer(path, bytes);
  const addrs: bigint[] = [];
  for (const fn of FIXTURE_FUNCTIONS) for (const s of obj.symbols.byName(fn)) addrs.push(s.address, s.address + s.kallsymsSize / 2n, s.address + s.kallsymsSize - 1n);
  obj.close();
  return { name, bytes, is64: elf.is64, le, shoff, shentsize, sections, addrs };
}

export type ElfMutation = [kind: number, a: number, b: number, c: number];
export interface ElfInput { seed: number; muts: ElfMutation[] }

export const elfInputArb = (seedCount: number): fc.Arbitrary<ElfInput> =>
  fc.record({ seed: fc.nat({ max: seedCount - 1 }), muts: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<ElfMutation>, { minLength: 1, maxLength: 6 }) });

function edge(c: number, original: bigint, fileSize: number): bigint {
  const E = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 32n, BigInt(fileSize), BigInt(fileSize) + 1n, BigInt(fileSize) - 1n];
  const i = c % (E.length + 4);
  if (i < E.length) return E[i];
  return BigInt.asUintN(64, original + BigInt([-1, 1, 8, -8][i - E.length]));
}

function write(dv: DataView, at: number, width: 1 | 2 | 4 | 8, v: bigint, le: boolean): void {
  if (at < 0 || at + width > dv.byteLength) return;
  if (width === 1) dv.setUint8(at, Number(v & 0xffn));
  else if (width === 2) dv.setUint16(at, Number(v & 0xffffn), le);
  else if (width === 4) dv.setUint32(at, Number(v & 0xffffffffn), le);
  else dv.setBigUint64(at, BigInt.asUintN(64, v), le);
}

function read(dv: DataView, at: number, width: 1 | 2 | 4 | 8, le: boolean): bigint {
  if (at < 0 || at + width > dv.byteLength) return 0n;
  if (width === 1) return BigInt(dv.getUint8(at));
  if (width === 2) return BigInt(dv.getUint16(at, le));
  if (width === 4) return BigInt(dv.getUint32(at, le));
  return dv.getBigUint64(at, le);
}

/** Pick a section, interesting ones (DWARF, relocations, symbols) more often. */
function pickSection(seed: ElfSeed, a: number): ElfSeed['sections'][number] | undefined {
  const total = seed.sections.reduce((n, s) => n + s.weight, 0);
  let x = a % Math.max(1, total);
  for (const s of seed.sections) if ((x -= s.weight) < 0) return s.size > 0 ? s : undefined;
  return undefined;
}

const KIND_WEIGHTS = [0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 7, 8, 8];

export function buildElf(input: ElfInput, seeds: ElfSeed[]): Uint8Array {
  const seed = seeds[input.seed % seeds.length];
  let bytes = Uint8Array.from(seed.bytes);
  const le = seed.le;
  for (const [kind, a, b, c] of input.muts) {
    const dv = new DataView(bytes.buffer);
    // Weighted: most mutations go inside sections (DWARF, relocations), so that most inputs get past open.
    switch (KIND_WEIGHTS[kind % KIND_WEIGHTS.length]) {
      case 0: { // an ELF header field
        const fields: [number, 1 | 2 | 4 | 8][] = seed.is64
          ? [[4, 1], [5, 1], [16, 2], [18, 2], [40, 8], [58, 2], [60, 2], [62, 2]]
          : [[4, 1], [5, 1], [16, 2], [18, 2], [32, 4], [46, 2], [48, 2], [50, 2]];
        const [at, w] = fields[a % fields.length];
        write(dv, at, w, edge(c, read(dv, at, w, le), bytes.length), le);
        break;
      }
      case 1: { // a section header field
        const fields: [number, 1 | 2 | 4 | 8][] = seed.is64
          ? [[0, 4], [4, 4], [8, 8], [16, 8], [24, 8], [32, 8], [40, 4], [44, 4], [48, 8], [56, 8]]
          : [[0, 4], [4, 4], [8, 4], [12, 4], [16, 4], [20, 4], [24, 4], [28, 4], [32, 4], [36, 4]];
        const [off, w] = fields[b % fields.length];
        const at = seed.shoff + (a % seed.sections.length) * seed.shentsize + off;
        // Flags: toggle SHF_COMPRESSED sometimes rather than smashing the field.
        const v = off === 8 && c % 3 === 0 ? read(dv, at, w, le) ^ 0x800n : edge(c, read(dv, at, w, le), bytes.length);
        write(dv, at, w, v, le);
        break;
      }
      case 2: case 3: { // bytes inside a section: a byte, or a 2/4/8-byte edge value (lengths, offsets, counts)
        const s = pickSection(seed, a);
        if (!s) break;
        const at = s.offset + (b % s.size);
        const w = ([1, 1, 2, 4, 8] as const)[c % 5];
        write(dv, at, w, w === 1 ? BigInt(c >>> 3) : edge(c >>> 3, read(dv, at, w, le), s.size), le);
        break;
      }
      case 4: { // a LEB128 that never ends / a huge one
        const s = pickSection(seed, a);
        if (!s) break;
        const at = s.offset + (b % s.size);
        for (let i = 0; i < 1 + (c % 12) && at + i < s.offset + s.size; i++) bytes[at + i] = 0xff;
        break;
      }
      case 5: // truncate the file
        bytes = bytes.slice(0, Math.floor((a % 10007) / 10007 * bytes.length));
        break;
      case 6: { // any byte
        if (bytes.length) bytes[a % bytes.length] = b & 0xff;
        break;
      }
      case 7: { // copy a run of a section over another place of it (duplicated DIEs: cycles, self references)
        const s = pickSection(seed, a);
        if (!s || s.size < 8) break;
        const len = 1 + (c % Math.min(64, s.size));
        const from = s.offset + (b % (s.size - len + 1));
        const to = s.offset + ((b >>> 7) % (s.size - len + 1));
        bytes.copyWithin(to, from, from + len);
        break;
      }
      default: { // random bytes over a run of a section
        const s = pickSection(seed, a);
        if (!s) break;
        let x = c | 1;
        const at = s.offset + (b % s.size);
        for (let i = 0; i < 1 + (c % 16) && at + i < s.offset + s.size; i++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          bytes[at + i] = x >>> 24;
        }
      }
    }
  }
  return bytes;
}

/** The reader's own, clear error types. */
export function isClearError(e: unknown): e is Error {
  return (e instanceof ElfError || e instanceof DwarfError || e instanceof OutOfBoundsError) && e.message.length > 0;
}

export interface ElfOutcome { refusedAt?: 'open' | 'symbols' | 'identity' | 'dwarf'; lookups: number; errors: number }

/** Open and read `bytes` every way the service does; throws on a crash (any other exception). */
export function exerciseElf(bytes: Uint8Array, addrs: bigint[]): ElfOutcome {
  const out: ElfOutcome = { lookups: 0, errors: 0 };
  const stage = <T>(name: NonNullable<ElfOutcome['refusedAt']>, f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!isClearError(e)) throw e;
      out.refusedAt ??= name;
      return undefined;
    }
  };
  const obj = stage('open', () => DebugObject.fromBuffer('fuzz.elf', bytes));
  if (!obj) return out;
  stage('symbols', () => {
    const t = obj.symbols;
    for (const a of addrs) t.at(a);
    for (const fn of FIXTURE_FUNCTIONS.slice(0, 4)) t.choose(fn, 0x40, 3);
    for (const a of addrs.slice(0, 8)) obj.layout.sectionAt(a);
  });
  stage('identity', () => [obj.buildId, obj.banner, obj.modinfo, obj.relocatable]);
  const index = stage('dwarf', () => (obj.sections.hasDwarf ? new DwarfIndex(obj.sections) : undefined));
  if (index) {
    for (const a of addrs) {
      out.lookups++;
      try {
        const chain = index.lookup(a);
        if (!Array.isArray(chain)) throw new Error('lookup returned no array');
        for (const l of chain) if (typeof l.function !== 'string' || typeof l.file !== 'string' || !Number.isFinite(l.line)) throw new Error(`malformed location ${JSON.stringify(l)}`);
      } catch (e) {
        if (!isClearError(e)) throw e;
        out.errors++;
        out.refusedAt ??= 'dwarf';
      }
    }
  }
  // The service's own path must never throw either.
  const r = obj.lookup(addrs[0] ?? 0n);
  if (r.error !== undefined && typeof r.error !== 'string') throw new Error('lookup error is not a message');
  obj.close();
  return out;
}
