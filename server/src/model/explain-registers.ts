// Registers that are not pointers: x86 segment selectors and EFLAGS, arm64 PSTATE.
// Sources: arch/x86/include/asm/segment.h (GDT selectors), arch/x86/include/uapi/asm/processor-flags.h
// (EFLAGS bits), arch/arm64/kernel/process.c __show_regs()/print_pstate() (the pstate line) and
// arch/arm64/include/uapi/asm/ptrace.h (PSR_* bits).

/** x86 selectors as printed in `RIP: 0010:` / `RSP: 0018:` / `CS: 0010`. */
const SELECTORS: Record<string, string> = {
  '0010': '`__KERNEL_CS` (x86-64): the CPU was executing kernel code',
  '0018': '`__KERNEL_DS` (x86-64): kernel stack segment',
  '0033': '`__USER_CS` (x86-64): the CPU was in 64-bit user space',
  '002b': '`__USER_DS` (x86-64): user stack segment',
  '0023': '`__USER32_CS` (x86-64): a 32-bit (compat) user task',
  '0060': '`__KERNEL_CS` (i386): the CPU was executing kernel code',
  '0068': '`__KERNEL_DS` (i386): kernel data/stack segment',
  '0073': '`__USER_CS` (i386): the CPU was in user space',
  '007b': '`__USER_DS` (i386): user data/stack segment',
  '0000': 'null selector (unused segment)',
};

export function selectorMarkdown(sel: string): string {
  const s = sel.toLowerCase();
  const known = SELECTORS[s];
  const rpl = parseInt(s, 16) & 3;
  return `**Segment selector \`${s}\`** — ${known ?? 'not a standard Linux selector'}; privilege level ${rpl}${rpl === 0 ? ' (kernel)' : rpl === 3 ? ' (user)' : ''}.`;
}

/** EFLAGS bits (processor-flags.h X86_EFLAGS_*). */
export const EFLAGS: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'CF', 'carry'], [2, 'PF', 'parity'], [4, 'AF', 'auxiliary carry'], [6, 'ZF', 'zero'], [7, 'SF', 'sign'],
  [8, 'TF', 'trap (single-step)'], [9, 'IF', 'interrupts enabled'], [10, 'DF', 'direction (string ops go down)'],
  [11, 'OF', 'overflow'], [14, 'NT', 'nested task'], [16, 'RF', 'resume'], [17, 'VM', 'virtual-8086 mode'],
  [18, 'AC', 'alignment check / SMAP override (user access allowed: inside a uaccess section)'], [19, 'VIF', 'virtual interrupt'],
  [20, 'VIP', 'virtual interrupt pending'], [21, 'ID', 'CPUID available'],
];

export function eflagsMarkdown(value: number): string {
  const set = EFLAGS.filter(([bit]) => (value >>> bit) & 1);
  const iopl = (value >>> 12) & 3;
  const lines = [`**EFLAGS** \`0x${value.toString(16).padStart(8, '0')}\`: ${set.map(([, n]) => n).join(' ') || 'no flags'}${iopl ? ` IOPL=${iopl}` : ''}`, ''];
  lines.push((value >>> 9) & 1 ? '- IF = 1: interrupts were **enabled**' : '- IF = 0: interrupts were **disabled** (inside a spinlock_irqsave, an interrupt handler, or local_irq_disable())');
  if ((value >>> 18) & 1) lines.push('- AC = 1: SMAP is lifted — the code was inside a user-access section (stac/clac)');
  if ((value >>> 8) & 1) lines.push('- TF = 1: single-stepping (a debugger or kprobe)');
  for (const [bit, name, meaning] of set) if (bit !== 9 && bit !== 18 && bit !== 8) lines.push(`- ${name}: ${meaning}`);
  return lines.join('\n');
}

const EL_MODES: Record<number, string> = { 0x0: 'EL0t (user)', 0x4: 'EL1t', 0x5: 'EL1h (kernel, SP_EL1)', 0x8: 'EL2t', 0x9: 'EL2h (hypervisor)' };

/** arm64 `pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)`. */
export function pstateMarkdown(value: number): string {
  const bit = (b: number) => (value >>> b) & 1;
  const nzcv = `${bit(31) ? 'N' : 'n'}${bit(30) ? 'Z' : 'z'}${bit(29) ? 'C' : 'c'}${bit(28) ? 'V' : 'v'}`;
  const daif = `${bit(9) ? 'D' : 'd'}${bit(8) ? 'A' : 'a'}${bit(7) ? 'I' : 'i'}${bit(6) ? 'F' : 'f'}`;
  const mode = value & 0xf;
  const lines = [
    `**arm64 PSTATE** \`0x${value.toString(16).padStart(8, '0')}\`: ${nzcv} ${daif}, ${bit(4) ? 'AArch32 state' : EL_MODES[mode] ?? `mode 0x${mode.toString(16)}`}`,
    '',
    `- NZCV \`${nzcv}\`: condition flags (upper case = set)`,
    `- DAIF \`${daif}\`: upper case = masked — D debug, A SError, I IRQ, F FIQ${bit(7) ? '; **IRQs were masked** (interrupts disabled)' : '; IRQs were enabled'}`,
    `- PAN = ${bit(22)}: ${bit(22) ? 'privileged access never is on: kernel accesses to user memory fault' : 'PAN off (inside a uaccess routine, or unsupported)'}`,
    `- UAO = ${bit(23)}, TCO = ${bit(25)} (MTE tag checks ${bit(25) ? 'suppressed' : 'active'}), DIT = ${bit(24)}, SSBS = ${bit(12)}, BTYPE = ${(value >>> 10) & 3}`,
  ];
  return lines.join('\n');
}

/** CR0 bits (processor-flags.h X86_CR0_*). */
export const CR0_BITS: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'PE', 'protection enable'], [1, 'MP', 'monitor coprocessor'], [2, 'EM', 'FPU emulation'], [3, 'TS', 'task switched (lazy FPU)'],
  [4, 'ET', 'extension type'], [5, 'NE', 'numeric error'], [16, 'WP', 'write protect: the kernel honours read-only pages'],
  [18, 'AM', 'alignment mask'], [29, 'NW', 'not write-through'], [30, 'CD', 'cache disable'], [31, 'PG', 'paging'],
];

/** CR4 bits (processor-flags.h X86_CR4_*). */
export const CR4_BITS: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'VME', 'vm86 extensions'], [1, 'PVI', 'protected-mode virtual interrupts'], [2, 'TSD', 'rdtsc restricted to ring 0'],
  [3, 'DE', 'debugging extensions'], [4, 'PSE', 'page size extensions'], [5, 'PAE', 'physical address extensions'],
  [6, 'MCE', 'machine check enable'], [7, 'PGE', 'global pages'], [8, 'PCE', 'user rdpmc'], [9, 'OSFXSR', 'fxsave/fxrstor'],
  [10, 'OSXMMEXCPT', 'unmasked SSE exceptions'], [11, 'UMIP', 'user-mode instruction prevention'],
  [12, 'LA57', '5-level page tables: kernel addresses are ff11..., canonical up to bit 56'], [13, 'VMXE', 'VMX virtualization'],
  [14, 'SMXE', 'safer mode (TXT)'], [16, 'FSGSBASE', 'rd/wr fs/gs base'], [17, 'PCIDE', 'process-context identifiers'],
  [18, 'OSXSAVE', 'xsave'], [19, 'KL', 'key locker'], [20, 'SMEP', 'the kernel cannot execute user pages'],
  [21, 'SMAP', 'the kernel cannot touch user pages outside uaccess sections'], [22, 'PKE', 'protection keys (user)'],
  [23, 'CET', 'control-flow enforcement (shadow stack / IBT)'], [24, 'PKS', 'protection keys (supervisor)'],
];

function bitsMarkdown(name: string, value: bigint, table: ReadonlyArray<readonly [number, string, string]>, extra: string[]): string {
  const set = table.filter(([b]) => ((value >> BigInt(b)) & 1n) === 1n);
  return [`**${name}** \`0x${value.toString(16)}\`: ${set.map(([, n]) => n).join(' ') || 'no known bits'}`, '', ...extra, ...set.map(([, n, m]) => `- ${n}: ${m}`)].join('\n');
}

export function cr0Markdown(value: bigint): string {
  const wp = (value >> 16n) & 1n;
  return bitsMarkdown('CR0', value, CR0_BITS, wp ? [] : ['- **WP = 0**: write protection is off — the kernel can write read-only pages (text_poke, or tampering)']);
}

export function cr4Markdown(value: bigint): string {
  const has = (b: number) => ((value >> BigInt(b)) & 1n) === 1n;
  const extra = [
    `- SMEP ${has(20) ? 'on' : '**off**'}, SMAP ${has(21) ? 'on' : '**off**'}${has(12) ? ', **5-level paging (LA57)**' : ', 4-level paging'}`,
  ];
  return bitsMarkdown('CR4', value, CR4_BITS, extra);
}

export function cr3Markdown(value: bigint): string {
  return `**CR3** \`0x${value.toString(16)}\`: physical address of the top-level page table (PGD) of the current address space${value & 0xfffn ? `; low 12 bits = PCID ${value & 0xfffn}` : ''}${value >> 63n ? '; bit 63: no TLB flush on switch' : ''}.`;
}
