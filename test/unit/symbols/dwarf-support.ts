// Test support for the DWARF reader: builds gcc fixtures, reads their sections with the project's
// ELF reader and asks the anchor tools (GNU addr2line, llvm-symbolizer) for the truth. Tools run with argument arrays.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource, DwarfSections, SourceLocation } from '../../../server/src/symbols/bytes';
import { DebugObject } from '../../../server/src/symbols/debug-object';

export const FIXTURE_SOURCES = join(__dirname, '../../fixtures/dwarf');

export function hasTool(tool: string): boolean {
  try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** A fresh temporary directory holding a copy of the fixture sources. */
export function fixtureDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'oops-dwarf-'));
  cpSync(FIXTURE_SOURCES, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function gcc(dir: string, args: string[]): void {
  execFileSync('gcc', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export class MemoryBytes implements ByteSource {
  reads = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get size(): number { return this.bytes.length; }
  read(offset: number, length: number): Uint8Array {
    this.reads++;
    if (offset < 0 || offset + length > this.bytes.length) throw new RangeError(`read past end: ${offset}+${length}`);
    return this.bytes.subarray(offset, offset + length);
  }
}

/** In-memory DwarfSections over a map of section contents. */
export function memorySections(map: Map<string, Uint8Array>, littleEndian = true, addressSize: 4 | 8 = 8): DwarfSections & { sources: Map<string, MemoryBytes> } {
  const sources = new Map([...map].map(([k, v]) => [k, new MemoryBytes(v)] as const));
  return { get: (n) => sources.get(n), littleEndian, addressSize, sources };
}

/**
 * The .debug_* sections of an ELF file as the project's ELF reader hands them to the DWARF
 * index (decompressed; relocated for ET_REL), copied into memory so that tests can edit them.
 */
export function dumpDebugSections(elf: string): Map<string, Uint8Array> {
  const obj = DebugObject.open(elf);
  try {
    const out = new Map<string, Uint8Array>();
    for (const s of obj.elf.sections) {
      const name = s.name.startsWith('.zdebug_') ? '.' + s.name.slice(2) : s.name;
      if (!name.startsWith('.debug_')) continue;
      const src = obj.sections.get(name);
      if (src) out.set(name, Uint8Array.from(src.read(0, src.size)));
    }
    return out;
  } finally {
    obj.close();
  }
}

export interface FuncSymbol { name: string; address: bigint; size: number }

/** Text symbols (nm -S), sorted by address; size 0 when nm shows none. */
export function textSymbols(elf: string): FuncSymbol[] {
  const out = execFileSync('nm', ['-S', '--defined-only', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const syms: FuncSymbol[] = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) (?:([0-9a-f]+) )?[tTwW] (\S+)$/.exec(line);
    if (m) syms.push({ address: BigInt('0x' + m[1]), size: m[2] ? parseInt(m[2], 16) : 0, name: m[3] });
  }
  return syms.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** The symbol addr2line falls back to when DWARF names no function: the nearest one at or below. */
export function precedingSymbol(syms: FuncSymbol[], a: bigint): string | undefined {
  let best: FuncSymbol | undefined;
  for (const s of syms) if (s.address <= a) best = s;
  return best?.name;
}

export interface ToolFrame { function: string; file: string; line: number; column?: number }

/** `addr2line -a -i -f` for many addresses in one process. */
export function addr2line(elf: string, addrs: bigint[]): ToolFrame[][] {
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  const out = execFileSync('addr2line', ['-a', '-i', '-f', '-e', elf], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  const lines = out.split('\n');
  const result: ToolFrame[][] = [];
  let cur: ToolFrame[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^0x[0-9a-f]+$/.test(l)) { cur = []; result.push(cur); continue; }
    if (!cur || l === '') continue;
    const loc = lines[++i].replace(/ \(discriminator \d+\)$/, '');
    const colon = loc.lastIndexOf(':');
    const lineText = loc.slice(colon + 1);
    cur.push({ function: l, file: loc.slice(0, colon), line: lineText === '?' ? 0 : Number(lineText) });
  }
  return result;
}

/** llvm-symbolizer (JSON output) for many addresses in one process. */
export function llvmSymbolizer(elf: string, addrs: bigint[]): ToolFrame[][] {
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  const out = execFileSync('llvm-symbolizer', [`--obj=${elf}`, '--output-style=JSON'], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.trim().split('\n').map((l) => {
    const j = JSON.parse(l) as { Symbol: { FunctionName: string; FileName: string; Line: number; Column: number }[] };
    return j.Symbol.map((s) => ({ function: s.FunctionName, file: s.FileName, line: s.Line, column: s.Column }));
  });
}

/** Describes the first difference between two chains, or undefined when they agree. */
export function chainDiff(ours: SourceLocation[], theirs: ToolFrame[], opts: { columns?: boolean } = {}): string | undefined {
  if (ours.length !== theirs.length) return `length ${ours.length} vs ${theirs.length}: ${fmt(ours)} vs ${fmt(theirs)}`;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a.function !== b.function || a.file !== b.file || a.line !== b.line || (opts.columns && (a.column ?? 0) !== (b.column ?? 0))) {
      return `frame ${i}: ${fmt(ours)} vs ${fmt(theirs)}`;
    }
  }
  return undefined;
}

export function fmt(chain: ToolFrame[]): string {
  return chain.map((f) => `${f.function}@${f.file}:${f.line}${f.column ? ':' + f.column : ''}`).join(' <- ');
}
