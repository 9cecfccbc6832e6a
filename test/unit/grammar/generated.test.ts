// syntaxes/oops.tmLanguage.json is generated from syntaxes/oops.grammar.ts; a hand edit of the
// JSON or a forgotten regeneration fails here.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { oopsGrammarJson } from '../../../syntaxes/oops.grammar';
import { GRAMMAR_PATH } from './tokenize';

test('oops.tmLanguage.json is up to date with oops.grammar.ts (run: npx tsx syntaxes/oops.grammar.ts)', () => {
  assert.equal(readFileSync(GRAMMAR_PATH, 'utf8'), oopsGrammarJson());
});
