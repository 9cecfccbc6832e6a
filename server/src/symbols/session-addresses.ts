// Runtime addresses in a crash(8) session -> places in the debug files.
// crash prints `func at ffffffffbb001f99` without an offset, and under KASLR the runtime address is
// not the link-time one. The slide is derived from what the session itself says: pairs of
// (symbol+offset, runtime address) from `sym`, `dis` and `[exception RIP:]`, or `Kernel Offset:`
// in its `log` output. Module addresses are placed from a known symbol of the same module.
import type { CrashLog, Frame } from '../model/types';
import type { DebugObject } from './debug-object';
import { parseHex } from './resolution';

export interface Slide {
  /** runtime - link-time, for vmlinux addresses. */
  value: bigint;
  /** How it was derived, for the hover. */
  how: string;
}

/** The vmlinux KASLR slide a session implies, by majority over its facts. */
export function vmlinuxSlide(log: CrashLog, vmlinux: DebugObject): Slide | undefined {
  const offsetLine = log.reports.find((r) => r.kernelOffset)?.kernelOffset;
  const votes = new Map<bigint, string[]>();
  for (const f of log.session?.facts ?? []) {
    if (f.module || f.offset < 0) continue;
    const runtime = parseHex(f.address);
    const sym = vmlinux.symbols.byName(f.function);
    if (runtime === undefined || sym.length !== 1) continue;
    const slide = runtime - (sym[0].address + BigInt(f.offset));
    votes.set(slide, [...(votes.get(slide) ?? []), `${f.function}+${f.offset} at ${f.address} (line ${f.line + 1})`]);
  }
  let best: [bigint, string[]] | undefined;
  for (const v of votes) if (!best || v[1].length > best[1].length) best = v;
  if (best) return { value: best[0], how: `KASLR slide 0x${best[0].toString(16)} from ${best[1].length} symbol(s) whose runtime address the session shows, e.g. ${best[1][0]}` };
  if (offsetLine) {
    const v = parseHex(offsetLine);
    if (v !== undefined) return { value: v, how: `KASLR slide 0x${v.toString(16)} from the \`Kernel Offset:\` line of the log` };
  }
  if (log.session?.facts.length) return { value: 0n, how: 'no KASLR slide derivable from the session; assuming none' };
  return undefined;
}

/** Runtime -> debug-file address delta for a module, anchored on a symbol of the session in the same section. */
export function moduleDelta(log: CrashLog, module: DebugObject, moduleName: string, section: string): Slide | undefined {
  for (const f of log.session?.facts ?? []) {
    if (f.module !== undefined && f.module !== moduleName) continue;
    if (f.offset < 0) continue;
    const runtime = parseHex(f.address);
    const [sym] = module.symbols.byName(f.function);
    if (runtime === undefined || !sym || sym.section !== section) continue;
    const delta = runtime - (sym.address + BigInt(f.offset));
    return { value: delta, how: `module placed from ${f.function}+${f.offset} at ${f.address} (line ${f.line + 1})` };
  }
  return undefined;
}

/**
 * A crash `bt` frame (function + runtime address, no offset) as a frame the symbolizer can resolve:
 * the offset is computed from the runtime address, the symbol found by name.
 */
export function placeSessionFrame(frame: Frame, log: CrashLog, object: DebugObject): { frame: Frame; how: string } | { error: string } {
  const runtime = frame.address ? parseHex(frame.address) : undefined;
  if (runtime === undefined) return { error: 'the frame has no address' };
  const candidates = object.symbols.byName(frame.function);
  if (candidates.length === 0) return { error: `${frame.function} not found in ${object.path}` };
  let slide: Slide | undefined;
  if (frame.module) {
    for (const c of candidates) if ((slide = moduleDelta(log, object, frame.module, c.section))) break;
    if (!slide) return { error: `no symbol of [${frame.module}] with a known runtime address in this session (run \`sym\` on one, or \`dis\` it) to place ${frame.address}` };
  } else {
    slide = vmlinuxSlide(log, object);
    if (!slide) return { error: 'cannot derive the KASLR slide from this session' };
  }
  const link = runtime - slide.value;
  const sym = candidates.find((c) => link >= c.address && link < c.address + (c.kallsymsSize || 1n));
  if (!sym) return { error: `${frame.address} - slide 0x${slide.value.toString(16)} is not inside ${frame.function}: wrong slide or wrong debug file` };
  const offset = Number(link - sym.address);
  return { frame: { ...frame, offset, size: Number(sym.kallsymsSize), address: undefined }, how: slide.how };
}
