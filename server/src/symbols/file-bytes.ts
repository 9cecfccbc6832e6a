// ByteSource implementations: positioned reads of a file through a small LRU block cache,
// in-memory buffers, and windows onto another source (one ELF section of a file).
import { openSync, closeSync, fstatSync, readSync, constants } from 'node:fs';
import type { ByteSource } from './bytes';

/** Thrown when a read falls outside the bytes that exist (truncated file, corrupt offsets). */
export class OutOfBoundsError extends Error {
  constructor(offset: number, length: number, size: number) {
    super(`read of ${length} bytes at offset ${offset} is beyond the end (${size} bytes): file truncated or corrupt`);
    this.name = 'OutOfBoundsError';
  }
}

function checkBounds(offset: number, length: number, size: number): void {
  if (!(offset >= 0) || !(length >= 0) || offset + length > size) throw new OutOfBoundsError(offset, length, size);
}

export class BufferBytes implements ByteSource {
  constructor(private readonly data: Uint8Array) {}
  get size(): number { return this.data.length; }
  read(offset: number, length: number): Uint8Array {
    checkBounds(offset, length, this.data.length);
    return this.data.subarray(offset, offset + length);
  }
}

/** A window [start, start+size) of another source. */
export class SliceBytes implements ByteSource {
  constructor(private readonly base: ByteSource, private readonly start: number, readonly size: number) {}
  read(offset: number, length: number): Uint8Array {
    checkBounds(offset, length, this.size);
    return this.base.read(this.start + offset, length);
  }
}

const BLOCK = 64 * 1024;
/** Reads larger than this bypass the cache (they are section-sized and the caller keeps them). */
const DIRECT = 4 * BLOCK;

/** A debug-file path that names a directory, device, FIFO or socket. */
export class NotAFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAFileError';
  }
}

/**
 * A file read by positioned reads. Small reads are served from an LRU of 64 KiB blocks so that
 * scattered lookups (symbols, DIEs, line programs) cost one syscall per new block; the file is never
 * read whole.
 */
export class FileBytes implements ByteSource {
  readonly size: number;
  private fd: number | undefined;
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(readonly path: string, private readonly maxBlocks = 512) {
    // O_NONBLOCK: opening a FIFO named as a "vmlinux" would otherwise wait for a writer forever.
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new NotAFileError(`${path}: not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() ? 'a character device' : st.isSocket() ? 'a socket' : 'not a file'})`);
      this.size = st.size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  read(offset: number, length: number): Uint8Array {
    checkBounds(offset, length, this.size);
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((offset + length - 1) / BLOCK);
    if (first === last) {
      const b = this.block(first);
      return b.subarray(offset - first * BLOCK, offset - first * BLOCK + length);
    }
    if (length > DIRECT) return this.readDirect(offset, length);
    const out = new Uint8Array(length);
    for (let i = first; i <= last; i++) {
      const b = this.block(i);
      const blockStart = i * BLOCK;
      const from = Math.max(offset, blockStart);
      const to = Math.min(offset + length, blockStart + b.length);
      out.set(b.subarray(from - blockStart, to - blockStart), from - offset);
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.blocks.clear();
  }

  private handle(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: file already closed`);
    return this.fd;
  }

  private readDirect(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.handle(), out, done, length - done, offset + done);
      if (n <= 0) throw new OutOfBoundsError(offset + done, length - done, this.size);
      done += n;
    }
    return out;
  }

  private block(index: number): Uint8Array {
    const hit = this.blocks.get(index);
    if (hit) {
      // Map keeps insertion order: re-insert to mark as most recently used.
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const start = index * BLOCK;
    const b = this.readDirect(start, Math.min(BLOCK, this.size - start));
    this.blocks.set(index, b);
    if (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return b;
  }
}
