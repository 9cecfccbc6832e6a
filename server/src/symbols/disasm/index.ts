// Disassembly of `Code:` dumps: choose the instruction set, decode, explain the trap, render Markdown.
import type { Arch } from '../../model/types';
import { disassembleX86 } from './x86';
import { armDisassemblerIfLoaded, armLoadError, armReady, disassembleArm } from './arm';
import { explainTrap, type TrapContext, type TrapExplanation } from './trap-explain';
import type { CodeBytes, CodeProblem, Disassembly, Isa } from './types';

export * from './types';
export { parseCodeText, codeDumpBytes, isCodeProblem } from './code-bytes';
export { explainTrap, dumpRegister, type TrapContext, type TrapExplanation } from './trap-explain';
export { armReady } from './arm';

/** Where a `Code:` dump sits: its bytes and what the report says about the trapping address. */
export interface CodeSite {
  arch: Arch;
  code: CodeBytes;
  /** `func+0x18/0x25 [mod]` of the RIP/pc line, when printed symbolically. */
  symbol?: { name: string; offset: number; size?: number; module?: string };
  /** Absolute RIP/pc, when printed. */
  pc?: bigint;
}

/** The instruction set for a report arch and dump unit, or a problem when we cannot decode it. */
export function chooseIsa(arch: Arch, unit: CodeBytes['unit']): { isa: Isa; assumed?: string } | CodeProblem {
  if (unit === 'byte') {
    if (arch === 'i386') return { isa: 'i386' };
    if (arch === 'x86_64') return { isa: 'x86_64' };
    if (arch === 'unknown') return { isa: 'x86_64', assumed: 'The architecture is not stated in the report; byte dumps are decoded as x86-64.' };
    return { problem: `A byte-wise \`Code:\` dump in a ${arch} report: not an x86 dump; not disassembled.` };
  }
  if (unit === 'half') {
    if (arch === 'arm' || arch === 'unknown') return { isa: 'thumb' };
    return { problem: `Halfword \`Code:\` groups are Thumb code, but this is a ${arch} report; not disassembled.` };
  }
  if (arch === 'arm64') return { isa: 'arm64' };
  if (arch === 'arm') return { isa: 'arm' };
  if (arch === 'unknown') return { isa: 'arm64', assumed: 'The architecture is not stated in the report; 32-bit words are decoded as arm64.' };
  if (arch === 'riscv' || arch === 'powerpc') return { problem: `Disassembly of ${arch} code is not supported (x86, arm64 and arm only).` };
  return { problem: `32-bit words in a ${arch} report: not disassembled.` };
}

export type DisasmOutcome = { disassembly: Disassembly; assumed?: string } | CodeProblem | { pending: string };

function run(site: CodeSite, cs: ReturnType<typeof armDisassemblerIfLoaded>): DisasmOutcome {
  const choice = chooseIsa(site.arch, site.code.unit);
  if ('problem' in choice) return choice;
  const { isa } = choice;
  // Without the absolute RIP/pc, decode as if the function started at 0 so that branch targets come
  // out as offsets into the function, then name them `func+0x..` instead of showing made-up addresses.
  const relative = site.pc === undefined && site.symbol ? BigInt(site.symbol.offset) : undefined;
  const ip = site.pc ?? relative;
  let d: Disassembly;
  if (isa === 'x86_64' || isa === 'i386') d = disassembleX86(site.code, isa === 'x86_64' ? 64 : 32, ip);
  else if (!cs) {
    const err = armLoadError();
    return err ? { problem: `The arm disassembler (capstone) could not be loaded: ${err}` } : { pending: 'The arm disassembler is loading; hover again in a moment.' };
  } else d = disassembleArm(cs, site.code, isa, ip);
  if (relative !== undefined) symbolizeBranches(d, site.symbol!.name, site.symbol!.size);
  return { disassembly: d, assumed: choice.assumed };
}

const BRANCH = /^(j[a-z]+|call|loop[a-z]*|xbegin|b\.[a-z]+|cbn?z|tbn?z|blx?(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?|b(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?)(?:\.[wn])?$/;

/**
 * Rewrites function-relative branch targets (`0x2c`, `#0x2c`) as `func+0x2c`; drops the fake addresses.
 * A target outside the function (a call to another function) cannot be named without a vmlinux:
 * it is said to be outside rather than shown as a meaningless `func+0x20f0080`.
 */
function symbolizeBranches(d: Disassembly, name: string, size?: number): void {
  const wrap = d.isa === 'x86_64' || d.isa === 'arm64' ? 1n << 64n : 1n << 32n;
  for (const i of d.insns) {
    delete i.address;
    if (!BRANCH.test(i.mnemonic)) continue;
    // iced prints targets in hex; capstone prints small ones in decimal (`bl #8`).
    i.operands = i.operands.replace(/#?(0x[0-9a-f]+|\d+)$/, (_m, n: string) => {
      let v = BigInt(n);
      if (v >= wrap / 2n) v -= wrap;
      const label = v < 0n ? `${name}-0x${(-v).toString(16)}` : `${name}+0x${v.toString(16)}`;
      const inside = v >= 0n && (size === undefined ? v < 0x10000n : v <= BigInt(size));
      return inside ? label : `<outside ${name}: ${label}>`;
    });
  }
}

/** Synchronous: x86 always; arm once capstone has loaded (loading starts on first call). */
export function disassembleNow(site: CodeSite): DisasmOutcome {
  return run(site, armDisassemblerIfLoaded());
}

export async function disassemble(site: CodeSite): Promise<DisasmOutcome> {
  const choice = chooseIsa(site.arch, site.code.unit);
  const needsArm = !('problem' in choice) && (choice.isa === 'arm64' || choice.isa === 'arm' || choice.isa === 'thumb');
  return run(site, needsArm ? await armReady() : undefined);
}

const hex = (v: bigint | number) => '0x' + v.toString(16);

/** `func+0x1d`, `func-0x3`, an absolute address, or `trap+0x4`. */
export function insnLabel(site: CodeSite, offset: number, address?: bigint): string {
  if (site.symbol) {
    const o = site.symbol.offset + offset;
    return o < 0 ? `${site.symbol.name}-${hex(-o)}` : `${site.symbol.name}+${hex(o)}`;
  }
  if (address !== undefined) return address.toString(16);
  return offset === 0 ? 'trap' : offset < 0 ? `trap-${hex(-offset)}` : `trap+${hex(offset)}`;
}

/** A one-line summary for code lenses: `Disassemble (9 instructions, trap: ud2)`. */
export function summaryLine(d: Disassembly, trap?: TrapExplanation): string {
  const t = d.insns.find((i) => i.trap);
  const n = d.insns.filter((i) => !i.invalid && !i.truncated).length;
  const what = !t ? 'not marked'
    : t.invalid || t.truncated ? 'undecodable bytes'
      : trap && /^(ud2|ud1|ud0|int3|brk|BUG)/.test(trap.short) ? trap.short : `${t.mnemonic}${t.operands ? ' ' + t.operands : ''}`;
  return `Disassemble (${n} instruction${n === 1 ? '' : 's'}, trap: ${what})`;
}

/** The disassembly as a fenced block with the trapping instruction marked, then notes and the trap explanation. */
export function renderDisassembly(site: CodeSite, d: Disassembly, trap?: TrapExplanation, assumed?: string): string {
  const rows = d.insns.map((i) => ({
    label: insnLabel(site, i.offset, i.address),
    hex: i.hex,
    text: `${i.mnemonic}${i.operands ? ' ' + i.operands : ''}${i.truncated ? '  (truncated)' : ''}`,
    trap: i.trap,
  }));
  const lw = Math.max(0, ...rows.map((r) => r.label.length));
  const hw = Math.max(0, ...rows.map((r) => r.hex.length));
  const body = rows.map((r) => `${r.trap ? '=>' : '  '} ${r.label.padEnd(lw)}  ${r.hex.padEnd(hw)}  ${r.text}${r.trap ? '   <-- trapping instruction' : ''}`);
  const where = site.symbol ? ` at \`${site.symbol.name}+${hex(site.symbol.offset)}\`${site.symbol.module ? ` [${site.symbol.module}]` : ''}` : site.pc !== undefined ? ` at \`${hex(site.pc)}\`` : '';
  const isaName: Record<Isa, string> = { x86_64: 'x86-64', i386: 'i386', arm64: 'arm64', arm: 'arm', thumb: 'Thumb' };
  const out = [`**Code** (${isaName[d.isa]}, ${d.insns.length} instructions)${where}`, '', '```', ...body, '```'];
  const notes = [...(assumed ? [assumed] : []), ...d.notes];
  if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
  if (trap) out.push('', trap.markdown);
  return out.join('\n');
}

/** Disassembly, trap explanation and Markdown in one go (what hovers and commands use). */
export function describeOutcome(site: CodeSite, outcome: DisasmOutcome, ctx: TrapContext): { markdown: string; summary: string } {
  if ('problem' in outcome) return { markdown: `**Code:** ${outcome.problem}`, summary: 'Code: not disassembled' };
  if ('pending' in outcome) return { markdown: `**Code:** ${outcome.pending}`, summary: 'Disassemble' };
  const trap = explainTrap(outcome.disassembly, ctx);
  return { markdown: renderDisassembly(site, outcome.disassembly, trap, outcome.assumed), summary: summaryLine(outcome.disassembly, trap) };
}
