// x86 page-fault error codes, `#PF:` lines and the `Oops: 0002 [#1] PREEMPT SMP NOPTI` die header.
// Sources: arch/x86/include/asm/trap_pf.h (error code bits), arch/x86/mm/fault.c show_fault_oops()
// (the `#PF:` wording), arch/x86/kernel/dumpstack.c __die_header() and arch/arm64/kernel/traps.c die()
// (the header words).
import { mdText } from './markdown';

export interface PfBit {
  bit: number;
  name: string;
  /** Meaning when set / when clear (clear is empty when the bit has no "clear" meaning). */
  set: string;
  clear: string;
}

/** enum x86_pf_error_code (trap_pf.h); SHSTK is 6.6+, RMP (SEV-SNP) 6.11+. */
export const X86_PF_BITS: readonly PfBit[] = [
  { bit: 0, name: 'X86_PF_PROT', set: 'protection fault: the page was present but the access was not allowed', clear: 'no page found: the address is not mapped' },
  { bit: 1, name: 'X86_PF_WRITE', set: 'write access', clear: 'read access' },
  { bit: 2, name: 'X86_PF_USER', set: 'user-mode access', clear: 'kernel-mode (supervisor) access' },
  { bit: 3, name: 'X86_PF_RSVD', set: 'use of a reserved bit detected in a page-table entry (page tables are corrupt)', clear: '' },
  { bit: 4, name: 'X86_PF_INSTR', set: 'the fault was an instruction fetch', clear: '' },
  { bit: 5, name: 'X86_PF_PK', set: 'protection keys blocked the access', clear: '' },
  { bit: 6, name: 'X86_PF_SHSTK', set: 'shadow stack access', clear: '' },
  { bit: 15, name: 'X86_PF_SGX', set: 'SGX MMU page fault', clear: '' },
  { bit: 31, name: 'X86_PF_RMP', set: 'RMP violation (AMD SEV-SNP)', clear: '' },
];

export interface PfDecoded {
  code: number;
  /** One line per meaningful bit, in bit order. */
  meanings: { bit: number; name: string; set: boolean; text: string }[];
  /** Bits set that the table does not know. */
  unknownBits: number[];
  /** The kernel's own one-line summary (`not-present page`, `permissions violation` ...). */
  kind: string;
  access: string;
}

export function decodeX86PfError(code: number): PfDecoded {
  const meanings: PfDecoded['meanings'] = [];
  let known = 0;
  for (const b of X86_PF_BITS) {
    const mask = 2 ** b.bit;
    known += mask;
    const isSet = Math.floor(code / mask) % 2 === 1;
    const text = isSet ? b.set : b.clear;
    if (text) meanings.push({ bit: b.bit, name: b.name, set: isSet, text });
  }
  const unknownBits: number[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const mask = 2 ** bit;
    if (Math.floor(code / mask) % 2 === 1 && Math.floor(known / mask) % 2 === 0) unknownBits.push(bit);
  }
  const has = (bit: number) => Math.floor(code / 2 ** bit) % 2 === 1;
  // Same precedence as show_fault_oops().
  const kind = !has(0) ? 'not-present page' : has(3) ? 'reserved bit violation' : has(5) ? 'protection keys violation' : 'permissions violation';
  const access = `${has(2) ? 'user' : 'supervisor'} ${has(4) ? 'instruction fetch' : has(1) ? 'write access' : 'read access'}`;
  return { code, meanings, unknownBits, kind, access };
}

export function pfErrorMarkdown(code: number): string {
  const d = decodeX86PfError(code);
  const lines = [
    `**x86 page-fault error code** \`0x${code.toString(16).padStart(4, '0')}\`: ${d.access}, ${d.kind}`,
    '',
    ...d.meanings.map((m) => `- bit ${m.bit} \`${m.name}\` = ${m.set ? 1 : 0}: ${m.text}`),
    ...d.unknownBits.map((b) => `- bit ${b} set: unknown bit (not in trap_pf.h)`),
  ];
  const has = (bit: number) => Math.floor(code / 2 ** bit) % 2 === 1;
  if (!has(2) && !has(0)) lines.push('', 'A kernel-mode access to an unmapped address: a bad pointer (NULL, freed, uninitialised or corrupted).');
  else if (!has(2) && has(0) && has(1)) lines.push('', 'A kernel write to a present but read-only page: e.g. writing to const data/rodata or to a write-protected page.');
  if (!has(2) && has(4)) lines.push('', 'The kernel tried to execute at this address: a corrupted function pointer or return address, or NX/SMEP caught an exploit attempt.');
  return lines.join('\n');
}

/** Explains a `#PF: ...` line: either the access summary or `error_code(0x0002) - not-present page`. */
export function pfLineMarkdown(text: string): string | undefined {
  const code = /#PF:\s*error_code\(0x([0-9a-fA-F]+)\)/.exec(text);
  if (code) return pfErrorMarkdown(parseInt(code[1], 16));
  const access = /#PF:\s*(user|supervisor)\s+(instruction fetch|write access|read access)\s+in\s+(user|kernel)\s+mode/.exec(text);
  if (!access) return undefined;
  const [, who, what, mode] = access;
  const lines = [
    `**x86 page fault**: a ${who === 'user' ? 'user-mode (CPL 3)' : 'supervisor (kernel-mode)'} ${what} while the CPU was in ${mode} mode.`,
  ];
  if (who === 'supervisor' && mode === 'kernel') lines.push('', 'The kernel itself touched the address (see CR2 / the `address:` in the header).');
  if (what === 'instruction fetch') lines.push('', 'An instruction fetch fault means a jump/call to a bad address: check RIP against the faulting address.');
  return lines.join('\n');
}

/** Trap names printed by die() on x86 before `: %04lx [#N]`, with what they usually mean. */
const X86_TRAPS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Oops$/, 'a page fault the kernel could not handle; the 4 hex digits are the page-fault error code'],
  [/^general protection fault/, 'general protection fault (#GP): usually a non-canonical address (corrupted pointer, poison value, KASAN shadow of a bad pointer) or a privileged operation; the error code is a segment selector, usually 0'],
  [/^invalid opcode/, 'invalid opcode (#UD): on x86 BUG() and a failed BUG_ON() execute `ud2`; look for `kernel BUG at file:line` just above'],
  [/^divide error/, 'divide error (#DE): integer division by zero or quotient overflow'],
  [/^int3/, 'breakpoint (#BP): an `int3` was hit outside a debugger/kprobe (e.g. padding between functions reached by a bad jump)'],
  [/^stack segment/, 'stack segment fault (#SS): a non-canonical stack address or stack corruption'],
  [/^double fault/, 'double fault (#DF): a fault while delivering another fault, typically a kernel stack overflow'],
  [/^(segment not present|invalid TSS|alignment check|coprocessor segment overrun|bounds|overflow|debug)/, 'a CPU exception the kernel did not expect in kernel mode'],
  [/^(control protection|missing ENDBR)/, 'control-flow protection (CET/IBT): an indirect branch landed on an instruction without ENDBR'],
];

export interface DieHeader {
  /** The trap/str part: `Oops`, `general protection fault, probably for non-canonical address 0x...`, `Oops - BUG`. */
  str: string;
  /** The error code as printed (hex digits). */
  code: string;
  count: number;
  words: string[];
  arch: 'x86' | 'arm64' | 'arm' | 'unknown';
}

// `Oops: 0002 [#1] PREEMPT SMP NOPTI`, `general protection fault, ...: 0000 [#1] SMP KASAN`,
// 6.9+: `Oops: general protection fault, ...: 0000 [#1]`, arm64: `Internal error: Oops: 0000000096000046 [#1] SMP`.
const DIE_RE = /(?:Internal error: )?((?:Oops: )?[A-Za-z][^\[]*?): ([0-9a-fA-F]+) \[#(\d+)\]((?: [A-Z_0-9=a-z]+)*)\s*$/;

export function parseDieHeader(text: string): DieHeader | undefined {
  const m = DIE_RE.exec(text);
  if (!m) return undefined;
  const str = m[1].trim();
  const words = m[4].trim().split(/\s+/).filter(Boolean);
  const internal = text.includes('Internal error:');
  const arch: DieHeader['arch'] = internal ? (m[2].length === 16 || m[2].length === 8 ? 'arm64' : 'arm') : m[2].length === 4 ? 'x86' : 'unknown';
  return { str, code: m[2], count: parseInt(m[3], 10), words, arch };
}

const WORDS: Record<string, string> = {
  PREEMPT: 'the kernel is preemptible (CONFIG_PREEMPTION: PREEMPT or PREEMPT_DYNAMIC)',
  PREEMPT_RT: 'a real-time kernel (CONFIG_PREEMPT_RT)',
  SMP: 'built for multiprocessor systems (CONFIG_SMP)',
  DEBUG_PAGEALLOC: 'page allocation debugging is on: freed pages are unmapped, so use-after-free faults immediately',
  KASAN: 'built with the Kernel Address Sanitizer (CONFIG_KASAN)',
  PTI: 'page-table isolation (Meltdown mitigation) is active',
  NOPTI: 'page-table isolation is built in but off on this CPU/boot',
  ARM: 'a 32-bit ARM kernel (ARM instruction set)',
  THUMB2: 'a 32-bit ARM kernel built in Thumb-2 mode',
};

function trapMeaning(str: string, arch: DieHeader['arch']): string | undefined {
  const s = str.replace(/^Oops: /, '').replace(/^Oops - /, '');
  if (/^Oops$/.test(str)) {
    if (arch === 'arm64') return 'the kernel could not handle a synchronous exception (usually a data or instruction abort); the value is the ESR';
    if (arch === 'arm') return 'the kernel could not handle a fault; the value is the fault status';
    return X86_TRAPS[0][1];
  }
  for (const [re, meaning] of X86_TRAPS) if (re.test(s)) return meaning;
  if (/^BUG$/.test(s)) return 'BUG() or a failed BUG_ON() (arm64: `brk #0x800`)';
  if (/^undefined instruction/.test(s)) return 'an undefined instruction was executed in kernel mode';
  if (/^Oops/.test(str)) return 'the kernel could not handle an exception';
  return undefined;
}

/** Markdown for a die header line; `esrMarkdown` is supplied by the caller for arm64 (keeps modules small). */
export function dieHeaderMarkdown(text: string, esrMarkdown?: (esr: bigint) => string): string | undefined {
  const h = parseDieHeader(text);
  if (!h) return undefined;
  const lines: string[] = [];
  const meaning = trapMeaning(h.str, h.arch);
  lines.push(`**${mdText(h.str)}**${meaning ? `: ${meaning}` : ''}`, '');
  const nth = h.count === 1 ? 'the first oops since boot' : `oops number ${h.count} since boot: an earlier oops happened, which may be the real cause (read it first)`;
  lines.push(`- \`[#${h.count}]\` — ${nth}`);
  if (h.arch === 'x86') {
    const code = parseInt(h.code, 16);
    if (/^Oops$|^Oops: Oops$/.test(h.str) || /page fault/.test(h.str)) {
      const d = decodeX86PfError(code);
      lines.push(`- \`${h.code}\` — page-fault error code: ${d.access}, ${d.kind}`);
    } else {
      lines.push(`- \`${h.code}\` — exception error code${code === 0 ? ' (0: no selector involved)' : ''}`);
    }
  } else if (h.arch === 'arm64') {
    lines.push(`- \`${h.code}\` — the ESR (Exception Syndrome Register) value`);
  } else if (h.arch === 'arm') {
    lines.push(`- \`${h.code}\` — the fault status (FSR) / error code`);
  }
  for (const w of h.words) lines.push(`- \`${w}\` — ${WORDS[w] ?? 'build/configuration word (not known to Oops Lens)'}`);
  if (h.arch === 'arm64' && esrMarkdown && /^[0-9a-fA-F]+$/.test(h.code)) lines.push('', esrMarkdown(BigInt('0x' + h.code)));
  return lines.join('\n');
}
