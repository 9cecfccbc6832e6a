// The table of oops headers: which console lines start a crash report, what kind of report
// each one is, and how its syzkaller-compatible title is formed.
//
// The rules (header strings, per-format title patterns and templates, stack recipes, skip
// lists) follow syzkaller's Linux report parser (pkg/report/linux.go and report.go,
// https://github.com/google/syzkaller, Copyright 2015 syzkaller project authors,
// Apache License 2.0), re-expressed as data for this parser.
import type { ReportKind } from './types';

/** Marker in a stack recipe: "parse a stack trace from here". */
export const STACK = Symbol('stack');
export type StackPart = RegExp | typeof STACK;

export interface StackRecipe {
  /** Matched in order over the report lines; capture groups yield frames. */
  parts: StackPart[];
  /** Tried when `parts` yields no usable frame. */
  parts2?: StackPart[];
  /** Extra function-name patterns to skip (regex fragments, matched anywhere in the name). */
  skip?: string[];
  /** Custom choice among all collected frames. */
  extractor?: 'stall' | 'hang';
}

export interface OopsFormat {
  /** Matched against the report text (lines joined by \n); the earliest match wins. */
  title: RegExp;
  /** When present, must also match; its groups (instead of the title's) feed the template. */
  report?: RegExp;
  /** Title template: `{N}` = N-th capture (1-based), then one slot per extracted stack frame. */
  fmt: string;
  alt?: string[];
  stack?: StackRecipe;
  /** The report legitimately has no `Call Trace:`; do not call it corrupted for lacking one. */
  noStackTrace?: boolean;
  /** Matching this format means the report is damaged (e.g. only half a header survived). */
  corrupted?: boolean;
}

export interface OopsHeader {
  /** The literal substring that makes a line a header. */
  header: string;
  formats: OopsFormat[];
  /** Lines containing the header string that are not crashes. */
  suppress: RegExp[];
  /** Report kind when no kind rule below is more specific. */
  kind: ReportKind;
}

export interface HeaderMatch {
  kind: ReportKind;
  /** The header line continues a report already open (`invalid opcode:` after `kernel BUG`,
   *  `Kernel panic - not syncing` after an Oops, `Internal error:` after `Unable to handle`). */
  continuation?: boolean;
  /** Index into OOPSES of the header family. */
  oops: number;
}

// ---- Building blocks of the patterns (syzkaller's {{PC}}, {{FUNC}}, {{SRC}}, {{TASK}}) ----
const PC = String.raw`\[<?(?:0x)?[0-9a-f]+>?\]`;
const FUNC = String.raw`([a-zA-Z0-9_]+)(?:\.|\+)`;
const SRC = String.raw`([a-zA-Z0-9_/.\-]+\.[a-z]+:[0-9]+)`;
const TASK = String.raw`[\s\S]{0,100}?`;
/** Any run of lines, lazily: syzkaller's `(?:.*\n)+?`. */
const LINES = String.raw`(?:.*\n)+?`;

function re(src: string, flags = ''): RegExp {
  return new RegExp(src.replace(/\{\{PC\}\}/g, PC).replace(/\{\{FUNC\}\}/g, FUNC).replace(/\{\{SRC\}\}/g, SRC).replace(/\{\{TASK\}\}/g, TASK).replace(/\{\{LINES\}\}/g, LINES), flags);
}

/** The exact-PC line of a report: x86 `RIP:`/`IP:`, powerpc `NIP`, arm64 `pc :`, arm `PC is at`. */
export const RIP_FRAME = re(String.raw`(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\[< *\(null\)>\] +\(null\)|[0-9]+: +\(null\))`);
export const CALL_TRACE = /Call (?:T|t)race:|Backtrace:/;

/** Lines that start a stack trace. */
export const RISCV_STACK_START = /status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}/;
export const STACK_STARTS: RegExp[] = [
  /Call (?:T|t)race/,
  /Allocated:/,
  /Allocated by task [0-9]+:/,
  /Freed:/,
  /Freed by task [0-9]+:/,
  // `backtrace:` of kmemleak (with optional crc), but not lockdep's `stack backtrace:`.
  /[^k] backtrace(?: \(crc [0-9A-Fa-f]*\))?:/,
  /Backtrace:/,
  /Uninit was stored to memory at/,
  RISCV_STACK_START,
];

/** A line that is a stack frame; the groups are function names. */
export const FRAME_LINES: RegExp[] = [
  re(String.raw`^ *(?:{{PC}} ){0,2}{{FUNC}}`),
  // 32-bit arm: `[<pc>] (callee) from [<pc>] (caller+0x...)`.
  re(String.raw`^ *{{PC}} \(([a-zA-Z0-9_.]+)\) from {{PC}} \({{FUNC}}`),
];

/** Fault-injection frames interleaved with a report make it untrustworthy. */
export const CORRUPTED_LINES: RegExp[] = [
  /^( \[<?(?:0x)?[0-9a-f]+>?\])? should_fail(slab)?(\.[a-z0-9.]+)?\+0x/,
];

/** Syscall entry prefixes removed from frame names (`__x64_sys_foo` -> `foo`). */
export const STRIP_FRAME_PREFIXES = [
  'SYSC_', 'SyS_', 'sys_', '__x64_', '__ia32_', '__arm64_', '____sys_', '___sys_', '__sys_',
  '__se_', '__se_sys_', '__do_sys_', 'compat_SYSC_', 'compat_SyS_', 'ksys_',
];

/** Infrastructure functions that are never the guilty frame (regex fragments). */
export const SKIP_FRAMES: string[] = [
  // sanitizers and their reporting
  '__sanitizer', '__asan', 'kasan', 'hwasan', '__msan', 'kmsan', 'kcsan_setup_watchpoint',
  'check_memory_region', 'check_heap_object', 'check_object', 'read_word_at_a_time',
  '(read|write)_once_.*nocheck', 'print_address_description', 'panic', 'invalid_op',
  'report_bug', 'fixup_bug', 'print_report', 'print_usage_bug', 'do_error', '_trap$|do_trap',
  // stack dumping, warnings
  'show_stack', 'dump_stack', 'walk_stack', 'dump_backtrace', 'warn_slowpath', 'warn_alloc',
  'warn_bogus', '__warn',
  // allocators and page cache
  'alloc_page', 'k?v?(?:m|z|c)alloc', 'krealloc', 'kmem_cache', 'allocate_slab',
  '__alloc_frozen_pages_noprof', 'folio_(?:alloc|unlock)', 'filemap_alloc_folio',
  '__filemap_get_folio', 'find_or_create_page', 'do_read_cache_folio', 'read_cache_page',
  'pagecache_get_page', 'grab_cache_page_write_begin', 'slab_', 'debug_object',
  'timer_is_static_object', 'work_is_static_object', '__might_fault',
  // locking
  'print_unlock', 'imbalance_bug', 'lockdep', 'bh_enable', 'bh_disable', 'perf_trace',
  'lock_acquire', 'lock_release', 'lock_class', 'mark_lock', '(reacquire|mark)_held_locks',
  'raw_spin_rq', 'spin_lock', 'spin_trylock', 'spin_unlock', 'read_lock', 'read_trylock',
  'write_lock', 'write_trylock', 'read_unlock', 'write_unlock', '^down$', 'down_read',
  'down_write', 'down_read_trylock', 'down_write_trylock', 'down_trylock', 'up_read', 'up_write',
  '^mutex_', '^__mutex_', '^rt_mutex_', 'owner_on_cpu', 'osq_lock', 'osq_unlock',
  'atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)',
  '(set|clear|change|test)_bit', '__wake_up', '^refcount_', '^kref_', 'ref_tracker',
  'seqprop_assert',
  // mem*/str* and user copies
  'memcpy', 'memcmp', 'memset', 'memchr', 'memmove', 'memdup', 'strcmp', 'strncmp', 'strcpy',
  'strlcpy', 'strncpy', 'strscpy', 'strlen', 'strstr', 'strnstr', 'strnlen', 'strchr', 'strdup',
  'strndup', 'copy_to_user', 'copy_from_user', 'copy_to_iter', 'copy_from_iter',
  'copy_page_to_iter', 'copy_page_from_iter', 'copy_folio_to_iter', '^copyin$', '^copyout$',
  'put_user', 'get_user', 'might_fault', 'might_sleep',
  // containers
  'list_add', 'list_del', 'list_replace', 'list_move', 'list_splice', '^rb_', '^__rb_',
  '_indirect_thunk_',
  // printing
  'string', 'pointer', 'snprintf', 'scnprintf', 'kasprintf', 'kvasprintf', 'printk', 'va_format',
  'dev_info', 'dev_notice', 'dev_warn', 'dev_err', 'dev_alert', 'dev_crit', 'dev_emerg',
  'program_check_exception', 'program_check_common',
  // timers, workqueues, waiting
  'del_timer', 'flush_work', '__cancel_work_timer', 'cancel_work_sync', 'try_to_grab_pending',
  'flush_workqueue', 'drain_workqueue', 'destroy_workqueue', 'queue_work', 'finish_wait',
  'kthread_stop',
  // driver model teardown
  'kobject_', 'add_uevent_var', 'get_device_parent', 'device_add', 'device_del',
  'device_unregister', 'device_destroy', 'device_release', 'devres_release_all',
  'hwrng_unregister', 'i2c_del_adapter', '__unregister_client', 'device_for_each_child',
  'rollback_registered', 'unregister_netdev', 'sysfs_remove', 'device_remove_file',
  'tty_unregister_device', 'dummy_urb_enqueue', 'usb_kill_urb', 'usb_kill_anchored_urbs',
  'usb_control_msg', 'usb_hcd_submit_urb', 'usb_submit_urb', '^complete$', 'wait_for_completion',
  '^kv?free$', 'kfree_skb',
  // MMIO, crc, misc helpers
  'readb$', 'readw$', 'readl$', 'readq$', 'writeb$', 'writew$', 'writel$', 'writeq$', 'logic_in',
  'logic_out', '^crc\\d+', 'crc_itu_t', '__might_resched', 'assertfail', '^iput$', '^iput_final$',
  '^ihold$', 'hex_dump_to_buffer', 'print_hex_dump', '^klist_', '(trace|lockdep)_(hard|soft)irq',
  '^(un)?lock_page', 'stack_trace_consume_entry', 'arch_stack_walk', 'stack_trace_save',
  'insert_work', '__queue_delayed_work', 'queue_delayed_work_on', 'ida_free',
  // arm64 exception entry
  'do_(kernel|translation)_fault', 'do_mem_abort', 'el1_abort', 'el1h_64_sync(?:_handler)?',
  'print_tainted', 'xas_(?:start|load|find)', 'find_lock_entries', 'truncate_inode_pages_range',
  '__phys_addr', '__fortify_report', 'cleanup_srcu_struct', 'rhashtable_lookup',
  'extract_(user|iter)_to_sg', 'drop_nlink', '^get_taint$', '^put_device$', 'lock_timer_base',
  '__timer_delete_sync', 'sk_stop_timer_sync', '__mod_timer', 'fast_dput', 'dput',
  'mark_buffer_dirty',
];

/** Header lines that do not open a new report when one is already open. */
const CONTINUATIONS: RegExp[] = [
  /invalid opcode: 0000/,
  /Kernel panic - not syncing/,
  /unregister_netdevice: waiting for/,
  /PANIC: double fault/,
  /Internal error:/,
];

/** Messages that are not bugs but carry a stack: a report running into one is cut there. */
export const INFO_MESSAGES_WITH_STACK = [
  'vmalloc: allocation failure:',
  'FAULT_INJECTION: forcing a failure',
  'FAULT_FLAG_ALLOW_RETRY missing',
];

// ---- Stack recipes shared by several formats ----
const RIP_TRACE: StackRecipe = { parts: [RIP_FRAME, CALL_TRACE, STACK] };
const TRACE = (...skip: string[]): StackRecipe => ({ parts: [CALL_TRACE, STACK], skip });
function warningStack(...skip: string[]): StackRecipe {
  // Newer kernels trap into the WARN with a RIP line; powerpc prints `--- interrupt:`;
  // older ones only print a call trace.
  return {
    parts: [new RegExp(`(?:${RIP_FRAME.source}|--- interrupt: [0-9]+ at ${FUNC})`), STACK],
    parts2: [CALL_TRACE, STACK],
    skip,
  };
}
const LOCKDEP_DEADLOCK_SKIP = ['process_one_work', 'flush_workqueue', 'drain_workqueue', 'destroy_workqueue'];

const f = (o: OopsFormat): OopsFormat => o;

/** The header families, in syzkaller's order (a line matching several takes the first). */
export const OOPSES: OopsHeader[] = [
  {
    header: 'BUG:',
    kind: 'bug',
    formats: [
      f({
        title: /BUG: KASAN:/,
        report: re(String.raw`BUG: KASAN: ([a-z\-]+) in {{FUNC}}{{LINES}}.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)`),
        fmt: 'KASAN: {1} {3} in {4}',
        alt: ['bad-access in {4}'],
        stack: {
          parts: [re(String.raw`BUG: KASAN: (?:[a-z\-]+) in {{FUNC}}`), CALL_TRACE, STACK],
          // KASAN_HW_TAGS reports run through the arm64 fault path.
          skip: ['kernel_fault', 'tag_check', 'mem_abort', '^el1_', '^el1h_'],
        },
      }),
      f({
        title: /BUG: KASAN:/,
        report: re(String.raw`BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}`),
        fmt: 'KASAN: invalid-free in {2}',
        alt: ['invalid-free in {2}'],
        stack: {
          parts: [re(String.raw`BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}`), CALL_TRACE, STACK],
          skip: ['slab_', 'kfree', 'vunmap', 'vfree'],
        },
      }),
      f({ title: re(String.raw`BUG: KASAN: ([a-z\-]+) on address{{LINES}}.*(Read|Write) of size ([0-9]+)`), fmt: 'KASAN: {1} {2}' }),
      f({ title: /BUG: KASAN: (.*)/, fmt: 'KASAN: {1}', corrupted: true }),
      f({
        title: /BUG: KMSAN: kernel-usb-infoleak/,
        report: re(String.raw`BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}`),
        fmt: 'KMSAN: kernel-usb-infoleak in {2}',
        alt: ['KMSAN origin in {3}'],
        stack: {
          parts: [STACK, /(Local variable .* created at:|Uninit was created at:)/, STACK],
          skip: ['alloc_skb', 'usb_submit_urb', 'usb_start_wait_urb', 'usb_bulk_msg', 'usb_interrupt_msg', 'usb_control_msg'],
        },
        noStackTrace: true,
      }),
      f({
        title: /BUG: KMSAN:/,
        report: re(String.raw`BUG: KMSAN: ([a-z\-]+) in {{FUNC}}`),
        fmt: 'KMSAN: {1} in {3}',
        alt: ['bad-access in {3}'],
        stack: {
          parts: [STACK, /(Local variable .* created at:|Uninit was created at:)/, STACK],
          // Generic crypto code is where uninit data is used, rarely where the bug is.
          skip: ['alloc_skb', 'netlink_ack', 'netlink_rcv_skb', '_encrypt$', '^(?:crypto|cipher|drbg|rng)_'],
        },
        noStackTrace: true,
      }),
      f({ title: /BUG: KCSAN: data-race/, report: /BUG: KCSAN: (.*)/, fmt: 'KCSAN: {1}', noStackTrace: true }),
      f({ title: /BUG: KCSAN:/, report: /BUG: KCSAN: (.*)/, fmt: 'KCSAN: {1}', noStackTrace: true }),
      f({
        title: re(String.raw`BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}`),
        fmt: 'KFENCE: {1} {2} in {4}',
        alt: ['bad-access in {4}'],
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      }),
      f({
        title: re(String.raw`BUG: KFENCE: invalid free in {{FUNC}}`),
        fmt: 'KFENCE: invalid free in {2}',
        alt: ['invalid-free in {2}'],
        noStackTrace: true,
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      }),
      f({
        title: re(String.raw`BUG: KFENCE: invalid (read|write) in {{FUNC}}`),
        fmt: 'KFENCE: invalid {1} in {3}',
        alt: ['bad-access in {3}'],
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      }),
      f({
        title: re(String.raw`BUG: KFENCE: memory corruption in {{FUNC}}`),
        fmt: 'KFENCE: memory corruption in {2}',
        noStackTrace: true,
        stack: { parts: [re(String.raw`BUG: KFENCE: (?:[a-z\- ]+) in {{FUNC}}`), STACK] },
      }),
      f({
        title: /BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)/,
        fmt: 'BUG: unable to handle kernel paging request in {1}',
        alt: ['bad-access in {1}'],
        stack: RIP_TRACE,
      }),
      f({
        title: /BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)/,
        fmt: 'BUG: unable to handle kernel NULL pointer dereference in {1}',
        alt: ['bad-access in {1}'],
        stack: RIP_TRACE,
      }),
      // The kernel prints this header with two printk calls; the second half can be lost.
      f({ title: /BUG: (?:unable to handle kernel|Unable to handle kernel)/, fmt: 'BUG: unable to handle kernel', corrupted: true }),
      f({
        title: /BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)/,
        fmt: 'BUG: {1} {2} in {3}',
        stack: TRACE('spin_', '_lock', '_unlock'),
      }),
      f({
        title: /BUG: soft lockup/,
        fmt: 'BUG: soft lockup in {1}',
        alt: ['stall in {1}'],
        stack: { parts: [RIP_FRAME, CALL_TRACE, STACK], extractor: 'stall' },
      }),
      f({
        title: /BUG: .*still has locks held!/,
        report: re(String.raw`BUG: .*still has locks held!{{LINES}}.*{{PC}} +{{FUNC}}`),
        fmt: 'BUG: still has locks held in {1}',
      }),
      f({ title: /BUG: scheduling while atomic/, fmt: 'BUG: scheduling while atomic in {1}', stack: TRACE('schedule') }),
      f({
        title: /BUG: lock held when returning to user space/,
        report: re(String.raw`BUG: lock held when returning to user space{{LINES}}.*leaving the kernel with locks still held{{LINES}}.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: 'BUG: lock held when returning to user space in {1}',
        noStackTrace: true,
      }),
      f({
        title: /BUG: bad unlock balance detected!/,
        fmt: 'BUG: bad unlock balance in {1}',
        stack: { parts: [re(String.raw`{{PC}} +{{FUNC}}`), CALL_TRACE, STACK] },
      }),
      f({ title: /BUG: held lock freed!/, report: re(String.raw`BUG: held lock freed!{{LINES}}.*{{PC}} +{{FUNC}}`), fmt: 'BUG: held lock freed in {1}' }),
      f({ title: /BUG: Bad rss-counter state/, fmt: 'BUG: Bad rss-counter state', noStackTrace: true }),
      f({ title: /BUG: non-zero nr_ptes on freeing mm/, fmt: 'BUG: non-zero nr_ptes on freeing mm', noStackTrace: true }),
      f({ title: /BUG: non-zero nr_pmds on freeing mm/, fmt: 'BUG: non-zero nr_pmds on freeing mm', noStackTrace: true }),
      // Block device names (loop0/1/2) and fs types would split one bug into many.
      f({
        title: /BUG: Dentry .* still in use/,
        report: /BUG: Dentry .* still in use \([0-9]+\) \[(unmount) of ([^\]]+)\]/,
        fmt: 'BUG: Dentry still in use in {1}',
        alt: ['BUG: Dentry still in use [{1} of {2}]'],
      }),
      f({
        title: /BUG: Bad page (state|cache)/,
        fmt: 'BUG: Bad page {1} in {2}',
        stack: {
          parts: [/page last allocated/, STACK],
          skip: ['(free|put|get|update|release)_page', 'free_unref', '^_*folio', 'truncate_inode_pages', 'page_frag_free', 'alloc', 'vmap', 'page_owner'],
        },
      }),
      f({ title: /BUG: Bad page map/, fmt: 'BUG: Bad page map' }),
      f({ title: /BUG: workqueue lockup/, fmt: 'BUG: workqueue lockup', noStackTrace: true }),
      f({ title: /BUG: sleeping function called from invalid context at (.*)/, fmt: 'BUG: sleeping function called from invalid context in {2}', stack: TRACE() }),
      f({
        title: /BUG: using ([a-z_]+)\(\) in preemptible/,
        fmt: 'BUG: using {1}() in preemptible code in {2}',
        stack: TRACE('dump_stack', 'preemption', 'preempt', 'debug_', 'processor_id', 'this_cpu'),
      }),
      f({
        title: /BUG: workqueue leaked lock or atomic/,
        report: re(String.raw`BUG: workqueue leaked lock or atomic{{LINES}}.*last function: ([a-zA-Z0-9_]+)\n`),
        fmt: 'BUG: workqueue leaked lock or atomic in {1}',
        noStackTrace: true,
      }),
      f({
        title: /BUG: memory leak/,
        fmt: 'memory leak in {1}',
        stack: {
          parts: [/backtrace(?: \(crc [0-9A-Fa-f]*\))?:/, STACK],
          skip: ['kmemleak', 'mmap', 'kmem', 'slab', 'alloc', 'create_object', 'idr_get', 'list_lru_init', 'kasprintf', 'kvasprintf', 'pcpu_create', 'strdup', 'strndup', 'memdup'],
        },
      }),
      f({
        title: /BUG: .*stack guard page was hit at/,
        fmt: 'BUG: stack guard page was hit in {1}',
        alt: ['stack-overflow in {1}'],
        stack: { parts: [RIP_FRAME, CALL_TRACE, STACK], extractor: 'stall' },
      }),
      // arm64 prints lockdep's wait-context bug differently; titled like the x86 WARNING.
      f({ title: /BUG: Invalid wait context/, fmt: 'WARNING: locking bug in {1}', stack: TRACE('lock_sock', 'release_sock') }),
      f({ title: /BUG:\s*(?:\n|$)/, fmt: 'BUG: corrupted', corrupted: true }),
    ],
    suppress: [/ODEBUG:/, /Boot_DEBUG:/, /xlog_status:/, /DEBUG:/, /BUG: no syscalls can create resource/],
  },
  {
    header: 'WARNING:',
    kind: 'warning',
    formats: [
      f({
        title: /WARNING: .*lib\/debugobjects\.c.* (?:debug_print|debug_check|at)/,
        fmt: 'WARNING: ODEBUG bug in {1}',
        stack: warningStack('debug_', 'rcu', 'hrtimer_', 'timer_', 'work_', 'percpu_', 'vunmap', 'vfree', '__free_', 'debug_check', 'kobject_'),
      }),
      f({ title: /WARNING: .*mm\/usercopy\.c.* (?:usercopy_warn|at)/, fmt: 'WARNING: bad usercopy in {1}', stack: warningStack('usercopy', '__check') }),
      f({ title: /WARNING: .*lib\/kobject\.c.* (?:kobject_|at)/, fmt: 'WARNING: kobject bug in {1}', stack: warningStack('kobject_') }),
      f({ title: /WARNING: .*fs\/proc\/generic\.c.* (?:proc_register|at)/, fmt: 'WARNING: proc registration bug in {1}', stack: warningStack('proc_') }),
      f({ title: /WARNING: .*lib\/refcount\.c.* (?:refcount_|at)/, fmt: 'WARNING: refcount bug in {1}', stack: warningStack('refcount', 'kobject_') }),
      f({ title: /WARNING: .*kernel\/locking\/lockdep\.c.*lock_/, fmt: 'WARNING: locking bug in {1}', stack: warningStack('lock_sock', 'release_sock') }),
      f({ title: /WARNING: .*still has locks held!/, report: re(String.raw`WARNING: .*still has locks held!{{LINES}}.*at: {{FUNC}}`), fmt: 'WARNING: still has locks held in {1}' }),
      f({ title: /WARNING: Nested lock was not taken/, fmt: 'WARNING: nested lock was not taken in {1}', stack: warningStack() }),
      f({
        title: /WARNING: lock held when returning to user space/,
        report: re(String.raw`WARNING: lock held when returning to user space{{LINES}}.*leaving the kernel with locks still held{{LINES}}.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: 'WARNING: lock held when returning to user space in {1}',
        noStackTrace: true,
      }),
      f({ title: /WARNING: .*mm\/.*\.c.* k?.?malloc/, fmt: 'WARNING: kmalloc bug in {1}', stack: warningStack('kmalloc', 'krealloc', 'slab', 'kmem') }),
      f({ title: /WARNING: .*mm\/vmalloc.c.*__vmalloc_node/, fmt: 'WARNING: zero-size vmalloc in {1}', stack: warningStack() }),
      f({
        title: /WARNING: .* usb_submit_urb/,
        fmt: 'WARNING in {1}/usb_submit_urb',
        stack: warningStack('usb_submit_urb', 'usb_start_wait_urb', 'usb_bulk_msg', 'usb_interrupt_msg', 'usb_control_msg'),
      }),
      // Newer kernels: `WARNING: fs/foo.c:12 at 0x0, CPU#1: comm/123`.
      f({ title: re(String.raw`WARNING: {{SRC}} at 0x\d+, CPU#\d+`), fmt: 'WARNING in {2}', stack: warningStack() }),
      f({ title: re(String.raw`WARNING: .* at {{SRC}} {{FUNC}}`), fmt: 'WARNING in {3}', stack: warningStack() }),
      f({ title: re(String.raw`WARNING: {{SRC}} at {{FUNC}}`), fmt: 'WARNING in {3}', stack: warningStack() }),
      f({ title: re(String.raw`WARNING: \[.*\] {{SRC}} at {{FUNC}}.*`), fmt: 'WARNING in {3}', stack: warningStack() }),
      f({
        title: /WARNING: possible circular locking dependency detected/,
        report: re(String.raw`WARNING: possible circular locking dependency detected{{LINES}}.*is trying to acquire lock`),
        fmt: 'possible deadlock in {1}',
        stack: {
          parts: [re(String.raw`at: (?:{{PC}} +)?{{FUNC}}`), re(String.raw`at: (?:{{PC}} +)?{{FUNC}}`), STACK],
          // Workqueue functions take locks of work items: such deadlocks belong to the work.
          skip: LOCKDEP_DEADLOCK_SKIP,
        },
      }),
      f({
        title: /WARNING: possible irq lock inversion dependency detected/,
        report: re(String.raw`WARNING: possible irq lock inversion dependency detected{{LINES}}.*just changed the state of lock{{LINES}}.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /WARNING: .*-safe -> .*-unsafe lock order detected/,
        fmt: 'possible deadlock in {1}',
        stack: { parts: [/which became (?:.*) at:/, STACK] },
      }),
      f({
        title: /WARNING: possible recursive locking detected/,
        report: re(String.raw`WARNING: possible recursive locking detected{{LINES}}.*is trying to acquire lock{{LINES}}.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /WARNING: inconsistent lock state/,
        report: re(String.raw`WARNING: inconsistent lock state{{LINES}}.*takes{{LINES}}.*at: (?:{{PC}} +)?{{FUNC}}`),
        fmt: 'inconsistent lock state in {2}',
        stack: TRACE(),
      }),
      f({
        title: /WARNING: suspicious RCU usage/,
        report: re(String.raw`WARNING: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`),
        fmt: 'WARNING: suspicious RCU usage in {2}',
        stack: TRACE('rcu', 'kmem', 'slab'),
      }),
      f({ title: /WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value/, fmt: "WARNING: kernel stack regs has bad '{1}' value", noStackTrace: true }),
      f({ title: /WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value/, fmt: 'WARNING: kernel stack frame pointer has bad value', noStackTrace: true }),
      f({
        title: /WARNING: bad unlock balance detected!/,
        fmt: 'WARNING: bad unlock balance in {1}',
        stack: { parts: [re(String.raw`{{PC}} +{{FUNC}}`), CALL_TRACE, STACK] },
      }),
      f({ title: /WARNING: held lock freed!/, report: re(String.raw`WARNING: held lock freed!{{LINES}}.*at:(?: {{PC}})? +{{FUNC}}`), fmt: 'WARNING: held lock freed in {1}' }),
      f({ title: /WARNING: kernel stack regs .* has bad 'bp' value/, fmt: 'WARNING: kernel stack regs has bad value', noStackTrace: true }),
      f({ title: /WARNING: kernel stack frame pointer .* has bad value/, fmt: 'WARNING: kernel stack regs has bad value', noStackTrace: true }),
      f({ title: /WARNING:\s*(?:\n|$)/, fmt: 'WARNING: corrupted', corrupted: true }),
    ],
    suppress: [
      /WARNING: \/etc\/ssh\/moduli does not exist, using fixed modulus/,
      /WARNING: workqueue cpumask: online intersect > possible intersect/,
      /WARNING: [Tt]he mand mount option/,
      /WARNING: Unsupported flag value\(s\) of 0x%x in DT_FLAGS_1/,
      /WARNING: Unprivileged eBPF is enabled with eIBRS/,
      /WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\((?:\d+)x(?:\d+) vs\. (?:\d+)x(?:\d+)\))/,
      /WARNING: See https.* for mitigation options./,
      /WARNING: kernel not compiled with CPU_SRSO/,
      /EXT4-[Ff][Ss](?: \(.*\))?:/,
      /warning: .* uses (deprecated v2 capabilities|wireless extensions)/i,
      /XFS \(\w+\): WARNING/,
    ],
  },
  {
    header: 'INFO:',
    kind: 'other',
    formats: [
      f({
        title: /INFO: possible circular locking dependency detected/,
        report: re(String.raw`INFO: possible circular locking dependency detected \]{{LINES}}.*is trying to acquire lock{{LINES}}.*at: {{PC}} +{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /INFO: possible irq lock inversion dependency detected/,
        report: re(String.raw`INFO: possible irq lock inversion dependency detected \]{{LINES}}.*just changed the state of lock{{LINES}}.*at: {{PC}} +{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected/,
        report: re(String.raw`INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \]{{LINES}}.*is trying to acquire{{LINES}}.*at: {{PC}} +{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /INFO: possible recursive locking detected/,
        report: re(String.raw`INFO: possible recursive locking detected \]{{LINES}}.*is trying to acquire lock{{LINES}}.*at: {{PC}} +{{FUNC}}`),
        fmt: 'possible deadlock in {1}',
      }),
      f({
        title: /INFO: inconsistent lock state/,
        report: re(String.raw`INFO: inconsistent lock state \]{{LINES}}.*takes{{LINES}}.*at: {{PC}} +{{FUNC}}`),
        fmt: 'inconsistent lock state in {1}',
      }),
      f({
        title: /INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall/,
        fmt: 'INFO: rcu detected stall in {1}',
        alt: ['stall in {1}'],
        stack: {
          parts: [/apic_timer_interrupt/, RIP_FRAME, STACK],
          parts2: [/(?:apic_timer_interrupt|Exception stack|el1h_64_irq)/, STACK],
          skip: ['apic_timer_interrupt', 'rcu'],
          extractor: 'stall',
        },
      }),
      f({ title: /INFO: trying to register non-static key/, fmt: 'INFO: trying to register non-static key in {1}', stack: TRACE('stack', 'lock', 'IRQ') }),
      f({
        title: /INFO: suspicious RCU usage/,
        report: re(String.raw`INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}`),
        fmt: 'INFO: suspicious RCU usage in {2}',
        stack: TRACE('rcu', 'kmem', 'slab'),
      }),
      f({
        title: re(String.raw`INFO: task {{TASK}} blocked (?:in I/O wait )?for more than [0-9]+ seconds`),
        fmt: 'INFO: task hung in {1}',
        alt: ['hang in {1}'],
        stack: { parts: [CALL_TRACE, STACK], extractor: 'hang' },
      }),
      f({
        title: re(String.raw`INFO: task {{TASK}} can't die for more than .* seconds`),
        fmt: "INFO: task can't die in {1}",
        alt: ['hang in {1}'],
        stack: TRACE('schedule'),
      }),
      // Old-style KASAN reports whose header was lost.
      f({ title: /INFO: (Freed|Allocated) in (.*)/, fmt: 'INFO: {1} in {2}', corrupted: true }),
      f({ title: /INFO:\s*(?:\n|$)/, fmt: 'INFO: corrupted', corrupted: true }),
    ],
    suppress: [
      /INFO: lockdep is turned off/,
      /INFO: Stall ended before state dump start/,
      /INFO: NMI handler/,
      /INFO: recovery required on readonly filesystem/,
      /(handler|interrupt).*took too long/,
      /INFO: sys_.* is not present in \/proc\/kallsyms/,
      /INFO: no syscalls can create resource/,
      /rmt_storage:INFO:/,
      /_INFO:/,
    ],
  },
  {
    header: 'Unable to handle kernel',
    kind: 'oops',
    formats: [
      f({
        title: /Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)/,
        fmt: 'BUG: unable to handle kernel {1} in {2}',
        alt: ['bad-access in {2}'],
        stack: RIP_TRACE,
      }),
    ],
    suppress: [],
  },
  {
    header: 'general protection fault',
    kind: 'oops',
    formats: [f({ title: /general protection fault.*:/, fmt: 'general protection fault in {1}', alt: ['bad-access in {1}'], stack: RIP_TRACE })],
    // User-space GPFs logged by the kernel (`... error:0 in libc.so`).
    suppress: [/general protection fault .* error:\d+ in /],
  },
  {
    header: 'stack segment: ',
    kind: 'oops',
    formats: [f({ title: /stack segment: /, fmt: 'stack segment fault in {1}', stack: RIP_TRACE })],
    suppress: [],
  },
  {
    header: 'Kernel panic',
    kind: 'panic',
    formats: [
      // Stack corruption may leave the kernel unable to name the function or unwind.
      f({
        title: /Kernel panic - not syncing: stack-protector:/,
        report: re(String.raw`Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}`),
        fmt: 'kernel panic: stack is corrupted in {1}',
        noStackTrace: true,
      }),
      f({
        title: /Kernel panic - not syncing: stack-protector:/,
        report: /Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+/,
        fmt: 'kernel panic: stack is corrupted in {1}',
        stack: TRACE('stack_chk'),
      }),
      f({
        title: /Kernel panic - not syncing: corrupted stack end/,
        report: /Kernel panic - not syncing: corrupted stack end detected inside scheduler/,
        fmt: 'kernel panic: corrupted stack end in {1}',
        alt: ['stack-overflow in {1}'],
        stack: { parts: [CALL_TRACE, STACK], skip: ['schedule', 'retint_kernel'], extractor: 'stall' },
      }),
      f({
        title: /Kernel panic - not syncing: kernel stack overflow/,
        fmt: 'kernel stack overflow in {1}',
        alt: ['stack-overflow in {1}'],
        stack: { parts: [CALL_TRACE, STACK], skip: ['bad_stack'], extractor: 'stall' },
      }),
      f({ title: /Kernel panic - not syncing: Attempted to kill init!/, fmt: 'kernel panic: Attempted to kill init!' }),
      f({ title: /Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+/, fmt: "kernel panic: Couldn't open N_TTY ldisc" }),
      // These panics follow another report; seeing them first means its header was lost.
      f({ title: /Kernel panic - not syncing: Fatal exception/, fmt: 'kernel panic: Fatal exception', corrupted: true }),
      f({ title: /Kernel panic - not syncing: panic_on_warn set/, fmt: 'kernel panic: panic_on_warn set', corrupted: true }),
      f({ title: /Kernel panic - not syncing: hung_task: blocked tasks/, fmt: 'kernel panic: hung_task: blocked tasks', corrupted: true }),
      f({ title: /Kernel panic - not syncing: (.*)/, fmt: 'kernel panic: {1}' }),
    ],
    suppress: [],
  },
  {
    header: 'PANIC: double fault',
    kind: 'oops',
    formats: [f({ title: /PANIC: double fault/, fmt: 'PANIC: double fault in {1}', stack: { parts: [RIP_FRAME] } })],
    suppress: [],
  },
  {
    header: 'rust_kernel: panicked',
    kind: 'panic',
    formats: [
      f({
        title: /rust_kernel: panicked/,
        report: /rust_kernel: panicked at [^\n]*?\n(.+?)\n/,
        fmt: '{1} in {2}',
        stack: { parts: [CALL_TRACE, STACK], skip: ['__rustc::rust_begin_unwind'.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')] },
      }),
    ],
    suppress: [],
  },
  {
    header: 'kernel BUG',
    kind: 'bug',
    formats: [
      f({ title: /kernel BUG at mm\/usercopy.c/, fmt: 'BUG: bad usercopy in {1}', stack: TRACE('usercopy', '__check') }),
      // Also sometimes memory corruption or a race.
      f({ title: /kernel BUG at lib\/list_debug.c/, fmt: 'BUG: corrupted list in {1}', alt: ['bad-access in {1}'], stack: TRACE() }),
      // Many skb helpers BUG_ON, but the bug is almost always in their caller.
      f({ title: /kernel BUG at (.*)/, fmt: 'kernel BUG in {2}', stack: { parts: [RIP_FRAME, CALL_TRACE, STACK], skip: ['^skb_'] } }),
    ],
    suppress: [],
  },
  { header: 'Kernel BUG', kind: 'bug', formats: [f({ title: /Kernel BUG (.*)/, fmt: 'kernel BUG {1}' })], suppress: [] },
  { header: 'BUG kmalloc-', kind: 'bug', formats: [f({ title: /BUG kmalloc-.*: Object already free/, fmt: 'BUG: Object already free' })], suppress: [] },
  { header: 'divide error:', kind: 'oops', formats: [f({ title: /divide error: /, fmt: 'divide error in {1}', stack: { parts: [RIP_FRAME] } })], suppress: [] },
  // Misspelled by 9d06c4027f21 ("x86/entry: Convert Divide Error to IDTENTRY").
  { header: 'divide_error:', kind: 'oops', formats: [f({ title: /divide_error: /, fmt: 'divide error in {1}', stack: { parts: [RIP_FRAME] } })], suppress: [] },
  { header: 'invalid opcode:', kind: 'oops', formats: [f({ title: /invalid opcode: /, fmt: 'invalid opcode in {1}', stack: { parts: [RIP_FRAME] } })], suppress: [] },
  { header: 'int3:', kind: 'oops', formats: [f({ title: /int3: /, fmt: 'int3 in {1}', stack: RIP_TRACE })], suppress: [] },
  {
    header: 'UBSAN:',
    kind: 'ubsan',
    formats: [
      f({ title: /UBSAN:/, report: /UBSAN: Undefined behaviour in/, fmt: 'UBSAN: undefined-behaviour in {1}', stack: TRACE('ubsan', 'overflow') }),
      f({ title: /UBSAN: array-index-out-of-bounds in/, fmt: 'UBSAN: array-index-out-of-bounds in {1}', alt: ['bad-access in {1}'], stack: TRACE('ubsan', 'overflow') }),
      f({ title: /UBSAN:/, report: /UBSAN: (.*?) in/, fmt: 'UBSAN: {1} in {2}', stack: TRACE('ubsan', 'overflow') }),
    ],
    suppress: [],
  },
  {
    header: 'Booting the kernel.',
    kind: 'other',
    formats: [f({ title: /^Booting the kernel/, fmt: 'unexpected kernel reboot', noStackTrace: true })],
    // Boot messages echoed back as mount options are not a reboot.
    suppress: [/Parsing ELF|Decompressing Linux|Unknown parameter '/],
  },
  {
    header: 'unregister_netdevice: waiting for',
    kind: 'other',
    formats: [f({ title: /unregister_netdevice: waiting for (?:.*) to become free/, fmt: 'unregister_netdevice: waiting for DEV to become free', noStackTrace: true })],
    suppress: [],
  },
  {
    header: 'VFS: Close: file count is 0',
    kind: 'other',
    formats: [f({ title: /VFS: Close: file count is 0/, fmt: 'VFS: Close: file count is zero (use-after-free)', noStackTrace: true })],
    suppress: [],
  },
  {
    header: 'VFS: Busy inodes after unmount',
    kind: 'other',
    formats: [f({ title: /VFS: Busy inodes after unmount/, fmt: 'VFS: Busy inodes after unmount (use-after-free)', noStackTrace: true })],
    suppress: [],
  },
  {
    // arm64 reports some faults as `Internal error: synchronous external abort` where arm says
    // `Unable to handle kernel paging request`: the alt title merges them.
    header: 'Internal error:',
    kind: 'oops',
    formats: [f({ title: /Internal error:/, fmt: 'Internal error in {1}', alt: ['bad-access in {1}'], stack: RIP_TRACE })],
    suppress: [],
  },
  {
    header: 'Unhandled fault:',
    kind: 'oops',
    formats: [f({ title: /Unhandled fault:/, fmt: 'Unhandled fault in {1}', alt: ['bad-access in {1}'], stack: RIP_TRACE })],
    suppress: [],
  },
  { header: 'Alignment trap:', kind: 'oops', formats: [f({ title: /Alignment trap:/, fmt: 'Alignment trap in {1}', stack: RIP_TRACE })], suppress: [] },
  {
    header: 'trusty: panic',
    kind: 'panic',
    formats: [
      f({ title: /trusty: panic.* ASSERT FAILED/, report: /trusty: panic \(.*?\):(?: DEBUG)? ASSERT FAILED at \(.*?\): (.+)/, fmt: 'trusty: ASSERT FAILED: {1}', noStackTrace: true }),
      f({ title: /trusty: panic.* ASSERT FAILED.*: *(.*)/, fmt: 'trusty: ASSERT FAILED: {1}', corrupted: true }),
      f({ title: /trusty: panic/, report: /trusty: panic \(.*?\): (.+)/, fmt: 'trusty: panic: {1}', noStackTrace: true }),
    ],
    suppress: [],
  },
  // Not in syzkaller (it only sees the `Kernel panic - not syncing: Hard LOCKUP` that may
  // follow): hard lockups are reports of their own, titled like soft lockups.
  {
    header: 'Watchdog detected hard LOCKUP',
    kind: 'hardlockup',
    formats: [
      f({
        title: /Watchdog detected hard LOCKUP on cpu/,
        fmt: 'hard LOCKUP in {1}',
        alt: ['stall in {1}'],
        stack: { parts: [RIP_FRAME, CALL_TRACE, STACK], extractor: 'stall' },
      }),
    ],
    suppress: [],
  },
  {
    header: 'fatal error:',
    kind: 'other',
    formats: [f({ title: /fatal error:/, fmt: 'go runtime error', noStackTrace: true })],
    suppress: [/ALSA/, /fatal error: cannot create timer/],
  },
  // Produced by syzkaller's executor and tools.
  { header: 'SYZFAIL:', kind: 'other', formats: [f({ title: /SYZFAIL:(.*)/, fmt: 'SYZFAIL:{1}', noStackTrace: true })], suppress: [] },
  { header: 'SYZFATAL:', kind: 'other', formats: [f({ title: /SYZFATAL:(.*)()/, fmt: 'SYZFATAL:{1}', alt: ['SYZFATAL{2}'], noStackTrace: true })], suppress: [] },
  {
    header: 'panic:',
    kind: 'panic',
    formats: [
      f({ title: /panic: Sentry detected .* stuck task/, fmt: 'panic: Sentry detected stuck tasks', noStackTrace: true }),
      f({ title: /panic:(.*)/, fmt: 'panic:{1}', noStackTrace: true }),
    ],
    // skb_panic:, Android boot noise.
    suppress: [/_panic:/, /xlog_status:/, /ddb\.onpanic:/, /evtlog_status:/],
  },
];

/** More specific report kinds, decided from the header line itself. */
const KIND_RULES: [RegExp, ReportKind][] = [
  [/KASAN:/, 'kasan'],
  [/KMSAN:/, 'kmsan'],
  [/KCSAN:/, 'kcsan'],
  [/KFENCE:/, 'kfence'],
  [/UBSAN:/, 'ubsan'],
  [/BUG: soft lockup/, 'softlockup'],
  [/hard LOCKUP/, 'hardlockup'],
  [/INFO: task .* (?:blocked|can't die) /, 'hung-task'],
  [/rcu_\w+ (?:self-)?detected(?: expedited)? stall|rcu detected stall/, 'rcu-stall'],
  [/memory leak/, 'leak'],
  [/locking dependency|lock inversion|lock order detected|recursive locking|inconsistent lock state|locks held|bad unlock balance|held lock freed|Nested lock was not taken|suspicious RCU usage|non-static key|Invalid wait context|kernel\/locking\/lockdep\.c/, 'lockdep'],
  [/BUG: (?:unable to handle|Unable to handle|kernel NULL pointer|Kernel NULL pointer)/, 'oops'],
  [/Kernel panic/, 'panic'],
];

// Fast prefilter: every header contains one of these short strings; one regex scan (much
// faster in V8 than a loop of includes) rejects the vast majority of log lines.
const PREFILTER = /BUG|WARNING:|INFO:|ernel|rror|fault|panic|PANIC|int3:|opcode|stack segment|VFS:|trap:|waiting for|SYZF|UBSAN|LOCKUP/;

/** Cheap test: false means the line certainly carries no oops header. */
export function mayBeHeader(text: string): boolean {
  return PREFILTER.test(text);
}

/** Does this line (prefix already stripped) carry an oops header? */
export function matchHeader(text: string): HeaderMatch | undefined {
  if (!PREFILTER.test(text)) return undefined;
  const oops = findOops(text);
  if (oops < 0) return undefined;
  // `---[ end Kernel panic - not syncing: ... ]---` closes a report, it does not start one.
  if (text.startsWith('---[ end ')) return undefined;
  let kind = OOPSES[oops].kind;
  for (const [rule, k] of KIND_RULES) {
    if (rule.test(text)) {
      kind = k;
      break;
    }
  }
  const continuation = CONTINUATIONS.some((c) => c.test(text)) || undefined;
  return continuation ? { kind, oops, continuation } : { kind, oops };
}

/** Index of the first header family matching the line, or -1 (syzkaller's matchOops). */
export function findOops(text: string): number {
  for (let i = 0; i < OOPSES.length; i++) {
    const o = OOPSES[i];
    if (!text.includes(o.header)) continue;
    if (o.suppress.some((s) => s.test(text))) continue;
    return i;
  }
  return -1;
}

/** True when the header line should not cut an open report short (syzkaller's reportStartIgnores). */
export function isContinuationHeader(text: string): boolean {
  return CONTINUATIONS.some((c) => c.test(text));
}
