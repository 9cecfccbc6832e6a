// The fix finder against a real git history (see kernel-history.ts for the story it tells).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { findFixes, hasCommitGraph } from '../../../server/src/fixes/finder';
import { FixFinder } from '../../../server/src/fixes/fix-finder';
import { isCancelled } from '../../../server/src/fixes/git';
import type { FixResult } from '../../../server/src/fixes/types';
import { buildHistory, Repo, type History } from './kernel-history';

const DEBIAN_612 = { release: '6.1.0-2-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.2-1 (2023-01-10)' };

describe('findFixes over a kernel-like history', () => {
  let h: History;
  let names: Map<string, string>;
  const named = (r: FixResult) => r.commits.map((c) => names.get(c.sha) ?? c.sha.slice(0, 12));
  before(() => {
    h = buildHistory();
    names = new Map(Object.entries(h).filter(([, v]) => typeof v === 'string').map(([k, v]) => [v as string, k]));
  });
  after(() => h.repo.cleanup());

  it('ranks fixes the crashing kernel lacks: Fixes:/Cc: stable first, then by directness; contained last', async () => {
    const r = await findFixes({
      repo: h.repo.dir,
      function: 'nfs_unlock_request',
      file: 'fs/nfs/pagelist.c',
      title: 'kernel BUG in nfs_unlock_request',
      kernel: DEBIAN_612,
    });
    assert.equal(r.base, 'v6.1.2');
    assert.deepEqual(named(r), ['fixElsewhere', 'syzbotFix', 'fixAfterRename', 'refactor', 'mentionOnly', 'fixStable']);
    const byName = (n: string) => r.commits.find((c) => names.get(c.sha) === n)!;
    // The Cc: stable fix was backported to v6.1.1 as a cherry-pick: the crashing 6.1.2 has it.
    assert.deepEqual(byName('fixStable').contained, { state: 'contained', via: 'v6.1.2', backport: h.fixStableBackport });
    // The refactor reached the stable line only in v6.1.3.
    assert.deepEqual(byName('refactor').contained, { state: 'missing', backport: h.refactorBackport, laterIn: 'v6.1.3' });
    assert.equal(byName('refactor').touch, 'body');
    assert.equal(byName('mentionOnly').touch, 'message');
    const elsewhere = byName('fixElsewhere');
    assert.equal(elsewhere.fixes[0].full, h.introduced);
    assert.equal(elsewhere.fixes[0].touchedFunction, true);
    assert.equal(elsewhere.fixes[0].inCrashingKernel, true);
    // Fixes: naming a commit the crashing kernel does not have is not a fix for this crash.
    assert.equal(byName('fixAfterRename').fixes[0].inCrashingKernel, false);
    assert.equal(byName('syzbotFix').titleMatch, true);
    assert.equal(byName('syzbotFix').syzbot, true);
    assert.ok(!names.has('unrelated') || !named(r).includes('unrelated'), 'a change to another function of the file is not listed');
    // -L followed the function through the rename.
    assert.equal(r.tipFile, 'fs/nfs/page.c');
    assert.ok(r.notes.some((n) => n.includes('renamed to fs/nfs/page.c')));
    assert.equal(byName('fixStable').subject, 'NFS: fix the release barrier when unlocking a request');
    assert.ok(byName('fixStable').trailers.some((t) => t.key === 'Cc' && t.value === 'stable@vger.kernel.org'));
  });

  it('treats a backport in the exact crashing release as contained, and a vanilla release as lacking it', async () => {
    const at611 = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: { release: '6.1.1' } });
    assert.equal(at611.base, 'v6.1.1');
    assert.equal(at611.commits.find((c) => c.sha === h.fixStable)?.contained.state, 'contained');
    const at610 = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: { release: '6.1.0' } });
    assert.equal(at610.base, 'v6.1');
    const fix = at610.commits.find((c) => c.sha === h.fixStable)!;
    assert.deepEqual(fix.contained, { state: 'missing', backport: h.fixStableBackport, laterIn: 'v6.1.1' });
    assert.equal(at610.commits[0].sha, h.fixStable, 'with nothing contained, the Fixes + Cc: stable change to the body leads');
  });

  it('after v6.2 only later commits count', async () => {
    const r = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: { release: '6.2.0' } });
    assert.equal(r.base, 'v6.2');
    assert.deepEqual(new Set(r.commits.map((c) => names.get(c.sha))), new Set(['fixAfterRename', 'fixElsewhere']));
  });

  it('says when the clone lacks the exact stable tag and does not claim containment', async () => {
    const r = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: { release: '6.1.9' } });
    assert.equal(r.base, 'v6.1');
    assert.ok(r.notes.some((n) => n.includes('no tag v6.1.9')));
    assert.ok(r.commits.every((c) => c.contained.state === 'unknown'));
  });

  it('finds the file from the module when the report has none, and follows a function moved to another file', async () => {
    const r = await findFixes({ repo: h.repo.dir, function: 'nfs_lock_request', module: 'nfs', kernel: DEBIAN_612 });
    assert.equal(r.file, 'fs/nfs/pagelist.c');
    assert.equal(r.tipFile, 'fs/nfs/write.c');
    assert.ok(r.notes.some((n) => n.includes('moved to fs/nfs/write.c')));
    const move = r.commits.find((c) => c.sha === h.move);
    assert.ok(move && (move.touch === 'body' || move.touch === 'mention'), 'the move adds the function body to write.c');
  });

  it('matches a syzbot report by its Reported-by address', async () => {
    const r = await findFixes({
      repo: h.repo.dir,
      function: 'nfs_direct_io',
      file: 'fs/nfs/direct.c',
      kernel: DEBIAN_612,
      syzbotAddresses: ['syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com'],
    });
    const c = r.commits.find((x) => x.sha === h.syzbotFix)!;
    assert.equal(c.titleMatch, true);
    assert.equal(c.touch, 'body');
    assert.equal(r.commits[0].sha, h.syzbotFix);
  });

  it('strips compiler suffixes and answers for an exact base revision', async () => {
    const r = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request.isra.0', file: 'fs/nfs/pagelist.c', baseRef: 'v6.1.3' });
    assert.equal(r.function, 'nfs_unlock_request');
    // v6.1.3 has both backports.
    assert.equal(r.commits.find((c) => c.sha === h.refactor)?.contained.state, 'contained');
    assert.equal(r.commits.find((c) => c.sha === h.fixStable)?.contained.state, 'contained');
  });

  it('refuses names and revisions that git would read as options, before running git', async () => {
    await assert.rejects(findFixes({ repo: h.repo.dir, function: '-Lfoo', kernel: DEBIAN_612 }), /not a C function name/);
    await assert.rejects(findFixes({ repo: h.repo.dir, function: 'foo', baseRef: '--output=/tmp/x' }), /refusing/);
    await assert.rejects(findFixes({ repo: h.repo.dir, function: 'foo', upstreamRef: '-p' }), /refusing/);
    const r = await findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', file: '../../etc/passwd', kernel: DEBIAN_612 });
    assert.ok(r.notes.some((n) => n.includes('not a path inside the kernel tree')));
  });

  it('cancels: the git child is killed and the promise rejects with AbortError', async () => {
    const ac = new AbortController();
    const p = findFixes(
      { repo: h.repo.dir, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: DEBIAN_612 },
      { signal: ac.signal, onProgress: (_m, pct) => pct >= 18 && ac.abort() },
    );
    await assert.rejects(p, (e: unknown) => isCancelled(e));
  });

  it('explains a kernel version the clone does not have', async () => {
    await assert.rejects(findFixes({ repo: h.repo.dir, function: 'nfs_unlock_request', kernel: { release: '4.19.90-1' } }), /cannot find the crashing version 4\.19\.90-1/);
  });
});

describe('FixFinder cache', () => {
  it('answers a repeated query from the cache and recomputes when HEAD moves', async () => {
    const r = new Repo();
    try {
      r.write('kernel/a.c', 'int foo(void)\n{\n\treturn 0;\n}\n');
      r.commit('a: add foo');
      r.tag('v6.1');
      r.write('kernel/a.c', 'int foo(void)\n{\n\treturn 1;\n}\n');
      const fix1 = r.commit('a: fix foo\n\nCc: stable@vger.kernel.org');
      const finder = new FixFinder();
      const q = { repo: r.dir, function: 'foo', kernel: { release: '6.1.0' } };
      const first = await finder.find(q);
      assert.deepEqual(first.commits.map((c) => c.sha), [fix1]);
      const again = await finder.find(q);
      assert.equal(again, first, 'same result object from the cache');
      assert.equal(finder.resultsFor('foo').length, 1);
      r.write('kernel/a.c', 'int foo(void)\n{\n\treturn 2;\n}\n');
      const fix2 = r.commit('a: really fix foo');
      const third = await finder.find(q);
      assert.notEqual(third, first);
      assert.deepEqual(third.commits.map((c) => c.sha), [fix1, fix2]);
    } finally {
      r.cleanup();
    }
  });

  it('follows syscalls through SYSCALL_DEFINE, and falls back to hunk headers when the function is gone at the tip', async () => {
    const r = new Repo();
    try {
      r.write('fs/open.c', 'SYSCALL_DEFINE1(close, unsigned int, fd)\n{\n\treturn 0;\n}\n\nstatic int\nbaz(int x)\n{\n\treturn x;\n}\n\nint keep(void)\n{\n\treturn 1;\n}\n');
      r.commit('fs: open');
      r.tag('v6.1');
      r.edit('fs/open.c', '\treturn 0;', '\treturn close_fd(fd);');
      const closeFix = r.commit('fs: close the fd');
      r.edit('fs/open.c', '\treturn x;', '\treturn x + 1;');
      const bazFix = r.commit('fs: fix the off-by-one');
      r.edit('fs/open.c', 'static int\nbaz(int x)\n{\n\treturn x + 1;\n}\n\n', '');
      const removal = r.commit('fs: remove an unused helper');
      const sys = await findFixes({ repo: r.dir, function: '__x64_sys_close', kernel: { release: '6.1.0' } });
      assert.equal(sys.file, 'fs/open.c');
      assert.deepEqual(sys.commits.map((c) => [c.sha, c.touch]), [[closeFix, 'body']]);
      const gone = await findFixes({ repo: r.dir, function: 'baz', kernel: { release: '6.1.0' } });
      assert.ok(gone.notes.some((n) => n.includes('baz() no longer exists')));
      assert.equal(gone.commits.find((c) => c.sha === bazFix)?.touch, 'body');
      assert.equal(gone.commits.find((c) => c.sha === removal)?.touch, 'mention');
    } finally {
      r.cleanup();
    }
  });

  it('matches a syzbot bug cited by its dashboard link, and ignores merge commits', async () => {
    const r = new Repo();
    try {
      r.write('net/x.c', 'int xmit(int a)\n{\n\treturn a;\n}\n');
      r.commit('net: x');
      r.tag('v6.1');
      r.git('checkout', '-q', '-b', 'topic');
      r.write('net/y.c', 'int y;\n');
      const fix = r.commit('net: y\n\nCloses: https://syzkaller.appspot.com/bug?extid=1234abcd5678ef90\nSigned-off-by: A <a@example.org>');
      r.git('checkout', '-q', 'master');
      r.write('net/z.c', 'int z;\n');
      r.commit('net: z');
      r.git('merge', '-q', '--no-ff', '-m', 'Merge branch topic\n\nFixes a crash in xmit for syzbot+1234abcd5678ef90@syzkaller.appspotmail.com', 'topic');
      const res = await findFixes({ repo: r.dir, function: 'xmit', kernel: { release: '6.1.0' }, syzbotAddresses: ['syzbot+1234abcd5678ef90@syzkaller.appspotmail.com'] });
      assert.deepEqual(res.commits.map((c) => [c.sha, c.titleMatch]), [[fix, true]]);
    } finally {
      r.cleanup();
    }
  });

  it('tells whether a clone has a commit-graph', async () => {
    const r = new Repo();
    try {
      r.write('a.c', 'int a;\n');
      r.commit('a');
      assert.equal(await hasCommitGraph({ cwd: r.dir }), false);
      r.git('commit-graph', 'write', '--reachable', '--changed-paths');
      assert.equal(await hasCommitGraph({ cwd: r.dir }), true);
    } finally {
      r.cleanup();
    }
  });

  it('works on a bare clone', async () => {
    const r = new Repo();
    const bare = `${r.dir}-bare.git`;
    try {
      r.write('mm/b.c', 'static int\nbar(int x)\n{\n\treturn x;\n}\n');
      r.commit('mm: bar');
      r.tag('v6.1');
      r.write('mm/b.c', 'static int\nbar(int x)\n{\n\treturn x + 1;\n}\n');
      const fix = r.commit('mm: fix bar');
      execFileSync('git', ['clone', '-q', '--bare', r.dir, bare]);
      const res = await findFixes({ repo: bare, function: 'bar', kernel: { release: '6.1.0' } });
      assert.equal(res.file, 'mm/b.c');
      assert.deepEqual(res.commits.map((c) => c.sha), [fix]);
    } finally {
      r.cleanup();
      execFileSync('rm', ['-rf', bare]);
    }
  });
});
