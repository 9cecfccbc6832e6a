// language-configuration.json: the word under the cursor must be a whole kernel symbol
// (double-click, word highlight, Ctrl+D), never a piece of it or a whole frame.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './tokenize';

interface LanguageConfiguration {
  brackets: [string, string][];
  colorizedBracketPairs: [string, string][];
  wordPattern: string;
  comments?: unknown;
}
const config = JSON.parse(readFileSync(join(REPO, 'syntaxes/language-configuration.json'), 'utf8')) as LanguageConfiguration;

/** The word containing `column`, found the way VS Code's getWordAtText does: global matches of wordPattern. */
function wordAt(line: string, column: number): string | undefined {
  const re = new RegExp(config.wordPattern, 'g');
  for (const m of line.matchAll(re)) {
    if (m.index! <= column && column <= m.index! + m[0].length && m[0].length > 0) return m[0];
  }
  return undefined;
}
const at = (line: string, needle: string): string | undefined => wordAt(line, line.indexOf(needle) + 1);

test('kernel symbols are whole words', () => {
  const line = '[    2.757287]  el0_svc_common.constprop.0+0x4c/0xf4 [evalcrash]';
  assert.equal(at(line, 'el0_svc'), 'el0_svc_common.constprop.0');
  assert.equal(at(line, 'constprop'), 'el0_svc_common.constprop.0');
  assert.equal(at(line, '0x4c'), '0x4c');
  assert.equal(at(line, '0xf4'), '0xf4');
  assert.equal(at(line, 'evalcrash'), 'evalcrash');
  assert.equal(at(' ? p9_client_flush.isra.0+0x1fe/0x420', 'p9_client'), 'p9_client_flush.isra.0');
  assert.equal(at(' __x64_sys_write+0x19/0x20', '__x64'), '__x64_sys_write');
  assert.equal(at(' #3 [ffffa16bf706f640] oops_end at ffffffff97dbc818 [mod]', 'oops_end'), 'oops_end');
});

test('addresses and registers are whole words, a sentence dot is not part of a word', () => {
  assert.equal(at('RCX: c0000000ffffefff', 'c0000'), 'c0000000ffffefff');
  assert.equal(at('RSI: 00000000ffffefff RDI: 1', '00000000ff'), '00000000ffffefff');
  assert.equal(at('RIP: 0010:evalcrash_null_deref+0x18/0x25', 'RIP'), 'RIP');
  assert.equal(at('BUG at foo. Then', 'foo'), 'foo');
  assert.equal(at('kernel BUG at fs/nfs/pagelist.c:382!', 'pagelist'), 'pagelist.c');
});

test('brackets are matched but not colourized (logs hold half-open ranges like [a, b))', () => {
  assert.deepEqual(config.brackets.map((b) => b.join('')), ['[]', '()', '{}']);
  assert.deepEqual(config.colorizedBracketPairs, []);
  assert.equal(config.comments, undefined);
});
