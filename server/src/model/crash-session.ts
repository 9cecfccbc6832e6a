// crash(8) transcripts: prompts, commands and their output, and what the outputs say —
// `sys` header, `bt` tasks and frames (decimal offsets!), `bt -l` source lines, `dis` lines,
// `sym` and `mod` tables — so frames and addresses in a pasted session work like an Oops's.
import type {
  CrashAddressFact, CrashCommand, CrashInstruction, CrashSession, CrashTask, Frame, LogLine, Span,
} from './types';

// `crash> `, renamed binaries `crash-arm64> `, `crash8> `, and gdb's own prompt.
const PROMPT = /^((?:crash[\w.-]*|gdb)> ?)(.*)$/;
const SYS_KEY = /^\s*([A-Z][A-Z ]*[A-Z]):\s(.*)$/;
const TASK = /^PID:\s+(\d+)\s+TASK:\s+([0-9a-f]+)\s+CPU:\s+(\d+)\s+COMMAND:\s+"(.*)"/;
// ` #7 [ffffca7e80013b60] vfs_write at ffffffffba967227 [evalcrash]`
const BT_FRAME = /^(\s*#\s*\d+\s+\[([0-9a-f]+)\]\s+)([\w.$]+) at ([0-9a-f]+)(?: \[([\w-]+)\])?/;
// `    [exception RIP: evalcrash_null_deref+24]` (x86) / `[exception pc: ...]`
const EXC = /^(\s*\[exception (?:RIP|PC|pc|NIP|EIP): )([\w.$]+)(?:\+(\d+))?\]/;
const EXC_RIP = /^\s*(?:RIP|PC|pc|NIP|EIP):\s+([0-9a-f]{8,16})\b/;
// bt -l / dis -l source line: `    debian/build/.../fs/read_write.c: 582`
const SRC_LINE = /^(\s*)(\S+\.[chSs]): (\d+)\s*$/;
// `0xffffffffc03044aa <evalcrash_null_deref+24>:\tmovq ...`
const DIS = /^(0x([0-9a-f]+)) <([\w.$]+)(?:\+(\d+))?>:\s*(.*)$/;
// `ffffffffbb001f99 (T) panic+745 [mod] path: 459`
const SYM = /^([0-9a-f]{8,16}) \((\w)\) ([\w.$]+)(?:\+(\d+))?(?: \[([\w-]+)\])?(?: (\S+): (\d+))?/;
// mod table: `ffffffffc0306080  evalcrash    ffffffffc0304000  16384  evalcrash.ko`
const MOD = /^([0-9a-f]{16})\s+([\w-]+)\s+([0-9a-f]{16})\s+(\d+)\s/;
const ADDRESS = /\b(?:0x)?(ffff[0-9a-f]{12})\b/g;
const ERROR = /^(?:crash|gdb): (.*)$/;

export function isCrashTranscript(lines: LogLine[]): boolean {
  const limit = Math.min(lines.length, 5000);
  for (let i = 0; i < limit; i++) {
    const r = lines[i].raw;
    if ((r.startsWith('crash') || r.startsWith('gdb>')) && PROMPT.test(r)) return true;
  }
  return false;
}

export function parseCrashSession(lines: LogLine[]): CrashSession {
  const session: CrashSession = {
    commands: [], sys: {}, frames: [], modules: {}, errors: [], tasks: [], instructions: [], facts: [], addresses: [],
  };
  for (const l of lines) {
    const m = l.raw.length < 4096 ? PROMPT.exec(l.raw) : null;
    if (!m) continue;
    const prev = session.commands[session.commands.length - 1];
    if (prev) prev.outputEnd = l.line - 1;
    const cmdText = m[2];
    const lead = cmdText.length - cmdText.trimStart().length;
    session.commands.push({
      prompt: m[1],
      command: cmdText.trim(),
      span: { line: l.line, start: m[1].length + lead, end: m[1].length + lead + cmdText.trim().length },
      line: l.line,
      outputStart: l.line + 1,
      outputEnd: lines.length - 1,
    });
  }
  const first = session.commands[0];
  if (first && first.line > 0) session.banner = parseBanner(lines, 0, first.line - 1, session);
  for (const c of session.commands) {
    trimTrailingBlank(lines, c);
    parseOutput(lines, c, session);
  }
  markFaulting(session);
  return session;
}

function trimTrailingBlank(lines: LogLine[], c: CrashCommand): void {
  while (c.outputEnd >= c.outputStart && !lines[c.outputEnd].raw.trim()) c.outputEnd--;
}

/** Crash's start-up: version, copyright, gdb banner, `please wait...`, WARNINGs, then often the sys header. */
function parseBanner(lines: LogLine[], start: number, end: number, session: CrashSession): CrashSession['banner'] {
  const banner: NonNullable<CrashSession['banner']> = { startLine: start, endLine: end, warnings: [] };
  for (let i = start; i <= end; i++) {
    const t = lines[i].raw;
    const v = /^crash (\d+\.\d+\.\d+\S*)/.exec(t);
    if (v && !banner.crashVersion) banner.crashVersion = v[1];
    if (/^(?:WARNING|crash): /.test(t)) banner.warnings.push({ line: i, text: t });
    parseSysLine(lines[i], session);
  }
  return banner;
}

function parseSysLine(l: LogLine, session: CrashSession): void {
  const m = SYS_KEY.exec(l.raw);
  if (!m) return;
  const key = m[1].trim();
  if (!/^(KERNEL|DUMPFILE|CPUS|DATE|UPTIME|LOAD AVERAGE|TASKS|NODENAME|RELEASE|VERSION|MACHINE|MEMORY|PANIC|PID|COMMAND|TASK|CPU|STATE|DEBUG KERNEL)$/.test(key)) return;
  let value = m[2].trim();
  if (key === 'KERNEL' || key === 'DUMPFILE') value = value.replace(/\s+\[[A-Z ]+\]$/, '');
  if (key === 'PANIC') value = value.replace(/^"(.*)"$/, '$1');
  const start = l.raw.indexOf(m[2]);
  if (!session.sys[key]) session.sys[key] = { value, span: { line: l.line, start, end: start + value.length } };
}

function parseOutput(lines: LogLine[], c: CrashCommand, session: CrashSession): void {
  const verb = c.command.split(/\s+/)[0];
  let lastFrame: Frame | undefined;
  let pendingException: Frame | undefined;
  for (let i = c.outputStart; i <= c.outputEnd; i++) {
    const l = lines[i];
    const t = l.raw;
    if (t.length > 4096) continue;
    const err = ERROR.exec(t);
    if (err) {
      session.errors.push({ line: i, text: err[1] });
      continue;
    }
    collectAddresses(l, session);
    if (verb === 'sys' || (verb !== 'bt' && SYS_KEY.test(t) && c.command === 'sys')) {
      parseSysLine(l, session);
      continue;
    }
    if (verb === 'bt' || verb === 'foreach') {
      const task = TASK.exec(t);
      if (task) {
        const tk: CrashTask = { line: i, pid: Number(task[1]), task: task[2], cpu: Number(task[3]), command: task[4] };
        session.tasks.push(tk);
        lastFrame = undefined;
        continue;
      }
      const f = BT_FRAME.exec(t);
      if (f) {
        const nameStart = f[1].length;
        const frame: Frame = {
          span: { line: i, start: t.search(/#/), end: f[0].length },
          nameSpan: { line: i, start: nameStart, end: nameStart + f[3].length },
          function: f[3],
          module: f[5],
          unreliable: false,
          exact: false,
          source: 'crash-bt',
          address: f[4],
        };
        session.frames.push(frame);
        session.facts.push({ function: f[3], offset: -1, address: f[4], module: f[5], line: i });
        lastFrame = frame;
        continue;
      }
      const e = EXC.exec(t);
      if (e) {
        const nameStart = e[1].length;
        const frame: Frame = {
          span: { line: i, start: t.indexOf('['), end: e[0].length },
          nameSpan: { line: i, start: nameStart, end: nameStart + e[2].length },
          function: e[2],
          offset: e[3] !== undefined ? Number(e[3]) : 0,
          unreliable: false,
          exact: true,
          source: 'crash-exception',
        };
        session.frames.push(frame);
        pendingException = frame;
        lastFrame = frame;
        continue;
      }
      const rip = EXC_RIP.exec(t);
      if (rip && pendingException) {
        pendingException.address = rip[1];
        session.facts.push({ function: pendingException.function, offset: pendingException.offset ?? 0, address: rip[1], line: i });
        pendingException = undefined;
        continue;
      }
      const src = SRC_LINE.exec(t);
      if (src && lastFrame && !lastFrame.file) {
        lastFrame.file = src[2];
        lastFrame.fileLine = Number(src[3]);
      }
      continue;
    }
    if (verb === 'dis') {
      const d = DIS.exec(t);
      if (d) {
        session.instructions.push({
          line: i, address: d[2], function: d[3], offset: d[4] ? Number(d[4]) : 0, text: d[5], faulting: false,
          span: { line: i, start: 0, end: t.length },
        });
        session.facts.push({ function: d[3], offset: d[4] ? Number(d[4]) : 0, address: d[2], line: i });
      }
      continue;
    }
    if (verb === 'sym') {
      const s = SYM.exec(t);
      if (s) {
        const off = s[4] ? Number(s[4]) : 0;
        const nameStart = t.indexOf(s[3], s[1].length);
        const frame: Frame = {
          span: { line: i, start: 0, end: s[0].length },
          nameSpan: { line: i, start: nameStart, end: nameStart + s[3].length },
          function: s[3],
          offset: off,
          module: s[5],
          unreliable: false,
          exact: true,
          source: 'mention',
          address: s[1],
          file: s[6],
          fileLine: s[7] ? Number(s[7]) : undefined,
        };
        session.frames.push(frame);
        session.facts.push({ function: s[3], offset: off, address: s[1], module: s[5], line: i });
      }
      continue;
    }
    if (verb === 'mod') {
      const m = MOD.exec(t);
      if (m) session.modules[m[2]] = m[3];
    }
  }
}

function collectAddresses(l: LogLine, session: CrashSession): void {
  if (!l.raw.includes('ffff')) return;
  ADDRESS.lastIndex = 0;
  for (let m = ADDRESS.exec(l.raw); m; m = ADDRESS.exec(l.raw)) {
    const start = m.index + (m[0].startsWith('0x') ? 2 : 0);
    const span: Span = { line: l.line, start, end: start + 16 };
    session.addresses.push({ span, value: m[1] });
  }
}

/** The `dis` line at the exception RIP is the faulting instruction. */
function markFaulting(session: CrashSession): void {
  const pcs = new Set(session.frames.filter((f) => f.source === 'crash-exception' && f.address).map((f) => f.address!.replace(/^0+/, '')));
  for (const ins of session.instructions) if (pcs.has(ins.address.replace(/^0+/, ''))) ins.faulting = true;
}

/** Commands in a transcript whose output is a console log (`log`, `dmesg`), to be read as one. */
export function logCommands(session: CrashSession): CrashCommand[] {
  return session.commands.filter((c) => /^(?:log|dmesg)\b/.test(c.command));
}

export type { CrashAddressFact, CrashInstruction };
