// Local trees: root detection, printed path -> file on disk, definition-by-name over fixture trees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSourceCaches, detectKernelRoot, setGitCheckInterval, SourceRoots, type DefinitionSite } from '../../../server/src/source/source-roots';
import { CancelledError, TreeIndex } from '../../../server/src/source/tree-index';

const FIX = join(__dirname, '../../fixtures/source');
const LINUX = join(FIX, 'linux-6.1');
const RHEL_ROOT = join(FIX, 'rhel-debuginfo/usr/src/debug');
const EVALMOD = join(FIX, 'evalmod');

const where = (d: DefinitionSite) => `${d.relPath}:${d.line}`;
/** The text of 1-based `line` of a file. */
const lineOf = (abs: string, line: number) => readFileSync(abs, 'utf8').split('\n')[line - 1];

test('tree root detection by init/main.c: the dir, a child, a parent', () => {
  assert.equal(detectKernelRoot(LINUX), LINUX);
  assert.equal(detectKernelRoot(FIX), LINUX, 'an unpacked tarball inside the configured dir');
  assert.equal(detectKernelRoot(join(LINUX, 'fs/nfs')), LINUX, 'a subdirectory of the tree');
  assert.equal(detectKernelRoot(EVALMOD), undefined);
  const roots = new SourceRoots([FIX, EVALMOD, 'relative/ignored']);
  assert.deepEqual(roots.roots.map((r) => [r.dir, r.kernel]), [[LINUX, true], [EVALMOD, false]]);
});

test('printed paths with build prefixes resolve into the tree', () => {
  const roots = new SourceRoots([LINUX, EVALMOD, RHEL_ROOT]);
  const cases: [string, string][] = [
    ['fs/nfs/pagelist.c', join(LINUX, 'fs/nfs/pagelist.c')],
    ['debian/build/build_amd64_none_amd64/fs/read_write.c', join(LINUX, 'fs/read_write.c')],
    ['/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S', join(LINUX, 'arch/x86/entry/entry_64.S')],
    ['/usr/src/linux-headers-6.1.0-56-common/include/linux/rcupdate.h', join(LINUX, 'include/linux/rcupdate.h')],
    ['/usr/src/evalmod/evalcrash.c', join(EVALMOD, 'evalcrash.c')],
    ['/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h',
      join(RHEL_ROOT, 'kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h')],
  ];
  for (const [printed, abs] of cases) assert.equal(roots.resolve(printed)?.absPath, abs, printed);
  assert.equal(roots.resolve('debian/build/build_amd64_none_amd64/fs/read_write.c')?.relPath, 'fs/read_write.c');
  assert.equal(roots.resolve('fs/does/not/exist.c'), undefined);
  assert.equal(new SourceRoots([]).resolve('fs/read_write.c'), undefined);
});

test('the RHEL tree itself as a root (found by its init/main.c) takes the stripped path', () => {
  const rhel = join(RHEL_ROOT, 'kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64');
  const roots = new SourceRoots([rhel]);
  assert.equal(roots.roots[0].kernel, true);
  const r = roots.resolve('/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h');
  assert.equal(r?.relPath, 'arch/x86/include/asm/rwsem.h');
});

test('pathMap rules: to an absolute directory or to a tree-relative path', () => {
  const abs = new SourceRoots([], { '/usr/src/evalmod': EVALMOD });
  assert.equal(abs.resolve('/usr/src/evalmod/evalcrash.c')?.absPath, join(EVALMOD, 'evalcrash.c'));
  const rel = new SourceRoots([LINUX], { '/opt/vendor/kernel-src': '' , '/weird/prefix': 'drivers' });
  assert.equal(rel.resolve('/weird/prefix/tty/sysrq.c')?.absPath, join(LINUX, 'drivers/tty/sysrq.c'));
});

test('definition by name: plain, split headers, static inline in headers, attributes after parameters', async () => {
  clearSourceCaches();
  const roots = new SourceRoots([LINUX]);
  const cases: [string, string, string][] = [
    ['sysrq_handle_crash', 'drivers/tty/sysrq.c:5', 'static void sysrq_handle_crash(int key)'],
    ['page_fault_oops', 'arch/x86/mm/fault.c:5', 'static noinline void page_fault_oops(struct pt_regs *regs, unsigned long error_code, unsigned long address)'],
    ['rcu_read_unlock', 'include/linux/rcupdate.h:10', 'static inline void rcu_read_unlock(void)'],
    ['rcu_is_watching_fast', 'include/linux/rcupdate.h:17', 'static __always_inline bool rcu_is_watching_fast(void)'],
    ['task_rq_lock', 'kernel/sched/core.c:4', 'struct rq *task_rq_lock(struct task_struct *p, struct rq_flags *rf) __acquires(p->pi_lock) __acquires(rq->lock)'],
    ['__schedule', 'kernel/sched/core.c:18', 'static void __sched notrace __schedule(unsigned int sched_mode)'],
    ['schedule', 'kernel/sched/core.c:24', 'asmlinkage __visible void __sched schedule(void)'],
    ['start_kernel', 'init/main.c:4', 'asmlinkage __visible void __init __no_sanitize_address start_kernel(void)'],
    ['do_fault', 'mm/memory.c:4', 'static vm_fault_t do_fault(struct vm_fault *vmf)'],
    ['exc_page_fault', 'arch/x86/mm/fault.c:12', 'DEFINE_IDTENTRY_RAW_ERRORCODE(exc_page_fault)'],
  ];
  for (const [name, at, signature] of cases) {
    const defs = await roots.definitions(name, { arch: 'x86_64' });
    assert.equal(defs.length, 1, `${name}: ${defs.map(where)}`);
    assert.equal(where(defs[0]), at, name);
    assert.equal(defs[0].signature, signature, name);
    assert.ok(lineOf(defs[0].absPath, defs[0].line).includes(name), name);
  }
});

test('definition by name: SYSCALL_DEFINE wrappers, COMPAT, SYSCALL_DEFINE0', async () => {
  const roots = new SourceRoots([LINUX]);
  for (const sym of ['__x64_sys_write', '__se_sys_write', '__do_sys_write', '__arm64_sys_write', '__ia32_sys_write', 'sys_write']) {
    const defs = await roots.definitions(sym);
    assert.deepEqual(defs.map(where), ['fs/read_write.c:23'], sym);
    assert.equal(defs[0].kind, 'syscall');
    assert.match(lineOf(defs[0].absPath, defs[0].line), /^SYSCALL_DEFINE3\(write,/);
    assert.deepEqual([defs[0].startLine, defs[0].endLine], [23, 27]);
  }
  assert.deepEqual((await roots.definitions('__ia32_compat_sys_write')).map(where), ['fs/read_write.c:29']);
  assert.deepEqual((await roots.definitions('__x64_sys_close')).map(where), ['fs/open.c:11']);
  assert.deepEqual((await roots.definitions('__x64_sys_vhangup')).map(where), ['fs/open.c:18']);
});

test('definition by name: clone suffixes, asm labels, prototypes/macros/uses do not count', async () => {
  const roots = new SourceRoots([LINUX]);
  for (const sym of ['nfs_unlock_request.isra.0', 'nfs_unlock_request.constprop.0', 'nfs_unlock_request.part.0', 'nfs_unlock_request.cold'])
    assert.deepEqual((await roots.definitions(sym)).map(where), ['fs/nfs/pagelist.c:4'], sym);
  const asm = await roots.definitions('entry_SYSCALL_64_after_hwframe');
  assert.deepEqual(asm.map((d) => [where(d), d.kind]), [['arch/x86/entry/entry_64.S:6', 'asm']]);
  assert.deepEqual((await roots.definitions('filp_close')).map(where), ['fs/open.c:6'], 'the prototype on line 4 is not a definition');
  assert.deepEqual(await roots.definitions('synchronize_rcu'), [], 'declaration only');
  assert.deepEqual(await roots.definitions('rcu_dereference'), [], '#define is not a function definition');
  assert.deepEqual(await roots.definitions('panic'), [], 'called, never defined');
  assert.deepEqual(await roots.definitions('vfs_write').then((d) => d.map(where)), ['fs/read_write.c:4']);
  assert.deepEqual(await roots.definitions('not a name'), []);
});

test('ranking: the report architecture first, other arches last', async () => {
  const roots = new SourceRoots([LINUX]);
  assert.deepEqual((await roots.definitions('arch_fault_hook', { arch: 'x86_64' })).map(where), ['arch/x86/mm/fault.c:20', 'arch/arm64/mm/fault.c:10']);
  assert.deepEqual((await roots.definitions('arch_fault_hook', { arch: 'arm64' })).map(where), ['arch/arm64/mm/fault.c:10', 'arch/x86/mm/fault.c:20']);
});

test('out-of-tree module dir as a root', async () => {
  const roots = new SourceRoots([LINUX, EVALMOD]);
  assert.deepEqual((await roots.definitions('evalcrash_null_deref')).map((d) => [d.root, d.relPath, d.line]), [[EVALMOD, 'evalcrash.c', 12]]);
});

test('the index is built once per tree, shared, and reports progress', async () => {
  clearSourceCaches();
  const a = new SourceRoots([LINUX]);
  const b = new SourceRoots([LINUX]);
  const progress: number[] = [];
  assert.equal(a.indexed, false);
  const [da, db] = await Promise.all([
    a.definitions('ksys_write', { onProgress: (_m, p) => progress.push(p) }),
    b.definitions('vfs_write'),
  ]);
  assert.deepEqual([da.map(where), db.map(where)], [['fs/read_write.c:13'], ['fs/read_write.c:4']]);
  assert.equal(a.indexed, true);
  assert.equal(b.indexed, true, 'another SourceRoots on the same tree reuses the index');
  assert.equal(progress.at(-1), 100);
});

test('cancelling a lookup stops waiting; the index build can be cancelled', async () => {
  clearSourceCaches();
  const roots = new SourceRoots([LINUX]);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(roots.definitions('ksys_write', { signal: ac.signal }), CancelledError);
  // the shared build went on: the next lookup answers
  assert.deepEqual((await roots.definitions('ksys_write')).map(where), ['fs/read_write.c:13']);
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(TreeIndex.build(LINUX, { signal: stop.signal, sliceMs: 0 }), CancelledError);
});

test('index: candidate files for a name, nothing for unknown names, big and odd files survive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oops-src-'));
  try {
    mkdirSync(join(dir, 'init'));
    writeFileSync(join(dir, 'init/main.c'), 'int main_thing(void)\n{\n}\n');
    writeFileSync(join(dir, 'binary.c'), Buffer.from([0, 1, 2, 255, 10, 40, 41, 0]));
    writeFileSync(join(dir, 'empty.h'), '');
    writeFileSync(join(dir, 'huge.h'), 'x'.repeat(9 * 1024 * 1024));
    const ix = await TreeIndex.build(dir);
    assert.deepEqual(ix.candidates('main_thing'), ['init/main.c']);
    assert.deepEqual(ix.candidates('nothing_like_this'), []);
    assert.deepEqual(ix.files, ['binary.c', 'empty.h', 'huge.h', 'init/main.c']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('definitions follow the tree: an edited file is read again, a git checkout re-indexes in the background', async () => {
  clearSourceCaches();
  setGitCheckInterval(0);
  const dir = mkdtempSync(join(tmpdir(), 'oops-tree-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });
  try {
    mkdirSync(join(dir, 'init'), { recursive: true });
    mkdirSync(join(dir, 'fs'), { recursive: true });
    writeFileSync(join(dir, 'init/main.c'), 'int start_kernel(void)\n{\n\treturn 0;\n}\n');
    writeFileSync(join(dir, 'fs/open.c'), 'static int do_open(int fd)\n{\n\treturn fd;\n}\n');
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    const roots = new SourceRoots([dir]);
    assert.deepEqual((await roots.definitions('do_open')).map(where), ['fs/open.c:1']);

    // An edit above the function: the answer moves with it (same index, file read again).
    writeFileSync(join(dir, 'fs/open.c'), '/* a comment\n * of three lines\n */\nstatic int do_open(int fd)\n{\n\treturn fd;\n}\n');
    assert.deepEqual((await roots.definitions('do_open')).map(where), ['fs/open.c:4']);

    // A checkout brings a new file: the lookup that notices the git index moved starts a new index,
    // a later one finds the new function.
    assert.deepEqual(await roots.definitions('do_close'), []);
    writeFileSync(join(dir, 'fs/close.c'), 'int do_close(int fd)\n{\n\treturn fd;\n}\n');
    git('add', '.');
    git('commit', '-qm', 'two');
    let found: string[] = [];
    for (let i = 0; i < 100 && !found.length; i++) {
      found = (await roots.definitions('do_close')).map(where);
      if (!found.length) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(found, ['fs/close.c:1']);
    // A file deleted from the tree no longer answers.
    rmSync(join(dir, 'fs/open.c'));
    assert.deepEqual(await roots.definitions('do_open'), []);
  } finally {
    setGitCheckInterval(5000);
    clearSourceCaches();
    rmSync(dir, { recursive: true, force: true });
  }
});
