// Branch targets of a dump without an absolute RIP are named relative to the function, but only
// inside it: a call to another function is said to be outside, not shown as func+0x20f0080.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble } from '../../../server/src/symbols/disasm/index';
import { parseCodeText, isCodeProblem } from '../../../server/src/symbols/disasm/code-bytes';

// mod-null-deref.log: `RIP: 0010:evalcrash_null_deref+0x18/0x25 [evalcrash]` and its Code: line
// (a `call _printk` far away, and a `je` into the previous function).
const CODE = 'Code: d0 fa 83 3d a7 1b 00 00 00 74 02 0f 0b c3 cc cc cc cc 0f 1f 44 00 00 48 c7 c7 20 53 30 c0 e8 9a 39 d0 fa 48 8b 05 56 1f 00 00 <48> c7 40 08 34 12 00 00 c3 cc cc cc cc 0f 1f 44 00 00 48 c7 c7 50';

test('calls and jumps outside the function are marked outside', async () => {
  const code = parseCodeText(CODE);
  assert.ok(!isCodeProblem(code));
  const out = await disassemble({ arch: 'x86_64', code, symbol: { name: 'evalcrash_null_deref', offset: 0x18, size: 0x25 } });
  assert.ok('disassembly' in out, 'problem' in out ? out.problem : 'pending');
  const call = out.disassembly.insns.find((i) => i.mnemonic === 'call');
  assert.ok(call, 'the call to _printk is decoded');
  assert.match(call.operands, /^<outside evalcrash_null_deref: evalcrash_null_deref[+-]0x[0-9a-f]+>$/);
  // `74 02` jumps to the `ud2` of the function before this one: outside too, still with its offset.
  const je = out.disassembly.insns.find((i) => i.mnemonic === 'je');
  assert.equal(je?.operands, '<outside evalcrash_null_deref: evalcrash_null_deref-0x5>');
  // The same bytes with a size that covers the target keep the plain func+off form.
  const wide = await disassemble({ arch: 'x86_64', code, symbol: { name: 'evalcrash_null_deref', offset: 0x18, size: 0x100 } });
  assert.ok('disassembly' in wide);
  const ret = wide.disassembly.insns.filter((i) => /^j/.test(i.mnemonic) && !i.operands.startsWith('<'));
  assert.equal(ret.length, 0, 'a target before the function start is never inside');
});

test('a jump inside the function keeps the plain func+off form', async () => {
  // jmp +2 over two nops onto the trapping ud2, with the RIP at func+0x4 of a 0x10-byte function.
  const code = parseCodeText('Code: eb 02 90 90 <0f> 0b 90 90');
  assert.ok(!isCodeProblem(code));
  const out = await disassemble({ arch: 'x86_64', code, symbol: { name: 'f', offset: 0x4, size: 0x10 } });
  assert.ok('disassembly' in out);
  const jmp = out.disassembly.insns.find((i) => i.mnemonic === 'jmp');
  assert.equal(jmp?.operands, 'f+0x4');
});
