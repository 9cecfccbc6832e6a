// `Code:` lines that cannot be disassembled get a clear reason; good ones keep memory order and the trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCodeText, isCodeProblem, codeDumpBytes, disassembleNow, chooseIsa } from '../../../server/src/symbols/disasm/index';

function problem(text: string): string {
  const r = parseCodeText(text);
  assert.ok(isCodeProblem(r), `expected a problem for ${JSON.stringify(text)}`);
  return r.problem;
}

test('lines the kernel could not fill say why', () => {
  assert.match(problem('Code: Bad RIP value.'), /Bad RIP value/);
  assert.match(problem('Code:  Bad RIP value.'), /unmapped memory/);
  assert.match(problem('Code: Unable to access opcode bytes at RIP 0x7f01b7b884cf.'), /RIP is not mapped/);
  assert.match(problem('Code: bad PC value'), /PC is not mapped/);
  assert.match(problem('Code: '), /empty.*cut off/);
});

test('garbled, odd-length and truncated groups are refused with the offending token', () => {
  assert.match(problem('Code: 48 8b zz 07'), /Token 3.*`zz`.*not hexadecimal/);
  assert.match(problem('Code: 48 8b 0 07 <0f> 0b'), /mixes 2-digit and 1-digit groups.*token 3/);
  assert.match(problem('Code: 48 8b 07 <0f> 0b c'), /token 6, `c`/);
  assert.match(problem('Code: 9483c019 f000000 (f9000401)'), /mixes 8-digit and 7-digit/);
  assert.match(problem('Code: 123 456 789'), /3-digit groups/);
  assert.match(problem('Code: 48 <8b> <07>'), /more than one trapping/);
  assert.match(problem('Code: 48 8b[   12.3] 07'), /not hexadecimal/);
});

test('bytes keep their order; words and halfwords are little-endian instructions', () => {
  const x = parseCodeText('Code: 74 02 <0f> 0b c3');
  assert.ok(!isCodeProblem(x));
  assert.deepEqual([...x.bytes], [0x74, 0x02, 0x0f, 0x0b, 0xc3]);
  assert.equal(x.trapOffset, 2);
  const w = parseCodeText('Code: f9425400 (d4210000)');
  assert.ok(!isCodeProblem(w));
  assert.deepEqual([...w.bytes], [0x00, 0x54, 0x42, 0xf9, 0x00, 0x00, 0x21, 0xd4]);
  assert.equal(w.trapOffset, 4);
  assert.equal(w.unit, 'word');
  const h = parseCodeText('Code: 4620 f7ff fd3c (de02)');
  assert.ok(!isCodeProblem(h));
  assert.equal(h.unit, 'half');
  assert.equal(h.trapOffset, 6);
  assert.deepEqual([...h.bytes.subarray(6)], [0x02, 0xde]);
});

test('the model CodeDump converts the same way', () => {
  const c = codeDumpBytes({ span: { line: 0, start: 0, end: 0 }, bytes: ['9483c019', 'f9000401'], trapIndex: 1, unit: 'word' });
  assert.ok(!isCodeProblem(c));
  assert.equal(c.trapOffset, 4);
  assert.match((codeDumpBytes({ span: { line: 0, start: 0, end: 0 }, bytes: ['48', '8'], trapIndex: 0, unit: 'byte' }) as { problem: string }).problem, /Group 2/);
});

test('architecture choice: bytes are x86, words arm64/arm, halfwords Thumb; others refused', () => {
  assert.deepEqual(chooseIsa('x86_64', 'byte'), { isa: 'x86_64' });
  assert.deepEqual(chooseIsa('i386', 'byte'), { isa: 'i386' });
  assert.equal((chooseIsa('unknown', 'byte') as { isa: string }).isa, 'x86_64');
  assert.deepEqual(chooseIsa('arm', 'word'), { isa: 'arm' });
  assert.deepEqual(chooseIsa('arm', 'half'), { isa: 'thumb' });
  assert.match((chooseIsa('riscv', 'word') as { problem: string }).problem, /riscv.*not supported/);
  assert.match((chooseIsa('arm64', 'byte') as { problem: string }).problem, /not an x86 dump/);
});

test('a dump of garbage bytes still decodes without throwing, marking what is invalid', () => {
  const code = parseCodeText('Code: ff ff ff ff ff ff ff ff <ff> ff ff ff 0f');
  assert.ok(!isCodeProblem(code));
  const r = disassembleNow({ arch: 'x86_64', code });
  assert.ok('disassembly' in r);
  assert.ok(r.disassembly.insns.some((i) => i.invalid || i.truncated));
  assert.ok(r.disassembly.insns.some((i) => i.trap));
});

test('arm memory operands: offsets, index, post-index, block transfers', async () => {
  const { armMemoryOperand } = await import('../../../server/src/symbols/disasm/arm');
  assert.deepEqual(armMemoryOperand('x1, [x0, #8]'), { base: 'x0', scale: 1, displacement: 8n });
  assert.deepEqual(armMemoryOperand('x0, [x0, #0x4a8]'), { base: 'x0', scale: 1, displacement: 0x4a8n });
  assert.deepEqual(armMemoryOperand('r2, [r2, r1, lsl #2]'), { base: 'r2', index: 'r1', scale: 4, displacement: 0n });
  assert.deepEqual(armMemoryOperand('x1, [x0], #8'), { base: 'x0', scale: 1, displacement: 0n, postIndex: true });
  assert.deepEqual(armMemoryOperand('x29, x30, [sp, #-0x20]!'), { base: 'sp', scale: 1, displacement: -0x20n });
  assert.deepEqual(armMemoryOperand('ip!, {r1, r3, r8, lr}', 'stmge'), { base: 'ip', scale: 1, displacement: 0n });
  assert.deepEqual(armMemoryOperand('sp!, {r4, lr}', 'stmdb'), { base: 'sp', scale: 1, displacement: -8n });
  assert.deepEqual(armMemoryOperand('sp!, {r4, r5, pc}', 'ldmfd'), { base: 'sp', scale: 1, displacement: 0n });
  assert.equal(armMemoryOperand('x0, x1', 'mov'), undefined);
});

test('a huge Code: line is refused quickly', () => {
  const t0 = Date.now();
  assert.match(problem('Code: ' + '90 '.repeat(2_000_000)), /characters long/);
  assert.ok(Date.now() - t0 < 2000);
});

test('a huge model CodeDump is refused too', () => {
  const r = codeDumpBytes({ span: { line: 0, start: 0, end: 0 }, bytes: new Array(100_000).fill('90'), trapIndex: 5, unit: 'byte' });
  assert.match((r as { problem: string }).problem, /100000 groups/);
});
