// Paths as DWARF records them (`debian/build/build_amd64_none_amd64/mm/memory.c`,
// `/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S`) shown relative to the kernel
// tree root, the way syzbot and decode_stacktrace.sh print them.
const TOP_DIRS = [
  'arch', 'block', 'certs', 'crypto', 'drivers', 'fs', 'include', 'init', 'io_uring', 'ipc', 'kernel', 'lib', 'mm',
  'net', 'rust', 'samples', 'scripts', 'security', 'sound', 'tools', 'usr', 'virt',
];
const TOP = new RegExp(`(?:^|/)((?:${TOP_DIRS.join('|')})/.+)$`);

/** Tree-relative path when the path is inside a kernel tree, else the path unchanged. */
export function treeRelativePath(path: string): string {
  const clean = path.replace(/\/\.\//g, '/');
  // The first top-level directory after a prefix: `include/...` inside `arch/x86/include` must not win.
  const parts = clean.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (!TOP_DIRS.includes(parts[i])) continue;
    // `/usr/src/...` is a system path, not the kernel's `usr/` directory.
    if (i === 1 && parts[0] === '') continue;
    const rest = parts.slice(i).join('/');
    if (TOP.test(rest)) return rest;
  }
  return clean;
}
