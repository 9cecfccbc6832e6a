import { test } from 'node:test';
import assert from 'node:assert/strict';
import { treeRelativePath } from '../../../server/src/symbols/display-path';
import { webTreePath } from '../../../server/src/source/path-map';

test('DWARF paths of real kernels become tree-relative', () => {
  const cases: [string, string][] = [
    ['debian/build/build_amd64_none_amd64/kernel/sched/core.c', 'kernel/sched/core.c'],
    ['/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S', 'arch/x86/entry/entry_64.S'],
    ['debian/build/build_amd64_none_amd64/./include/linux/mmap_lock.h', 'include/linux/mmap_lock.h'],
    ['/build/linux/arch/x86/include/asm/entry-common.h', 'arch/x86/include/asm/entry-common.h'],
    ['fs/nfs/write.c', 'fs/nfs/write.c'],
    // Out-of-tree module sources stay as they are.
    ['/usr/src/evalmod/evalcrash.c', '/usr/src/evalmod/evalcrash.c'],
    ['/build/arm64eval/mod/evalcrash.c', '/build/arm64eval/mod/evalcrash.c'],
    ['??', '??'],
  ];
  for (const [from, to] of cases) assert.equal(treeRelativePath(from), to, from);
});

test('a display path is the path its web link opens (one tree-relative rule for both)', () => {
  // Debian's DWARF directory tables hold `..` and `.` components; the hover names the file the link opens.
  const dwarf = '/build/reproducible-path/linux-6.1.192/arch/x86/kernel/../include/asm/trace/./irq_vectors.h';
  assert.equal(treeRelativePath(dwarf), 'arch/x86/include/asm/trace/irq_vectors.h');
  assert.equal(treeRelativePath(dwarf), webTreePath(dwarf));
});
