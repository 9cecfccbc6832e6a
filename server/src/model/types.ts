// The crash model: what every feature reads. Pure data, no I/O.
// Positions are 0-based lines and UTF-16 columns of the ORIGINAL document text
// (so features can hand them to LSP directly); `logLine` in CLI output is line + 1.

export type Arch = 'x86_64' | 'i386' | 'arm64' | 'arm' | 'riscv' | 'powerpc' | 'unknown';

/** A place in the document: one line, [start, end) columns. */
export interface Span {
  line: number;
  start: number;
  end: number;
}

/** One physical line after its printk/syslog prefix was recognised. */
export interface LogLine {
  /** 0-based line number in the document. */
  line: number;
  /** The original line without its line terminator. */
  raw: string;
  /** Column in `raw` where the message text begins (after timestamp/caller/level/syslog prefixes). */
  textStart: number;
  /** The message text: raw.slice(textStart), with ANSI escapes removed if present. */
  text: string;
  /** `[   12.345678]` seconds, if present. */
  timestamp?: number;
  /** printk caller id: `T123` (task) or `C1` (CPU), if present. */
  caller?: string;
  /** `<4>` console level, if present. */
  level?: number;
}

export type ReportKind =
  | 'oops'            // page fault / NULL deref / paging request / GPF / Internal error
  | 'bug'             // kernel BUG at, BUG: <other>
  | 'warning'         // WARNING: / WARN_ON
  | 'kasan' | 'kmsan' | 'kcsan' | 'kfence' | 'ubsan'
  | 'lockdep'         // possible deadlock, circular locking, lock held when returning...
  | 'softlockup' | 'hardlockup' | 'hung-task' | 'rcu-stall'
  | 'panic'
  | 'leak'
  | 'other'
  | 'dump';           // a stack dump that is not a crash (sysrq-t task, NMI backtrace, show_stack)

/** Why a frame was printed, which decides how it is symbolized. */
export type FrameSource =
  | 'rip'        // x86 `RIP: 0010:func+off/size` (exact PC)
  | 'pc'         // arm64/riscv `pc : func+off/size` (exact PC)
  | 'lr'         // arm64 `lr : func+off/size` (return address)
  | 'trace'      // a line in a call trace (return address unless `(P)`/exception entry)
  | 'mention'    // `%pS` inside a message, e.g. `Allocated by task` lines, `last function:`
  | 'crash-bt'   // crash(8) `bt` frame `#N [sp] func at addr`
  | 'crash-exception'; // crash(8) `[exception RIP: func+29]` (decimal offset)

export interface Frame {
  /** Span of the whole frame text (function through `[module]`). */
  span: Span;
  /** Span of just the function name: where hovers and go-to-definition attach. */
  nameSpan: Span;
  function: string;
  offset?: number;
  size?: number;
  module?: string;
  buildId?: string;
  /** `?` prefix: the unwinder is not sure this frame is real. */
  unreliable: boolean;
  /** true when the address is the faulting/current PC itself, false when it is a return address. */
  exact: boolean;
  source: FrameSource;
  /** Raw address printed next to the frame (`[<ffffffff81058e5d>]`, crash `at ffffffff...`), hex without 0x. */
  address?: string;
  /** `(P)` / `(C)` tags of newer arm64 / x86 traces. */
  tag?: string;
  /** file:line already printed in a syzbot-symbolized report (`fs/file.c:123 [inline]`). */
  file?: string;
  fileLine?: number;
  /** true for syzbot `[inline]` lines (a frame inlined into the next one). */
  inline?: boolean;
}

export type StackKind =
  | 'task' | 'irq' | 'softirq' | 'nmi' | 'exception'
  | 'allocated' | 'freed' | 'last-aux' | 'lockdep' | 'other';

export interface Stack {
  kind: StackKind;
  /** Heading as printed: `Call Trace:`, `<IRQ>`, `Allocated by task 123:`, `-> #1 (&mm->mmap_sem){++++}:`. */
  label: string;
  startLine: number;
  endLine: number;
  frames: Frame[];
}

export interface Register {
  name: string;     // `RAX`, `x0`, `pc`, `CR2`, `ESR` ...
  value: string;    // hex digits as printed (no 0x)
  span: Span;       // span of `NAME: value`
}

export interface CodeDump {
  span: Span;
  /** Bytes (x86) or instruction words (arm64, as printed) in order. */
  bytes: string[];
  /** Index into `bytes` of the trapping byte/word (`<0f>` / `(d4200000)`), -1 when not marked. */
  trapIndex: number;
  /** 'byte' for x86 `Code:` lines, 'word' for arm64 (`d4200000`), 'half' for thumb/16-bit words. */
  unit: 'byte' | 'word' | 'half';
}

export interface KernelInfo {
  /** `6.1.0-56-amd64` */
  release?: string;
  /** `#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2` (everything after the release on the CPU line). */
  version?: string;
  /** Where the release was read from. */
  span?: Span;
}

export interface Taint {
  /** Taint letters as printed (`G           OE`: letters without spaces and `G`, e.g. "OE"). */
  letters: string;
  /** Span of `Tainted: G           OE` / `Not tainted`. */
  span: Span;
}

export interface Report {
  kind: ReportKind;
  /** syzkaller crash type: `KASAN-USE-AFTER-FREE-READ`, `WARNING`, `HANG`, `DoS`, `UNKNOWN` ... */
  type: string;
  /** syzkaller-compatible title. */
  title: string;
  /** Alternative acceptable titles (syzkaller `alt`), e.g. `bad-access in foo`. */
  altTitles: string[];
  /** Guilty function name, or undefined when the report is corrupted/has no usable frame. */
  guiltyFrame?: string;
  /** The frame object the title was taken from, when there is one. */
  guilty?: Frame;
  corrupted: boolean;
  corruptedReason?: string;
  /** The oops header line (`BUG: ...`, `WARNING: ...`), span of its text. */
  header: Span;
  headerText: string;
  startLine: number;
  endLine: number;
  /** Lines (0-based) that belong to this report (caller-id filtered). */
  lines: number[];
  arch: Arch;
  cpu?: number;
  pid?: number;
  comm?: string;
  kernel: KernelInfo;
  taint?: Taint;
  hardware?: string;
  registers: Register[];
  code?: CodeDump;
  /** `Kernel Offset: 0x2000000 from 0xffffffff81000000` as hex digits of the offset. */
  kernelOffset?: string;
  modules?: { names: string[]; span: Span; endLine: number };
  stacks: Stack[];
  /** Convenience: every frame of every stack in document order (plus RIP/pc/lr frames). */
  frames: Frame[];
  /** Sections worth folding/outlining: register dump, modules, code, hexdumps... */
  sections: Section[];
}

export interface Section {
  kind: 'registers' | 'modules' | 'code' | 'hexdump' | 'stack' | 'memory-info' | 'other';
  label: string;
  startLine: number;
  endLine: number;
}

/** A crash(8) transcript: commands and their outputs. Filled by the crash-session parser. */
export interface CrashCommand {
  prompt: string;        // `crash> `, `crash-arm64> `
  command: string;       // `bt -l`
  span: Span;            // the command text
  line: number;          // prompt line
  outputStart: number;   // first output line
  outputEnd: number;     // last output line (>= outputStart - 1; empty output = line)
}

/** One `dis` output line: `0xffffffffc03044aa <evalcrash_null_deref+24>:\tmovq $0x1234,0x8(%rax)`. */
export interface CrashInstruction {
  line: number;
  address: string;
  function: string;
  offset: number;
  text: string;
  /** true when this is the instruction at the session's exception RIP/pc. */
  faulting: boolean;
  span: Span;
}

/** A task header in `bt` output: `PID: 1  TASK: ffff...  CPU: 1  COMMAND: "init"`. */
export interface CrashTask {
  line: number;
  pid: number;
  task: string;
  cpu: number;
  command: string;
}

/** A (symbol, runtime address) pair seen in the session, from which the KASLR slide can be derived. */
export interface CrashAddressFact {
  function: string;
  offset: number;
  address: string;
  module?: string;
  line: number;
}

export interface CrashSession {
  commands: CrashCommand[];
  /** crash's start-up banner and warnings (before the first prompt), if pasted. */
  banner?: { startLine: number; endLine: number; crashVersion?: string; warnings: { line: number; text: string }[] };
  /** Error lines crash printed (`crash: invalid structure member name: x`). */
  errors: { line: number; text: string }[];
  tasks: CrashTask[];
  instructions: CrashInstruction[];
  facts: CrashAddressFact[];
  /** Any kernel-looking hex address in the session (bt `at ...`, `sym` args, `rd`), for hovers. */
  addresses: { span: Span; value: string }[];
  /** `sys` header values: KERNEL, DUMPFILE, RELEASE, VERSION, PANIC ... */
  sys: Record<string, { value: string; span: Span }>;
  /** Frames from `bt` outputs (source 'crash-bt' / 'crash-exception'). */
  frames: Frame[];
  /** Module bases from `mod` output: name -> base address (hex). */
  modules: Record<string, string>;
}

/** The whole parsed document. */
export interface CrashLog {
  lines: LogLine[];
  /** Crash reports in document order (the first is the primary one). */
  reports: Report[];
  /** Stack dumps outside crash reports (sysrq-t tasks, NMI backtraces): kind 'dump', title = its context line. */
  dumps: Report[];
  /** Every frame in the document (reports, dumps, mentions, crash session), in document order. */
  frames: Frame[];
  /** Present when the text is (or contains) a crash(8) transcript. */
  session?: CrashSession;
  /** Kernel info of the boot as a whole (`Linux version ...` banner), if printed. */
  banner?: KernelInfo;
  /**
   * Set when the text is bigger than what is analysed: more lines than MAX_LINES (`lines` ends
   * there), or more reports than MAX_REPORTS (headers from line `reportsFrom` on are not reports).
   */
  truncated?: { totalLines: number; reportsFrom?: number };
}
