// The finder's pure parts: version -> tags, commit messages, C definitions, ranking.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelRevision } from '../../../server/src/fixes/kernel-version';
import { parseMessage, prose, syzbotAddresses } from '../../../server/src/fixes/commit-message';
import { findDefinition, sourceFunction } from '../../../server/src/fixes/function-locator';
import { cParser } from '../../../server/src/source/c-parser';
import { rankCommits } from '../../../server/src/fixes/rank';
import { treePath } from '../../../server/src/fixes/finder';
import type { FixCommit } from '../../../server/src/fixes/types';

describe('kernelRevision', () => {
  it('maps Debian releases to the stable tag in the version string', () => {
    const r = kernelRevision({ release: '6.1.0-56-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-03-01)' })!;
    assert.deepEqual(r.tags, ['v6.1.192', 'v6.1']);
    assert.equal(r.stablePrefix, 'v6.1.');
    assert.equal(r.buildDate, '2025-03-01');
    assert.equal(r.distro, undefined);
  });
  it('maps plain, rc, 2.6 and syzbot releases', () => {
    assert.deepEqual(kernelRevision({ release: '4.19.90-xxx' })!.tags, ['v4.19.90', 'v4.19']);
    assert.deepEqual(kernelRevision({ release: '6.2.0-rc3+' })!.tags, ['v6.2-rc3']);
    assert.deepEqual(kernelRevision({ release: '2.6.32.27' })!.tags, ['v2.6.32.27', 'v2.6.32']);
    const syz = kernelRevision({ release: '6.1.0-rc5-syzkaller-00008-gb6a8a8b1b4a7' })!;
    assert.equal(syz.commit, 'b6a8a8b1b4a7');
    assert.deepEqual(syz.tags, ['v6.1-rc5']);
  });
  it('flags distribution kernels and reads the classic build date', () => {
    const el = kernelRevision({ release: '3.10.0-327.el7.x86_64', version: '#1 SMP Thu Nov 19 22:10:57 UTC 2015' })!;
    assert.deepEqual(el.tags, ['v3.10']);
    assert.equal(el.distro, 'el7');
    assert.equal(el.buildDate, '2015-11-19');
    assert.equal(kernelRevision({ release: '2.6.32-520.el6.x86_64' })!.mainline, 'v2.6.32');
    assert.equal(kernelRevision({ release: '5.15.0-91-generic' })!.distro, 'ubuntu');
    assert.equal(kernelRevision({ release: 'garbage' }), undefined);
    assert.equal(kernelRevision(undefined), undefined);
  });
});

describe('parseMessage', () => {
  const msg = `NFS: fix it

commit 0123456789abcdef0123456789abcdef01234567 upstream.

The nfs_unlock_request() call raced.

Fixes: 43d20e80e288 ("NFS: Fix a few more clear_bit() instances that need release semantics")
Fixes: abcdef123456
Reported-by: syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com
Cc: <stable@vger.kernel.org> # 5.10+
Signed-off-by: A <a@example.org>
(cherry picked from commit fedcba9876543210fedcba9876543210fedcba98)`;
  it('reads trailers, Fixes targets, stable, syzbot and upstream references', () => {
    const f = parseMessage(msg);
    assert.deepEqual(f.fixes, [
      { sha: '43d20e80e288', subject: 'NFS: Fix a few more clear_bit() instances that need release semantics' },
      { sha: 'abcdef123456', subject: undefined },
    ]);
    assert.equal(f.stable, true);
    assert.equal(f.syzbot, true);
    assert.deepEqual(f.upstream.sort(), ['0123456789abcdef0123456789abcdef01234567', 'fedcba9876543210fedcba9876543210fedcba98']);
    assert.equal(f.trailers.length, 5);
    assert.deepEqual(syzbotAddresses(msg), ['syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com']);
    assert.deepEqual(syzbotAddresses('dashboard link: https://syzkaller.appspot.com/bug?extid=1234abcd5678ef90'), ['syzbot+1234abcd5678ef90@syzkaller.appspotmail.com']);
  });
  it('leaves trailers out of the prose', () => {
    assert.ok(!prose('x\n\nFixes: 123456789012 ("foo: bar baz()")\n').includes('bar baz'));
    assert.ok(prose('x\n\nThe bar baz() path\n').includes('bar baz'));
  });
  it('does not take a Cc: to a person for stable', () => {
    assert.equal(parseMessage('x\n\nCc: Greg <greg@kernel.org>\n').stable, false);
  });
});

describe('findDefinition', () => {
  const C = `#include <x.h>
static void nfs_unlock_request(struct nfs_page *req);
#define nfs_unlock_request_m(x) nfs_unlock_request(x)

static struct rq *task_rq_lock(struct task_struct *p, unsigned long *flags)
	__acquires(rq->lock)
{
	struct rq *rq;
	/* { not a brace */
	for (;;) {
		rq = task_rq(p);
	}
}

static void
nfs_unlock_request(struct nfs_page *req)
{
	const char *s = "}";
	if (x) {
		nfs_unlock_request(req);
	}
}

SYSCALL_DEFINE1(close, unsigned int, fd)
{
	return 0;
}
`;
  it('skips prototypes, macros and calls; spans K&R return types and annotations', async () => {
    const parser = await cParser();
    assert.deepEqual(findDefinition(C, sourceFunction('nfs_unlock_request')!, parser), { start: 15, end: 22 });
    assert.deepEqual(findDefinition(C, sourceFunction('task_rq_lock')!, parser), { start: 5, end: 13 });
    assert.deepEqual(findDefinition(C, sourceFunction('__x64_sys_close')!, parser), { start: 24, end: 27 });
    assert.equal(findDefinition(C, sourceFunction('task_rq')!, parser), undefined);
  });
  it('takes the first syscall definition, native or compat; finds definitions without tree-sitter too', () => {
    const sys = 'COMPAT_SYSCALL_DEFINE2(foo, int, a, int, b)\n{\n}\n\nSYSCALL_DEFINE2(foo, int, a, int, b)\n{\n\treturn 0;\n}\n';
    assert.deepEqual(findDefinition(sys, sourceFunction('__x64_sys_foo')!, null), { start: 1, end: 3 });
    assert.deepEqual(findDefinition(sys.split('\n\n')[1], sourceFunction('__x64_sys_foo')!, null), { start: 1, end: 4 });
    // The textual fallback starts at the name's line: the return type above it is not part of the range.
    assert.deepEqual(findDefinition(C, sourceFunction('nfs_unlock_request')!, null), { start: 16, end: 22 });
  });
  it('normalizes symbols', () => {
    assert.equal(sourceFunction('foo.constprop.0.isra.0')!.name, 'foo');
    assert.equal(sourceFunction('foo.cold')!.name, 'foo');
    assert.deepEqual(sourceFunction('__se_sys_openat'), { name: 'openat', syscall: true, symbol: '__se_sys_openat' });
    assert.equal(sourceFunction('-rf'), undefined);
    assert.equal(sourceFunction('a b'), undefined);
  });
  it('knows the syscall wrappers go-to-definition knows, and nothing more', () => {
    assert.deepEqual(sourceFunction('__x32_compat_sys_ioctl'), { name: 'ioctl', syscall: true, symbol: '__x32_compat_sys_ioctl' });
    assert.deepEqual(sourceFunction('__mips_sys_read'), { name: 'read', syscall: true, symbol: '__mips_sys_read' });
    assert.deepEqual(sourceFunction('sys_copyarea'), { name: 'sys_copyarea', syscall: false, symbol: 'sys_copyarea' });
    assert.equal(sourceFunction('tsan.module_ctor'), undefined);
  });
});

describe('treePath', () => {
  it('keeps tree-relative paths and refuses escapes', () => {
    assert.equal(treePath('fs/nfs/pagelist.c'), 'fs/nfs/pagelist.c');
    assert.equal(treePath('/build/linux-6.1/fs/nfs/write.c'), 'fs/nfs/write.c');
    assert.equal(treePath('a/mm/slub.c'), 'mm/slub.c');
    assert.equal(treePath('../etc/passwd'), undefined);
    assert.equal(treePath('/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/fs/nfs/write.c'), 'fs/nfs/write.c');
    assert.equal(treePath('/lib/modules/6.1.0-56-amd64/build/include/linux/mm.h'), 'include/linux/mm.h');
    assert.equal(treePath('-x'), undefined);
  });
});

describe('rankCommits', () => {
  const mk = (sha: string, over: Partial<FixCommit>): FixCommit => ({
    sha, subject: sha, author: 'a', date: '2023-01-01T00:00:00Z', trailers: [], fixes: [], stable: false, syzbot: false,
    titleMatch: false, touch: 'none', contained: { state: 'missing' }, reasons: [], score: 0, ...over,
  });
  it('puts Fixes:/Cc: stable first, then directness, then date; contained last', () => {
    const out = rankCommits([
      mk('body', { touch: 'body' }),
      mk('stable-msg', { touch: 'message', stable: true }),
      mk('fixes-file', { touch: 'file', fixes: [{ sha: '1234567' }] }),
      mk('contained', { touch: 'body', stable: true, contained: { state: 'contained', via: 'v6.1.2' } }),
      mk('mention', { touch: 'mention' }),
      mk('body-older', { touch: 'body', date: '2022-06-01T00:00:00Z' }),
      // Fixes: for a bug the crashing kernel does not have earns no precedence.
      mk('fixes-other-kernel', { touch: 'body', date: '2023-06-01T00:00:00Z', fixes: [{ sha: '7654321', inCrashingKernel: false }] }),
    ]);
    assert.deepEqual(out.map((c) => c.sha), ['stable-msg', 'fixes-file', 'body-older', 'body', 'fixes-other-kernel', 'mention', 'contained']);
  });
});
