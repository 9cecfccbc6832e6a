// Our decoding of every real `Code:` line in the shared corpora, checked instruction by instruction
// against GNU objdump on the same bytes (x86-64 and i386 with the host objdump; arm64 and arm with
// binutils-aarch64-linux-gnu / binutils-arm-linux-gnueabihf when installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseCodeText, isCodeProblem, type CodeBytes, type Disassembly } from '../../../server/src/symbols/disasm/index';
import { disassembleX86 } from '../../../server/src/symbols/disasm/x86';
import { armReady, disassembleArm } from '../../../server/src/symbols/disasm/arm';
import { CORPUS, corpusAvailable, corpusCodeLines, findTool, objdumpRange, type ObjdumpInsn } from './corpus-code-lines';

const skipCorpus = corpusAvailable() ? false : `shared corpus not present (${CORPUS})`;

// AT&T spellings in which objdump and iced legitimately differ; everything else must be identical.
const X86_PREFIX_WORDS = /^(rex(\.\w+)?|data16|addr32|cs|ds|es|ss|fs|gs|rep|repz|repnz|repe|repne|bnd|notrack)$/;
function normX86(s: string): string {
  const t = s
    .replace(/\s+#.*$/, '')            // objdump's `# 0x1f80` target comments
    .replace(/\s*<[^>]*>/g, '')
    .replace(/%[dsec]s:\(/g, '(')      // implicit string-op segments
    .replace(/\(%dx\)/g, '%dx')        // in/out port operand
    .replace(/-0x([0-9a-f]+)\(,%eiz,1\)/g, (_, n: string) => '0x' + (2n ** 32n - BigInt('0x' + n)).toString(16)) // signed absolute
    .replace(/\(,%[er]iz,1\)/g, '')    // absolute address through a SIB byte
    .replace(/,1\)/g, ')')             // scale 1
    .replace(/,%[er]iz(,\d)?\)/g, ')')  // SIB with no index
    .replace(/\b0x0\(/g, '(')
    .trim();
  const words = t.split(/\s+/);
  while (words.length > 1 && X86_PREFIX_WORDS.test(words[0])) words.shift();
  let [mn, ...rest] = words;
  let ops = rest.join(' ');
  mn = mn.replace(/^(push|pop|jmp|call|ret|lret|iret)[lq]$/, '$1').replace(/^sal/, 'shl');
  if (/^(sa[lr]|sh[lr]|ro[lr]|rc[lr])[bwlq]?$/.test(mn)) ops = ops.replace(/^\$0x1,/, ''); // implicit shift by 1
  return `${mn} ${ops}`.trim();
}

function normArm(s: string): string {
  const t = s.replace(/\s*(\/\/|@|;).*$/, '').replace(/\s*<[^>]*>/g, '').trim();
  const [mn0, ...rest] = t.split(/\s+/);
  const mn = mn0.replace(/^(stm|ldm)ia/, '$1');
  const ops = rest.join(' ')
    .replace(/#/g, '')
    .replace(/-?(0x[0-9a-f]+|\d+)/gi, (n) => (n.startsWith('-') ? -BigInt(n.slice(1)) : BigInt(n)).toString())
    .replace(/\bsb\b/g, 'r9').replace(/\bsl\b/g, 'r10').replace(/\bfp\b/g, 'r11').replace(/\bip\b/g, 'r12');
  return `${mn} ${ops}`.trim();
}

interface Tally { lines: number; insns: number; same: number; mismatches: string[] }

/**
 * Compares our instructions in [from, to) with objdump's. After the first undecodable bytes (ours
 * invalid or objdump's `(bad)`) instruction boundaries are a matter of decoder convention, so the rest
 * of that range is not compared.
 */
function compare(t: Tally, where: string, d: Disassembly, code: CodeBytes, od: ObjdumpInsn[], norm: (s: string) => string, from: number, to: number): void {
  const byOffset = new Map(od.map((o) => [o.offset, o.text]));
  const firstBad = Math.min(to, ...od.filter((o) => /^\(bad\)|undefined/.test(o.text)).map((o) => o.offset));
  const base = Math.max(code.trapOffset, 0);
  for (const i of d.insns) {
    const off = i.offset + base;
    if (off < from || off >= to) continue;
    if (i.invalid || i.truncated || off >= firstBad) break;
    t.insns++;
    const theirs = byOffset.get(off);
    const ours = norm(`${i.mnemonic} ${i.operands}`);
    if (theirs !== undefined && ours === norm(theirs)) t.same++;
    else t.mismatches.push(`${where} @${off}: ours \`${i.mnemonic} ${i.operands}\` objdump \`${theirs ?? '(no instruction starts here)'}\``);
  }
}

/** objdump over the realigned bytes before the trap and over the bytes from the trap, compared separately. */
function compareAroundTrap(t: Tally, where: string, d: Disassembly, code: CodeBytes, tool: string, machine: string, norm: (s: string) => string): void {
  if (code.trapOffset < 0) {
    compare(t, where, d, code, objdumpRange(tool, machine, code.bytes, 0, code.bytes.length), norm, 0, code.bytes.length);
    return;
  }
  compare(t, where, d, code, objdumpRange(tool, machine, code.bytes, d.skippedBytes, code.trapOffset), norm, d.skippedBytes, code.trapOffset);
  compare(t, where, d, code, objdumpRange(tool, machine, code.bytes, code.trapOffset, code.bytes.length), norm, code.trapOffset, code.bytes.length);
}

function x86Lines(): { file: string; text: string; code: CodeBytes }[] {
  const out: { file: string; text: string; code: CodeBytes }[] = [];
  for (const l of corpusCodeLines()) {
    const code = parseCodeText(l.text);
    if (!isCodeProblem(code) && code.unit === 'byte') out.push({ ...l, code });
  }
  return out;
}

test('x86-64: every corpus Code: line decodes like objdump -m i386:x86-64', { skip: skipCorpus || (findTool('objdump') ? false : 'objdump not installed') }, () => {
  const t: Tally = { lines: 0, insns: 0, same: 0, mismatches: [] };
  for (const { file, text, code } of x86Lines()) {
    t.lines++;
    const d = disassembleX86(code, 64);
    // The trap must be an instruction start (the realigned prefix ends exactly on it).
    if (code.trapOffset >= 0) assert.ok(d.insns.some((i) => i.trap && i.offset === 0), `${file}: trap instruction missing for ${text}`);
    compareAroundTrap(t, file, d, code, 'objdump', 'i386:x86-64', normX86);
  }
  console.log(`x86-64: ${t.lines} Code: lines, ${t.insns} instructions, ${t.same} identical to objdump (${((100 * t.same) / t.insns).toFixed(2)}%)`);
  assert.ok(t.lines >= 100, `expected at least 100 x86 Code: lines in the corpus, found ${t.lines}`);
  assert.deepEqual(t.mismatches, []);
});

test('i386: the same bytes decoded as 32-bit match objdump -m i386', { skip: skipCorpus || (findTool('objdump') ? false : 'objdump not installed') }, () => {
  const t: Tally = { lines: 0, insns: 0, same: 0, mismatches: [] };
  for (const { file, code } of x86Lines().slice(0, 60)) {
    if (code.trapOffset < 0) continue;
    t.lines++;
    compareAroundTrap(t, file, disassembleX86(code, 32), code, 'objdump', 'i386', normX86);
  }
  console.log(`i386: ${t.lines} lines, ${t.insns} instructions, ${t.same} identical to objdump`);
  assert.ok(t.insns > 500);
  assert.deepEqual(t.mismatches, []);
});

/** arm64 or arm, from what the report around the line prints. */
function armFlavour(file: string): 'arm64' | 'arm' {
  const text = readFileSync(file, 'latin1');
  return /\bpstate: |\bx29: /.test(text) ? 'arm64' : 'arm';
}

for (const isa of ['arm64', 'arm'] as const) {
  const tool = isa === 'arm64' ? findTool('aarch64-linux-gnu-objdump') : findTool('arm-linux-gnueabihf-objdump', 'arm-linux-gnueabi-objdump');
  const pkg = isa === 'arm64' ? 'binutils-aarch64-linux-gnu' : 'binutils-arm-linux-gnueabihf';
  test(`${isa}: corpus Code: lines decode like GNU objdump`, { skip: skipCorpus || (tool ? false : `${pkg} not installed (apt-get install ${pkg}) — ${isa} objdump comparison skipped`) }, async () => {
    const cs = await armReady();
    assert.ok(cs, 'capstone-wasm failed to load');
    const t: Tally = { lines: 0, insns: 0, same: 0, mismatches: [] };
    for (const l of corpusCodeLines()) {
      const code = parseCodeText(l.text);
      if (isCodeProblem(code) || code.unit !== 'word' || armFlavour(l.file) !== isa) continue;
      t.lines++;
      const d = disassembleArm(cs, code, isa);
      assert.ok(code.trapOffset < 0 || d.insns.some((i) => i.trap), `${l.file}: no trap instruction`);
      compareAroundTrap(t, l.file, d, code, tool!, isa === 'arm64' ? 'aarch64' : 'arm', normArm);
    }
    console.log(`${isa}: ${t.lines} Code: lines, ${t.insns} instructions, ${t.same} identical to objdump`);
    assert.ok(t.lines >= 3, `expected ${isa} Code: lines in the corpus, found ${t.lines}`);
    assert.deepEqual(t.mismatches, []);
  });
}
