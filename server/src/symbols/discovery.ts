// Where distributions put debug files for a kernel release.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A release as `uname -r` prints it. The release comes from the log, which anyone may have written:
 * `../../tmp/x` must not become a path.
 */
export function isPlausibleRelease(release: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}$/.test(release) && !release.includes('..');
}

/** vmlinux candidates for `release`, most likely first. `root` lets tests use a fake filesystem root. */
export function vmlinuxCandidates(release: string, root = '/'): string[] {
  if (!isPlausibleRelease(release)) return [];
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
  if (!isPlausibleRelease(release)) return [];
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
