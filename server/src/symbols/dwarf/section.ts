import type { ByteSource } from '../bytes';
import { DwarfError } from './errors';
import { Cursor, EndOfData } from './reader';

/**
 * Sections read at random (strings, abbreviations, range lists, addresses) are read once and kept
 * when at most this big; bigger ones are read window by window.
 */
const KEEP_WHOLE_LIMIT = 32 * 1024 * 1024;
/** .debug_info and .debug_line are read one unit at a time: kept whole only when small. */
const KEEP_WHOLE_UNIT_SECTIONS = 2 * 1024 * 1024;
const UNIT_SECTIONS = new Set(['.debug_info', '.debug_line']);
/** No single string is longer than this in sane DWARF. */
const MAX_STRING = 1 << 20;

/** One DWARF section read through a ByteSource, with bounds checks on every access. */
export class Section {
  private whole: Uint8Array | undefined;

  constructor(
    readonly name: string,
    private readonly source: ByteSource,
    readonly littleEndian: boolean,
  ) {}

  get size(): number { return this.source.size; }

  private keepsWhole(): boolean {
    return this.source.size <= (UNIT_SECTIONS.has(this.name) ? KEEP_WHOLE_UNIT_SECTIONS : KEEP_WHOLE_LIMIT);
  }

  private wholeBytes(): Uint8Array {
    if (!this.whole) this.whole = this.read(0, this.source.size);
    return this.whole;
  }

  private read(offset: number, length: number): Uint8Array {
    const bytes = this.source.read(offset, length);
    if (bytes.length < length) throw new EndOfData(this.name);
    return bytes.length === length ? bytes : bytes.subarray(0, length);
  }

  /** A cursor over [offset, offset+length); throws if that runs past the section. */
  cursor(offset: number, length: number): Cursor {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new DwarfError(`${this.name}: range 0x${offset.toString(16)}+0x${length.toString(16)} outside the section (size 0x${this.size.toString(16)})`);
    }
    if (this.keepsWhole()) return new Cursor(this.wholeBytes().subarray(offset, offset + length), this.littleEndian, offset, this.name);
    return new Cursor(this.read(offset, length), this.littleEndian, offset, this.name);
  }

  /**
   * Runs `parse` on a cursor starting at `offset` whose end is unknown in advance: the window
   * grows (up to the section end) while `parse` runs out of bytes.
   */
  parseOpenEnded<T>(offset: number, firstWindow: number, parse: (c: Cursor) => T): T {
    if (offset < 0 || offset >= this.size) throw new DwarfError(`${this.name}: offset 0x${offset.toString(16)} outside the section`);
    const max = this.size - offset;
    let window = this.keepsWhole() ? max : Math.min(firstWindow, max);
    for (;;) {
      try {
        return parse(this.cursor(offset, window));
      } catch (e) {
        if (!(e instanceof EndOfData) || window >= max) throw e;
        window = Math.min(max, window * 4);
      }
    }
  }

  /** NUL-terminated string at `offset`. */
  cstringAt(offset: number): string {
    return this.parseOpenEnded(offset, 256, (c) => {
      if (c.remaining > MAX_STRING && !this.keepsWhole()) throw new DwarfError(`${this.name}: string at 0x${offset.toString(16)} too long`);
      return c.cstring();
    });
  }
}

/** Named sections of one object, created on first use. */
export class SectionSet {
  private readonly cache = new Map<string, Section | null>();
  constructor(private readonly get: (name: string) => ByteSource | undefined, private readonly littleEndian: boolean) {}

  section(name: string): Section | undefined {
    let s = this.cache.get(name);
    if (s === undefined) {
      const src = this.get(name);
      s = src && src.size > 0 ? new Section(name, src, this.littleEndian) : null;
      this.cache.set(name, s);
    }
    return s ?? undefined;
  }

  require(name: string): Section {
    const s = this.section(name);
    if (!s) throw new DwarfError(`missing section ${name}`);
    return s;
  }
}
