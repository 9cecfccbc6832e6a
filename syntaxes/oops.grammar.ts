// Source of syntaxes/oops.tmLanguage.json. The JSON is generated so that the shared
// sub-expressions (symbol, offset, module, path) are written once; edit this file and run
//   npx tsx syntaxes/oops.grammar.ts
// test/unit/grammar/generated.test.ts fails when the JSON is stale.
//
// Design: every line is one begin/end rule ending at `$`, so nothing ever spans lines
// (a truncated report cannot swallow the rest of a 50 MB log). Inside a line, `body` rules
// are anchored at \G (the start of the message); prefixes (timestamps, callers, syslog
// headers, `[<addr>]`, `<IRQ>` ...) are begin/end "chains" that consume the prefix and
// re-enter `body`, so any stack of prefixes is handled without one giant regex. Whatever
// the anchored rules leave is coloured by the unanchored `inline` rules.
// Regexes start at a token boundary and use possessive quantifiers where the next
// character class is disjoint, so scanning stays linear.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Captures = Record<string, { name?: string; patterns?: Rule[] }>;
interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  captures?: Captures;
  beginCaptures?: Captures;
  endCaptures?: Captures;
  patterns?: Rule[];
  include?: string;
  comment?: string;
}

const S = '.oops';
const r = String.raw;

/** Kernel symbol: `__x64_sys_write`, `el0_svc_common.constprop.0`, ppc64 `.do_syscall`. */
const SYM = r`\.?[A-Za-z_][\w.$]*+`;
const HEX = r`[0-9a-fA-F]`;
const OFF = r`0x${HEX}++`;
const MOD = r`[\w-]++`;
const BUILDID = r`${HEX}{16,64}`;
/** Source path with an extension kernel trees use; segments are possessive (they end at '/'). */
const PATH = r`(?:/|\.{1,2}/)?(?:[\w.+-]++/)*[\w.+-]+\.(?:c|h|S|s|rs|cc|cpp|lds|y|l|asm|inc)`;
const NOTOK = r`(?<![\w.$/+-])`;

const inc = (name: string): Rule => ({ include: `#${name}` });
const sc = (name: string): { name: string } => ({ name: name + S });
const caps = (...names: (string | undefined)[]): Captures => {
  const out: Captures = {};
  names.forEach((n, i) => {
    if (n) out[String(i + 1)] = n.includes(' ') ? { name: n.split(' ').map((x) => x + S).join(' ') } : sc(n);
  });
  return out;
};
/** A prefix that consumes `begin` and lets `body` continue after it, to the end of the line. */
const chain = (comment: string, begin: string, beginCaptures: Captures, name?: string): Rule => ({
  comment,
  begin,
  beginCaptures: name ? { 0: sc(name), ...beginCaptures } : beginCaptures,
  end: '$',
  patterns: [inc('body')],
});
/** A begin/end to the end of the line with its own inner patterns. */
const rest = (comment: string, begin: string, beginCaptures: Captures, patterns: Rule[], name?: string): Rule => ({
  comment,
  ...(name ? { name: name + S } : {}),
  begin,
  beginCaptures,
  end: '$',
  patterns,
});

// Captures for `FUNC + OFF / SIZE [mod buildid] (P)` reused by several rules (7 groups).
const FRAME = r`(${SYM})(\+)(${OFF})(/)(${OFF})(?:\s+(\[)(${MOD})(?:\s+(${BUILDID}))?(\]))?`;
/** arm64 unwinder source tags: (P) pc from regs, (L) lr, (C) caller, (T) task, (F) fgraph, (K) kretprobe. */
const TAG = r`(?:\s+(\()((?=[CTPLUFK])[CTPLU]?F?K?)(\)))?`;
const frameCaps = (fn = 'entity.name.function', base = 0): Captures => {
  const names = [
    fn,
    'punctuation.separator.offset',
    'constant.numeric.hex.offset',
    'punctuation.separator.size',
    'constant.numeric.hex.size',
    'punctuation.definition.module.begin',
    'entity.name.namespace.module',
    'comment.other.build-id',
    'punctuation.definition.module.end',
  ];
  const out: Captures = {};
  names.forEach((n, i) => (out[String(base + i + 1)] = sc(n)));
  return out;
};
const shift = (c: Captures, by: number): Captures =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [String(Number(k) + by), v]));

const X86_REGS = r`R[A-D]X|R[SD]I|R[SB]P|RIP|R(?:0?[89]|1[0-5])|E[A-D]X|E[SD]I|E[SB]P|EIP|E?FLAGS|RFLAGS|ORIG_[RE]AX|[CDEFGS]S|knlGS|CR[0-4]|DR[0-7]|PKRU|XER|CTR|MSR|SOFTE|TRAP|DAR|DSISR|IRQMASK|CFAR|GPR\d\d`;
const LOWER_REGS = r`x(?:[12]?\d|30)|r(?:1[0-5]|\d)|[as]\d{1,2}|t[0-6]|sp|fp|ip|gp|tp|ra|lr|pc|epc|psr|pstate|status|badaddr|cause|orig_a0`;

const repository: Record<string, Rule> = {
  line: {
    comment: 'One kernel/crash line; never spans lines. The common printk prefix is taken here (not by a chain) because one rule level less makes big logs tokenize ~50% faster.',
    begin: r`^(?=.)(?:(<)([0-7])(>))?(\s*\[\s*\d+\.\d+\])?(\s*\[\s*[TC]\d+\])?`,
    beginCaptures: caps(
      'punctuation.definition.loglevel.begin',
      'comment.other.loglevel',
      'punctuation.definition.loglevel.end',
      'comment.other.timestamp',
      'comment.other.caller',
    ),
    end: '$',
    patterns: [inc('body')],
  },

  body: {
    patterns: [
      inc('prefix'),
      inc('crash-session'),
      inc('frames'),
      inc('separators'),
      inc('report-headers'),
      inc('sections'),
      inc('stack-markers'),
      inc('crash-frames'),
      inc('pc-lines'),
      inc('code-line'),
      inc('modules-line'),
      inc('identity-lines'),
      inc('lockdep'),
      inc('kasan'),
      inc('crash-output'),
      inc('inline'),
    ],
  },

  prefix: {
    patterns: [
      chain('ANSI escape codes from serial consoles', r`\G(?:\x1b\[[0-9;?]*[A-Za-z]|\x1b[c()][0-9A-B]?)+`, caps('comment.other.ansi-escape')),
      chain('printk log level <4>', r`\G(<)([0-7])(>)`, caps('punctuation.definition.loglevel.begin', 'comment.other.loglevel', 'punctuation.definition.loglevel.end')),
      chain('/dev/kmsg record: level,seq,usec,flags;', r`\G\d+,\d+,\d+,[-+c][^;\n]*;`, {}, 'comment.other.kmsg-prefix'),
      chain(
        'syslog / journalctl: "Jan 12 10:00:01 host [kern.warn] kernel: "',
        r`\G([A-Za-z]{3} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?)[ \t]+(\S+)[ \t]+(?:(\S+)[ \t]+)?((?i:kernel)(?:\[\d+\])?)(:)[ \t]?`,
        caps('comment.other.date', 'comment.other.host', 'comment.other.facility', 'comment.other.tag', 'comment.other.tag'),
      ),
      chain(
        'ISO dates: dmesg --time-format=iso, journalctl -o short-iso',
        r`\G(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)(?:[ \t]+(\S+)[ \t]+((?i:kernel)(?:\[\d+\])?)(:))?[ \t]?`,
        caps('comment.other.date', 'comment.other.host', 'comment.other.tag', 'comment.other.tag'),
      ),
      chain('syzkaller program log date', r`\G\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `, {}, 'comment.other.date'),
      chain(
        'dmesg -x facility/level',
        r`\G(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*: ?`,
        {},
        'comment.other.facility',
      ),
      chain('printk timestamp [   12.345678]', r`\G\s*(\[)\s*\d+\.\d+(\])`, {}, 'comment.other.timestamp'),
      chain(
        'dmesg -T timestamp [Mon Jan 12 10:00:01 2025]',
        r`\G\s*\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]`,
        {},
        'comment.other.timestamp',
      ),
      chain('printk caller id [ T123] / [ C1]', r`\G\s*\[\s*[TC]\d+\]`, {}, 'comment.other.caller'),
      chain('dropped printk lines', r`\G\s*\*\* \d+ printk messages dropped \*\*`, {}, 'comment.other.dropped'),
      chain('console login prompt glued to a message', r`\G[\w.-]+ login: (?=\[)`, {}, 'comment.other.login'),
    ],
  },

  'crash-session': {
    patterns: [
      rest(
        'crash(8)/gdb prompt and command: "crash> bt -l | tail"',
        r`\G\s*((?:crash|gdb)[\w.-]*>|\(gdb\))(?:[ \t]+([\w.-]+|!))?`,
        caps('keyword.control.prompt.crash', 'support.function.command.crash'),
        [
          { match: r`(\|)\s*([\w.-]+)?`, captures: caps('keyword.operator.pipe', 'support.function.shell') },
          { match: r`(>>?)\s*(\S+)`, captures: caps('keyword.operator.redirect', 'string.unquoted.file') },
          { match: r`(?<!\S)--?\w[\w-]*`, name: 'variable.parameter.option' + S },
          inc('inline'),
        ],
        'meta.command.crash',
      ),
      { comment: 'crash banner', match: r`\G(crash) (\d+\.\d+\.\d+\S*)\s*$`, captures: caps('keyword.other.crash', 'constant.numeric.version') },
      { match: r`\G(?:Copyright \(C\)|please wait\.\.\.|NOTE: ).*$`, name: 'comment.line.banner.crash' + S },
      {
        comment: 'crash command errors',
        match: r`\G\s*(crash|bt|dis|sym|struct|union|rd|mod|kmem|log|ps|files|task|net|irq|vm|foreach|runq|gdb|p|whatis|list|search)(:) (?=.*\b(?:invalid|cannot|not found|no such|failed|unknown|error|not supported)\b).*$`,
        name: 'invalid.illegal.error.crash' + S,
      },
    ],
  },

  separators: {
    patterns: [
      {
        match: r`\G\s*(-{2,}\[)\s*(cut here)\s*(\]-{2,})`,
        captures: caps('punctuation.separator.cut-here', 'keyword.control.cut-here', 'punctuation.separator.cut-here'),
      },
      { match: r`\G\s*(\d?<-+)\s*(cut here)\s*(-+)`, captures: caps('punctuation.separator.cut-here', 'keyword.control.cut-here', 'punctuation.separator.cut-here') },
      {
        comment: '---[ end trace 0000000000000000 ]--- and ---[ end Kernel panic - not syncing: ... ]---',
        match: r`\G\s*(-{2,}\[)\s*(end(?: trace)?)\b(.*?)(\]-{2,})`,
        captures: {
          1: sc('punctuation.separator.end-trace'),
          2: sc('keyword.control.end-trace'),
          3: { name: 'markup.heading.end-trace' + S, patterns: [inc('inline')] },
          4: sc('punctuation.separator.end-trace'),
        },
      },
      { match: r`\G\s*(?:={8,}|-{8,})\s*$`, name: 'comment.other.separator' + S },
    ],
  },

  'report-headers': {
    patterns: [
      {
        comment: 'BUG: ..., watchdog: BUG: soft lockup, BUG: KASAN: ...',
        match: r`\G\s*((?:(?:NMI )?watchdog: )?BUG:(?: (?:KASAN|KCSAN|KMSAN|KFENCE|UBSAN):)?)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.bug'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'slub: BUG kmalloc-64 (Not tainted): Redzone overwritten',
        match: r`\G\s*(BUG) (?=\S+ \((?:Not t|T)ainted)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.bug'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        match: r`\G\s*((?:KASAN|KCSAN|KMSAN|KFENCE|UBSAN):)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.sanitizer'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'Oops: 0002 [#1], Internal error: Oops: 96000046 [#1], Oops - BUG: 0 [#1]',
        match: r`\G\s*((?:Internal error: )?Oops(?: - [A-Za-z ]+)?:|Internal error:)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.oops'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'x86 traps: general protection fault[, probably for ...]: 0000 [#1]',
        match: r`\G\s*(general protection fault|invalid opcode|stack segment|double fault|divide error|int3|alignment check|bounds|overflow|segment not present|invalid TSS|kernel stack overflow)\b([^:\n]*:\s*${HEX}{4}\s+\[#\d+\].*)$`,
        captures: { 1: sc('invalid.illegal.report.trap'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        match: r`\G\s*(Unable to handle kernel|Unhandled fault:|Bad mode in|Kernel BUG at)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.fault'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'kernel BUG at fs/nfs/pagelist.c:382!',
        match: r`\G\s*(kernel BUG at)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.bug'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        match: r`\G\s*(Kernel panic - not syncing:?)(.*)$`,
        captures: { 1: sc('invalid.illegal.report.panic'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'WARNING: CPU: 1 PID: 1 at file:line func, WARNING: possible circular locking dependency detected',
        match: r`\G\s*(WARNING:)(.*)$`,
        captures: { 1: sc('invalid.deprecated.report.warning'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        comment: 'old lockdep: [ INFO: possible recursive locking detected ]',
        match: r`\G\s*(\[ )(INFO:)(.*?)( \])\s*$`,
        captures: {
          1: sc('punctuation.definition.report.begin'),
          2: sc('invalid.deprecated.report.info'),
          3: { name: 'markup.heading.report' + S, patterns: [inc('inline')] },
          4: sc('punctuation.definition.report.end'),
        },
      },
      {
        comment: 'INFO: task x:1 blocked for more than 120 seconds., rcu: INFO: rcu_preempt detected stalls',
        match: r`\G\s*((?:rcu: )?INFO:)(?! lockdep is turned off)(.*)$`,
        captures: { 1: sc('invalid.deprecated.report.info'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
      {
        match: r`\G\s*(Out of memory(?: and no killable processes\.\.\.)?:?|Memory cgroup out of memory:|watchdog: Watchdog detected hard LOCKUP|NMI watchdog: Watchdog detected hard LOCKUP|unregister_netdevice: waiting for)(.*)$`,
        captures: { 1: sc('invalid.deprecated.report.other'), 2: { name: 'markup.heading.report' + S, patterns: [inc('inline')] } },
      },
    ],
  },

  sections: {
    patterns: [
      {
        comment: 'Call Trace:, Allocated by task 1:, 2 locks held by x/1:, lockdep section titles ...',
        match: r`\G\s*(Call [Tt]race|Backtrace|Stack|stack backtrace|Exception stack(?=\()|Memory state around the buggy address|Mem abort info|Data abort info|Instruction dump|Chain exists of|Possible unsafe locking scenario|Possible interrupt unsafe locking scenario|other info that might help us debug this|the existing dependency chain \(in reverse order\) is|the dependencies between [^:\n]*|the shortest dependencies between [^:\n]*|Showing all locks held in the system|Showing busy workqueues and worker pools|Task dump for CPU \d+|NMI backtrace for cpu \d+|Sending NMI from CPU \d+ to CPUs [\d,-]+|(?:Second to last p|Last p|P)otentially related work creation|(?:Allocated|Freed) by task \d+(?: on cpu \d+ at [\d.]+s)?|(?:\d+|no) locks? held by .+?/-?\d+(?=:\s*$)|The buggy address belongs to the (?:object|page|variable|physical page)[^\n]*?|Uninit was (?:created|stored to memory) at|Local variable [^\n]*? created at|Bytes \d+-\d+ of \d+ are uninitialized|Memory access of size \d+ starts at [0-9a-f]+|read to [^\n]* of \d+ bytes by task \d+ on cpu \d+|write to [^\n]* of \d+ bytes by task \d+ on cpu \d+|(?:read|write)(?: \(marked\))? to 0x[0-9a-f]+ of \d+ bytes by (?:task \d+|interrupt) on cpu \d+)(:|(?=\()|\s*$)`,
        captures: { 1: { name: 'keyword.other.section' + S, patterns: [inc('inline')] }, 2: sc('punctuation.separator.section') },
      },
    ],
  },

  'stack-markers': {
    patterns: [
      chain(
        'x86 stack switch markers <TASK> </TASK> <IRQ> <NMI> <EOI> <#DF>',
        r`\G\s*(<)(/?)(TASK|IRQ|NMI|EOI|EOE|SOFTIRQ|#DF|#MC|#VC|#DB|DB\d?|STACKFAULT|MCE|VC|UNK|IST\d?)(>)`,
        caps('punctuation.definition.tag.begin', 'punctuation.definition.tag.end', 'entity.name.tag.stack-marker', 'punctuation.definition.tag.end'),
      ),
      {
        comment: 'crash: --- <IRQ stack> --- / --- <NMI exception stack> ---',
        match: r`\G\s*(---)\s*(<)([^<>\n]+)(>)\s*(---)`,
        captures: caps('punctuation.separator.stack', 'punctuation.definition.tag.begin', 'entity.name.tag.stack-marker', 'punctuation.definition.tag.end', 'punctuation.separator.stack'),
      },
    ],
  },

  'crash-frames': {
    patterns: [
      {
        comment: 'crash bt: " #3 [ffffa16bf706f640] oops_end at ffffffff97dbc818 [mod]"',
        match: r`\G\s*(#\d+)\s+(\[)(${HEX}+)(\])\s+(${SYM}|\(null\))(?:(\+)(\d+))?\s+(at)\s+(${HEX}+)(?:\s+(\[)(${MOD})(\]))?`,
        captures: caps(
          'constant.numeric.decimal.frame-index',
          'punctuation.definition.stack-pointer.begin',
          'constant.numeric.hex.stack-pointer',
          'punctuation.definition.stack-pointer.end',
          'entity.name.function',
          'punctuation.separator.offset',
          'constant.numeric.decimal.offset',
          'keyword.other.at',
          'constant.numeric.hex.address',
          'punctuation.definition.module.begin',
          'entity.name.namespace.module',
          'punctuation.definition.module.end',
        ),
      },
      {
        comment: 'crash bt header: PID: 1  TASK: ffff...  CPU: 1  COMMAND: "init"',
        match: r`\G\s*(PID)(:)\s*(\d+)\s+(TASK)(:)\s*(${HEX}+)(?:\s+(CPU)(:)\s*(\d+|N/A))?(?:\s+(COMMAND)(:)\s*("[^"\n]*"))?`,
        captures: caps(
          'support.type.property-name',
          'punctuation.separator.key-value',
          'constant.numeric.decimal',
          'support.type.property-name',
          'punctuation.separator.key-value',
          'constant.numeric.hex.address',
          'support.type.property-name',
          'punctuation.separator.key-value',
          'constant.numeric.decimal',
          'support.type.property-name',
          'punctuation.separator.key-value',
          'string.quoted.double.comm',
        ),
      },
    ],
  },

  frames: {
    patterns: [
      {
        comment: 'unreliable frame "? func+0x1/0x2 [mod]": dimmed as a whole',
        match: r`\G\s*(\?)\s+(${SYM})(\+${OFF}(?:/${OFF})?)(?:\s+(\[${MOD}(?:\s+${BUILDID})?\]))?(.*)$`,
        name: 'comment.other.unreliable-frame' + S,
        captures: caps('punctuation.definition.unreliable', 'meta.symbol.function', 'meta.symbol.offset', 'meta.symbol.module'),
      },
      {
        comment: 'arm32: [<c0123456>] (func+0x1/0x2) from [<...>] (caller+0x3/0x4)',
        match: r`\G\s*(\()(${SYM})(?:(\+)(${OFF})(/)(${OFF})(\))|(\))(?=\s+from\b))(?:\s+(from)\b)?`,
        captures: caps(
          'punctuation.definition.frame.begin',
          'entity.name.function',
          'punctuation.separator.offset',
          'constant.numeric.hex.offset',
          'punctuation.separator.size',
          'constant.numeric.hex.size',
          'punctuation.definition.frame.end',
          'punctuation.definition.frame.end',
          'keyword.other.from',
        ),
      },
      {
        comment: 'trace frame: func+0xOFF/0xSIZE [module buildid] (P) [file:line]',
        match: r`\G\s*${FRAME}${TAG}`,
        captures: { ...frameCaps(), 10: sc('punctuation.definition.frame-source.begin'), 11: sc('storage.modifier.frame-source'), 12: sc('punctuation.definition.frame-source.end') },
      },
      {
        comment: 'syzbot inlined frame: "func path/file.c:123 [inline]"',
        match: r`\G\s*(${SYM})(?=\s+${PATH}:\d+(?::\d+)?\s+\[inline\])`,
        captures: caps('entity.name.function.inline'),
      },
      chain('raw address prefix [<ffffffff81058e5d>] (x86 legacy, arm, riscv)', r`\G\s*(\[<)(${HEX}+)(>\])`, caps('punctuation.definition.address.begin', 'constant.numeric.hex.address', 'punctuation.definition.address.end')),
      chain('powerpc stack slot [c00000007a3efa20]', r`\G\s*(\[)(${HEX}{8,16})(\])(?=\s)`, caps('punctuation.definition.address.begin', 'constant.numeric.hex.address', 'punctuation.definition.address.end')),
    ],
  },

  'pc-lines': {
    patterns: [
      chain(
        'exact-PC lines: RIP: 0010:, pc : , lr : , IP: , epc : ',
        r`\G\s*(RIP|EIP|IP|NIP|LR|CTR|pc|lr|epc|ra)\s?(:)\s*(?:(${HEX}{4})(:)(?!\s))?`,
        caps('variable.language.register.pc', 'punctuation.separator.key-value', 'constant.numeric.hex.segment', 'punctuation.separator.segment'),
      ),
      chain('old arm: PC is at func+0x1/0x2', r`\G\s*(PC is at|LR is at)\s`, caps('variable.language.register.pc')),
      chain('powerpc NIP [c000...] / LR [c000...]', r`\G\s*(NIP|LR)(?=\s+\[)`, caps('variable.language.register.pc')),
    ],
  },

  'code-line': {
    patterns: [
      rest(
        'Code: bytes with the trapping one marked <0f> (x86) or (d4200000) (arm)',
        r`\G\s*(Code)(:)`,
        caps('keyword.other.code', 'punctuation.separator.key-value'),
        [
          { match: r`(?:Unable to access opcode bytes at|Bad RIP value|Bad EIP value).*$`, name: 'comment.other.code-unavailable' + S },
          {
            match: r`(<)(${HEX}+)(>)`,
            name: 'markup.bold.trapping-instruction' + S,
            captures: caps('punctuation.definition.trapping.begin', 'invalid.illegal.trapping-instruction', 'punctuation.definition.trapping.end'),
          },
          {
            match: r`(\()(${HEX}+)(\))`,
            name: 'markup.bold.trapping-instruction' + S,
            captures: caps('punctuation.definition.trapping.begin', 'invalid.illegal.trapping-instruction', 'punctuation.definition.trapping.end'),
          },
          { match: r`(?<!\S)${HEX}{2,16}+(?:\s++${HEX}{2,16}+(?!\S))*+(?!\S)`, name: 'constant.numeric.hex.bytes' + S },
        ],
        'meta.code' ,
      ),
    ],
  },

  'modules-line': {
    patterns: [
      rest(
        'Modules linked in: a(OE) b [last unloaded: c]',
        r`\G\s*(Modules linked in)(:)`,
        caps('keyword.other.modules', 'punctuation.separator.key-value'),
        [
          {
            match: r`(\[)(last unloaded)(:)\s*(${MOD})(?:\((\w+)\))?(\])`,
            captures: caps(
              'punctuation.definition.bracket.begin',
              'comment.other.last-unloaded',
              'comment.other.last-unloaded',
              'entity.name.namespace.module',
              'storage.modifier.taint',
              'punctuation.definition.bracket.end',
            ),
          },
          {
            match: r`(?<!\S)(${MOD})(?:(\()([A-Z+-]+)(\)))?(?!\S)`,
            captures: caps('entity.name.namespace.module', 'punctuation.definition.taint.begin', 'storage.modifier.taint', 'punctuation.definition.taint.end'),
          },
        ],
        'meta.modules',
      ),
    ],
  },

  'identity-lines': {
    patterns: [
      rest(
        'CPU: 1 [UID: 0] PID: 1 Comm: init Tainted: G OE 6.1.0-56-amd64 #1 Debian ...',
        r`\G\s*(?=CPU: \d+ (?:UID: \d+ )?PID: -?\d+ |CPU: \d+\s+(?:Not tainted|Tainted:))`,
        {},
        [
          { match: r`\b(CPU|UID|PID)(:)\s*(-?\d+)`, captures: caps('support.type.property-name', 'punctuation.separator.key-value', 'constant.numeric.decimal') },
          {
            match: r`\b(Comm)(:)\s*(.+?)(?=\s+(?:Not tainted|Tainted:)|\s*$)`,
            captures: caps('support.type.property-name', 'punctuation.separator.key-value', 'string.unquoted.comm'),
          },
          inc('taint'),
          inc('kernel-release'),
          inc('inline'),
        ],
      ),
      rest('Tainted: line of hung-task reports', r`\G\s*(?=Tainted: )`, {}, [inc('taint'), inc('kernel-release'), inc('inline')]),
      rest('lockdep: "4.15.0-rc7+ #255 Not tainted"', r`\G\s*(?=\d+\.\d+\S* #\d+\s+(?:Not tainted|Tainted:))`, {}, [inc('taint'), inc('kernel-release'), inc('inline')]),
      {
        match: r`\G\s*(Linux version)\s+(\S+)`,
        captures: caps('keyword.other.linux-version', 'string.unquoted.kernel-release'),
      },
      {
        match: r`\G\s*(Hardware name)(:)\s*(.*)$`,
        captures: caps('keyword.other.hardware', 'punctuation.separator.key-value', 'string.unquoted.hardware'),
      },
      {
        comment: 'sysrq-t / hung task: task:init state:D stack:0 pid:99 ppid:1 flags:0x00000002',
        begin: r`\G\s*(task)(:)(?=\S)(\S+)`,
        beginCaptures: caps('support.type.property-name', 'punctuation.separator.key-value', 'string.unquoted.comm'),
        end: '$',
        patterns: [
          {
            match: r`\b(state|stack|pid|tgid|ppid|flags|task_flags)(:)\s*(\S+)`,
            captures: caps('support.type.property-name', 'punctuation.separator.key-value', 'constant.other.value'),
          },
          inc('inline'),
        ],
      },
      chain(
        'Kernel Offset:, #PF:, pstate:, and other labelled report lines',
        r`\G\s*(Kernel Offset|PHYS_OFFSET|CPU features|Memory Limit|#PF|irq event stamp|hardirqs last\s+(?:en|dis)abled at|softirqs last\s+(?:en|dis)abled at|page dumped because|flags|page|raw|head|Dumping ftrace buffer|last sysfs file|Workqueue|Preemption disabled at|Code starting with)(:)`,
        caps('keyword.other.label', 'punctuation.separator.key-value'),
      ),
    ],
  },

  lockdep: {
    patterns: [
      {
        comment: '-> #1 (&mm->mmap_lock){++++}-{3:3}:',
        match: r`\G\s*(->)\s*(#\d+)\s*(\()((?:[^()\n]|\([^()\n]*\))+)(\))(\{[^}\n]*\})?(-\{[\d:]+\})?(:)?`,
        captures: caps(
          'keyword.operator.arrow',
          'constant.numeric.decimal.lock-index',
          'punctuation.definition.lock.begin',
          'variable.other.lock-class',
          'punctuation.definition.lock.end',
          'constant.character.lock-usage',
          'constant.character.lock-usage',
          'punctuation.separator.section',
        ),
      },
      chain('held lock "#0: ffff... (&f->f_pos_lock){+.+.}, at: func"', r`\G\s*(#\d+)(:)`, caps('constant.numeric.decimal.lock-index', 'punctuation.separator.key-value')),
      { match: r`\G\s*\*\*\* DEADLOCK \*\*\*`, name: 'invalid.illegal.deadlock' + S },
      chain(
        'arm64 ESR decoding: "  EC = 0x25: DABT (current EL), IL = 32 bits"',
        r`\G\s*(ESR|EC|IL|SET|FnV|EA|S1PTW|FSC|DFSC|IFSC|ISV|ISS2?|CM|WnR|TnD|TagAccess|GCS|Xs|LST|SF|AR|VNCR|SAS|SSE|SRT)( = )`,
        caps('variable.other.register.field', 'keyword.operator.assignment'),
      ),
      {
        match: r`(?<![\w.])(lock|unlock|rlock|wlock|trylock|sync|read_lock|write_lock)(\()([^;\n]*?)(\));`,
        captures: caps('support.function.lock-operation', 'punctuation.definition.arguments.begin', 'variable.other.lock-class', 'punctuation.definition.arguments.end'),
      },
      { match: r`<Interrupt>`, name: 'entity.name.tag.stack-marker' + S },
    ],
  },

  kasan: {
    patterns: [
      {
        comment: 'KASAN: Read of size 8 at addr ffff888... by task syz/123',
        match: r`\G\s*(Read|Write)( of size )(\d+)( at addr )(${HEX}+)(?:( by task )(\S+))?`,
        captures: caps(
          'keyword.other.access',
          undefined,
          'constant.numeric.decimal',
          undefined,
          'constant.numeric.hex.address',
          undefined,
          'string.unquoted.comm',
        ),
      },
      {
        comment: 'shadow memory row; ">" marks the row of the bad access',
        match: r`\G\s*(>)?(${HEX}{8,16})(:)((?:\s${HEX}{2})+)\s*$`,
        captures: caps('markup.bold.buggy-row', 'constant.numeric.hex.address', 'punctuation.separator.key-value', 'constant.numeric.hex.byte'),
      },
      { comment: 'caret under the bad shadow byte', match: r`\G\s*(\^)\s*$`, captures: caps('markup.bold.buggy-byte') },
    ],
  },

  'crash-output': {
    patterns: [
      rest(
        'crash sys header: KERNEL: /path  [TAINTED]',
        r`\G\s*(KERNEL|DUMPFILE|DEBUG KERNEL|SYSTEM MAP|DUMPFILES)(:)[ \t]+(\S+)`,
        caps('support.type.property-name.sys', 'punctuation.separator.key-value', 'markup.underline.link.file'),
        [inc('crash-flags'), inc('inline')],
      ),
      rest(
        'crash sys header: RELEASE: 6.1.0-56-amd64',
        r`\G\s*(RELEASE)(:)[ \t]+(\S+)`,
        caps('support.type.property-name.sys', 'punctuation.separator.key-value', 'string.unquoted.kernel-release'),
        [inc('inline')],
      ),
      rest(
        'crash sys header: keys the kernel itself never starts a line with',
        r`\G\s*(CPUS|UPTIME|LOAD AVERAGE|TASKS|NODENAME|MACHINE|PANIC)(:)(?=\s)`,
        caps('support.type.property-name.sys', 'punctuation.separator.key-value'),
        [inc('crash-flags'), inc('inline')],
      ),
      rest(
        'crash sys header: short keys, right-aligned by crash (kernel lines use them unindented)',
        r`\G\s{2,}(DATE|VERSION|MEMORY|PID|COMMAND|TASK|CPU|STATE)(:)(?=\s)`,
        caps('support.type.property-name.sys', 'punctuation.separator.key-value'),
        [inc('crash-flags'), inc('inline')],
      ),
      {
        comment: '[exception RIP: func+29] (decimal offset)',
        match: r`(\[)(exception RIP)(:)\s*(?:(${SYM})(?:(\+)(\d+))?|(unknown or invalid address))(\])`,
        captures: caps(
          'punctuation.definition.bracket.begin',
          'keyword.other.exception',
          'punctuation.separator.key-value',
          'entity.name.function.exception',
          'punctuation.separator.offset',
          'constant.numeric.decimal.offset',
          'invalid.illegal.unknown-address',
          'punctuation.definition.bracket.end',
        ),
      },
      rest(
        'crash dis: 0xffffffffc0304497 <evalcrash_null_deref+5>:\tmov $0x..,%rdi',
        r`\G\s*(0x${HEX}+)\s+(<)(${SYM})(?:(\+)(\d+))?(>)(:)\s*([\w.]+)?`,
        caps(
          'constant.numeric.hex.address',
          'punctuation.definition.symbol.begin',
          'entity.name.function',
          'punctuation.separator.offset',
          'constant.numeric.decimal.offset',
          'punctuation.definition.symbol.end',
          'punctuation.separator.key-value',
          'keyword.other.instruction',
        ),
        [
          { match: r`\[FTRACE NOP\]`, name: 'comment.other.ftrace' + S },
          { match: r`(?<=\s)#\s.*$`, name: 'comment.line.number-sign' + S },
          { match: r`%\w+`, name: 'variable.other.register' + S },
          { match: r`[$#]-?(?:0x${HEX}+|\d+)\b`, name: 'constant.numeric.immediate' + S },
          { match: r`(<)(${SYM})(?:(\+)(\d+|0x${HEX}+))?(>)`, captures: caps('punctuation.definition.symbol.begin', 'entity.name.function', 'punctuation.separator.offset', 'constant.numeric.offset', 'punctuation.definition.symbol.end') },
          inc('inline'),
        ],
      ),
      {
        comment: 'crash sym: ffffffffbb001f99 (T) panic+745 [mod] path: 459',
        match: r`\G\s*(${HEX}{8,16})\s+(\()([A-Za-z])(\))\s+(${SYM})(?:(\+)(\d+))?(?:\s+(\[)(${MOD})(\]))?`,
        captures: caps(
          'constant.numeric.hex.address',
          'punctuation.definition.symbol-type.begin',
          'storage.type.symbol-type',
          'punctuation.definition.symbol-type.end',
          'entity.name.function',
          'punctuation.separator.offset',
          'constant.numeric.decimal.offset',
          'punctuation.definition.module.begin',
          'entity.name.namespace.module',
          'punctuation.definition.module.end',
        ),
      },
      {
        comment: 'crash struct/union members: "  pid = 1,"',
        match: r`\G\s*([A-Za-z_]\w*(?:\[\d+\])*)\s(=)\s`,
        captures: caps('variable.other.member', 'keyword.operator.assignment'),
      },
      { comment: 'crash ps: ">" marks active tasks', match: r`\G(>)(?=\s+\d)`, captures: caps('keyword.operator.active-task') },
      {
        comment: 'crash table headers: "   PID    PPID  CPU       TASK        ST  %MEM ..." / "MODULE  NAME  BASE  SIZE  OBJECT FILE"',
        match: r`\G\s*(?:[A-Z%][A-Z_%]*+(?: [A-Z]++)?\s{2,}){2,}[A-Z%][A-Z_%]*+(?: [A-Z]++)?\s*$`,
        name: 'markup.heading.table.crash' + S,
      },
    ],
  },

  'crash-flags': {
    match: r`(\[)(TAINTED|PARTIAL DUMP|OFFLINE: \d+|THREAD_INFO: ${HEX}+|PANIC|ACTIVE|[A-Z][A-Z _]+)(\])`,
    captures: caps('punctuation.definition.flag.begin', 'storage.modifier.flag', 'punctuation.definition.flag.end'),
  },

  taint: {
    patterns: [
      {
        match: r`\b(Tainted)(:)\s+([A-Z](?: *+[A-Z])*+)`,
        captures: caps('keyword.other.taint', 'punctuation.separator.key-value', 'storage.modifier.taint'),
      },
      {
        comment: 'new format: Tainted: [W]=WARN, [O]=OOT_MODULE',
        match: r`(\[)([A-Z])(\])(=)([A-Z_]+)`,
        captures: caps('punctuation.definition.taint.begin', 'storage.modifier.taint', 'punctuation.definition.taint.end', 'keyword.operator.assignment', 'constant.language.taint'),
      },
      { match: r`\bNot tainted\b`, name: 'keyword.other.taint.none' + S },
    ],
  },

  'kernel-release': {
    match: r`(?<=\s|^)(\d+\.\d+(?:\.\d+)?(?:[-+~][\w.+~-]*)?\+?)(?=\s|$)`,
    captures: caps('string.unquoted.kernel-release'),
  },

  inline: {
    comment: 'Unanchored rules for anything the line-shape rules left.',
    patterns: [
      { match: r`(?:\x1b\[[0-9;?]*[A-Za-z])+`, name: 'comment.other.ansi-escape' + S },
      chain('timestamp glued after other output: "ok[    0.000000] Linux version"', r`\[\s*\d+\.\d{6}\](?:\[\s*[TC]\d+\])?`, {}, 'comment.other.timestamp'),
      {
        match: r`${NOTOK}${FRAME}${TAG}`,
        captures: { ...frameCaps(), 10: sc('punctuation.definition.frame-source.begin'), 11: sc('storage.modifier.frame-source'), 12: sc('punctuation.definition.frame-source.end') },
      },
      {
        comment: 'symbol in angle brackets: <func+0x12> / <func+18>',
        match: r`(<)(${SYM})(\+)(0x${HEX}++|\d++)(>)`,
        captures: caps('punctuation.definition.symbol.begin', 'entity.name.function', 'punctuation.separator.offset', 'constant.numeric.offset', 'punctuation.definition.symbol.end'),
      },
      {
        match: r`(\[<)(${HEX}+)(>\])`,
        captures: caps('punctuation.definition.address.begin', 'constant.numeric.hex.address', 'punctuation.definition.address.end'),
      },
      {
        comment: 'source position: fs/nfs/pagelist.c:382, crash "file.c: 459"',
        match: r`${NOTOK}(${PATH})(:) ?(\d+)(?:(:)(\d+))?`,
        name: 'markup.underline.link.source' + S,
        captures: caps('string.unquoted.path', 'punctuation.separator.line', 'constant.numeric.line', 'punctuation.separator.column', 'constant.numeric.column'),
      },
      { match: r`\[inline\]`, name: 'storage.modifier.inline' + S },
      {
        comment: 'lockdep lock class with usage bits: (&f->f_pos_lock){+.+.}-{3:3}',
        match: r`(\()((?:[^()\n]|\([^()\n]*\))+)(\))(\{[-+.?]{2,}\})(-\{[\d:]+\})?`,
        captures: caps('punctuation.definition.lock.begin', 'variable.other.lock-class', 'punctuation.definition.lock.end', 'constant.character.lock-usage', 'constant.character.lock-usage'),
      },
      { match: r`\(unreliable\)`, name: 'comment.other.unreliable' + S },
      {
        comment: 'register: value pairs (x86, arm64, arm, riscv, powerpc)',
        match: r`(?<![\w-])(${X86_REGS}|${LOWER_REGS})( ?:)\s*((?:${HEX}{4}:)?${HEX}{4,16}\b(?:\(${HEX}{4}\))?)`,
        captures: caps('variable.other.register', 'punctuation.separator.key-value', 'constant.numeric.hex.register-value'),
      },
      {
        match: r`(?<![\w-])(ESR|EC|IL|SET|FnV|EA|S1PTW|FSC|DFSC|IFSC|ISV|ISS2?|CM|WnR|TnD|TagAccess|GCS|Xs|LST|SF|AR|VNCR|SAS|SSE|SRT)( = )`,
        captures: caps('variable.other.register.field', 'keyword.operator.assignment'),
      },
      inc('taint'),
      { match: r`(?<![\w-])(CPU|UID|PID|Comm)(:)(?=\s*\S)`, captures: caps('support.type.property-name', 'punctuation.separator.key-value') },
      { match: r`\b(PGD|P4D|PUD|PMD|PTE)\b`, name: 'variable.other.page-table' + S },
      { match: r`\[#\d+\]`, name: 'constant.numeric.oops-count' + S },
      { match: r`"[^"\n]*"`, name: 'string.quoted.double' + S },
      { match: r`(?<![\w.$])0x${HEX}++\b`, name: 'constant.numeric.hex' + S },
      { match: r`(?<![\w.$-])${HEX}{8,16}\b`, name: 'constant.numeric.hex.address' + S },
    ],
  },
};

export function oopsGrammar(): object {
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Oops',
    scopeName: 'source.oops',
    comment: 'Generated from syntaxes/oops.grammar.ts - do not edit by hand.',
    patterns: [inc('line')],
    repository,
  };
}

export function oopsGrammarJson(): string {
  return JSON.stringify(oopsGrammar(), null, 2) + '\n';
}

if (require.main === module) {
  const out = join(__dirname, 'oops.tmLanguage.json');
  writeFileSync(out, oopsGrammarJson());
  console.log(`wrote ${out}`);
}
