// What a report header means and where to look next, for readers without a vmlinux.
// Wording follows the kernel's own messages (mm/kasan/report.c, arch/x86/mm/fault.c, kernel/watchdog.c,
// kernel/hung_task.c, kernel/rcu/tree_stall.h, kernel/locking/lockdep.c, lib/bug.c, kernel/panic.c).
import type { ReportKind } from './types';

interface HeaderRule {
  re: RegExp;
  title: string;
  text: string;
}

// Most specific first.
const RULES: readonly HeaderRule[] = [
  { re: /KASAN: null-ptr-deref/, title: 'KASAN: NULL pointer dereference', text: 'KASAN saw an access near address 0 (the range is printed). A NULL struct pointer was dereferenced at the field offset shown.' },
  { re: /KASAN: (slab-)?use-after-free/, title: 'KASAN: use-after-free', text: 'Memory was accessed after it was freed. The report prints the access stack, then `Allocated by task` and `Freed by task` stacks: the bug is usually a missing reference count or a lifetime mismatch between the freeing and the accessing path.' },
  { re: /KASAN: double-free|KASAN: invalid-free|double-free or invalid-free/, title: 'KASAN: double free / invalid free', text: 'An object was freed twice, or a pointer that is not the start of an allocation was freed. Compare the two `Freed by` stacks.' },
  { re: /KASAN: (slab|global|stack|vmalloc|alloca|user-memory)-out-of-bounds|KASAN: out-of-bounds/, title: 'KASAN: out-of-bounds access', text: 'An access past the end (or before the start) of an object. The report says how many bytes into which region of which size: an off-by-one, a bad length or a bad index.' },
  { re: /KASAN: wild-memory-access/, title: 'KASAN: wild memory access', text: 'An access to an address that is not in any known memory region: a garbage pointer.' },
  { re: /KASAN: (.*)/, title: 'KASAN report', text: 'The Kernel Address Sanitizer caught an invalid memory access; the access type, size and address are on the next lines.' },
  { re: /KFENCE: use-after-free/, title: 'KFENCE: use-after-free', text: 'KFENCE (sampling memory-safety detector) caught an access to a freed object; allocation and free stacks follow.' },
  { re: /KFENCE: out-of-bounds/, title: 'KFENCE: out-of-bounds', text: 'KFENCE caught an access just outside a sampled object (into its guard page).' },
  { re: /KFENCE: (.*)/, title: 'KFENCE report', text: 'KFENCE, the low-overhead sampling memory-error detector, caught a memory error.' },
  { re: /KMSAN: uninit-value|KMSAN: (.*)/, title: 'KMSAN: use of uninitialised value', text: 'A value computed from uninitialised memory was used (branch, pointer, copy to user). `Uninit was created at` shows where the memory came from.' },
  { re: /KCSAN: data-race|KCSAN: (.*)/, title: 'KCSAN: data race', text: 'Two CPUs accessed the same memory concurrently, at least one writing, without synchronisation. Both stacks are printed; decide whether it needs a lock, READ_ONCE/WRITE_ONCE or is benign (data_race()).' },
  { re: /UBSAN: (.*)/, title: 'UBSAN: undefined behaviour', text: 'The Undefined Behaviour Sanitizer caught an operation C leaves undefined (array index out of bounds, shift too large, signed overflow, invalid bool/enum load...). The file:line of the expression is printed.' },
  { re: /BUG: kernel NULL pointer dereference/, title: 'NULL pointer dereference', text: 'The kernel read or wrote near address 0. The printed address is the field offset inside a structure whose pointer was NULL; `#PF:` lines say read/write; RIP/pc points at the instruction.' },
  { re: /Unable to handle kernel NULL pointer dereference/, title: 'NULL pointer dereference (arm)', text: 'The kernel accessed an address below PAGE_SIZE: a NULL structure pointer plus a field offset. `Mem abort info:` decodes the ESR (WnR says read or write).' },
  { re: /BUG: unable to handle (page fault|kernel paging request)|Unable to handle kernel paging request/, title: 'Bad kernel memory access (page fault)', text: 'The kernel accessed an address that is not mapped (or not with those permissions). Classify the address: poison pattern, user address, freed vmalloc memory, or a stale pointer.' },
  { re: /Unable to handle kernel (write to read-only memory|execute from non-executable memory|read from unreadable memory|access to user memory)/, title: 'Kernel permission fault (arm64)', text: 'The page is mapped but the access is not allowed: a write to rodata/text, executing data, or touching user memory outside uaccess helpers (PAN).' },
  { re: /BUG: kernel tried to execute NX-protected page|unable to execute userspace code \(SMEP\?\)/, title: 'Execution of non-executable memory', text: 'The CPU jumped to data or user memory: a corrupted function pointer or return address (or an exploit attempt).' },
  { re: /general protection fault/, title: 'General protection fault', text: 'On x86-64 usually an access through a **non-canonical** address (a corrupted pointer): poison values 0x6b6b.. (use-after-free), 0xdead000000000100/0x122 (LIST_POISON, use after list_del), or a KASAN shadow address (`probably for non-canonical address 0xdffffc...`: KASAN decodes the real pointer in the next words).' },
  { re: /kernel BUG at|BUG: failure at|Oops - BUG/, title: 'BUG() / BUG_ON()', text: 'An assertion in the code failed and the kernel stopped this task (`ud2` on x86, `brk #0x800` on arm64). The file:line printed is the BUG_ON(); read its condition.' },
  { re: /invalid opcode:/, title: 'Invalid opcode (#UD)', text: 'On x86 BUG()/BUG_ON() execute `ud2`, so this is usually a BUG_ON: see `kernel BUG at` above. Otherwise the CPU executed garbage.' },
  { re: /BUG: soft lockup/, title: 'Soft lockup', text: 'A CPU ran kernel code for more than ~20 s (2 × watchdog_thresh) without scheduling: an endless loop, or waiting on a lock/condition without sleeping. The stack shows where it spins.' },
  { re: /(hard LOCKUP|Watchdog detected hard LOCKUP)/, title: 'Hard lockup', text: 'A CPU did not take timer interrupts for ~10 s: it spins with interrupts disabled (lock taken in IRQ context and process context without _irqsave, or an endless loop with IRQs off).' },
  { re: /INFO: task .* blocked for more than|task .* blocked for more than \d+ seconds/, title: 'Hung task', text: 'A task stayed in uninterruptible sleep (D state) longer than hung_task_timeout_secs: it waits for a lock, I/O or completion that never comes. Look for who holds the lock (`Showing all locks held`).' },
  { re: /rcu.*(detected stall|self-detected stall)|rcu_(sched|preempt) detected stalls|detected stalls on CPUs\/tasks/, title: 'RCU stall', text: 'A CPU or task did not pass through an RCU quiescent state for a long time (~21 s): a long loop without cond_resched(), interrupts/preemption disabled too long, or a stuck CPU.' },
  { re: /possible circular locking dependency/, title: 'Lockdep: possible deadlock (lock order inversion)', text: 'Two locks are taken in opposite orders on different paths (`-> #N` chain). Not yet deadlocked, but it can. Fix the lock ordering.' },
  { re: /possible recursive locking|possible deadlock|inconsistent lock state|lock held when returning|bad unlock balance|held lock freed|suspicious RCU usage|sleeping function called from invalid context|scheduling while atomic/, title: 'Locking / context bug', text: 'A lock or context rule was broken: sleeping in atomic context, recursive locking, IRQ-safety mismatch, or an RCU-protected pointer used without protection. The message names the lock and the rule.' },
  { re: /^WARNING: |WARNING: CPU: /, title: 'WARNING (WARN_ON)', text: 'A WARN_ON()/WARN() condition was true. The kernel continues, but the state it warns about is unexpected; the file:line is the WARN_ON. Taint `W` is set from now on.' },
  { re: /Kernel panic - not syncing/, title: 'Kernel panic', text: 'The kernel stopped. The reason follows `not syncing:`; often the consequence of an earlier oops (`Fatal exception`, `panic_on_oops`) or a deliberate trigger (sysrq `c`).' },
  { re: /Bad page (state|map)/, title: 'Bad page state', text: 'A page had unexpected flags, mapcount or refcount when freed or mapped: memory corruption or a refcount bug. Taint `B` is set.' },
  { re: /list_(add|del) corruption|list_add_valid|list_del_entry_valid/, title: 'List corruption', text: 'CONFIG_DEBUG_LIST found a broken linked list: next/prev do not point back, or an entry is LIST_POISON (already deleted). Usually a use-after-free or a missing lock.' },
  { re: /refcount_t: (underflow|overflow|saturated|addition on 0|decrement hit 0)/, title: 'Reference count error', text: 'A refcount_t went below zero or was incremented from zero: a put without a get (use-after-free ahead).' },
  { re: /stack-protector: Kernel stack is corrupted|stack guard page was hit|kernel stack overflow|corrupted stack end detected/, title: 'Kernel stack overflow / corruption', text: 'A stack buffer overflow, or recursion ran past the end of the kernel stack.' },
  { re: /memory leak|unreferenced object/, title: 'Memory leak (kmemleak)', text: 'kmemleak found an allocation no pointer refers to any more. The backtrace is where it was allocated.' },
  { re: /Internal error: /, title: 'Internal error (arm/arm64 oops)', text: 'The arm/arm64 die() header; the hex value is the ESR (arm64) or FSR (arm). The lines above decode it.' },
  { re: /BUG: workqueue lockup/, title: 'Workqueue lockup', text: 'A workqueue pool made no progress for a long time.' },
  { re: /^BUG: /, title: 'Kernel BUG report', text: 'A kernel self-check failed; the rest of the line says which.' },
];

const KIND_TEXT: Record<ReportKind, string> = {
  oops: 'An oops: the kernel took an exception it could not handle in kernel mode; the task was killed and the kernel continues (unless panic_on_oops).',
  bug: 'A BUG: an assertion or self-check failed.',
  warning: 'A warning: the kernel continues.',
  kasan: 'A KASAN report: an invalid memory access caught by the address sanitizer.',
  kmsan: 'A KMSAN report: use of uninitialised memory.',
  kcsan: 'A KCSAN report: a data race.',
  kfence: 'A KFENCE report: a sampled memory error.',
  ubsan: 'A UBSAN report: undefined behaviour.',
  lockdep: 'A lockdep report: a locking rule was broken.',
  softlockup: 'A soft lockup: a CPU did not schedule for too long.',
  hardlockup: 'A hard lockup: a CPU did not take interrupts for too long.',
  'hung-task': 'A hung task: a task slept uninterruptibly for too long.',
  'rcu-stall': 'An RCU stall: a grace period could not complete.',
  panic: 'A panic: the kernel stopped.',
  leak: 'A memory leak report.',
  other: 'A kernel report.',
  dump: 'A stack dump that is not a crash (sysrq-t task list, NMI backtrace, show_stack).',
};

/** Markdown explaining a report header line; `kind` is used when no specific rule matches. */
export function reportHeaderMarkdown(header: string, kind?: ReportKind): string | undefined {
  for (const r of RULES) if (r.re.test(header)) return `**${r.title}**\n\n${r.text}`;
  return kind ? KIND_TEXT[kind] : undefined;
}

export function reportKindText(kind: ReportKind): string {
  return KIND_TEXT[kind];
}
