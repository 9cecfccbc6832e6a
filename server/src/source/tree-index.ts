// A per-tree index of "names that start a line and are followed by `(`": the places a kernel-style
// function definition can be. Built once by reading every .c/.h/.S file (about 1.2 GB for a full
// tree, a few seconds warm), stored as sorted 53-bit keys (32-bit name hash, file number) so a tree of
// 70k files costs about 8 MB and a lookup is a binary search. Hash collisions only add candidate
// files; the caller confirms each candidate by reading it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE_BITS = 21;
const FILE_SPACE = 2 ** FILE_BITS;
/** Files larger than this are generated tables (amdgpu register headers): no definitions worth a scan. */
const MAX_INDEX_FILE = 8 * 1024 * 1024;
/** Stop walking absurdly large roots (a home directory set as a source root). */
const MAX_FILES = 400_000;
const MAX_DIRS = 200_000;
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.pc', '.tmp_versions']);
const SOURCE_FILE = /\.(?:c|h|S)$/;

export interface BuildOptions {
  signal?: AbortSignal;
  /** Called now and then with files read so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Milliseconds of work between yields to the event loop. */
  sliceMs?: number;
}

export class CancelledError extends Error {
  constructor() { super('cancelled'); this.name = 'CancelledError'; }
}

/** FNV-1a over the bytes of an ASCII identifier. */
export function nameHash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

export function stringHash(name: string): number {
  return nameHash(Buffer.from(name, 'latin1'), 0, name.length);
}

const ID = new Uint8Array(256);
for (let c = 0; c < 256; c++) ID[c] = /\w/.test(String.fromCharCode(c)) ? 1 : 0;

function isUpperMacro(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) { const c = b[i]; if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false; }
  return true;
}

/**
 * Calls `emit` with the hash of every name a line starting at column 0 puts before its first `(`
 * (`static int __init foo(` -> foo), the first argument of an upper-case macro there
 * (`SYSCALL_DEFINE3(write,` -> SYSCALL_DEFINE3 and write), and in assembler `label:`.
 * Works on bytes: decoding 1.2 GB of sources to strings would cost more than the scan.
 */
export function scanHeads(b: Uint8Array & { indexOf(v: number, from: number): number }, asm: boolean, emit: (hash: number) => void): void {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const nl = b.indexOf(10, i);
    const end = nl < 0 ? n : nl;
    const c = b[i];
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      if (asm) {
        let k = i;
        while (k < end && ID[b[k]]) k++;
        if (b[k] === 58 /* : */) emit(nameHash(b, i, k));
      }
      for (let j = i + 1; j < end; j++) {
        const x = b[j];
        if (x === 59 /* ; */ || x === 61 /* = */) break;
        if (x !== 40 /* ( */) continue;
        let e = j;
        while (e > i && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
        let s = e;
        while (s > i && ID[b[s - 1]]) s--;
        if (s < e) {
          emit(nameHash(b, s, e));
          if (isUpperMacro(b, s, e)) {
            let a = j + 1;
            while (a < end && (b[a] === 32 || b[a] === 9)) a++;
            let z = a;
            while (z < end && ID[b[z]]) z++;
            if (z > a) emit(nameHash(b, a, z));
          }
        }
        break;
      }
    }
    i = end + 1;
  }
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export class TreeIndex {
  private constructor(
    readonly root: string,
    /** Tree-relative paths of indexed files. */
    readonly files: string[],
    private readonly keys: Float64Array,
    readonly buildMs: number,
  ) {}

  get entries(): number { return this.keys.length; }

  /** Files that may define `name` (relative paths, each once). */
  candidates(name: string): string[] {
    const h = stringHash(name);
    const lo = h * FILE_SPACE;
    const hi = lo + FILE_SPACE;
    let a = 0;
    let b = this.keys.length;
    while (a < b) { const m = (a + b) >>> 1; if (this.keys[m] < lo) a = m + 1; else b = m; }
    const out: string[] = [];
    let last = -1;
    for (let i = a; i < this.keys.length && this.keys[i] < hi; i++) {
      const f = this.keys[i] - lo;
      if (f !== last) out.push(this.files[f]);
      last = f;
    }
    return out;
  }

  /** Every source file under `root` (relative paths), without following directory symlinks. */
  static async listFiles(root: string, opts: BuildOptions = {}): Promise<string[]> {
    const out: string[] = [];
    const stack = [''];
    let t = performance.now();
    let dirs = 0;
    while (stack.length && out.length < MAX_FILES && dirs++ < MAX_DIRS) {
      const rel = stack.pop()!;
      let entries;
      try { entries = readdirSync(join(root, rel), { withFileTypes: true }); } catch { continue; }
      for (const e of entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) stack.push(p); }
        else if ((e.isFile() || e.isSymbolicLink()) && SOURCE_FILE.test(e.name)) out.push(p);
      }
      if (performance.now() - t > (opts.sliceMs ?? 15)) {
        await yieldNow();
        if (opts.signal?.aborted) throw new CancelledError();
        t = performance.now();
      }
    }
    return out.sort();
  }

  static async build(root: string, opts: BuildOptions = {}): Promise<TreeIndex> {
    const t0 = performance.now();
    const files = await TreeIndex.listFiles(root, opts);
    let keys = new Float64Array(1 << 16);
    let n = 0;
    const push = (h: number, f: number) => {
      if (n === keys.length) { const k = new Float64Array(keys.length * 2); k.set(keys); keys = k; }
      keys[n++] = h * FILE_SPACE + f;
    };
    let t = performance.now();
    for (let f = 0; f < files.length; f++) {
      let buf: Buffer;
      try {
        buf = readFileSync(join(root, files[f]));
      } catch { continue; }
      if (buf.length > MAX_INDEX_FILE) continue;
      scanHeads(buf, files[f].endsWith('.S'), (h) => push(h, f));
      if (performance.now() - t > (opts.sliceMs ?? 15)) {
        opts.onProgress?.(f + 1, files.length);
        await yieldNow();
        if (opts.signal?.aborted) throw new CancelledError();
        t = performance.now();
      }
    }
    opts.onProgress?.(files.length, files.length);
    const sorted = keys.slice(0, n).sort();
    return new TreeIndex(root, files, sorted, performance.now() - t0);
  }
}
