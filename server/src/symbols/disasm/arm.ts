// arm64, arm and Thumb disassembly of a `Code:` dump with capstone (capstone-wasm). Capstone loads
// its wasm asynchronously once; `armReady()` starts that and `armDisassemblerIfLoaded()` lets
// synchronous callers (hovers) use it when it is there.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CodeBytes, Disassembly, Insn, Isa, MemoryOperand } from './types';

// The package's exports map has no "types" condition, so its declarations are referenced by path.
type CapstoneModule = typeof import('../../../../node_modules/capstone-wasm/dist/index');
type CapstoneInstance = InstanceType<CapstoneModule['Capstone']>;

let loading: Promise<CapstoneModule> | undefined;
let loaded: CapstoneModule | undefined;
let loadError: string | undefined;

function wasmPath(): string | undefined {
  const candidates = [join(__dirname, 'capstone.wasm'), join(__dirname, '..', 'capstone.wasm')];
  try {
    candidates.push(join(dirname(require.resolve('capstone-wasm')), 'capstone.wasm'));
  } catch {
    // not resolvable from a bundle: the copies next to the bundle are used
  }
  return candidates.find((p) => existsSync(p));
}

/** Loads capstone once; resolves to undefined (with `armLoadError()`) when it cannot be loaded. */
export function armReady(): Promise<CapstoneModule | undefined> {
  if (!loading) {
    loading = (async () => {
      const path = wasmPath();
      if (!path) throw new Error('capstone.wasm not found next to the server (the build copies it into dist/)');
      const cs: CapstoneModule = require('capstone-wasm');
      await cs.loadCapstone({ wasmBinary: readFileSync(path) });
      loaded = cs;
      return cs;
    })();
    loading.catch((e: Error) => { loadError = e.message; });
  }
  return loading.catch(() => undefined);
}

export function armLoadError(): string | undefined {
  return loadError;
}

/** The capstone module if already loaded (kicks off loading otherwise). */
export function armDisassemblerIfLoaded(): CapstoneModule | undefined {
  if (!loaded) void armReady();
  return loaded;
}

const handles = new Map<string, CapstoneInstance>();

function handle(cs: CapstoneModule, isa: Isa): CapstoneInstance {
  let h = handles.get(isa);
  if (!h) {
    const C = cs.Const;
    h = isa === 'arm64' ? new cs.Capstone(C.CS_ARCH_ARM64, C.CS_MODE_ARM)
      : isa === 'thumb' ? new cs.Capstone(C.CS_ARCH_ARM, C.CS_MODE_THUMB)
        : new cs.Capstone(C.CS_ARCH_ARM, C.CS_MODE_ARM);
    handles.set(isa, h);
  }
  return h;
}

/** One instruction at `bytes`, or undefined when capstone finds none (capstone throws on 0 results). */
function decodeOne(h: CapstoneInstance, bytes: Uint8Array, address: bigint): { size: number; mnemonic: string; opStr: string } | undefined {
  try {
    const r = h.disasm(bytes, { address, count: 1 });
    return r.length ? r[0] : undefined;
  } catch {
    return undefined;
  }
}

function wordHex(bytes: Uint8Array, start: number, size: number): string {
  let s = '';
  for (let k = size - 1; k >= 0; k--) s += bytes[start + k].toString(16).padStart(2, '0');
  return s;
}

const U64 = (1n << 64n) - 1n;

/** Decodes an arm64 (`word`), arm (`word`) or Thumb (`half`) dump. `pcAtTrap` gives absolute addresses. */
export function disassembleArm(cs: CapstoneModule, code: CodeBytes, isa: 'arm64' | 'arm' | 'thumb', pcAtTrap?: bigint): Disassembly {
  const h = handle(cs, isa);
  const { bytes } = code;
  const trap = code.trapOffset;
  const notes: string[] = [];
  if (trap < 0) notes.push('No trapping instruction is marked (`(........)`).');
  const mask = isa === 'arm64' ? U64 : 0xffffffffn;
  const origin = Math.max(trap, 0);
  const base = pcAtTrap !== undefined ? pcAtTrap - BigInt(origin) : 0n;
  const want = isa === 'thumb' ? 2 : 4;

  /** Decodes [from, to); `exact` says whether the last instruction ended exactly at `to`. */
  const range = (from: number, to: number): { insns: Insn[]; exact: boolean } => {
    const insns: Insn[] = [];
    let pos = from;
    while (pos + want <= to) {
      const addr = (base + BigInt(pos)) & mask;
      const d = decodeOne(h, bytes.subarray(pos, Math.min(to, pos + 4)), addr);
      const size = d ? d.size : want;
      const truncated = !d && isa === 'thumb' && to - pos < 4 && isThumb32Prefix(bytes, pos);
      const insn: Insn = {
        offset: pos - origin,
        hex: isa === 'thumb' ? thumbHex(bytes, pos, truncated ? 2 : size) : wordHex(bytes, pos, size),
        mnemonic: d ? d.mnemonic : truncated ? '(truncated)' : isa === 'arm64' ? '.inst' : isa === 'arm' ? '.word' : '.short',
        operands: d ? d.opStr : truncated ? '' : `0x${wordHex(bytes, pos, want)}`,
        trap: trap >= 0 && pos === trap,
      };
      if (!d && !truncated) insn.invalid = true;
      if (truncated) { insn.truncated = true; insns.push(insn); return { insns, exact: false }; }
      if (pcAtTrap !== undefined && trap >= 0) insn.address = addr;
      const mem = d ? armMemoryOperand(d.opStr, d.mnemonic) : undefined;
      if (mem) insn.memory = mem;
      insns.push(insn);
      pos += size;
    }
    return { insns, exact: pos === to };
  };

  if (trap < 0) return { isa, insns: range(0, bytes.length).insns, skippedBytes: 0, notes };
  const after = range(trap, bytes.length);
  if (after.insns.some((i) => i.truncated)) notes.push('The dump ends inside the last instruction (shown as truncated).');
  let before: Insn[] = [];
  let skipped = 0;
  for (let start = 0; start < Math.min(trap + 1, 4); start += want) {
    const b = range(start, trap);
    if (b.exact && !b.insns.some((i) => i.truncated)) { before = b.insns; skipped = start; break; }
  }
  if (skipped > 0) notes.push(`The dump starts inside a 32-bit Thumb-2 instruction: the first ${skipped} bytes were skipped so that an instruction boundary falls on the trapping halfword.`);
  return { isa, insns: [...before, ...after.insns], skippedBytes: skipped, notes };
}

function isThumb32Prefix(bytes: Uint8Array, pos: number): boolean {
  const hw = bytes[pos] | (bytes[pos + 1] << 8);
  return (hw >>> 11) >= 0x1d;
}

function thumbHex(bytes: Uint8Array, pos: number, size: number): string {
  const parts: string[] = [];
  for (let k = 0; k < size; k += 2) parts.push(wordHex(bytes, pos + k, 2));
  return parts.join(' ');
}

/** `[x0, #8]`, `[x1, x2, lsl #3]`, `[x0], #8`, `[sp, #-16]!`, `[r3, #4]` → base/index/displacement. */
export function armMemoryOperand(opStr: string, mnemonic = ''): MemoryOperand | undefined {
  // 32-bit ARM block transfers: `stm ip!, {r1, r3}` (increment after: first access at the base),
  // `stmdb`/`push` (decrement before: lowest access at base - 4 * registers).
  const block = /^(ldm|stm)(ia|ib|da|db|fd|ed|fa|ea)?(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(?:\.w)?$/.exec(mnemonic);
  if (block) {
    const m = /^\s*(\w+)!?\s*,\s*\{([^}]*)\}/.exec(opStr);
    if (!m) return undefined;
    const count = m[2].split(',').filter((x) => x.trim()).length;
    // Stack-style suffixes name the same four modes differently for loads and stores.
    const alias: Record<string, Record<string, string>> = { stm: { fd: 'db', ea: 'ia', ed: 'da', fa: 'ib' }, ldm: { fd: 'ia', ea: 'db', ed: 'ib', fa: 'da' } };
    const mode = alias[block[1]][block[2] ?? ''] ?? block[2] ?? 'ia';
    const displacement = mode === 'db' ? BigInt(-4 * count) : mode === 'ib' ? 4n : mode === 'da' ? BigInt(-4 * (count - 1)) : 0n;
    return { base: m[1], scale: 1, displacement };
  }
  const m = /\[\s*(\w+)\s*(?:,\s*#(-?(?:0x[0-9a-fA-F]+|\d+)))?(?:,\s*(-?\w+)(?:,\s*(lsl|uxtw|sxtw|sxtx)(?:\s*#(\d+))?)?)?\s*\](!)?(?:\s*,\s*#(-?(?:0x[0-9a-fA-F]+|\d+)))?/.exec(opStr);
  if (!m) return undefined;
  const disp = m[2] ? BigInt(m[2].startsWith('-') ? -BigInt(m[2].slice(1)) : BigInt(m[2])) : 0n;
  const mem: MemoryOperand = { base: m[1], scale: m[5] ? 2 ** Number(m[5]) : 1, displacement: disp };
  if (m[3] && /^-?[a-z]+\d*$/.test(m[3]) && !/^#/.test(m[3])) mem.index = m[3].replace(/^-/, '');
  if (m[7] !== undefined) mem.postIndex = true;
  return mem;
}
