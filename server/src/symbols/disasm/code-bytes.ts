// Turns a `Code:` line (or the model's CodeDump) into bytes in memory order, or says why it cannot.
import { mdCode } from '../../model/markdown';
import type { CodeDump } from '../../model/types';
import type { CodeBytes, CodeProblem } from './types';

/** What the kernel prints instead of bytes when it could not read them. */
const UNREADABLE: ReadonlyArray<readonly [RegExp, string]> = [
  [/Bad RIP value/i, 'The kernel could not read the code at RIP ("Bad RIP value"): RIP points to unmapped memory, so there are no bytes to disassemble — the jump/call that got there is the bug.'],
  [/Unable to access opcode bytes at/i, 'The kernel could not read the opcode bytes at RIP ("Unable to access opcode bytes"): RIP is not mapped; look at the caller (return address on the stack) instead.'],
  [/bad PC value/i, 'The kernel could not read the code at the PC ("bad PC value"): the PC is not mapped.'],
];

const MAX_BODY = 4096;

export function isCodeProblem(x: CodeBytes | CodeProblem): x is CodeProblem {
  return (x as CodeProblem).problem !== undefined;
}

/** Parses the text after `Code:` (the whole message text may be passed). */
export function parseCodeText(text: string): CodeBytes | CodeProblem {
  const at = text.indexOf('Code:');
  const body = (at >= 0 ? text.slice(at + 5) : text).trim();
  for (const [re, problem] of UNREADABLE) if (re.test(body)) return { problem };
  if (body === '') return { problem: 'The `Code:` line is empty: the dump was cut off (console truncated) before any byte was printed.' };
  // The kernel prints 64 bytes (x86) or a few words (arm): anything far longer is not a Code: dump.
  if (body.length > MAX_BODY) return { problem: `The \`Code:\` line is ${body.length} characters long; a kernel dump has at most a few hundred: not disassembled.` };
  const tokens = body.split(/\s+/);
  const bare = tokens.map((t) => t.replace(/^[<(]|[>)]$/g, ''));
  const marked = tokens.map((t) => /^<.*>$|^\(.*\)$/.test(t));
  const bad = bare.findIndex((t) => !/^[0-9a-fA-F]+$/.test(t));
  if (bad >= 0) return { problem: `Token ${bad + 1} of the \`Code:\` line, ${mdCode(tokens[bad])}, is not hexadecimal: the line is garbled (interleaved output or corruption); not disassembled.` };
  const widths = new Set(bare.map((t) => t.length));
  if (widths.size !== 1) {
    const odd = bare.findIndex((t) => t.length !== bare[0].length);
    return { problem: `The \`Code:\` line mixes ${[...widths].map((w) => `${w}-digit`).join(' and ')} groups (token ${odd + 1}, ${mdCode(tokens[odd])}): it was cut or interleaved with other output; not disassembled.` };
  }
  const width = bare[0].length;
  const unit = width === 2 ? 'byte' : width === 8 ? 'word' : width === 4 ? 'half' : undefined;
  if (!unit) return { problem: `The \`Code:\` line has ${width}-digit groups; expected bytes (2 digits, x86), words (8 digits, arm64/arm) or halfwords (4 digits, Thumb).` };
  const traps = marked.reduce((n, m) => n + (m ? 1 : 0), 0);
  if (traps > 1) return { problem: 'The `Code:` line marks more than one trapping instruction: it was garbled; not disassembled.' };
  return fromTokens(bare, marked.indexOf(true), unit);
}

/** The model's CodeDump in memory order. */
export function codeDumpBytes(dump: CodeDump): CodeBytes | CodeProblem {
  const width = dump.unit === 'byte' ? 2 : dump.unit === 'word' ? 8 : 4;
  const bad = dump.bytes.findIndex((b) => b.length !== width || !/^[0-9a-fA-F]+$/.test(b));
  if (bad >= 0) return { problem: `Group ${bad + 1} (${mdCode(dump.bytes[bad])}) of the \`Code:\` dump is malformed; not disassembled.` };
  if (dump.bytes.length === 0) return { problem: 'The `Code:` dump is empty.' };
  if (dump.bytes.length > MAX_BODY / 3) return { problem: `The \`Code:\` dump has ${dump.bytes.length} groups; a kernel dump has at most a few dozen: not disassembled.` };
  return fromTokens(dump.bytes, dump.trapIndex, dump.unit);
}

function fromTokens(tokens: readonly string[], trapIndex: number, unit: CodeBytes['unit']): CodeBytes {
  const size = unit === 'byte' ? 1 : unit === 'word' ? 4 : 2;
  const bytes = new Uint8Array(tokens.length * size);
  tokens.forEach((t, i) => {
    const v = parseInt(t, 16);
    // Words and halfwords are printed as values (%08x/%04x of the little-endian instruction).
    for (let k = 0; k < size; k++) bytes[i * size + k] = Math.floor(v / 2 ** (8 * k)) & 0xff;
  });
  return { bytes, trapOffset: trapIndex < 0 ? -1 : trapIndex * size, unit };
}
