// Finding a module's debug file: `<name>.ko`, `.ko.debug`, `.ko.xz`, `.ko.zst`, `.ko.gz` under the
// configured directories (recursively), `-` and `_` being the same to the kernel; and reading the
// compressed ones into memory.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zstdDecompress } from './zstd';
import { FileBytes } from './file-bytes';
import { ElfFile } from './elf';
import { readModinfo } from './elf-info';

/** Preferred first: separate debug files, then plain objects, then compressed ones. */
const SUFFIXES = ['.ko.debug', '.ko', '.ko.zst', '.ko.xz', '.ko.gz'] as const;
const MAX_ENTRIES = 300_000;

/** The kernel treats `-` and `_` in module names alike (`snd-hda-intel` is `snd_hda_intel`). */
export function normalizeModuleName(name: string): string {
  return name.replace(/-/g, '_');
}

/** `nfs.ko.xz` -> `nfs`; undefined for files that are not module files. */
export function moduleNameOfFile(file: string): string | undefined {
  const b = basename(file);
  for (const s of SUFFIXES) if (b.endsWith(s) && b.length > s.length) return normalizeModuleName(b.slice(0, -s.length));
  return undefined;
}

function suffixRank(file: string): number {
  const b = basename(file);
  const i = SUFFIXES.findIndex((s) => b.endsWith(s));
  return i < 0 ? SUFFIXES.length : i;
}

/** Longest stretch of directory scanning between two returns to the event loop. */
const SLICE_MS = 15;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Module files of one directory tree, indexed by normalized module name; scanned once, lazily, in
 * slices (a 100k-file tree takes a few hundred ms that other requests must not wait for).
 */
export class ModuleDirectory {
  private index?: Promise<Map<string, string[]>>;
  constructor(readonly root: string) {}

  files(): Promise<Map<string, string[]>> {
    return (this.index ??= this.scan());
  }

  private async scan(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    const stack = [this.root];
    let seen = 0;
    let slice = performance.now();
    while (stack.length && seen < MAX_ENTRIES) {
      if (performance.now() - slice > SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (++seen > MAX_ENTRIES) break;
        const p = join(dir, e.name);
        // Symlinked directories (`build`, `source`) lead into whole kernel trees: not followed.
        if (e.isDirectory()) stack.push(p);
        else {
          const name = moduleNameOfFile(e.name);
          if (!name || !(e.isFile() || (e.isSymbolicLink() && isFile(p)))) continue;
          const l = index.get(name);
          if (l) l.push(p);
          else index.set(name, [p]);
        }
      }
    }
    for (const l of index.values()) l.sort((a, b) => suffixRank(a) - suffixRank(b) || a.localeCompare(b));
    return index;
  }

  async find(module: string): Promise<string[]> {
    return (await this.files()).get(normalizeModuleName(module)) ?? [];
  }

  private byModinfo?: Promise<Map<string, string[]>>;

  /**
   * Files whose `.modinfo` says they are `module` though their file name does not (renamed
   * copies). Built once per directory, on the first miss, reading only ELF headers and .modinfo
   * of the uncompressed files (each file is closed again).
   */
  async findByModinfo(module: string): Promise<string[]> {
    return (await (this.byModinfo ??= this.readModinfos())).get(normalizeModuleName(module)) ?? [];
  }

  private async readModinfos(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    let slice = performance.now();
    for (const paths of (await this.files()).values())
      for (const p of paths) {
        if (isCompressedModule(p)) continue;
        if (performance.now() - slice > SLICE_MS) {
          await nextTurn();
          slice = performance.now();
        }
        const name = readModuleName(p);
        if (!name) continue;
        const l = out.get(name);
        if (l) l.push(p);
        else out.set(name, [p]);
      }
    return out;
  }
}

/** The normalized `name=` of a module file's .modinfo; undefined when unreadable. */
export function readModuleName(path: string): string | undefined {
  let bytes: FileBytes | undefined;
  try {
    bytes = new FileBytes(path, 4);
    const name = readModinfo(new ElfFile(bytes, path)).name;
    return name ? normalizeModuleName(name) : undefined;
  } catch {
    return undefined;
  } finally {
    bytes?.close();
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isCompressedModule(path: string): boolean {
  return /\.ko\.(xz|zst|gz)$/.test(path);
}

/** Largest decompressed module accepted (debug .ko files are tens of MB; more is a bomb or garbage). */
const MAX_MODULE = 1 << 30;

/** Contents of a compressed module file, decompressed. */
export async function readCompressedModule(path: string): Promise<Uint8Array> {
  const data = readFileSync(path);
  const tooBig = () => new Error(`${path}: decompresses to more than ${MAX_MODULE} bytes`);
  if (path.endsWith('.gz')) {
    try {
      return new Uint8Array(gunzipSync(data, { maxOutputLength: MAX_MODULE }));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
      throw e;
    }
  }
  if (path.endsWith('.zst')) {
    const out = zstdDecompress(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (out.length > MAX_MODULE) throw tooBig();
    return out;
  }
  if (path.endsWith('.xz')) {
    const { XzReadableStream } = await import('xz-decompress');
    const reader = new XzReadableStream(new Blob([data]).stream() as never).getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_MODULE) {
        await reader.cancel();
        throw tooBig();
      }
      chunks.push(value);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
  return new Uint8Array(data);
}
