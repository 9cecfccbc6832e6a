// What resolving one frame produces, shared by the service, backends, decode output and features.
import type { SourceLocation } from './bytes';
import type { Arch, CrashLog, Frame, Report } from '../model/types';

export interface ResolvedSymbol {
  name: string;
  section: string;
  /** Address of the symbol in the debug file's address space. */
  address: bigint;
  /** st_value: for modules the offset inside `section`. */
  value: bigint;
  kallsymsSize: bigint;
  elfSize: bigint;
  /** How many text symbols share this name. */
  duplicates: number;
}

export interface FrameResolution {
  /** Debug file used (vmlinux or module file). */
  object?: string;
  module?: string;
  symbol?: ResolvedSymbol;
  /** The frame's address in the debug file (link-time address; modules: synthetic layout address). */
  address?: bigint;
  /** For modules: the frame address as an offset in `symbol.section`, the way addr2line -j sees it. */
  sectionOffset?: bigint;
  /** Where the source was looked up: `address - 1` (x86) / `- 4` (arm64) for return addresses. */
  lookupAddress?: bigint;
  returnAddress: boolean;
  /** Inline chain, innermost first; the last entry is the real function. Empty when unknown. */
  inlines: SourceLocation[];
  /** Reasons to doubt the answer (wrong debug file, ambiguous symbol). */
  warnings: string[];
  /** How a runtime address was turned into a debug-file address (crash sessions: KASLR slide). */
  derivation?: string;
  /** Why there is no answer (no vmlinux, module not found, not ELF...). */
  error?: string;
}

/** What a frame needs to know about the report it came from. */
export interface ResolveContext {
  release?: string;
  version?: string;
  /** KASLR offset (`Kernel Offset:`), to turn raw runtime addresses into link-time ones. */
  kernelOffset?: bigint;
  arch?: Arch;
  /** The whole document, for crash-session frames whose offsets come from the session's facts. */
  log?: CrashLog;
}

export function contextOf(report?: Report, log?: CrashLog): ResolveContext {
  const sys = log?.session?.sys;
  return {
    release: report?.kernel.release ?? log?.banner?.release ?? sys?.RELEASE?.value,
    version: report?.kernel.version ?? log?.banner?.version ?? sys?.VERSION?.value,
    kernelOffset: report?.kernelOffset ? parseHex(report.kernelOffset) : undefined,
    arch: report?.arch,
    log,
  };
}

export function parseHex(s: string): bigint | undefined {
  const m = /^(?:0x)?([0-9a-f]+)$/i.exec(s.trim());
  return m ? BigInt('0x' + m[1]) : undefined;
}

export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** `Frame` plus its resolution, for consumers that iterate a report. */
export interface ResolvedFrame {
  frame: Frame;
  resolution: FrameResolution;
}
