// Hover on a `Code:` line: the bytes disassembled around the trapping instruction, addressed relative to
// the RIP/pc line, with the trap explained from the register dump and the fault address.
import type { DocumentState, FeatureContext } from './context';
import { reportAt } from './positions';
import type { Arch, Report } from '../model/types';
import {
  codeDumpBytes, describeOutcome, disassemble, isCodeProblem, parseCodeText,
  type CodeSite, type TrapContext,
} from '../symbols/disasm/index';

/** How far above a `Code:` line its RIP/pc line may be (arm64 prints the call trace in between). */
const RIP_SEARCH_LINES = 250;
/** Register dump lines after the `Code:` line (x86 prints RSP..CR4 below it). */
const REGS_AFTER_CODE = 10;

export interface CodeSiteInfo {
  line: number;
  /** The user-mode code segment (`0033`, `0023`) when the RIP line is a user-space one. */
  userMode?: string;
  site?: CodeSite;
  problem?: string;
  trap: TrapContext;
}

const RIP_RE = /\b(?:RIP|EIP): (?:[0-9a-f]{4}:)?(?:\[<([0-9a-f]+)>\] )?(.*)$|^\s*pc : (?:\[<([0-9a-f]+)>\] )?(\S+(?: \[[\w.-]+\])?)|\bPC is at (.*)$/;
const SYMBOL_RE = /^\s*(?:0x)?([\w.$]+)\+0x([0-9a-f]+)(?:\/0x([0-9a-f]+))?(?: \[([\w.-]+)(?: [0-9a-f]+)?\])?/;
const REG_RE = /\b([A-Za-z][A-Za-z0-9]{0,5})\s?:\s*(?:[0-9a-f]{4}:)?([0-9a-f]{8,16})\b/g;

/** printk lines are at most 1 KB: the register and RIP scans need no more of a line (pasted 30 KB lines made them slow). */
const MAX_SCAN = 4096;

function textOf(doc: DocumentState, line: number): string {
  const t = doc.model.lines[line]?.text ?? doc.lines[line] ?? '';
  return t.length > MAX_SCAN ? t.slice(0, MAX_SCAN) : t;
}

type PcLine = { line: number; symbol?: CodeSite['symbol']; pc?: bigint; text: string };

function parsePcLine(doc: DocumentState, l: number): PcLine | undefined {
  const text = textOf(doc, l);
  const m = RIP_RE.exec(text);
  if (!m) return undefined;
  // Old x86 prints the address twice: `RIP: 0010:[<ffffffff810c2a8e>]  [<ffffffff810c2a8e>] func+0x1e/0x60`.
  const target = (m[2] ?? m[4] ?? m[5] ?? '').trim().replace(/^\[<[0-9a-f]+>\]\s+(?=\S)/, '');
  const abs = m[1] ?? m[3] ?? /\[<([0-9a-f]+)>\]/.exec(target)?.[1];
  const out: PcLine = { line: l, text };
  if (abs) out.pc = BigInt('0x' + abs);
  const hexOnly = /^(?:0x)?([0-9a-f]{8,16})$/.exec(target);
  if (hexOnly) out.pc = BigInt('0x' + hexOnly[1]);
  else {
    const s = SYMBOL_RE.exec(target);
    if (s) out.symbol = { name: s[1], offset: parseInt(s[2], 16), size: s[3] ? parseInt(s[3], 16) : undefined, module: s[4] };
  }
  return out;
}

/**
 * The RIP/pc line a `Code:` line belongs to. x86 since 4.18 prints `Code:` right under its `RIP:`
 * (kernel and user blocks alike); older x86 prints it at the end of the oops, followed by a summary
 * `RIP: func+0x../0x.. RSP: ...` line, after the user-mode `RIP: 0033:` block — so the nearest RIP
 * above is not always the right one. arm/arm64 print one pc per report, before the call trace.
 */
function findPc(doc: DocumentState, line: number, floor: number): PcLine | undefined {
  const found = pickPc(doc, line, floor);
  if (!found || (found.symbol && found.pc !== undefined)) return found;
  // 32-bit arm prints `PC is at func+off/size` and `pc : [<addr>]` on neighbouring lines.
  for (let l = found.line - 2; l <= found.line + 2; l++) {
    if (l === found.line || l < 0) continue;
    const other = parsePcLine(doc, l);
    if (!other) continue;
    if (!found.symbol && other.symbol) found.symbol = other.symbol;
    if (found.pc === undefined && other.pc !== undefined) found.pc = other.pc;
  }
  return found;
}

function pickPc(doc: DocumentState, line: number, floor: number): PcLine | undefined {
  const candidates: PcLine[] = [];
  for (let l = line - 1; l >= Math.max(floor, line - RIP_SEARCH_LINES); l--) {
    const p = parsePcLine(doc, l);
    if (p) candidates.push(p);
  }
  const nearest = candidates[0];
  if (nearest && line - nearest.line <= 2) return nearest;
  const summary = parsePcLine(doc, line + 1);
  if (summary && / RSP: /.test(summary.text) && summary.symbol) {
    // Registers live in the block of the matching kernel `RIP: 0010:func+off/size` line.
    const block = candidates.find((c) => c.symbol && c.symbol.name === summary.symbol!.name && c.symbol.offset === summary.symbol!.offset);
    return block ?? summary;
  }
  // Prefer the kernel RIP (CS 0010/0060) over a user-mode block printed after the call trace.
  return candidates.filter((c) => /\b(?:RIP|EIP): 00[16]0:/.test(c.text)).pop() ?? nearest;
}

function registersIn(doc: DocumentState, from: number, to: number, codeLine: number): Map<string, bigint> {
  const regs = new Map<string, bigint>();
  for (let l = from; l <= to && l < doc.lines.length; l++) {
    if (l === codeLine) continue;
    const t = textOf(doc, l);
    if (l > from && RIP_RE.test(t)) break; // the next register block
    for (const m of t.matchAll(REG_RE)) {
      const key = m[1].toLowerCase();
      if (!regs.has(key)) regs.set(key, BigInt('0x' + m[2]));
    }
  }
  return regs;
}

const FAULT_RES: ReadonlyArray<RegExp> = [
  /non-canonical address (0x[0-9a-f]+)/,
  /Unhandled fault: .* at (0x[0-9a-f]+)/,
  /(?:for|at) address:? (?:0x)?([0-9a-f]{8,16})/,
  /\baddress: (?:0x)?([0-9a-f]{8,16})/,
  /at virtual address (?:0x)?([0-9a-f]{8,16})/,
  /paging request at (?:virtual address )?(?:0x)?([0-9a-f]{8,16})/,
];

function headerFacts(doc: DocumentState, report: Report | undefined, line: number): { header: string; address?: bigint } {
  const from = report ? Math.max(report.startLine, line - RIP_SEARCH_LINES) : Math.max(0, line - 40);
  const texts: string[] = [];
  let address: bigint | undefined;
  for (let l = from; l < line; l++) {
    const t = textOf(doc, l);
    if (/kernel BUG at|WARNING:|BUG: |general protection fault|Unable to handle|Internal error/.test(t)) texts.push(t);
    if (address === undefined) {
      for (const re of FAULT_RES) {
        const m = re.exec(t);
        if (m) { address = BigInt(m[1].startsWith('0x') ? m[1] : '0x' + m[1]); break; }
      }
    }
  }
  if (report && !texts.includes(report.headerText)) texts.unshift(report.headerText);
  return { header: texts.join('\n'), address };
}

/**
 * The instruction set of a dump: the report's arch when it agrees with the dump's unit, else what the
 * lines above say (`pstate:`/`x29:` arm64, `psr:`/`PC is at`/`ISA ARM` arm), and 32-bit for compat
 * user code (`RIP: 0023:`).
 */
function codeArch(doc: DocumentState, report: Report | undefined, line: number, unit: 'byte' | 'word' | 'half' | undefined, pcText?: string): Arch {
  const arch = report?.arch ?? 'unknown';
  if (unit === 'byte') {
    if (pcText && /\bRIP: 0023:/.test(pcText)) return 'i386';
    return arch;
  }
  if (unit === undefined || arch === 'arm64' || arch === 'arm') return arch;
  const floor = report ? report.startLine : Math.max(0, line - RIP_SEARCH_LINES);
  for (let l = line - 1; l >= Math.max(floor, line - RIP_SEARCH_LINES); l--) {
    const t = textOf(doc, l);
    if (/\bpstate: |\bx29: /.test(t)) return 'arm64';
    if (/\bpsr: |\bPC is at |\bISA (ARM|Thumb)\b|\bSMP ARM\b|\bcpsr\b/.test(t)) return 'arm';
  }
  return unit === 'half' ? 'arm' : arch === 'unknown' ? 'unknown' : arch;
}

/** Everything needed to disassemble and explain the `Code:` line at `line`, or undefined when it is not one. */
export function codeSiteAt(doc: DocumentState, line: number): CodeSiteInfo | undefined {
  const text = textOf(doc, line);
  if (!/^\s*Code:/.test(text)) return undefined;
  const report = reportAt(doc, line);
  const bytes = report?.code && report.code.span.line === line ? codeDumpBytes(report.code) : parseCodeText(text);
  const pc = findPc(doc, line, report ? report.startLine : 0);
  const arch = codeArch(doc, report, line, isCodeProblem(bytes) ? undefined : bytes.unit, pc?.text);
  const regs = pc ? registersIn(doc, pc.line, line + REGS_AFTER_CODE, line) : new Map<string, bigint>();
  const facts = headerFacts(doc, report, line);
  const trap: TrapContext = { registers: regs, header: facts.header, arch };
  const gpf = /general protection fault/.test(facts.header);
  const cr2 = regs.get('cr2');
  const far = regs.get('far');
  // A GPF does not set CR2 (it keeps the last page fault's address), so only the header's address counts.
  if (gpf) { if (facts.address !== undefined) { trap.faultAddress = facts.address; trap.faultAddressSource = 'the non-canonical address in the header'; } }
  else if (cr2 !== undefined) { trap.faultAddress = cr2; trap.faultAddressSource = 'CR2'; }
  else if (far !== undefined) { trap.faultAddress = far; trap.faultAddressSource = 'FAR'; }
  else if (facts.address !== undefined) { trap.faultAddress = facts.address; trap.faultAddressSource = 'the fault address in the header'; }
  const user = pc ? /\b(?:RIP|EIP): (0033|0023|0073):/.exec(pc.text)?.[1] : undefined;
  if (isCodeProblem(bytes)) return { line, problem: bytes.problem, trap, userMode: user };
  return { line, trap, userMode: user, site: { arch, code: bytes, symbol: pc?.symbol, pc: pc?.pc } };
}

/** Markdown and one-line summary for the `Code:` line, or undefined when `line` is not one. */
export async function describeCodeLine(doc: DocumentState, line: number): Promise<{ markdown: string; summary: string } | undefined> {
  const info = codeSiteAt(doc, line);
  if (!info) return undefined;
  if (!info.site) return { markdown: `**Code:** ${info.problem}`, summary: 'Code: not disassembled' };
  const d = describeOutcome(info.site, await disassemble(info.site), info.trap);
  if (!info.userMode) return d;
  return {
    markdown: `${d.markdown}\n\n_User-space code (\`RIP: ${info.userMode}:\`): where the task was in user mode, typically returning from the system call — not the crash site._`,
    summary: d.summary.replace(/^Disassemble /, 'Disassemble user code '),
  };
}

/** Hover part: the disassembly when the cursor is on a `Code:` line. */
export async function codeHover(doc: DocumentState, line: number, character: number, _ctx: FeatureContext): Promise<string | undefined> {
  const ll = doc.model.lines[line];
  if (ll && character < ll.textStart) return undefined;
  const r = await describeCodeLine(doc, line);
  return r?.markdown;
}
