// Thumb-2 `Code:` dumps (halfwords): code assembled here with binutils, printed the way the kernel
// prints it, decoded and compared with objdump -M force-thumb, including a dump that starts inside
// a 32-bit instruction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCodeText, isCodeProblem, explainTrap } from '../../../server/src/symbols/disasm/index';
import { armReady, disassembleArm } from '../../../server/src/symbols/disasm/arm';
import { findTool, objdumpRange } from './corpus-code-lines';

const AS = findTool('arm-linux-gnueabihf-as', 'arm-linux-gnueabi-as');
const OBJCOPY = findTool('arm-linux-gnueabihf-objcopy', 'arm-linux-gnueabi-objcopy');
const OBJDUMP = findTool('arm-linux-gnueabihf-objdump', 'arm-linux-gnueabi-objdump');
const skip = AS && OBJCOPY && OBJDUMP ? false : 'binutils-arm-linux-gnueabihf not installed (apt-get install binutils-arm-linux-gnueabihf)';

const SOURCE = `.syntax unified
.thumb
.text
push {r4, lr}
mov r4, r0
ldr r0, [r4, #8]
bl 0x100
cmp r0, #0
beq 1f
str r1, [r0, #4]
1: udf #2
pop {r4, pc}
`;

function assemble(): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'oops-thumb-'));
  try {
    writeFileSync(join(dir, 't.s'), SOURCE);
    execFileSync(AS!, ['t.s', '-o', 't.o'], { cwd: dir });
    execFileSync(OBJCOPY!, ['-O', 'binary', '-j', '.text', 't.o', 't.bin'], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, 't.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The kernel's `Code:` line for Thumb: %04x halfwords, the trapping one in parentheses. */
function codeLine(bytes: Uint8Array, trap: number, from = 0): string {
  const halves: string[] = [];
  for (let i = from; i + 1 < bytes.length; i += 2) {
    const h = (bytes[i] | (bytes[i + 1] << 8)).toString(16).padStart(4, '0');
    halves.push(i === trap ? `(${h})` : h);
  }
  return `Code: ${halves.join(' ')}`;
}

const norm = (s: string) => s.replace(/\s*[;@].*$/, '').replace(/#/g, '').replace(/\.n\b/, '').replace(/\s+/g, ' ').trim();

test('Thumb-2 halfword dump decodes like objdump, trap on udf #2 (ARM BUG)', { skip }, async () => {
  const cs = await armReady();
  assert.ok(cs);
  const bin = assemble();
  const trap = 0x10; // udf #2 (0xde02): the 32-bit ARM kernel's Thumb BUG instruction
  const code = parseCodeText(codeLine(bin, trap));
  assert.ok(!isCodeProblem(code));
  assert.equal(code.unit, 'half');
  const d = disassembleArm(cs, code, 'thumb');
  const od = objdumpRange(OBJDUMP!, 'arm', code.bytes, 0, code.bytes.length, ['-M', 'force-thumb']);
  const byOff = new Map(od.map((o) => [o.offset, o.text]));
  for (const i of d.insns) {
    const off = i.offset + trap;
    const theirs = byOff.get(off);
    assert.ok(theirs, `objdump has no instruction at ${off}`);
    // Branch targets differ in notation only (objdump prints the address, capstone #imm): compare mnemonics for branches.
    if (/^b/.test(i.mnemonic) && !/^bic/.test(i.mnemonic)) assert.equal(i.mnemonic, theirs.split(/\s+/)[0].replace(/\.n$/, ''), `@${off}`);
    else assert.equal(norm(`${i.mnemonic} ${i.operands}`), norm(theirs), `@${off}`);
  }
  const t = d.insns.find((i) => i.trap)!;
  assert.equal(t.hex, 'de02');
  assert.match(explainTrap(d, { registers: new Map(), arch: 'arm', header: 'kernel BUG at fs/x.c:1!' })!.markdown, /32-bit ARM BUG_INSTR/);
});

test('a Thumb dump that starts inside a 32-bit instruction is realigned on the trap', { skip }, async () => {
  const cs = (await armReady())!;
  const bin = assemble();
  // Start at 0x8, the second halfword of `bl` (f7ff fffe): decoding from the first byte would be wrong.
  const trap = 0xe; // str r1, [r0, #4]
  const code = parseCodeText(codeLine(bin, trap, 0x8));
  assert.ok(!isCodeProblem(code));
  const d = disassembleArm(cs, code, 'thumb');
  assert.ok(d.insns.some((i) => i.trap && i.mnemonic === 'str'));
  const t = explainTrap(d, { registers: new Map([['r0', 0n]]), arch: 'arm' })!;
  assert.match(t.short, /str r1, \[r0, #4\]: address 0x4 \(NULL \+ 0x4\)/);
});
