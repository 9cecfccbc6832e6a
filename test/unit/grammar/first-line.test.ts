// package.json contributes.languages[0].firstLine: VS Code compiles it with `new RegExp(firstLine)`
// and tests it against the first line of files it has no extension mapping for.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO } from './tokenize';

interface Sample {
  from: string;
  line: string;
}
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  contributes: { languages: { id: string; firstLine?: string }[] };
};
const language = pkg.contributes.languages.find((l) => l.id === 'oops');
const samples = JSON.parse(readFileSync(join(REPO, 'test', 'grammar', 'first-lines.json'), 'utf8')) as {
  match: Sample[];
  noMatch: Sample[];
};
const firstLine = new RegExp(language?.firstLine ?? '(?!)');

test('firstLine recognises kernel logs, Oops headers and crash sessions', () => {
  assert.ok(language?.firstLine, 'package.json has no firstLine for the oops language');
  const missed = samples.match.filter((s) => !firstLine.test(s.line));
  assert.deepEqual(missed, [], 'first lines that should be detected as kernel logs');
  assert.ok(samples.match.length >= 30);
});

test('firstLine leaves other files alone', () => {
  const wrong = samples.noMatch.filter((s) => firstLine.test(s.line));
  assert.deepEqual(wrong, [], 'first lines wrongly detected as kernel logs');
  assert.ok(samples.noMatch.length >= 15);
});

// The shared corpus is on the development machines only; CI runs the fixture tests above.
const CORPUS = join(REPO, '..', 'shared', 'corpus', 'syzkaller', 'reports');
test('firstLine detects at least 90% of the syzkaller corpus logs', { skip: !existsSync(CORPUS) && 'shared corpus not present' }, () => {
  const firsts = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(CORPUS, f), 'utf8').split('\n', 1)[0])
    .filter((l) => l.trim() !== '');
  const hits = firsts.filter((l) => firstLine.test(l)).length;
  const ratio = hits / firsts.length;
  console.log(`firstLine: ${hits}/${firsts.length} syzkaller logs (${(ratio * 100).toFixed(1)}%)`);
  assert.ok(ratio >= 0.9, `only ${(ratio * 100).toFixed(1)}% detected`);
});
