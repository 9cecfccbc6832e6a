// Knowledge a reader gets without a vmlinux: what the token under the cursor in a report line means.
// Pure: text in, Markdown out. The tables live in explain-*.ts, one subject each.
import { mdText } from './markdown';
import type { Arch } from './types';
import { taintMarkdown, moduleFlagsMarkdown } from './explain-taint';
import { pfLineMarkdown, dieHeaderMarkdown } from './explain-fault';
import { esrMarkdown, memAbortLineMarkdown } from './explain-esr';
import { valueMarkdown } from './explain-value';
import { reportHeaderMarkdown } from './explain-report';
import { cr0Markdown, cr3Markdown, cr4Markdown, eflagsMarkdown, pstateMarkdown, selectorMarkdown } from './explain-registers';
import { kasanMemoryStateMarkdown } from './explain-kasan';
import type { ReportKind } from './types';

export * from './explain-taint';
export * from './explain-fault';
export * from './explain-esr';
export * from './explain-value';
export * from './explain-report';
export * from './explain-errno';
export * from './explain-registers';
export * from './explain-kasan';

/** A piece of a line with its explanation, so callers can turn [start, end) into a hover range. */
export interface LineExplanation {
  start: number;
  end: number;
  markdown: string;
}

export interface LineContext {
  arch: Arch;
  /** The line is the report's header line. */
  isHeader?: boolean;
  /** The report kind, used for headers no specific rule knows. */
  kind?: ReportKind;
  /** The line is part of KASAN's `Memory state around the buggy address` dump. */
  kasanShadow?: boolean;
}

const within = (col: number, start: number, end: number) => col >= start && col <= end;

/** Registers whose value is a set of flags or a physical address, never a pointer to classify. */
const NOT_POINTERS = /^(EFLAGS|CR0|CR3|CR4|pstate|ESR|DR[0-7]|PKRU|XCR0|orig_x0|syscallno|ORIG_RAX|CS|DS|ES|SS)$/i;

/** Explains what is under column `col` of a report line's message text, or undefined. */
export function explainAt(text: string, col: number, ctx: LineContext): LineExplanation | undefined {
  if (ctx.kasanShadow) {
    const shadow = kasanMemoryStateMarkdown(text, col);
    if (shadow) return shadow;
  }
  // Taint letters: `Tainted: G           OE` / `Not tainted`.
  const taint = /(Not tainted|Tainted: ([A-Z](?:[A-Z ]*[A-Z])?))/.exec(text);
  if (taint && within(col, taint.index, taint.index + taint[0].length)) {
    return { start: taint.index, end: taint.index + taint[0].length, markdown: taintMarkdown(taint[2] ?? '') };
  }
  // Module taint flags: `evalcrash(OE)` in `Modules linked in:` (and its continuation lines).
  for (const m of text.matchAll(/([\w.-]+)\(([A-Z][A-Z+-]*|[+-])\)/g)) {
    if (within(col, m.index!, m.index! + m[0].length)) {
      return { start: m.index!, end: m.index! + m[0].length, markdown: moduleFlagsMarkdown(m[1], m[2]) };
    }
  }
  if (/#PF:/.test(text)) {
    const md = pfLineMarkdown(text);
    if (md) return { start: text.indexOf('#PF:'), end: text.length, markdown: md };
  }
  const die = /(?:Internal error: )?(?:Oops|general protection fault|invalid opcode|divide error|int3|stack segment|double fault)[^\[]*\[#\d+\][\w =]*/.exec(text);
  if (die && within(col, die.index, die.index + die[0].length)) {
    // A non-canonical address inside the GPF header gets the value explanation instead.
    const valueHere = hexTokenAt(text, col);
    if (!(valueHere && /address\s*$/.test(text.slice(0, valueHere.start)))) {
      const md = dieHeaderMarkdown(text, esrMarkdown);
      const extra = ctx.isHeader ? reportHeaderMarkdown(text, ctx.kind) : undefined;
      // When the report's explanation is about this very exception (GPF, #UD), the die line keeps only its fields.
      const head = md && extra !== undefined && extra === reportHeaderMarkdown(die[0]) ? md.replace(/^(\*\*[^\n]*?\*\*): [^\n]*/, '$1') : md;
      if (md) return { start: die.index, end: die.index + die[0].length, markdown: extra ? `${head}\n\n---\n${extra}` : md };
    }
  }
  const abort = memAbortLineMarkdown(text);
  if (abort && /^\s*(ESR\s*[=:]|EC\s*=|[DI]?FSC\s*=|ISV\s*=|CM\s*=|SET\s*=|EA\s*=|Access size|SSE\s*=|SF\s*=|GCS\s*=)/.test(text)) {
    return { start: 0, end: text.length, markdown: abort };
  }
  // Segment selectors: `RIP: 0010:`, `RSP: 0018:`, `CS:  0010 DS: 0000`.
  for (const m of text.matchAll(/\b(?:RIP|EIP|RSP|ESP|CS|DS|ES|SS):\s*([0-9a-f]{4})(?![0-9a-f])/g)) {
    const start = m.index! + m[0].length - 4;
    if (within(col, start, start + 4)) return { start, end: start + 4, markdown: selectorMarkdown(m[1]) };
  }
  const flags = /\bEFLAGS: ([0-9a-f]{8})/.exec(text);
  if (flags && within(col, flags.index, flags.index + flags[0].length)) {
    return { start: flags.index, end: flags.index + flags[0].length, markdown: eflagsMarkdown(parseInt(flags[1], 16)) };
  }
  const pstate = /\bpstate: ([0-9a-f]{8})(?: \([^)]*\))?/.exec(text);
  if (pstate && within(col, pstate.index, pstate.index + pstate[0].length)) {
    return { start: pstate.index, end: pstate.index + pstate[0].length, markdown: pstateMarkdown(parseInt(pstate[1], 16)) };
  }
  if (/^\s*(Mem|Data) abort info:\s*$/.test(text)) {
    return { start: 0, end: text.length, markdown: `**${mdText(text.trim())}** — the arm64 kernel decodes the ESR of the fault below (arch/arm64/mm/fault.c mem_abort_decode()); hover each field.` };
  }
  // A hex value: register dump entry, fault address, non-canonical address.
  const tok = hexTokenAt(text, col);
  // `[<ffffffff81058e5d>]` is a frame's raw address: the frame hover (symbolizer) explains it.
  if (tok && !(text[tok.start - 1] === '<' && text[tok.end] === '>')) {
    const name = registerNameBefore(text, tok.start);
    const control = name === 'CR0' ? cr0Markdown : name === 'CR3' ? cr3Markdown : name === 'CR4' ? cr4Markdown : undefined;
    if (control) return { start: tok.start, end: tok.end, markdown: control(BigInt('0x' + tok.text.replace(/^0x/, ''))) };
    if (!(name && NOT_POINTERS.test(name))) {
      const label = name ?? (/address[:]?\s*$/.test(text.slice(0, tok.start)) ? 'address' : undefined);
      const md = valueMarkdown(label, tok.text, ctx.arch);
      if (md) {
        const cr2 = name === 'CR2' ? '\n\nCR2 holds the address of the last page fault on this CPU.' : name === 'far' || name === 'FAR' ? '\n\nFAR holds the faulting address.' : '';
        return { start: tok.start, end: tok.end, markdown: md + cr2 };
      }
    }
  }
  if (ctx.isHeader) {
    const md = reportHeaderMarkdown(text, ctx.kind);
    if (md) return { start: 0, end: text.length, markdown: md };
  }
  return undefined;
}

/** The hex word (8-16 digits, optional 0x) covering `col`. */
export function hexTokenAt(text: string, col: number): { start: number; end: number; text: string } | undefined {
  for (const m of text.matchAll(/(?<![\w+])(?:0x)?[0-9a-fA-F]{8,16}(?![\w])/g)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (col >= start && col <= end) return { start, end, text: m[0] };
  }
  return undefined;
}

/** `RAX: `, `x9 : `, `RSP: 0018:` (segment:value), `CR2: ` — the register named right before a value. */
function registerNameBefore(text: string, start: number): string | undefined {
  const before = text.slice(Math.max(0, start - 24), start);
  const m = /\b([A-Za-z][A-Za-z0-9]{0,7})\s*:\s*(?:[0-9a-fA-F]{4}:)?$/.exec(before);
  if (!m) return undefined;
  if (/^(address|Code|RIP|CPU|PID|Comm)$/i.test(m[1])) return m[1] === 'address' ? undefined : m[1];
  return m[1];
}
