// Branch targets of a dump without an absolute RIP are named relative to the function, but only
// inside it: a call to another function is said to be outside, not shown as func+0x20f0080.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassemble } from '../../../server/src/symbols/disasm/index';
import { parseCodeText, isCodeProblem } from '../../../server/src/symbols/disasm/code-bytes';

// mod-null-deref.log: `RIP: 0010:evalcrash_null_deref+0x18/0x25 [evalcrash]` and its Code: line
// (a `call _printk` far away, and a `je` inside the previous function).
const CODE = 'Code: d0 fa 83 3d a7 1b 00 00 00 74 02 0f 0b c3 cc cc cc cc 0f 1f 44 00 00 48 c7 c7 20 53 30 c0 e8 9a 39 d0 fa 48 8b 05 56 1f 00 00 <48> c7 40 08 34 12 00 00 c3 cc cc cc cc 0f 1f 44 00 00 48 c7 c7 50';

test('calls outside the function are marked outside; targets inside keep func+off', async () => {
  const code = parseCodeText(CODE);
  assert.ok(!isCodeProblem(code));
  const out = await disassemble({ arch: 'x86_64', code, symbol: { name: 'evalcrash_null_deref', offset: 0x18, size: 0x25 } });
  assert.ok('disassembly' in out, 'problem' in out ? out.problem : 'pending');
  const call = out.disassembly.insns.find((i) => i.mnemonic === 'call');
  assert.ok(call, 'the call to _printk is decoded');
  assert.match(call.operands, /^<outside evalcrash_null_deref: evalcrash_null_deref[+-]0x[0-9a-f]+>$/);
  const inside = out.disassembly.insns.filter((i) => /^j/.test(i.mnemonic));
  for (const j of inside) assert.doesNotMatch(j.operands, /outside/, `${j.mnemonic} ${j.operands}`);
});
