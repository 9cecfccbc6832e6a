// x86-64 / i386 disassembly of a `Code:` dump with iced-x86, realigned on the trapping byte the way
// scripts/decodecode does: the bytes from the trap are decoded on their own, and for the bytes before
// it successive start offsets are tried until an instruction boundary lands exactly on the trap byte.
import type * as Iced from 'iced-x86';
import type { Formatter, Instruction, Register } from 'iced-x86';
import type { CodeBytes, Disassembly, Insn, MemoryOperand } from './types';

// iced-x86 instantiates its wasm when required (~60 ms): load it on the first disassembly, not at
// server or CLI start.
let iced: typeof Iced | undefined;
function lib(): typeof Iced {
  if (!iced) iced = require('iced-x86') as typeof Iced;
  return iced;
}

/** Longest x86 instruction: no realignment needs to skip more. */
const MAX_INSN = 15;
/** DecoderError.NoMoreBytes: the slice ended inside the instruction. */
const NO_MORE_BYTES = 2;

let formatter: Formatter | undefined;

/** GAS (AT&T) syntax tuned to read like objdump. */
function gas(): Formatter {
  if (!formatter) {
    const { Formatter: F, FormatterSyntax } = lib();
    const f = new F(FormatterSyntax.Gas);
    f.uppercaseHex = false;
    f.showZeroDisplacements = true;
    f.ripRelativeAddresses = true;
    f.smallHexNumbersInDecimal = false;
    f.branchLeadingZeros = false;
    f.showBranchSize = false;
    f.spaceAfterOperandSeparator = false;
    formatter = f;
  }
  return formatter;
}

interface Decoded {
  insns: Insn[];
  /** The last instruction ran past the end of the slice. */
  overran: boolean;
  invalid: number;
}

function decodeSlice(bytes: Uint8Array, from: number, to: number, bitness: 32 | 64, trapOffset: number, ipAtTrap?: bigint): Decoded {
  const slice = bytes.subarray(from, to);
  const { Decoder, DecoderOptions } = lib();
  const decoder = new Decoder(bitness, slice, DecoderOptions.None);
  // The decoder's IP is what branch targets are printed relative to: the real address when known,
  // else the offset from the start of the dump (what objdump prints for a raw binary).
  const base = ipAtTrap !== undefined ? ipAtTrap - BigInt(trapOffset) : 0n;
  const mask = bitness === 64 ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  decoder.ip = (base + BigInt(from)) & mask;
  const out: Insn[] = [];
  let overran = false;
  let invalid = 0;
  try {
    let pos = 0;
    while (decoder.canDecode) {
      const ins = decoder.decode();
      try {
        const len = ins.length;
        const start = from + pos;
        const truncated = ins.isInvalid && decoder.lastError === NO_MORE_BYTES;
        if (truncated) overran = true;
        if (ins.isInvalid && !truncated) invalid++;
        out.push(toInsn(ins, bytes.subarray(start, start + Math.max(len, 1)), start - trapOffset, truncated, ipAtTrap, bitness));
        pos += Math.max(len, 1);
        if (truncated) break;
      } finally {
        ins.free();
      }
    }
  } finally {
    decoder.free();
  }
  return { insns: out, overran, invalid };
}

function hexOf(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

function toInsn(ins: Instruction, raw: Uint8Array, offset: number, truncated: boolean, ipAtTrap: bigint | undefined, bitness: 32 | 64): Insn {
  const insn: Insn = { offset, hex: hexOf(raw), mnemonic: '', operands: '', trap: offset === 0 };
  if (ipAtTrap !== undefined) insn.address = (ipAtTrap + BigInt(offset)) & (bitness === 64 ? (1n << 64n) - 1n : (1n << 32n) - 1n);
  if (truncated) {
    insn.truncated = true;
    insn.mnemonic = '(bad)';
    insn.operands = '';
    return insn;
  }
  if (ins.isInvalid) {
    insn.invalid = true;
    insn.mnemonic = '(bad)';
    return insn;
  }
  const f = gas();
  insn.mnemonic = f.formatMnemonic(ins).trim();
  // iced prints a SIB byte without index but with a scale as `(%esi,)`; objdump and humans write `(%esi)`.
  insn.operands = f.formatAllOperands(ins).trim().replace(/,\)/g, ')');
  const mem = memoryOperand(ins, bitness);
  if (mem) insn.memory = mem;
  return insn;
}

/** iced gives displacements as unsigned; -8 reads better than 0xfffffffffffffff8. */
function signed(v: bigint, bits: number): bigint {
  if (bits === 0) return v;
  const top = 1n << BigInt(bits);
  const x = v & (top - 1n);
  return x >= top >> 1n ? x - top : x;
}

function regName(r: Register): string | undefined {
  if (r === lib().Register.None) return undefined;
  return gas().formatRegister(r).replace(/^%/, '');
}

function memoryOperand(ins: Instruction, bitness: 32 | 64): MemoryOperand | undefined {
  for (let i = 0; i < ins.opCount; i++) {
    if (ins.opKind(i) !== lib().OpKind.Memory) continue;
    const seg = ins.segmentPrefix;
    const m: MemoryOperand = {
      base: regName(ins.memoryBase),
      index: regName(ins.memoryIndex),
      scale: ins.memoryIndexScale,
      displacement: signed(ins.memoryDisplacement, ins.memoryBase === lib().Register.RIP || ins.memoryBase === lib().Register.EIP ? 0 : bitness),
    };
    const s = regName(seg);
    if (s === 'fs' || s === 'gs') m.segment = s;
    return m;
  }
  return undefined;
}

/** Decodes a `Code:` dump. `ipAtTrap` is the RIP value when known (absolute addresses, branch targets). */
export function disassembleX86(code: CodeBytes, bitness: 32 | 64, ipAtTrap?: bigint): Disassembly {
  const { bytes } = code;
  const isa = bitness === 64 ? 'x86_64' : 'i386';
  const notes: string[] = [];
  if (code.trapOffset < 0) {
    notes.push('No trapping byte is marked (`<..>`): decoded from the first byte, which may start mid-instruction.');
    const d = decodeSlice(bytes, 0, bytes.length, bitness, 0, undefined);
    d.insns.forEach((x) => { x.trap = false; });
    return { isa, insns: d.insns, skippedBytes: 0, notes };
  }
  const trap = code.trapOffset;
  const after = decodeSlice(bytes, trap, bytes.length, bitness, trap, ipAtTrap);
  if (after.overran) notes.push('The dump ends inside the last instruction (shown as truncated).');
  // decodecode: find the first start offset whose decoding ends exactly on the trap byte, preferring
  // one without invalid instructions.
  let best: { start: number; d: Decoded } | undefined;
  for (let start = 0; start < Math.min(trap, MAX_INSN + 1); start++) {
    const d = decodeSlice(bytes, start, trap, bitness, trap, ipAtTrap);
    if (d.overran) continue;
    if (d.invalid === 0) { best = { start, d }; break; }
    if (!best) best = { start, d };
  }
  let before: Insn[] = [];
  let skipped = 0;
  if (best) {
    before = best.d.insns;
    skipped = best.start;
    if (skipped > 0) notes.push(`The dump starts mid-instruction: the first ${skipped} byte(s) were skipped so that an instruction boundary falls on the trapping byte (as decodecode does).`);
    if (best.d.invalid > 0) notes.push('Some bytes before the trap do not decode to valid instructions.');
  } else if (trap > 0) {
    notes.push('No decoding of the bytes before the trap ends on the trapping byte; they are not shown.');
    skipped = trap;
  }
  return { isa, insns: [...before, ...after.insns], skippedBytes: skipped, notes };
}
