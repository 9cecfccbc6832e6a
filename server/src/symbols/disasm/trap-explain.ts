// Why the trapping instruction trapped: BUG/WARN traps (ud2, brk #0x800, udf), int3, and memory operands
// whose address, computed from the register dump, is the faulting address (CR2 / FAR / `address:`).
import type { Arch } from '../../model/types';
import { classifyValue } from '../../model/explain-value';
import { brkImmediateMeaning } from '../../model/explain-esr';
import type { Disassembly, Insn, Isa } from './types';

export interface TrapContext {
  /** Register values by lower-case dump name (`rax`, `r08`, `x0`, `sp`, `gs`). */
  registers: ReadonlyMap<string, bigint>;
  /** The faulting data address when the report printed one (CR2, FAR, `address:`). */
  faultAddress?: bigint;
  /** Where the fault address came from, for the message (`CR2`, `the header`). */
  faultAddressSource?: string;
  /** The report header, to tell BUG from WARN. */
  header?: string;
  arch: Arch;
}

export interface TrapExplanation {
  /** One line for code lenses: `ud2 (BUG/WARN)`, `str x1, [x0, #8]: x0 = NULL → NULL + 0x8`. */
  short: string;
  markdown: string;
  /** Computed effective address of the trapping memory operand, when all registers were known. */
  effectiveAddress?: bigint;
}

const hex = (v: bigint) => '0x' + v.toString(16);

/** Maps a disassembler register name to the name the register dump uses (lower case) and its width. */
export function dumpRegister(name: string, isa: Isa): { key: string; bits: number } | undefined {
  const n = name.toLowerCase().replace(/^%/, '');
  if (isa === 'x86_64' || isa === 'i386') {
    let m = /^[re]?(ax|bx|cx|dx|si|di|bp|sp)$/.exec(n);
    if (m) return { key: (isa === 'i386' ? 'e' : 'r') + m[1], bits: n.startsWith('r') ? 64 : n.startsWith('e') ? 32 : 16 };
    m = /^r(\d+)([dwb]?)$/.exec(n);
    if (m) return { key: 'r' + m[1].padStart(2, '0'), bits: m[2] === 'd' ? 32 : m[2] === 'w' ? 16 : m[2] === 'b' ? 8 : 64 };
    if (n === 'fs' || n === 'gs') return { key: n, bits: 64 };
    return undefined;
  }
  if (isa === 'arm64') {
    const m = /^([xw])(\d+)$/.exec(n);
    if (m) return { key: 'x' + m[2], bits: m[1] === 'w' ? 32 : 64 };
    if (n === 'sp' || n === 'wsp') return { key: 'sp', bits: 64 };
    if (n === 'fp') return { key: 'x29', bits: 64 };
    if (n === 'lr') return { key: 'x30', bits: 64 };
    return undefined;
  }
  const alias: Record<string, string> = { sb: 'r9', sl: 'r10', r11: 'fp', r12: 'ip', r13: 'sp', r14: 'lr', r15: 'pc' };
  return { key: alias[n] ?? n, bits: 32 };
}

function regValue(name: string, isa: Isa, ctx: TrapContext): { key: string; value?: bigint } {
  const r = dumpRegister(name, isa);
  if (!r) return { key: name.toUpperCase() };
  let v = ctx.registers.get(r.key);
  // arm dumps name r11/r12 fp/ip; accept either spelling.
  if (v === undefined && isa !== 'arm64' && isa !== 'x86_64' && isa !== 'i386') v = ctx.registers.get(name.toLowerCase());
  if (v !== undefined && r.bits < 64) v &= (1n << BigInt(r.bits)) - 1n;
  return { key: r.key, value: v };
}

function display(key: string, isa: Isa): string {
  return isa === 'x86_64' || isa === 'i386' ? key.toUpperCase() : key;
}

function bugOrWarn(header?: string): string {
  if (header && /WARNING:/.test(header)) return 'WARN()/WARN_ON() trap: the kernel records the warning and continues';
  if (header && /kernel BUG at|BUG: failure/.test(header)) return 'BUG()/BUG_ON() trap: the assertion named in `kernel BUG at` failed';
  return 'BUG()/BUG_ON() or WARN() trap (the bug table entry for this address says which; see `kernel BUG at` / `WARNING:` above)';
}

/** Explains the trapping instruction of a disassembly; undefined when there is none. */
export function explainTrap(d: Disassembly, ctx: TrapContext): TrapExplanation | undefined {
  const t = d.insns.find((i) => i.trap);
  if (!t) return undefined;
  const text = `${t.mnemonic}${t.operands ? ' ' + t.operands : ''}`;
  if (t.truncated || t.invalid) {
    return { short: 'trap: undecodable bytes', markdown: `The bytes at the trap (\`${t.hex}\`) do not decode to a valid instruction: the CPU jumped into the middle of an instruction or into data (a corrupted function pointer or return address), or the dump is damaged.` };
  }
  const special = specialTrap(t, d.isa, ctx);
  if (special) return special;
  if (t.memory) return memoryTrap(t, text, d.isa, ctx);
  if (/^(call|jmp)/.test(t.mnemonic) && /^\*?%?[a-z0-9]+$/.test(t.operands.replace(/^\*/, ''))) {
    const reg = t.operands.replace(/^\*%?/, '');
    const r = regValue(reg, d.isa, ctx);
    if (r.value !== undefined) {
      const c = classifyValue(r.value, ctx.arch);
      return { short: `${text}: ${display(r.key, d.isa)} = ${c.summary}`, markdown: `The trapping instruction \`${text}\` is an indirect branch through ${display(r.key, d.isa)} = \`${hex(r.value)}\` — ${c.summary}. ${c.detail}` };
    }
  }
  return { short: `trap: ${text}`, markdown: `The CPU was executing \`${text}\` when the exception was taken.` };
}

function specialTrap(t: Insn, isa: Isa, ctx: TrapContext): TrapExplanation | undefined {
  const mn = t.mnemonic;
  if (isa === 'x86_64' || isa === 'i386') {
    if (mn === 'ud2') return { short: `ud2 (${/WARNING:/.test(ctx.header ?? '') ? 'WARN' : 'BUG/WARN'})`, markdown: `\`ud2\` is the x86 ${bugOrWarn(ctx.header)}. The code is fine here; the condition tested just before it failed.` };
    if (mn === 'ud1' || mn === 'ud0') return { short: `${mn} (UBSAN/BUG trap)`, markdown: `\`${mn}\` raises #UD on purpose: recent kernels use \`ud1\` for UBSAN traps (CONFIG_UBSAN_TRAP) and some BUG variants.` };
    if (mn === 'int3') return { short: 'int3', markdown: '`int3` (0xcc) is a breakpoint: kprobes/ftrace/static-call patching place it, and compilers pad between functions with it. Trapping on padding means control flow went astray (a bad jump or return address).' };
    if (/^(div|idiv)/.test(mn)) {
      const reg = t.operands.replace(/^%/, '');
      const r = regValue(reg, isa, ctx);
      const v = r.value !== undefined ? ` (${display(r.key, isa)} = \`${hex(r.value)}\`${r.value === 0n ? ': **division by zero**' : ''})` : '';
      return { short: `${mn}: division${r.value === 0n ? ' by zero' : ''}`, markdown: `\`${mn} ${t.operands}\` divides by its operand${v}; a divide error means it was zero or the quotient overflowed.` };
    }
    if (mn === 'hlt') return { short: 'hlt', markdown: '`hlt`: the CPU was idle or halted (NMI backtrace of an idle CPU).' };
    return undefined;
  }
  if (isa === 'arm64' && mn === 'brk') {
    const imm = Number(/#(0x[0-9a-f]+|\d+)/i.exec(t.operands)?.[1] ?? NaN);
    const meaning = Number.isNaN(imm) ? undefined : brkImmediateMeaning(imm);
    const isBug = imm === 0x800;
    return {
      short: `brk #0x${imm.toString(16)} (${isBug ? (/WARNING:/.test(ctx.header ?? '') ? 'WARN' : 'BUG/WARN') : meaning?.split(' (')[0] ?? 'BRK'})`,
      markdown: isBug ? `\`brk #0x800\` is the arm64 ${bugOrWarn(ctx.header)}.` : `\`brk #0x${imm.toString(16)}\`: ${meaning ?? 'a BRK with an immediate the kernel does not assign'}.`,
    };
  }
  if ((isa === 'arm' && t.hex === 'e7f001f2') || (isa === 'thumb' && t.hex === 'de02')) {
    return { short: 'BUG trap (udf)', markdown: `\`${t.hex}\` is the 32-bit ARM BUG_INSTR (an undefined instruction): ${bugOrWarn(ctx.header)}.` };
  }
  if (mn === 'udf') return { short: 'udf (undefined instruction)', markdown: '`udf` is a permanently undefined instruction used as a trap (BUG, UBSAN or CFI on some configurations).' };
  return undefined;
}

function memoryTrap(t: Insn, text: string, isa: Isa, ctx: TrapContext): TrapExplanation {
  const m = t.memory!;
  const parts: string[] = [];
  const known: string[] = [];
  let ea: bigint | undefined = m.displacement;
  const mask = isa === 'x86_64' || isa === 'arm64' ? (1n << 64n) - 1n : 0xffffffffn;
  let baseDesc = '';
  if (m.base === 'rip' || m.base === 'eip') {
    if (t.address === undefined) ea = undefined; // iced already resolved the displacement against a made-up IP
  } else if (m.base) {
    const b = regValue(m.base, isa, ctx);
    if (b.value === undefined) { ea = undefined; parts.push(`${display(b.key, isa)} (not in the register dump)`); }
    else {
      ea = ea! + b.value;
      const c = classifyValue(b.value, ctx.arch);
      baseDesc = `${display(b.key, isa)} = \`${hex(b.value)}\` (${c.summary})`;
      known.push(baseDesc);
    }
  }
  if (m.index) {
    const x = regValue(m.index, isa, ctx);
    if (x.value === undefined || ea === undefined) { ea = undefined; parts.push(`${display(x.key, isa)} (not in the register dump)`); }
    else { ea += x.value * BigInt(m.scale); known.push(`${display(x.key, isa)} = \`${hex(x.value)}\`${m.scale !== 1 ? ` × ${m.scale}` : ''}`); }
  }
  if (m.segment && ea !== undefined) {
    const s = ctx.registers.get(m.segment);
    if (s === undefined) ea = undefined;
    else { ea += s; known.push(`${m.segment.toUpperCase()} base = \`${hex(s)}\` (per-CPU area)`); }
  }
  if (m.postIndex && ea !== undefined) ea -= m.displacement; // post-index: the access uses the base alone
  if (ea !== undefined) ea &= mask;

  const lines = [`The trapping instruction \`${text}\` accesses memory at ${describeOperand(m, isa)}.`];
  if (known.length) lines.push('', ...known.map((k) => `- ${k}`));
  if (parts.length) lines.push('', `Unknown: ${parts.join(', ')}.`);
  if (ea === undefined) return { short: `${text}`, markdown: lines.join('\n') };
  const c = classifyValue(ea, ctx.arch);
  lines.push('', `Effective address = \`${hex(ea)}\` — **${c.summary}**.`, '', c.detail);
  let short = `${text}: address ${hex(ea)} (${c.summary})`;
  if (ctx.faultAddress !== undefined) {
    const src = ctx.faultAddressSource ?? 'the fault address';
    if (ctx.faultAddress === ea) {
      lines.push('', `This matches ${src} (\`${hex(ctx.faultAddress)}\`): this access is the fault.`);
      short += ` = ${src}`;
    } else {
      lines.push('', `${src} is \`${hex(ctx.faultAddress)}\`, not \`${hex(ea)}\`: the registers may have changed since, or a different access (e.g. a page-table walk or the other operand) faulted.`);
    }
  }
  return { short, markdown: lines.join('\n'), effectiveAddress: ea };
}

function describeOperand(m: NonNullable<Insn['memory']>, isa: Isa): string {
  const terms: string[] = [];
  if (m.segment) terms.push(`${m.segment.toUpperCase()} base`);
  if (m.base) terms.push(display(dumpRegister(m.base, isa)?.key ?? m.base, isa));
  if (m.index) terms.push(`${display(dumpRegister(m.index, isa)?.key ?? m.index, isa)}${m.scale !== 1 ? `×${m.scale}` : ''}`);
  if (m.displacement !== 0n && !m.postIndex) terms.push(m.displacement < 0n ? `(−${hex(-m.displacement)})` : hex(m.displacement));
  return terms.length ? terms.join(' + ') : hex(m.displacement);
}
