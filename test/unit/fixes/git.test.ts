// The git runner: argument arrays, pinned config, output limits, cancellation, clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNotOption, GitError, isCancelled, literalPath, runGit } from '../../../server/src/fixes/git';

function repo(): string {
  const d = mkdtempSync(join(tmpdir(), 'oops-git-'));
  const g = (...a: string[]) => execFileSync('git', a, { cwd: d, env: { ...process.env, HOME: d, GIT_CONFIG_NOSYSTEM: '1' } });
  g('init', '-q');
  g('config', 'user.email', 'a@example.org');
  g('config', 'user.name', 'A');
  writeFileSync(join(d, 'a.c'), 'int a;\n'.repeat(1000));
  g('add', '.');
  g('commit', '-qm', 'a');
  return d;
}

describe('runGit', () => {
  it('ignores a repository config that would run commands or change output', async () => {
    const d = repo();
    try {
      const marker = join(d, 'ran');
      execFileSync('git', ['config', 'core.fsmonitor', `touch ${marker}`], { cwd: d });
      execFileSync('git', ['config', 'core.pager', `touch ${marker}`], { cwd: d });
      execFileSync('git', ['config', 'color.ui', 'always'], { cwd: d });
      const r = await runGit(['log', '--format=%s'], { cwd: d });
      assert.equal(r.stdout, 'a\n');
      await runGit(['status', '--porcelain'], { cwd: d });
      assert.throws(() => execFileSync('test', ['-e', marker]));
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('truncates at maxBytes, kills on abort, and names a missing directory', async () => {
    const d = repo();
    try {
      const r = await runGit(['show', 'HEAD:a.c'], { cwd: d, maxBytes: 100 });
      assert.equal(r.truncated, true);
      assert.equal(r.stdout.length, 100);
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(runGit(['log'], { cwd: d, signal: ac.signal }), (e: unknown) => isCancelled(e));
      await assert.rejects(runGit(['log'], { cwd: join(d, 'nope') }), /nope does not exist/);
      await assert.rejects(runGit(['rev-parse', 'nosuchrev'], { cwd: d }), (e: unknown) => e instanceof GitError && e.code === 128);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('refuses option-looking values and makes paths literal', () => {
    assert.throws(() => assertNotOption('--upload-pack=x', 'revision'), /refusing/);
    assert.throws(() => assertNotOption('a\nb', 'revision'), /control/);
    assert.equal(assertNotOption('v6.1', 'revision'), 'v6.1');
    assert.equal(literalPath('fs/*.c'), ':(literal)fs/*.c');
  });
});
