// Runs the vscode-tmgrammar-test assertions in test/grammar/*.test.oops (real excerpts of kernel
// logs and crash sessions) so `npm test` covers the grammar.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GRAMMAR_PATH, REPO } from './tokenize';

const TOOL = require.resolve('vscode-tmgrammar-test/dist/unit.js');
const CASES = join(REPO, 'test', 'grammar');

function runTool(pattern: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TOOL, '-g', GRAMMAR_PATH, pattern], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('every test/grammar/*.test.oops case passes vscode-tmgrammar-test', () => {
  const files = readdirSync(CASES).filter((f) => f.endsWith('.test.oops'));
  assert.ok(files.length >= 5, `expected the grammar cases, found ${files.length}`);
  const { status, out } = runTool('test/grammar/*.test.oops');
  assert.equal(status, 0, out);
  for (const f of files) assert.match(out, new RegExp(`${f.replace(/\./g, '\\.')} run successfu`), `${f} was not run:\n${out}`);
});

test('the wrapper fails when an assertion is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-grammar-'));
  try {
    const bad = join(dir, 'wrong.test.oops');
    writeFileSync(bad, '// SYNTAX TEST "source.oops" "deliberately wrong"\n[    2.754753] BUG: kernel NULL pointer dereference\n//             ^^^^ entity.name.function.oops\n');
    const { status, out } = runTool(bad);
    assert.notEqual(status, 0, out);
    assert.match(out, /missing required scopes: entity\.name\.function\.oops/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
