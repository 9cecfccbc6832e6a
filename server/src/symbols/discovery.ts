// Where distributions put debug files for a kernel release.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** vmlinux candidates for `release`, most likely first. `root` lets tests use a fake filesystem root. */
export function vmlinuxCandidates(release: string, root = '/'): string[] {
  return [
    `usr/lib/debug/boot/vmlinux-${release}`,
    `usr/lib/debug/lib/modules/${release}/vmlinux`,
    `usr/lib/debug/vmlinux-${release}`,
    `boot/vmlinux-${release}`,
    `lib/modules/${release}/build/vmlinux`,
  ].map((p) => join(root, p));
}

/** Directories holding module debug files for `release`. */
export function moduleDirCandidates(release: string, root = '/'): string[] {
  return [`usr/lib/debug/lib/modules/${release}`, `lib/modules/${release}`].map((p) => join(root, p));
}

export function discoverVmlinux(release: string, root = '/'): string | undefined {
  return vmlinuxCandidates(release, root).find(isFile);
}

export function existingDirs(dirs: string[]): string[] {
  return dirs.filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}
