// Build-machine paths (DWARF comp dirs, BUG/WARNING file names, crash `bt -l`) -> kernel-tree-relative
// paths. Pure string work; checking against a local tree lives in source-tree.ts.

/** Top-level directories of a Linux source tree (any version since 2.6). */
export const KERNEL_TOP_DIRS = new Set([
  'arch', 'block', 'certs', 'crypto', 'drivers', 'firmware', 'fs', 'include', 'init', 'io_uring', 'ipc',
  'kernel', 'lib', 'mm', 'net', 'rust', 'samples', 'scripts', 'security', 'sound', 'tools', 'usr', 'virt',
]);

/** Top-level dirs that legitimately contain a subdirectory named like another top-level dir (include/net). */
const NESTING_PARENTS = new Set(['include', 'drivers', 'tools', 'samples', 'lib', 'arch', 'scripts', 'sound', 'usr', 'rust']);

/**
 * Known build prefixes, most specific first. Each removes everything up to the tree root.
 * Debian's C units use a relative comp dir, its assembler units the absolute reproducible path;
 * RHEL ships sources under /usr/src/debug/kernel-X/linux-X.arch/.
 */
const BUILD_PREFIXES: RegExp[] = [
  /^(?:\.\/)?debian\/build\/build_[\w.+-]+?\//,                     // debian/build/build_amd64_none_amd64/
  /^\/build\/reproducible-path\/linux-[^/]+\//,                     // /build/reproducible-path/linux-6.1.192/
  /^\/build\/linux-[^/]+\/linux-[^/]+\//,                           // Ubuntu buildd: /build/linux-XyZ12/linux-5.15.0/
  /^\/usr\/src\/debug\/kernel-[^/]+\/linux-[^/]+\//,                // RHEL/CentOS/Fedora debuginfo
  /^\/builddir\/build\/BUILD\/kernel-[^/]+\/linux-[^/]+\//,         // RHEL rpmbuild root
  /^\/usr\/src\/linux-headers-[^/]+\//,                             // Debian/Ubuntu headers (-common too)
  /^\/usr\/src\/kernels\/[^/]+\//,                                  // RHEL kernel-devel
  /^\/lib\/modules\/[^/]+\/(?:build|source)\//,
  /^\/usr\/src\/linux(?:-[^/]+)?\//,                                // /usr/src/linux-6.1/, /usr/src/linux/
];

/** Normalise separators and `./` and collapse `a/../`. */
export function normalisePath(path: string): string {
  const abs = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/');
}

/** Apply the user's `oopsLens.pathMap` rules: the longest matching `from` prefix is replaced by `to`. */
export function applyPathMap(raw: string, rules: Record<string, string>): string | undefined {
  const path = normalisePath(raw);
  let best: [string, string] | undefined;
  for (const [from, to] of Object.entries(rules)) {
    if (!from) continue;
    const f = normalisePath(from);
    if (path === f || path.startsWith(f + '/')) {
      if (!best || from.length > best[0].length) best = [from, to];
    }
  }
  if (!best) return undefined;
  const [from, to] = best;
  const rest = path.slice(normalisePath(from).length).replace(/^\/+/, '');
  if (!to) return rest;
  return rest ? (to.endsWith('/') ? to + rest : `${to}/${rest}`) : to;
}

/** Remove a known build prefix; undefined when none applies. */
export function stripKnownPrefix(path: string): string | undefined {
  const p = normalisePath(path);
  for (const re of BUILD_PREFIXES) {
    const m = re.exec(p);
    if (!m) continue;
    const rest = p.slice(m[0].length);
    if (rest && !rest.startsWith('..')) return rest;
  }
  return undefined;
}

/**
 * Guess the tree-relative part of a path with no tree to check against: the first segment that is a
 * kernel top-level dir (`.../linux-3.10.0-327.el7.x86_64/arch/x86/...` -> `arch/x86/...`), skipping a
 * top-level name directly followed by another one unless it nests legitimately (`include/net`).
 */
export function guessTreePath(path: string): string | undefined {
  const n = normalisePath(path);
  const segs = n.replace(/^\//, '').split('/');
  if (segs.length < 2) return undefined;
  // In an absolute path the first segment is the filesystem's (/usr, /lib), not the tree's.
  for (let i = n.startsWith('/') ? 1 : 0; i < segs.length - 1; i++) {
    if (!KERNEL_TOP_DIRS.has(segs[i])) continue;
    const next = segs[i + 1];
    if (i + 1 < segs.length - 1 && KERNEL_TOP_DIRS.has(next) && !NESTING_PARENTS.has(segs[i])) continue;
    return segs.slice(i).join('/');
  }
  return undefined;
}

/**
 * The tree-relative path for web links, without a local tree: user rules, then known build
 * prefixes, then a relative path that already starts at a top-level dir, then the heuristic.
 * Out-of-tree module files (`/usr/src/evalmod/evalcrash.c`) give undefined: there is no web page.
 */
export function webTreePath(path: string, rules: Record<string, string> = {}): string | undefined {
  const mapped = applyPathMap(path, rules);
  const p = mapped ?? path;
  if (mapped && !mapped.startsWith('/') && !/^[a-z]+:/i.test(mapped)) return normalisePath(mapped);
  const known = stripKnownPrefix(p);
  if (known) return known;
  const n = normalisePath(p);
  if (!n.startsWith('/') && !n.startsWith('..') && KERNEL_TOP_DIRS.has(n.split('/')[0]) && n.includes('/')) return n;
  return guessTreePath(n);
}

/** Every suffix of a path, longest first (`a/b/c.c`, `b/c.c`, `c.c`). */
export function pathSuffixes(path: string): string[] {
  const segs = normalisePath(path).replace(/^\//, '').split('/').filter((s) => s !== '..');
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) out.push(segs.slice(i).join('/'));
  return out;
}
