// arm64 ESR_ELx (Exception Syndrome Register) decoding, and the `Mem abort info:` / `Data abort info:`
// lines the kernel prints from it. Sources: arch/arm64/include/asm/esr.h (EC values, ISS fields),
// arch/arm64/kernel/traps.c esr_class_str[] (class names), arch/arm64/mm/fault.c fault_info[] (fault
// status names; 6.9+ names for level 0/-1 entries), arch/arm64/include/asm/brk-imm.h (BRK immediates).

/** EC value -> [kernel name (esr_class_str), ESR_ELx_EC_* constant, what it means]. */
export const ESR_CLASSES: ReadonlyMap<number, readonly [string, string, string]> = new Map([
  [0x00, ['Unknown/Uncategorized', 'UNKNOWN', 'an unknown reason, typically an undefined/unallocated instruction (kernel: `undefined instruction`)']],
  [0x01, ['WFI/WFE', 'WFx', 'a trapped WFI/WFE instruction']],
  [0x03, ['CP15 MCR/MRC', 'CP15_32', 'a trapped AArch32 CP15 register access']],
  [0x04, ['CP15 MCRR/MRRC', 'CP15_64', 'a trapped AArch32 CP15 64-bit register access']],
  [0x05, ['CP14 MCR/MRC', 'CP14_MR', 'a trapped AArch32 CP14 register access']],
  [0x06, ['CP14 LDC/STC', 'CP14_LS', 'a trapped AArch32 CP14 load/store']],
  [0x07, ['ASIMD', 'FP_ASIMD', 'an FP/Advanced SIMD access trapped (e.g. FP used in kernel without kernel_neon_begin)']],
  [0x08, ['CP10 MRC/VMRS', 'CP10_ID', 'a trapped AArch32 VMRS access']],
  [0x09, ['PAC', 'PAC', 'a trapped pointer authentication instruction']],
  [0x0c, ['CP14 MCRR/MRRC', 'CP14_64', 'a trapped AArch32 CP14 64-bit access']],
  [0x0d, ['BTI', 'BTI', 'a branch target identification violation: an indirect branch landed on a non-BTI instruction']],
  [0x0e, ['PSTATE.IL', 'ILL', 'an illegal execution state']],
  [0x11, ['SVC (AArch32)', 'SVC32', 'a 32-bit system call']],
  [0x12, ['HVC (AArch32)', 'HVC32', 'a 32-bit hypervisor call']],
  [0x13, ['SMC (AArch32)', 'SMC32', 'a 32-bit secure monitor call']],
  [0x15, ['SVC (AArch64)', 'SVC64', 'a system call']],
  [0x16, ['HVC (AArch64)', 'HVC64', 'a hypervisor call']],
  [0x17, ['SMC (AArch64)', 'SMC64', 'a secure monitor call']],
  [0x18, ['MSR/MRS (AArch64)', 'SYS64', 'a trapped system register access (MSR/MRS/SYS)']],
  [0x19, ['SVE', 'SVE', 'a trapped SVE access']],
  [0x1a, ['ERET/ERETAA/ERETAB', 'ERET', 'a trapped ERET']],
  [0x1c, ['FPAC', 'FPAC', 'a pointer authentication failure (corrupted return address or signed pointer)']],
  [0x1d, ['SME', 'SME', 'a trapped SME access']],
  [0x1f, ['EL3 IMP DEF', 'IMP_DEF', 'an implementation-defined exception to EL3']],
  [0x20, ['IABT (lower EL)', 'IABT_LOW', 'an instruction abort from user space']],
  [0x21, ['IABT (current EL)', 'IABT_CUR', 'an instruction abort in the kernel: it jumped to an unmapped or non-executable address']],
  [0x22, ['PC Alignment', 'PC_ALIGN', 'a misaligned PC: a jump to a corrupted address']],
  [0x24, ['DABT (lower EL)', 'DABT_LOW', 'a data abort from user space']],
  [0x25, ['DABT (current EL)', 'DABT_CUR', 'a data abort in the kernel: a load/store to a bad address']],
  [0x26, ['SP Alignment', 'SP_ALIGN', 'a misaligned stack pointer']],
  [0x27, ['MOPS', 'MOPS', 'a memory copy/set (FEAT_MOPS) exception']],
  [0x28, ['FP (AArch32)', 'FP_EXC32', 'a trapped 32-bit floating-point exception']],
  [0x2c, ['FP (AArch64)', 'FP_EXC64', 'a trapped floating-point exception']],
  [0x2d, ['Guarded Control Stack', 'GCS', 'a guarded control stack (shadow stack) violation']],
  [0x2f, ['SError', 'SERROR', 'an asynchronous system error (SError): usually a hardware or bus error, often reported late']],
  [0x30, ['Breakpoint (lower EL)', 'BREAKPT_LOW', 'a hardware breakpoint from user space']],
  [0x31, ['Breakpoint (current EL)', 'BREAKPT_CUR', 'a hardware breakpoint in the kernel']],
  [0x32, ['Software Step (lower EL)', 'SOFTSTP_LOW', 'a single-step from user space']],
  [0x33, ['Software Step (current EL)', 'SOFTSTP_CUR', 'a single-step in the kernel']],
  [0x34, ['Watchpoint (lower EL)', 'WATCHPT_LOW', 'a watchpoint hit from user space']],
  [0x35, ['Watchpoint (current EL)', 'WATCHPT_CUR', 'a watchpoint hit in the kernel']],
  [0x38, ['BKPT (AArch32)', 'BKPT32', 'a 32-bit BKPT instruction']],
  [0x3a, ['Vector catch (AArch32)', 'VECTOR32', 'an AArch32 vector catch']],
  [0x3c, ['BRK (AArch64)', 'BRK64', 'a BRK instruction: BUG()/WARN(), KASAN, UBSAN or CFI traps use it']],
]);

/** Fault status code (DFSC/IFSC, ISS[5:0]) -> fault_info[] name. */
const FSC_NAMES: readonly string[] = (() => {
  const t: string[] = [];
  for (let i = 0; i < 64; i++) t.push(`unknown ${i}`);
  const set = (i: number, n: string) => { t[i] = n; };
  set(0, 'ttbr address size fault');
  for (let l = 1; l <= 3; l++) set(l, `level ${l} address size fault`);
  for (let l = 0; l <= 3; l++) set(4 + l, `level ${l} translation fault`);
  for (let l = 0; l <= 3; l++) set(8 + l, `level ${l} access flag fault`);
  for (let l = 0; l <= 3; l++) set(12 + l, `level ${l} permission fault`);
  set(16, 'synchronous external abort');
  set(17, 'synchronous tag check fault');
  for (let l = -1; l <= 3; l++) set(20 + l, `level ${l} (translation table walk)`);
  set(24, 'synchronous parity or ECC error');
  for (let l = -1; l <= 3; l++) set(28 + l, `level ${l} synchronous parity error (translation table walk)`);
  set(33, 'alignment fault');
  set(41, 'level -1 address size fault');
  set(43, 'level -1 translation fault');
  set(48, 'TLB conflict abort');
  set(49, 'Unsupported atomic hardware update fault');
  set(52, 'implementation fault (lockdown abort)');
  set(53, 'implementation fault (unsupported exclusive)');
  set(61, 'section domain fault');
  set(62, 'page domain fault');
  return t;
})();

export function faultStatusName(fsc: number): string {
  return FSC_NAMES[fsc & 0x3f];
}

/** What a fault status class usually means for the reader. */
function fscHint(fsc: number): string {
  if (fsc >= 4 && fsc <= 7) return 'the address is not mapped (no page-table entry at that level): a bad pointer';
  if (fsc === 43) return 'the address is not mapped (no page-table entry at that level): a bad pointer';
  if (fsc >= 8 && fsc <= 11) return 'the access flag was clear (normally handled silently)';
  if (fsc >= 12 && fsc <= 15) return 'the page is mapped but the access is not allowed (write to read-only, execute of non-executable, PAN)';
  if (fsc === 16 || (fsc >= 19 && fsc <= 23)) return 'the memory system reported an external abort: hardware, device or firmware problem';
  if (fsc === 17) return 'MTE tag mismatch: a use-after-free or out-of-bounds access caught by memory tagging';
  if (fsc === 33) return 'a misaligned access (device memory, exclusive or atomic access)';
  if (fsc <= 3 || fsc === 41) return 'the address is larger than the configured address space: a corrupted pointer';
  return '';
}

/** BRK immediates from brk-imm.h, as [low, high, meaning]. */
const BRK_IMMEDIATES: ReadonlyArray<readonly [number, number, string]> = [
  [0x004, 0x004, 'kprobe (KPROBES_BRK_IMM)'],
  [0x005, 0x005, 'uprobe (UPROBES_BRK_IMM)'],
  [0x006, 0x006, 'kprobe single-step (KPROBES_BRK_SS_IMM)'],
  [0x007, 0x007, 'kretprobe trampoline (KRETPROBES_BRK_IMM)'],
  [0x100, 0x100, 'a deliberate fault (FAULT_BRK_IMM)'],
  [0x400, 0x400, 'KGDB dynamic breakpoint (KGDB_DYN_DBG_BRK_IMM)'],
  [0x401, 0x401, 'KGDB compiled-in breakpoint (KGDB_COMPILED_DBG_BRK_IMM)'],
  [0x402, 0x7ff, 'KGDB breakpoint range'],
  [0x800, 0x800, 'BUG() / BUG_ON() / WARN() (BUG_BRK_IMM): see `kernel BUG at` or `WARNING:` above'],
  [0x900, 0x9ff, 'tag-based KASAN report (KASAN_BRK_IMM | access info)'],
  [0x5500, 0x55ff, 'UBSAN trap (UBSAN_BRK_IMM, low byte = check kind)'],
  [0x8000, 0x83ff, 'Clang kCFI failure (CFI_BRK_IMM_BASE | type/target registers): an indirect call to a function with the wrong prototype'],
];

export function brkImmediateMeaning(imm: number): string | undefined {
  for (const [lo, hi, meaning] of BRK_IMMEDIATES) if (imm >= lo && imm <= hi) return meaning;
  return undefined;
}

export interface EsrField {
  name: string;
  value: number;
  meaning: string;
}

export interface EsrDecoded {
  esr: bigint;
  ec: number;
  ecName: string;
  ecConst: string;
  ecMeaning: string;
  il: number;
  iss: number;
  iss2: number;
  kind: 'data-abort' | 'instruction-abort' | 'brk' | 'other';
  fields: EsrField[];
  fsc?: { code: number; name: string; hint: string };
  /** Data aborts: 1 = write, 0 = read (only meaningful when CM = 0). */
  wnr?: number;
  brk?: { imm: number; meaning?: string };
}

const bit = (v: number, b: number) => (v >>> b) & 1;

export function decodeEsr(esr: bigint): EsrDecoded {
  const low = Number(esr & 0xffffffffn);
  const iss2 = Number((esr >> 32n) & 0xffffffn);
  const ec = (low >>> 26) & 0x3f;
  const il = bit(low, 25);
  const iss = low & 0x1ffffff;
  const cls = ESR_CLASSES.get(ec);
  const d: EsrDecoded = {
    esr, ec, il, iss, iss2,
    ecName: cls?.[0] ?? 'UNRECOGNIZED EC', ecConst: cls ? `ESR_ELx_EC_${cls[1]}` : '', ecMeaning: cls?.[2] ?? 'a reserved/unknown exception class',
    kind: 'other', fields: [],
  };
  const f = (name: string, value: number, meaning: string) => d.fields.push({ name, value, meaning });
  f('IL', il, il ? '32-bit instruction' : '16-bit instruction (or not applicable)');
  if (ec === 0x24 || ec === 0x25 || ec === 0x20 || ec === 0x21) {
    const data = ec === 0x24 || ec === 0x25;
    d.kind = data ? 'data-abort' : 'instruction-abort';
    const fsc = iss & 0x3f;
    d.fsc = { code: fsc, name: faultStatusName(fsc), hint: fscHint(fsc) };
    if (data) {
      const isv = bit(iss, 24);
      f('ISV', isv, isv ? 'instruction syndrome valid: access size and register below' : 'no instruction syndrome (normal for most kernel faults)');
      if (isv) {
        f('SAS', (iss >>> 22) & 3, `access size ${1 << ((iss >>> 22) & 3)} byte(s)`);
        f('SSE', bit(iss, 21), bit(iss, 21) ? 'sign-extended load' : 'no sign extension');
        f('SRT', (iss >>> 16) & 0x1f, `transfer register x${(iss >>> 16) & 0x1f}`);
        f('SF', bit(iss, 15), bit(iss, 15) ? '64-bit register' : '32-bit register');
        f('AR', bit(iss, 14), bit(iss, 14) ? 'acquire/release semantics' : 'no acquire/release');
      }
    }
    f('SET', (iss >>> 11) & 3, 'synchronous error type (meaningful for external aborts)');
    f('FnV', bit(iss, 10), bit(iss, 10) ? 'FAR is NOT valid: the printed address is unreliable' : 'FAR (the faulting address) is valid');
    f('EA', bit(iss, 9), bit(iss, 9) ? 'external abort' : 'not an external abort');
    if (data) f('CM', bit(iss, 8), bit(iss, 8) ? 'the fault came from a cache maintenance instruction' : 'not a cache maintenance operation');
    f('S1PTW', bit(iss, 7), bit(iss, 7) ? 'fault during a stage-2 walk for a stage-1 page-table access' : 'not on a stage-1 table walk');
    if (data) {
      d.wnr = bit(iss, 6);
      f('WnR', d.wnr, d.wnr ? 'write: the faulting access was a store' : 'read: the faulting access was a load');
    }
    f(data ? 'DFSC' : 'IFSC', fsc, `${d.fsc.name}${d.fsc.hint ? ` — ${d.fsc.hint}` : ''}`);
  } else if (ec === 0x3c) {
    d.kind = 'brk';
    const imm = iss & 0xffff;
    d.brk = { imm, meaning: brkImmediateMeaning(imm) };
    f('comment', imm, `brk #0x${imm.toString(16)}: ${d.brk.meaning ?? 'an unknown BRK immediate'}`);
  }
  return d;
}

const hex = (v: number | bigint, w = 0) => '0x' + v.toString(16).padStart(w, '0');

export function esrMarkdown(esr: bigint): string {
  const d = decodeEsr(esr);
  const lines = [
    `**arm64 ESR** \`${hex(esr, 8)}\`: EC = \`${hex(d.ec, 2)}\` **${d.ecName}**${d.ecConst ? ` (\`${d.ecConst}\`)` : ''} — ${d.ecMeaning}`,
    '',
    ...d.fields.map((x) => `- ${x.name} = ${x.name.endsWith('FSC') ? hex(x.value, 2) : x.value}: ${x.meaning}`),
  ];
  if (d.iss2) lines.push(`- ISS2 = ${hex(d.iss2)}`);
  if (d.kind === 'data-abort' && d.fsc) {
    lines.push('', `A kernel ${d.wnr ? 'store to' : 'load from'} the faulting address failed with a ${d.fsc.name}.`);
  }
  return lines.join('\n');
}

/**
 * Explains one line of the `Mem abort info:` / `Data abort info:` block (`ESR = 0x...`, `EC = 0x25: ...`,
 * `FSC = 0x06: ...`, `CM = 0, WnR = 1`, ...), or an `ESR: 0x... -- BRK (AArch64)` line.
 */
export function memAbortLineMarkdown(text: string): string | undefined {
  const t = text.trim();
  let m = /^ESR\s*[=:]\s*0x([0-9a-fA-F]+)/.exec(t);
  if (m) return esrMarkdown(BigInt('0x' + m[1]));
  m = /^EC\s*=\s*0x([0-9a-fA-F]+)/.exec(t);
  if (m) {
    const ec = parseInt(m[1], 16);
    const cls = ESR_CLASSES.get(ec);
    const il = /IL = (\d+) bits/.exec(t);
    return `**Exception class** \`${hex(ec, 2)}\` ${cls ? `**${cls[0]}** (\`ESR_ELx_EC_${cls[1]}\`) — ${cls[2]}` : 'unknown/reserved'}` +
      (il ? `\n\nIL = ${il[1]} bits: the trapped instruction was ${il[1]}-bit.` : '');
  }
  m = /^[DI]?FSC\s*=\s*0x([0-9a-fA-F]+)/.exec(t);
  if (m) {
    const fsc = parseInt(m[1], 16);
    const hint = fscHint(fsc);
    return `**Fault status code** \`${hex(fsc, 2)}\`: ${faultStatusName(fsc)}${hint ? `\n\n${hint}` : ''}`;
  }
  const parts: string[] = [];
  const fieldRe = /\b(ISV|ISS2?|CM|WnR|SET|FnV|EA|S1PTW|SSE|SRT|SF|AR|TnD|TagAccess|GCS|Overlay|DirtyBit|Xs|Access size)\s*=\s*(0x[0-9a-fA-F]+|\d+)/g;
  for (const f of t.matchAll(fieldRe)) parts.push(fieldMeaning(f[1], Number(f[2])));
  return parts.length ? parts.join('\n') : undefined;
}

function fieldMeaning(name: string, v: number): string {
  const text: Record<string, string> = {
    ISV: v ? 'ISV = 1: instruction syndrome valid (size/register fields follow)' : 'ISV = 0: no instruction syndrome (usual for kernel faults)',
    ISS: `ISS = ${hex(v, 8)}: the instruction-specific syndrome (low 25 bits of ESR)`,
    ISS2: `ISS2 = ${hex(v, 8)}: extra syndrome bits (ESR[55:32])`,
    CM: v ? 'CM = 1: caused by a cache maintenance instruction' : 'CM = 0: not a cache maintenance instruction',
    WnR: v ? 'WnR = 1: **write** — the faulting access was a store' : 'WnR = 0: **read** — the faulting access was a load',
    SET: `SET = ${v}: synchronous error type (for external aborts)`,
    FnV: v ? 'FnV = 1: the fault address (FAR) is NOT valid' : 'FnV = 0: the fault address (FAR) is valid',
    EA: v ? 'EA = 1: external abort (hardware/bus)' : 'EA = 0: not an external abort',
    S1PTW: v ? 'S1PTW = 1: fault on a stage-2 translation of a stage-1 table walk' : 'S1PTW = 0: not on a stage-1 table walk',
    SSE: `SSE = ${v}: ${v ? 'sign-extended load' : 'no sign extension'}`,
    SRT: `SRT = ${v}: the transfer register is x${v}`,
    SF: `SF = ${v}: ${v ? '64-bit' : '32-bit'} register`,
    AR: `AR = ${v}: ${v ? 'acquire/release' : 'no acquire/release'} semantics`,
    TnD: `TnD = ${v}: ${v ? 'tag not data access (MTE)' : 'data access'}`,
    TagAccess: `TagAccess = ${v}: ${v ? 'MTE tag access' : 'not an MTE tag access'}`,
    GCS: `GCS = ${v}: ${v ? 'guarded control stack access' : 'not a guarded control stack access'}`,
    Overlay: `Overlay = ${v}: ${v ? 'permission overlay fault' : 'no permission overlay fault'}`,
    DirtyBit: `DirtyBit = ${v}: ${v ? 'hardware dirty-state update fault' : 'no dirty-state fault'}`,
    Xs: `Xs = ${v}: execute-never state of the permission fault`,
    'Access size': `Access size = ${v} byte(s)`,
  };
  return `- ${text[name] ?? `${name} = ${v}`}`;
}
