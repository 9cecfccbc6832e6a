// Kernel taint flags: the letters after `Tainted:` and the per-module flags in `Modules linked in: foo(OE)`.
// Source: kernel/panic.c taint_flags[] (bit, letter, module flag) and
// Documentation/admin-guide/tainted-kernels.rst (meanings). Current as of Linux 6.15 (J = TAINT_FWCTL).

export interface TaintFlag {
  /** Bit number in /proc/sys/kernel/tainted. */
  bit: number;
  /** TAINT_* constant name. */
  name: string;
  /** Letter printed when set. */
  letter: string;
  /** Letter printed when NOT set, where the kernel prints one (`G` for P). */
  clearLetter?: string;
  /** true when the kernel also prints it per module in `Modules linked in:`. */
  module: boolean;
  meaning: string;
  /** What it usually means for the person reading the crash. */
  hint?: string;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  { bit: 0, name: 'TAINT_PROPRIETARY_MODULE', letter: 'P', clearLetter: 'G', module: true,
    meaning: 'a proprietary (non-GPL-compatible licensed) module was loaded',
    hint: 'upstream developers usually ask for a reproduction without it' },
  { bit: 1, name: 'TAINT_FORCED_MODULE', letter: 'F', module: true,
    meaning: 'a module was force-loaded (`insmod -f`), skipping version checks' },
  { bit: 2, name: 'TAINT_CPU_OUT_OF_SPEC', letter: 'S', module: false,
    meaning: 'the kernel runs on an out-of-specification system (e.g. SMP with CPUs not designed for it, mismatched CPU features, forced settings)' },
  { bit: 3, name: 'TAINT_FORCED_RMMOD', letter: 'R', module: false,
    meaning: 'a module was force-unloaded (`rmmod -f`)' },
  { bit: 4, name: 'TAINT_MACHINE_CHECK', letter: 'M', module: false,
    meaning: 'a machine check exception occurred (hardware error)',
    hint: 'suspect hardware before software' },
  { bit: 5, name: 'TAINT_BAD_PAGE', letter: 'B', module: false,
    meaning: 'a bad page was referenced or some unexpected page flags were seen (memory corruption)' },
  { bit: 6, name: 'TAINT_USER', letter: 'U', module: false,
    meaning: 'taint requested by user space (e.g. via /proc/sys/kernel/tainted)' },
  { bit: 7, name: 'TAINT_DIE', letter: 'D', module: false,
    meaning: 'the kernel died recently: an earlier OOPS or BUG happened',
    hint: 'this report may be a consequence of the first one; read the first report in the log' },
  { bit: 8, name: 'TAINT_OVERRIDDEN_ACPI_TABLE', letter: 'A', module: false,
    meaning: 'an ACPI table was overridden by the user' },
  { bit: 9, name: 'TAINT_WARN', letter: 'W', module: false,
    meaning: 'a kernel warning (WARN/WARN_ON) was issued earlier',
    hint: 'look for an earlier WARNING in the log; it may be the root cause' },
  { bit: 10, name: 'TAINT_CRAP', letter: 'C', module: true,
    meaning: 'a staging driver was loaded' },
  { bit: 11, name: 'TAINT_FIRMWARE_WORKAROUND', letter: 'I', module: false,
    meaning: 'a workaround for a bug in platform firmware was applied' },
  { bit: 12, name: 'TAINT_OOT_MODULE', letter: 'O', module: true,
    meaning: 'an externally-built ("out-of-tree") module was loaded',
    hint: 'its source is not in the kernel tree; symbolize it with its own .ko' },
  { bit: 13, name: 'TAINT_UNSIGNED_MODULE', letter: 'E', module: true,
    meaning: 'an unsigned module was loaded in a kernel supporting module signatures' },
  { bit: 14, name: 'TAINT_SOFTLOCKUP', letter: 'L', module: false,
    meaning: 'a soft lockup occurred earlier' },
  { bit: 15, name: 'TAINT_LIVEPATCH', letter: 'K', module: true,
    meaning: 'the kernel has been live patched' },
  { bit: 16, name: 'TAINT_AUX', letter: 'X', module: true,
    meaning: 'auxiliary taint, defined for and used by Linux distributors' },
  { bit: 17, name: 'TAINT_RANDSTRUCT', letter: 'T', module: true,
    meaning: 'the kernel was built with the struct randomization plugin (structure layouts differ from the source order)' },
  { bit: 18, name: 'TAINT_TEST', letter: 'N', module: true,
    meaning: 'an in-kernel test (e.g. a KUnit test) has been run' },
  { bit: 19, name: 'TAINT_FWCTL', letter: 'J', module: true,
    meaning: 'userspace used a mutating debug operation in fwctl (Linux 6.15+)' },
];

const BY_LETTER = new Map(TAINT_FLAGS.map((f) => [f.letter, f]));

export interface TaintLetterExplanation {
  letter: string;
  flag?: TaintFlag;
  /** Set for `G` (the "clear" letter of P). */
  clearOf?: TaintFlag;
}

/** Explains each letter of a taint string (`G           OE`); spaces are skipped. */
export function explainTaintLetters(letters: string): TaintLetterExplanation[] {
  const out: TaintLetterExplanation[] = [];
  for (const letter of letters) {
    if (letter === ' ' || letter === '\t') continue;
    if (letter === 'G') out.push({ letter, clearOf: TAINT_FLAGS[0] });
    else out.push({ letter, flag: BY_LETTER.get(letter) });
  }
  return out;
}

/** Per-module state marks that module_flags() appends inside the parentheses. */
const MODULE_STATE_MARKS: Record<string, string> = {
  '+': 'the module is being loaded (MODULE_STATE_COMING)',
  '-': 'the module is being unloaded (MODULE_STATE_GOING)',
};

export interface ModuleFlagExplanation {
  letter: string;
  flag?: TaintFlag;
  state?: string;
  /** The letter is a known taint but the kernel never prints it per module. */
  notPerModule?: boolean;
}

/** Explains `(POE)`, `(OE+)`: the flags kernel/module/main.c module_flags() prints after a module name. */
export function explainModuleFlags(flags: string): ModuleFlagExplanation[] {
  const out: ModuleFlagExplanation[] = [];
  for (const letter of flags.replace(/[()\s]/g, '')) {
    const state = MODULE_STATE_MARKS[letter];
    if (state) { out.push({ letter, state }); continue; }
    const flag = BY_LETTER.get(letter);
    out.push(flag ? { letter, flag, notPerModule: !flag.module } : { letter });
  }
  return out;
}

function letterLine(e: TaintLetterExplanation): string {
  if (e.clearOf) return `- \`G\` — no proprietary module loaded (only GPL-compatible ones): \`${e.clearOf.name}\` is clear`;
  if (!e.flag) return `- \`${e.letter}\` — unknown taint letter (not in the kernel's taint_flags table as of 6.15; maybe a newer or vendor kernel)`;
  const hint = e.flag.hint ? ` — ${e.flag.hint}` : '';
  return `- \`${e.letter}\` — ${e.flag.meaning} (\`${e.flag.name}\`, bit ${e.flag.bit})${hint}`;
}

/** Markdown for a `Tainted:` field. */
export function taintMarkdown(letters: string): string {
  const items = explainTaintLetters(letters);
  if (items.length === 0) return '**Not tainted**: no taint flag was set when this was printed.';
  const value = items.reduce((acc, e) => acc + (e.flag ? 2 ** e.flag.bit : 0), 0);
  return [`**Kernel taint** \`${letters.trim()}\` (value ${value} in /proc/sys/kernel/tainted)`, '', ...items.map(letterLine)].join('\n');
}

/** Markdown for a module's `(OE)` flags. */
export function moduleFlagsMarkdown(module: string, flags: string): string {
  const lines = explainModuleFlags(flags).map((e) => {
    if (e.state) return `- \`${e.letter}\` — ${e.state}`;
    if (!e.flag) return `- \`${e.letter}\` — unknown module flag`;
    const odd = e.notPerModule ? ' (unusual: the kernel does not print this flag per module)' : '';
    return `- \`${e.letter}\` — ${e.flag.meaning} (\`${e.flag.name}\`)${odd}`;
  });
  return [`**Module \`${module}\` taint flags** \`(${flags.replace(/[()]/g, '')})\``, '', ...lines].join('\n');
}
