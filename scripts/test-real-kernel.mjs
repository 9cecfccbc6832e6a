#!/usr/bin/env node
// Opt-in check against a real kernel (never part of `npm test`):
//   npm run test:real-kernel [-- --no-install]
// Installs Debian's linux-image-6.1.0-56-amd64-dbg with apt-get when its vmlinux is missing, then
// resolves every frame of ../shared/corpus/real-kernel/logs/ with the built-in symbolizer and
// compares with the ground truth (addr2line at the call site for return addresses, at the PC for
// exact ones). Prints the agreement; exit code 1 below 100%.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const RELEASE = '6.1.0-56-amd64';
const PACKAGE = `linux-image-${RELEASE}-dbg`;
const VMLINUX = `/usr/lib/debug/boot/vmlinux-${RELEASE}`;
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

function apt(...a) {
  console.log(`$ apt-get ${a.join(' ')}`);
  const r = spawnSync('apt-get', a, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

if (!existsSync(VMLINUX) && !args.includes('--no-install')) {
  console.log(`${VMLINUX} missing: installing ${PACKAGE} (858 MB download, 5.4 GiB installed)`);
  apt('update');
  // The corpus was captured on 6.1.192-2; pin it if the archive has moved on.
  if (!apt('install', '-y', PACKAGE) && !apt('install', '-y', `${PACKAGE}=6.1.192-2`)) {
    console.error(`could not install ${PACKAGE} (nor =6.1.192-2): is the Debian archive reachable?`);
    process.exit(2);
  }
}
if (!existsSync(VMLINUX)) {
  console.error(`${VMLINUX} not found`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'test-real-kernel.ts'), VMLINUX, ...args], { stdio: 'inherit', cwd: join(here, '..') });
process.exit(r.status ?? 1);
