// Build-prefix stripping, the no-tree heuristic and user pathMap rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPathMap, guessTreePath, normalisePath, pathSuffixes, stripKnownPrefix, webTreePath } from '../../../server/src/source/path-map';

test('known build prefixes map to tree-relative paths', () => {
  const cases: [string, string][] = [
    ['debian/build/build_amd64_none_amd64/fs/read_write.c', 'fs/read_write.c'],
    ['./debian/build/build_arm64_none_arm64/arch/arm64/kernel/entry.S', 'arch/arm64/kernel/entry.S'],
    ['/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S', 'arch/x86/entry/entry_64.S'],
    ['/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h', 'arch/x86/include/asm/rwsem.h'],
    ['/usr/src/linux-headers-6.1.0-56-common/include/linux/list.h', 'include/linux/list.h'],
    ['/usr/src/kernels/4.18.0-305.el8.x86_64/include/linux/fs.h', 'include/linux/fs.h'],
    ['/builddir/build/BUILD/kernel-4.18.0-305.el8/linux-4.18.0-305.el8.x86_64/mm/slub.c', 'mm/slub.c'],
    ['/build/linux-Xyz12a/linux-5.15.0/net/core/dev.c', 'net/core/dev.c'],
    ['/lib/modules/6.1.0-56-amd64/build/include/linux/sched.h', 'include/linux/sched.h'],
  ];
  for (const [from, to] of cases) {
    assert.equal(stripKnownPrefix(from), to, from);
    assert.equal(webTreePath(from), to, from);
  }
  assert.equal(stripKnownPrefix('fs/read_write.c'), undefined);
  assert.equal(stripKnownPrefix('/usr/src/evalmod/evalcrash.c'), undefined);
});

test('without a tree: the first kernel top-level dir starts the tree path', () => {
  assert.equal(guessTreePath('/home/me/src/linux/fs/ext4/inode.c'), 'fs/ext4/inode.c');
  assert.equal(guessTreePath('/syzkaller/managers/ci-upstream/kernel/fs/file.c'), 'fs/file.c');
  assert.equal(guessTreePath('/x/linux/include/net/sock.h'), 'include/net/sock.h');
  assert.equal(guessTreePath('/x/linux/drivers/net/virtio_net.c'), 'drivers/net/virtio_net.c');
  assert.equal(guessTreePath('/x/linux/lib/crypto/sha256.c'), 'lib/crypto/sha256.c');
  assert.equal(guessTreePath('/usr/src/evalmod/evalcrash.c'), undefined);
  assert.equal(webTreePath('fs/nfs/pagelist.c'), 'fs/nfs/pagelist.c');
  assert.equal(webTreePath('/usr/src/evalmod/evalcrash.c'), undefined, 'out-of-tree modules have no web page');
});

test('pathMap: the longest matching prefix wins, on segment boundaries', () => {
  const rules = { '/usr/src/evalmod': '/home/me/evalmod', '/usr/src': '/srv/src', '/usr/src/evalmod/sub': 'drivers/misc/evalcrash' };
  assert.equal(applyPathMap('/usr/src/evalmod/evalcrash.c', rules), '/home/me/evalmod/evalcrash.c');
  assert.equal(applyPathMap('/usr/src/evalmod/sub/x.c', rules), 'drivers/misc/evalcrash/x.c');
  assert.equal(applyPathMap('/usr/src/evalmodule/x.c', rules), '/srv/src/evalmodule/x.c');
  assert.equal(applyPathMap('/opt/x.c', rules), undefined);
  assert.equal(webTreePath('/usr/src/evalmod/sub/x.c', rules), 'drivers/misc/evalcrash/x.c');
  // the documented form: strip a prefix entirely
  assert.equal(applyPathMap('/build/prefix/fs/x.c', { '/build/prefix/': '' }), 'fs/x.c');
  assert.equal(webTreePath('/home/builder/kbuild/out/../src/vendor/thing.c', { '/home/builder/kbuild/src/vendor/': 'drivers/vendor' }), 'drivers/vendor/thing.c');
});

test('normalisation and suffixes', () => {
  assert.equal(normalisePath('./a//b/./c/../d.c'), 'a/b/d.c');
  assert.equal(normalisePath('/a/b/../../c.c'), '/c.c');
  assert.deepEqual(pathSuffixes('/usr/src/evalmod/evalcrash.c'), ['usr/src/evalmod/evalcrash.c', 'src/evalmod/evalcrash.c', 'evalmod/evalcrash.c', 'evalcrash.c']);
});
