// Whatever a user pastes, the grammar must tokenize every line completely: tokens start at 0, are
// contiguous, and each line returns to the root state (nothing spans lines).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import * as vsctm from 'vscode-textmate';
import { loadGrammar } from './tokenize';

function checkLine(grammar: vsctm.IGrammar, line: string): void {
  const root = grammar.tokenizeLine('', vsctm.INITIAL).ruleStack;
  const r = grammar.tokenizeLine(line, root);
  assert.ok(r.tokens.length > 0);
  assert.equal(r.tokens[0].startIndex, 0);
  for (let i = 1; i < r.tokens.length; i++) assert.equal(r.tokens[i].startIndex, r.tokens[i - 1].endIndex, `gap in ${JSON.stringify(line)}`);
  assert.ok(r.tokens[r.tokens.length - 1].endIndex >= line.length);
  assert.ok(r.ruleStack.equals(root), `rule stack left open after ${JSON.stringify(line)}`);
}

// Pieces of kernel lines, so random strings hit the interesting rules and their near misses.
const PIECES = ['[', ']', '<', '>', '(', ')', '{', '}', ' ', '  ', ':', '/', '+', '?', '#', '0x', 'ffff', '8801', '12.345678', 'T12', 'C1', 'func_name', '.isra.0', '+0x1f/0x40', '[mod]', 'BUG: ', 'WARNING: ', 'Call Trace:', 'RIP: 0010:', 'pc : ', 'Code: ', '<0f>', '(d4200000)', 'crash> ', 'fs/x.c:12', '[inline]', 'Tainted: G', '-> #1', '{+.+.}', '\t', '"', 'Modules linked in:', 'KERNEL: ', '---[ end trace', ']---', 'x29: ', 'lock(', ');'];

test('random kernel-like lines tokenize completely', async () => {
  const grammar = await loadGrammar();
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (parts) => checkLine(grammar, parts.join(''))),
    { numRuns: 300 },
  );
});

test('arbitrary unicode and control characters tokenize completely', async () => {
  const grammar = await loadGrammar();
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => checkLine(grammar, s.replace(/[\r\n]/g, ' '))),
    { numRuns: 100 },
  );
});

test('long lines (VS Code tokenizes up to 20000 characters per line)', async () => {
  const grammar = await loadGrammar();
  for (const unit of ['a.', 'ab/', '(a(b)', 'ff ', 'a+0x1', 'func+0x1/0x2 ', 'RAX: ', '-a | ']) {
    checkLine(grammar, unit.repeat(Math.ceil(20000 / unit.length)));
  }
  checkLine(grammar, 'Code: ' + 'ff '.repeat(6000) + '<0f>');
  checkLine(grammar, `[    2.757287]  ${'x'.repeat(19000)}+0x1/0x2 [mod]`);
});
