// The finder's small definition scanner (it picks the lines `git log -L` follows) against the
// tree-sitter definition finder of source/, on kernel sources: the same extents for every function.
// Always on the committed kernel excerpts; on whole 6.1 files when OOPS_LINUX_SOURCE_TAR points at
// Debian's /usr/src/linux-source-6.1.tar.xz (apt-get install linux-source-6.1; extraction is slow).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cParser } from '../../../server/src/source/c-parser';
import { findDefinitions } from '../../../server/src/source/c-functions';
import { findDefinition, sourceFunction } from '../../../server/src/fixes/function-locator';

const EXCERPTS = join(__dirname, '../../fixtures/source/linux-6.1');

function cFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...cFiles(p));
    else if (n.endsWith('.c')) out.push(p);
  }
  return out;
}

async function compare(files: string[]): Promise<{ total: number; mismatches: string[] }> {
  const parser = await cParser();
  let total = 0;
  const mismatches: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const names = new Set<string>();
    for (const m of text.matchAll(/^(?:[A-Za-z_][^;=(\n]*[^A-Za-z0-9_\n])?([A-Za-z_][A-Za-z0-9_]*)\s*\(/gm)) if (!/^[A-Z0-9_]+$/.test(m[1])) names.add(m[1]);
    for (const m of text.matchAll(/^SYSCALL_DEFINE\d\((\w+)/gm)) names.add(`__x64_sys_${m[1]}`);
    for (const name of names) {
      const fn = sourceFunction(name)!;
      const ts = findDefinitions(parser, text, fn.syscall ? '__none__' : name, fn.syscall ? { name: fn.name, compat: false } : undefined).filter((h) => h.kind === 'function' || h.kind === 'syscall');
      if (!ts.length) continue;
      total++;
      const mine = findDefinition(text, fn);
      if (!mine || mine.start !== ts[0].startRow + 1 || mine.end !== ts[0].endRow + 1)
        mismatches.push(`${f}: ${name} scanner ${mine ? `${mine.start}-${mine.end}` : 'none'}, tree-sitter ${ts[0].startRow + 1}-${ts[0].endRow + 1}`);
    }
  }
  return { total, mismatches };
}

describe('definition extents agree with tree-sitter', () => {
  it('on the kernel excerpts in test/fixtures/source', async () => {
    const { total, mismatches } = await compare(cFiles(EXCERPTS));
    assert.ok(total >= 15, `only ${total} functions compared`);
    assert.deepEqual(mismatches, []);
  });

  const tar = process.env.OOPS_LINUX_SOURCE_TAR;
  it('on whole Linux 6.1 files', { skip: !tar && 'set OOPS_LINUX_SOURCE_TAR=/usr/src/linux-source-6.1.tar.xz' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oops-ksrc-'));
    try {
      const files = ['fs/nfs/pagelist.c', 'kernel/sched/core.c', 'mm/page_alloc.c', 'net/core/dev.c', 'fs/open.c', 'fs/xfs/xfs_buf.c'];
      execFileSync('tar', ['-xJf', tar!, '-C', dir, ...files.map((f) => `linux-source-6.1/${f}`)]);
      const { total, mismatches } = await compare(files.map((f) => join(dir, 'linux-source-6.1', f)));
      assert.ok(total > 1000, `only ${total} functions compared`);
      assert.deepEqual(mismatches, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
