// fzstd with its output bounded. fzstd allocates what a frame header claims and, given an output
// buffer, drops what does not fit without saying so; so the frames are walked first (headers and
// block headers only: cheap) to learn the sizes they declare, which are checked against the
// container's size or the cap before anything is allocated. Runs in the zstd worker (zstd-worker.ts):
// fzstd can loop forever on some corrupt data, so it never runs on the caller's thread.
import { Decompress, decompress } from 'fzstd';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const MAX_BLOCK = 128 * 1024;

export interface FrameScan {
  /** Zstandard frames (skippable frames not counted). */
  frames: number;
  /** Sum of the frames' declared content sizes; undefined when a frame does not declare it. */
  declared?: number;
}

const u32 = (d: Uint8Array, at: number): number => (d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) | (d[at + 3] << 24)) >>> 0;

function uintLE(d: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + d[at + i];
  return v;
}

/** Walks the frames and block headers of `d`; throws on data that is not a complete zstd stream. */
export function scanFrames(d: Uint8Array): FrameScan {
  const truncated = () => new Error('zstd: truncated frame');
  let at = 0;
  let frames = 0;
  let declared: number | undefined = 0;
  while (at < d.length) {
    if (at + 8 > d.length) throw truncated();
    const magic = u32(d, at);
    if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      at += 8 + u32(d, at + 4);
      if (at > d.length) throw truncated();
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new Error(`zstd: not a zstd frame at byte ${at}`);
    const fhd = d[at + 4];
    if (fhd & 8) throw new Error('zstd: reserved bit set in a frame header');
    const single = (fhd >> 5) & 1;
    const fcsFlag = fhd >> 6;
    let p = at + 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3];
    const fcsBytes = fcsFlag ? 1 << fcsFlag : single;
    let fcs: number | undefined;
    if (fcsBytes) {
      if (p + fcsBytes > d.length) throw truncated();
      fcs = uintLE(d, p, fcsBytes) + (fcsBytes === 2 ? 256 : 0);
      p += fcsBytes;
    }
    for (let last = 0; !last; ) {
      if (p + 3 > d.length) throw truncated();
      const hdr = d[p] | (d[p + 1] << 8) | (d[p + 2] << 16);
      last = hdr & 1;
      const type = (hdr >> 1) & 3;
      const size = hdr >>> 3;
      if (type === 3) throw new Error('zstd: reserved block type');
      if (size > MAX_BLOCK) throw new Error(`zstd: block of ${size} bytes (the format allows ${MAX_BLOCK})`);
      p += 3 + (type === 1 ? 1 : size);
      if (p > d.length) throw truncated();
    }
    if (fhd & 4) p += 4; // content checksum
    if (p > d.length) throw truncated();
    declared = declared === undefined || fcs === undefined ? undefined : declared + fcs;
    frames++;
    at = p;
  }
  return { frames, declared };
}

/**
 * Decompress `data` with fzstd. `size` (the container's statement) or else `cap` bounds the output:
 * frames declaring more are refused up front; frames that do not declare their size are decoded
 * as a stream, counting, and stopped at the bound.
 */
export function decodeZstd(data: Uint8Array, size: number | undefined, cap: number): Uint8Array {
  const scan = scanFrames(data);
  const limit = size ?? cap;
  if (scan.declared !== undefined) {
    if (size !== undefined && scan.declared !== size) throw new Error(`zstd: the frames hold ${scan.declared} bytes, the container states ${size}`);
    if (scan.declared > cap) throw new Error(`zstd: the frames hold ${scan.declared} bytes, more than the ${cap}-byte limit`);
    // One frame of known size: fzstd decodes in place (several frames into one buffer it cannot).
    if (scan.frames === 1) return decompress(data, new Uint8Array(scan.declared));
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > limit) throw new Error(size !== undefined ? `zstd: output exceeds the ${size} bytes the container states` : `zstd: output exceeds the ${cap}-byte limit`);
    chunks.push(chunk);
  });
  stream.push(data, true);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
