// Static checks of syntaxes/oops.tmLanguage.json: every regex compiles in Oniguruma (vscode-textmate
// compiles lazily, so a broken rarely-used rule would only fail in the editor), every scope is a
// standard TextMate root that themes colour, and nothing can span lines.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { GRAMMAR_PATH, loadGrammar } from './tokenize';

const grammar = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as Record<string, unknown>;
const STANDARD_ROOTS = new Set(['comment', 'constant', 'entity', 'invalid', 'keyword', 'markup', 'meta', 'punctuation', 'storage', 'string', 'support', 'variable']);

interface Found {
  regexes: { key: string; source: string }[];
  scopes: string[];
  ends: string[];
}
function collect(node: unknown, found: Found = { regexes: [], scopes: [], ends: [] }): Found {
  if (Array.isArray(node)) node.forEach((n) => collect(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') found.regexes.push({ key: k, source: v });
      if (k === 'end' && typeof v === 'string') found.ends.push(v);
      if ((k === 'name' || k === 'contentName') && typeof v === 'string' && node !== grammar) found.scopes.push(...v.split(' '));
      collect(v, found);
    }
  }
  return found;
}
const found = collect(grammar.repository);

test('grammar identity', () => {
  assert.equal(grammar.scopeName, 'source.oops');
  const pkg = JSON.parse(readFileSync(GRAMMAR_PATH.replace(/syntaxes\/oops\.tmLanguage\.json$/, 'package.json'), 'utf8'));
  const g = pkg.contributes.grammars.find((x: { language: string }) => x.language === 'oops');
  assert.equal(g.scopeName, 'source.oops');
  assert.equal(g.path, './syntaxes/oops.tmLanguage.json');
});

test('every regex compiles in Oniguruma', async () => {
  await loadGrammar(); // loads the wasm
  assert.ok(found.regexes.length > 80, `${found.regexes.length} regexes`);
  const bad: string[] = [];
  for (const r of found.regexes) {
    try {
      new oniguruma.OnigScanner([r.source]).dispose();
    } catch (e) {
      bad.push(`${r.key}: ${r.source}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('scopes use standard roots and the .oops suffix', () => {
  assert.ok(found.scopes.length > 100);
  const bad = found.scopes.filter((s) => !STANDARD_ROOTS.has(s.split('.')[0]) || !s.endsWith('.oops'));
  assert.deepEqual([...new Set(bad)], []);
  for (const needed of ['entity.name.function.oops', 'constant.numeric.hex.offset.oops', 'invalid.illegal.report.bug.oops', 'markup.underline.link.source.oops', 'comment.other.timestamp.oops', 'keyword.other.section.oops', 'variable.other.register.oops', 'storage.modifier.taint.oops', 'string.unquoted.kernel-release.oops', 'support.function.command.crash.oops']) {
    assert.ok(found.scopes.includes(needed), `${needed} is never produced`);
  }
});

test('every begin/end rule ends at the end of its line', () => {
  assert.ok(found.ends.length > 10);
  assert.deepEqual([...new Set(found.ends)], ['$']);
});
