import { DwarfError } from './errors';

/** Thrown when a read runs past the bytes a cursor was given. */
export class EndOfData extends DwarfError {
  constructor(what: string) {
    super(`unexpected end of ${what}`);
    this.name = 'EndOfData';
  }
}

const utf8 = new TextDecoder('utf-8');
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Sequential reader over a byte window of one section. `base` is the section offset of bytes[0],
 * so `offset` is always a section offset (what DWARF references point to).
 */
export class Cursor {
  private pos: number;
  private readonly view: DataView;
  readonly end: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly base = 0,
    readonly what = 'section',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.length;
  }

  get offset(): number { return this.base + this.pos; }
  set offset(value: number) {
    const p = value - this.base;
    if (p < 0 || p > this.end) throw new EndOfData(this.what);
    this.pos = p;
  }
  get remaining(): number { return this.end - this.pos; }
  atEnd(): boolean { return this.pos >= this.end; }

  private need(n: number): number {
    const p = this.pos;
    if (n > this.end - p) throw new EndOfData(this.what);
    this.pos = p + n;
    return p;
  }

  skip(n: number): void { this.need(n); }
  u8(): number { return this.bytes[this.need(1)]; }
  u16(): number { return this.view.getUint16(this.need(2), this.littleEndian); }
  u24(): number {
    const p = this.need(3);
    const b = this.bytes;
    return this.littleEndian ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) : (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
  }
  u32(): number { return this.view.getUint32(this.need(4), this.littleEndian); }
  i8(): number { return this.view.getInt8(this.need(1)); }
  u64(): bigint { return this.view.getBigUint64(this.need(8), this.littleEndian); }
  /** A 64-bit value used as an offset or count: must fit a JS number. */
  u64n(): number {
    const v = this.u64();
    if (v > MAX_SAFE) throw new DwarfError(`64-bit value ${v} too large in ${this.what}`);
    return Number(v);
  }
  bytesN(n: number): Uint8Array { const p = this.need(n); return this.bytes.subarray(p, p + n); }

  /** Unsigned LEB128 as a number; values beyond 2^53 are refused (they are never sane offsets). */
  uleb(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
      if (mul > 2 ** 63) throw new DwarfError(`LEB128 too long in ${this.what}`);
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new DwarfError(`LEB128 value too large in ${this.what}`);
    return result;
  }

  /** Unsigned LEB128 as a bigint (addresses, data of any width); truncated to 64 bits. */
  ulebBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
      if (shift > 640n) throw new DwarfError(`LEB128 too long in ${this.what}`);
    }
    return BigInt.asUintN(64, result);
  }

  /** Signed LEB128 as a number (line advances, implicit constants). */
  sleb(): number {
    let result = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (mul > 2 ** 70) throw new DwarfError(`LEB128 too long in ${this.what}`);
    } while (b & 0x80);
    if (b & 0x40) result -= mul;
    return result;
  }

  /** NUL-terminated string. */
  cstring(): string {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.end) throw new EndOfData(this.what);
    this.pos = nul + 1;
    return utf8.decode(this.bytes.subarray(start, nul));
  }

  /** An offset of the unit's format: 4 bytes (DWARF32) or 8 (DWARF64). */
  offsetOf(size: 4 | 8): number { return size === 4 ? this.u32() : this.u64n(); }

  address(size: number): bigint {
    switch (size) {
      case 8: return this.u64();
      case 4: return BigInt(this.u32());
      case 2: return BigInt(this.u16());
      case 1: return BigInt(this.u8());
      default: throw new DwarfError(`unsupported address size ${size}`);
    }
  }

  /**
   * Reads an initial length field. Returns the unit's offset size and the length of what
   * follows; 0xfffffff0..0xfffffffe are reserved and refused.
   */
  initialLength(): { length: number; offsetSize: 4 | 8 } {
    const l32 = this.u32();
    if (l32 === 0xffffffff) return { length: this.u64n(), offsetSize: 8 };
    if (l32 >= 0xfffffff0) throw new DwarfError(`reserved initial length 0x${l32.toString(16)} in ${this.what}`);
    return { length: l32, offsetSize: 4 };
  }
}
