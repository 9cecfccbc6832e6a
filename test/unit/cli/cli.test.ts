// The bundled `oops-lens` CLI as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const LOG = join(ROOT, '../shared/corpus/real-kernel/logs/mod-null-deref.log');

const run = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });

test('parse --json prints the first report first with 1-based frame lines', () => {
  const r = run(['parse', '--json', LOG]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const first = out.reports[0];
  assert.match(first.title, /NULL pointer dereference/);
  assert.equal(first.guiltyFrame, 'evalcrash_null_deref');
  assert.equal(first.kernel.release, '6.1.0-56-amd64');
  const rip = first.frames.find((f: { exact: boolean; function: string }) => f.exact && f.function === 'evalcrash_null_deref');
  assert.equal(rip.logLine, 364);
  assert.equal(rip.module, 'evalcrash');
  const q = first.frames.find((f: { unreliable: boolean }) => f.unreliable);
  assert.ok(q);
});

test('parse reads standard input with -', () => {
  const r = run(['parse', '--json', '-'], 'kernel BUG at fs/nfs/pagelist.c:382!\ninvalid opcode: 0000 [#1] SMP NOPTI\nCall Trace:\n nfs_end_page_writeback+0x6d/0x100 [nfs]\n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).reports.length, 1);
});

test('errors go to stderr with a non-zero exit', () => {
  const r = run(['parse', '--json', '/nonexistent/file.oops']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no such file|ENOENT/i);
  assert.equal(r.stdout, '');
  const u = run(['frobnicate']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /usage/);
});
