// Shapes shared by the disassemblers: decoded bytes of a `Code:` line and the decoded instructions.

/** Bytes of a `Code:` dump in memory order, with the trapping instruction's byte offset. */
export interface CodeBytes {
  bytes: Uint8Array;
  /** Offset in `bytes` of the trapping instruction (`<0f>` / `(d4200000)`), -1 when not marked. */
  trapOffset: number;
  unit: 'byte' | 'word' | 'half';
}

/** A `Code:` line that cannot be disassembled, with the reason in words the user can act on. */
export interface CodeProblem {
  problem: string;
}

export type Isa = 'x86_64' | 'i386' | 'arm64' | 'arm' | 'thumb';

export interface MemoryOperand {
  /** Register names as the disassembler prints them, without `%` (`rdi`, `x0`). */
  base?: string;
  index?: string;
  scale: number;
  displacement: bigint;
  /** `fs`/`gs` segment override (x86 per-CPU accesses). */
  segment?: string;
  /** true when the address is `base` itself before the update (arm64 post-index `[x0], #8`). */
  postIndex?: boolean;
}

export interface Insn {
  /** Byte offset from the trapping instruction (negative before it). */
  offset: number;
  /** Instruction bytes as hex, in memory order (`48 8b 07`; arm words as printed `f9000401`). */
  hex: string;
  mnemonic: string;
  operands: string;
  /** The instruction the CPU was executing (RIP/pc). */
  trap: boolean;
  /** Bytes that decode to nothing valid (shown like objdump's `(bad)`). */
  invalid?: boolean;
  /** The dump ends inside this instruction. */
  truncated?: boolean;
  memory?: MemoryOperand;
  /** Absolute address when the RIP/pc value is known. */
  address?: bigint;
}

export interface Disassembly {
  isa: Isa;
  insns: Insn[];
  /** Bytes at the start that belong to an instruction cut by the dump (decodecode's realignment). */
  skippedBytes: number;
  /** Human notes: realignment, missing trap marker, truncation. */
  notes: string[];
}
