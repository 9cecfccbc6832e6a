// Picking the guilty frame out of a report: walk a format's stack recipe over the report lines,
// drop infrastructure functions, strip syscall-wrapper prefixes, and for hangs/stalls look
// past the looping code to a representative caller (syzkaller's rules, see headers.ts).
import {
  CORRUPTED_LINES, FRAME_LINES, SKIP_FRAMES, STACK, STACK_STARTS, STRIP_FRAME_PREFIXES,
  type StackPart, type StackRecipe,
} from './headers';
import { demangle } from './demangle';

export interface GuiltyFrame {
  /** Name used in the title (syscall prefixes stripped, or the hang/stall representative). */
  canonical: string;
  /** Name as printed. */
  raw: string;
  /** Index into the report lines the frame was read from. */
  index: number;
}

export interface FramesResult {
  /** One entry per stack the recipe parses (usually one). */
  frames: (GuiltyFrame | undefined)[];
  /** False when some stack gave no usable frame or a corrupting line was seen. */
  ok: boolean;
}

interface RawFrame {
  name: string;
  index: number;
}

const skipCache = new WeakMap<StackRecipe, RegExp>();
function skipRegex(recipe: StackRecipe): RegExp {
  let r = skipCache.get(recipe);
  if (!r) {
    r = new RegExp([...SKIP_FRAMES, ...(recipe.skip ?? [])].join('|'));
    skipCache.set(recipe, r);
  }
  return r;
}

// One scan instead of nine for the line-by-line walk.
const STACK_START_ANY = new RegExp(STACK_STARTS.map((r) => r.source).join('|'));

const anyOf = (line: string, res: RegExp[]): boolean => {
  for (const r of res) if (r.test(line)) return true;
  return false;
};

/** Shortest name after removing any one syscall-wrapper prefix. */
export function stripFramePrefix(name: string): string {
  let best = name;
  for (const p of STRIP_FRAME_PREFIXES) {
    if (name.startsWith(p) && name.length - p.length < best.length) best = name.slice(p.length);
  }
  return best;
}

/**
 * Run `recipe` over `lines` (the report from the title match on; line 0 may be a partial line).
 * Returns the chosen frame per parsed stack.
 */
export function extractGuilty(lines: string[], recipe: StackRecipe): FramesResult {
  const skip = skipRegex(recipe);
  const first = walk(lines, recipe.parts, skip, recipe.extractor);
  if (first.ok || !recipe.parts2) return first;
  return walk(lines, recipe.parts2, skip, recipe.extractor);
}

function walk(lines: string[], parts: StackPart[], skip: RegExp, extractor: StackRecipe['extractor']): FramesResult {
  const frames: (GuiltyFrame | undefined)[] = [];
  let ok = true;
  let raw: RawFrame[] = [];
  let pos = 0;
  let stacks = 0;
  const add = (m: RegExpExecArray | null, index: number): void => {
    if (!m) return;
    for (let g = 1; g < m.length; g++) {
      if (m[g] === undefined || m[g] === '') continue;
      const name = demangle(m[g]);
      if (!skip.test(name)) raw.push({ name, index });
    }
  };
  for (let p = 0; ; p++) {
    if (p === parts.length || (parts[p] === STACK && stacks > 0)) {
      const chosen = choose(raw, extractor);
      if (!chosen) ok = false;
      frames.push(chosen);
      raw = [];
    }
    if (p === parts.length) break;
    const part = parts[p];
    if (part === STACK) {
      stacks++;
      while (pos < lines.length) {
        const ln = lines[pos];
        const i = pos++;
        if (anyOf(ln, CORRUPTED_LINES)) {
          ok = false;
          break;
        }
        if (STACK_START_ANY.test(ln)) break;
        if (p !== parts.length - 1) {
          const next = parts[p + 1];
          if (next !== STACK) {
            const m = next.exec(ln);
            if (m) {
              add(m, i);
              p++;
              break;
            }
          }
        }
        let m: RegExpExecArray | null = null;
        for (const r of FRAME_LINES) {
          m = r.exec(ln);
          if (m) break;
        }
        add(m, i);
      }
    } else {
      while (pos < lines.length) {
        const ln = lines[pos];
        const i = pos++;
        if (anyOf(ln, CORRUPTED_LINES)) {
          ok = false;
          break;
        }
        const m = part.exec(ln);
        if (!m) continue;
        add(m, i);
        break;
      }
    }
  }
  return { frames, ok };
}

function choose(raw: RawFrame[], extractor: StackRecipe['extractor']): GuiltyFrame | undefined {
  if (raw.length === 0) return undefined;
  const stripped = raw.map((f) => stripFramePrefix(f.name));
  if (!extractor) return { canonical: stripped[0], raw: raw[0].name, index: raw[0].index };
  const [name, idx] = extractor === 'stall' ? stallFrame(stripped) : hangFrame(stripped);
  if (!name) return undefined;
  return { canonical: name, raw: raw[idx].name, index: raw[idx].index };
}

// Stalls and lockups loop across several functions, so the top frame is random; the frame just
// above a dispatch point (syscall entry, workqueue, timer, the file/socket operation that
// discriminates the syscall) identifies the bug better.
const STALL_ANCHORS: RegExp[] = [
  'process_one_work', 'do_syscall_', 'do_fast_syscall_', 'sysenter_dispatch', 'tracesys_phase2',
  'el0_svc_handler', 'invoke_syscall', 'ret_fast_syscall', 'netif_receive_skb', 'do_softirq',
  'call_timer_fn', '_run_timers', 'run_timer_softirq', 'hrtimer_run', 'run_ksoftirqd',
  'smpboot_thread_fn', '^kthread$', 'start_secondary', 'cpu_startup_entry', 'ret_from_fork',
  'vfs_write', 'vfs_read', 'vfs_iter_read', 'vfs_iter_write', 'do_iter_read', 'do_iter_write',
  'call_read_iter', 'call_write_iter', 'new_sync_read', 'new_sync_write', 'vfs_ioctl', 'ksys_ioctl',
  'compat_ioctl', 'compat_sys_ioctl', 'blkdev_driver_ioctl', 'blkdev_ioctl', '^call_read_iter',
  '^call_write_iter', 'do_iter_readv_writev', '^call_mmap', 'mmap_region', 'do_mmap',
  'do_dentry_open', 'vfs_open', '^sock_sendmsg', '^sock_recvmsg', '^sock_release',
  '^__sock_release', '^setsockopt$', 'kernel_setsockopt', 'sock_common_setsockopt', '^listen$',
  'kernel_listen', 'sk_common_release', '^sock_mmap', '^accept$', 'kernel_accept',
  '^sock_do_ioctl', '^sock_ioctl', '^compat_sock_ioctl', '^nfnetlink_rcv_msg',
  '^rtnetlink_rcv_msg', '^netlink_dump', '^(sys_)?(socketpair|connect|ioctl)', '__do_fault',
  'do_page_fault', '^page_fault$', '__fput', 'task_work_run', 'exit_to_usermode',
  'smp_call_function', 'tasklet_action', 'tasklet_hi_action',
].map((s) => new RegExp(s));

function stallFrame(frames: string[]): [string, number] {
  let prev = frames[0];
  let prevIdx = 0;
  for (let i = 0; i < frames.length; i++) {
    const fr = frames[i];
    if (anyOf(fr, STALL_ANCHORS)) {
      // Many variants sit under smp_call_function: the anchor itself is the identity.
      if (fr.includes('smp_call_function')) return ['smp_call_function', i];
      return [prev, prevIdx];
    }
    prev = fr;
    prevIdx = i;
  }
  return ['', -1];
}

// Hung tasks show the victim, not the culprit: RCU and rtnl waits are bucketed together, and
// otherwise the first frame that is not scheduling/locking/waiting machinery is used.
const HANG_BUCKETS: [string, string][] = [
  ['rtnl_lock', ''],
  ['synchronize_rcu', 'synchronize_rcu'],
  ['synchronize_srcu', 'synchronize_rcu'],
  ['synchronize_net', 'synchronize_rcu'],
  ['synchronize_sched', 'synchronize_rcu'],
];
const HANG_SKIP = ['sched', '_lock', '_slowlock', 'down', 'rwsem', 'completion', 'kthread', 'wait', 'synchronize', 'context_switch', '__switch_to', 'cancel_delayed_work', 'rcu_barrier'];

function hangFrame(frames: string[]): [string, number] {
  for (let i = 0; i < frames.length; i++) {
    for (const [anchor, replacement] of HANG_BUCKETS) {
      if (frames[i].includes(anchor)) return [replacement || frames[i], i];
    }
  }
  for (let i = 0; i < frames.length; i++) {
    if (!HANG_SKIP.some((s) => frames[i].includes(s))) return [frames[i], i];
  }
  return ['', -1];
}
