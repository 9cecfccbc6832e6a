// Paths as DWARF records them (`debian/build/build_amd64_none_amd64/mm/memory.c`,
// `/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S`) shown relative to the kernel
// tree root, the way syzbot and decode_stacktrace.sh print them. The tree-relative logic is
// source/path-map's (the same one web links use), so hovers and links name the same file.
import { webTreePath } from '../source/path-map';

/** Tree-relative path when the path is inside a kernel tree, else the path unchanged. */
export function treeRelativePath(path: string): string {
  return webTreePath(path) ?? path.replace(/\/\.\//g, '/');
}
