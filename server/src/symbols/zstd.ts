// zstd frames to bytes. Node's native decoder when the runtime has it (zlib.zstdDecompressSync,
// Node >= 22.15, as in current VS Code): it rejects corrupt input. Otherwise fzstd, which can loop
// forever on some corrupt Huffman tables (found by the fuzz campaign; see SECURITY.md).
import * as zlib from 'node:zlib';
import { decompress } from 'fzstd';

type NativeZstd = (data: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
const native = (zlib as unknown as { zstdDecompressSync?: NativeZstd }).zstdDecompressSync;

/** Decompress `data`; `size` (when the container states it) bounds the output. */
export function zstdDecompress(data: Uint8Array, size?: number): Uint8Array {
  if (native) {
    const out = native(data, size !== undefined ? { maxOutputLength: Math.max(size, 1) } : undefined);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  return size !== undefined ? decompress(data, new Uint8Array(size)) : decompress(data);
}
