// Definition-by-name benchmark: first lookup (builds the per-tree index), repeated lookups, other
// names once the index exists; against `grep -rn` over the same tree in the same run (what a user
// does by hand). The tree is the largest available: $OOPS_LENS_SOURCE_TREE, the tree unpacked by
// scripts/test-real-source.ts, or a synthetic 70k-file tree generated here (and removed after).
// Not a test: numbers are printed, nothing asserted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceRoots, clearSourceCaches } from '../../server/src/source/source-roots.ts';
import { sourceSnippet } from '../../server/src/source/snippet.ts';

const ms = (t) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;
const rss = () => `${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`;
const now = () => performance.now();

function realTree() {
  const candidates = [process.env.OOPS_LENS_SOURCE_TREE, join(tmpdir(), 'oops-lens-linux-source-6.1'), '/usr/src/linux-source-6.1'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return undefined;
}

/** 70,000 files in kernel-like dirs; each holds a few functions in kernel style, one of them SYSCALL_DEFINE-d. */
function syntheticTree() {
  const root = mkdtempSync(join(tmpdir(), 'oops-bench-tree-'));
  const tops = ['arch/x86/kernel', 'drivers/net', 'drivers/gpu/drm', 'fs', 'fs/ext4', 'include/linux', 'kernel', 'mm', 'net/core', 'sound/core'];
  mkdirSync(join(root, 'init'), { recursive: true });
  writeFileSync(join(root, 'init/main.c'), 'asmlinkage __visible void __init start_kernel(void)\n{\n}\n');
  const body = '\tint ret = 0;\n\n\tif (unlikely(!arg))\n\t\treturn -EINVAL;\n\tret = helper(arg, 1);\n\treturn ret;\n}\n\n';
  for (let i = 0; i < 70_000; i++) {
    const dir = join(root, tops[i % tops.length], `d${Math.floor(i / 500)}`);
    if (i % 500 < tops.length) mkdirSync(dir, { recursive: true });
    let text = `// SPDX-License-Identifier: GPL-2.0\n/* synthetic file ${i} */\n#include <linux/kernel.h>\n\n`;
    for (let f = 0; f < 8; f++) text += `static noinline int\nfunc_${i}_${f}(struct thing *arg)\n{\n${body}`;
    text += `SYSCALL_DEFINE1(call${i}, int, arg)\n{\n\treturn func_${i}_0(NULL);\n}\n`;
    writeFileSync(join(dir, `f${i}.${i % 7 === 0 ? 'h' : 'c'}`), text);
  }
  return root;
}

function grepDefinition(root, name) {
  const t = now();
  let out = '';
  try {
    out = execFileSync('grep', ['-rnE', '--include=*.c', '--include=*.h', `^([A-Za-z_].*[^A-Za-z0-9_])?${name}\\(`, root], { maxBuffer: 64 << 20 }).toString();
  } catch (e) { out = e.stdout?.toString() ?? ''; }
  return { ms: now() - t, hits: out.split('\n').filter(Boolean).length };
}

async function main() {
  let root = realTree();
  let synthetic = false;
  if (!root) {
    const t = now();
    root = syntheticTree();
    synthetic = true;
    console.log(`generated a synthetic 70k-file tree in ${ms(now() - t)}`);
  }
  const names = synthetic
    ? ['func_69999_3', '__x64_sys_call123', 'func_12345_0', 'func_500_7', 'start_kernel']
    : ['sysrq_handle_crash', '__x64_sys_write', 'vfs_write', 'page_fault_oops', 'rcu_read_unlock', 'entry_SYSCALL_64_after_hwframe', 'do_syscall_64', 'schedule', 'kthread', 'nfs_end_page_writeback'];
  try {
    clearSourceCaches();
    const roots = new SourceRoots([root]);
    console.log(`tree: ${roots.roots[0].dir}${synthetic ? ' (synthetic)' : ''}`);
    let t = now();
    const first = await roots.definitions(names[0], { arch: 'x86_64' });
    const firstMs = now() - t;
    console.log(`first lookup ${names[0]}: ${ms(firstMs)} (${first.length} definition(s), index built over the whole tree), RSS ${rss()}`);
    t = now();
    for (let i = 0; i < 100; i++) await roots.definitions(names[0]);
    const repeatMs = (now() - t) / 100;
    console.log(`repeated lookup of the same name: ${ms(repeatMs)} each`);
    const others = [];
    for (const n of names.slice(1)) {
      t = now();
      const d = await roots.definitions(n, { arch: 'x86_64' });
      others.push(now() - t);
      console.log(`  ${n}: ${ms(now() - t)} -> ${d.slice(0, 2).map((x) => `${x.relPath}:${x.line}`).join(', ') || 'none'}`);
    }
    const otherMedian = others.sort((a, b) => a - b)[Math.floor(others.length / 2)];
    console.log(`other names after the index exists: median ${ms(otherMedian)}`);
    const g = grepDefinition(root, names[0].replace(/^__x64_sys_/, ''));
    console.log(`anchor grep -rnE '^(...)?${names[0].replace(/^__x64_sys_/, '')}\\(' over the tree: ${ms(g.ms)} (${g.hits} lines)`);
    console.log(`ratios: first lookup / grep = ${(firstMs / g.ms).toFixed(2)}; later lookup / grep = ${(otherMedian / g.ms).toFixed(4)}; repeated / grep = ${(repeatMs / g.ms).toFixed(5)}`);
    const d = first[0];
    if (d) {
      t = now();
      await sourceSnippet(d.absPath, d.line + 2);
      const snipFirst = now() - t;
      t = now();
      await sourceSnippet(d.absPath, d.line + 2);
      console.log(`hover snippet (tree-sitter extent): first ${ms(snipFirst)}, cached ${ms(now() - t)}`);
    }
    console.log(`RSS at end ${rss()}`);
  } finally {
    if (synthetic) rmSync(root, { recursive: true, force: true });
  }
}

await main();
