#!/usr/bin/env node
// Opt-in check against real kernels (never part of `npm test`):
//   npm run test:real-kernel                 amd64: ../shared/corpus/real-kernel
//   npm run test:real-kernel -- --arm64      arm64: ../shared/corpus/real-kernel-arm64
//   options: --no-install (fail instead of running apt-get)
// amd64 installs Debian's linux-image-6.1.0-56-amd64-dbg with apt-get when its vmlinux is missing.
// arm64 adds the arm64 dpkg architecture, `apt-get download`s linux-image-6.1.0-56-arm64-dbg and
// unpacks only its vmlinux under ~/.cache/oops-lens/arm64 (or $OOPS_ARM64_ROOT).
// Then every frame of the corpus logs is resolved with the built-in symbolizer and compared with
// the ground truth (addr2line at the call site for return addresses, at the PC for exact ones).
// Prints the agreement; exit code 1 below 100%.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arm64 = args.includes('--arm64');
const install = !args.includes('--no-install');
const VERSION = '6.1.192-2';
const release = arm64 ? '6.1.0-56-arm64' : '6.1.0-56-amd64';
const pkg = `linux-image-${release}-dbg`;
const corpus = join(here, '../../../shared/corpus', arm64 ? 'real-kernel-arm64' : 'real-kernel');
const arm64Root = process.env.OOPS_ARM64_ROOT ?? join(homedir(), '.cache/oops-lens/arm64');
const vmlinux = arm64 ? join(arm64Root, `usr/lib/debug/boot/vmlinux-${release}`) : `/usr/lib/debug/boot/vmlinux-${release}`;

function run(cmd, a, opts = {}) {
  console.log(`$ ${cmd} ${a.join(' ')}`);
  return spawnSync(cmd, a, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, ...opts }).status === 0;
}

function installAmd64() {
  console.log(`${vmlinux} missing: installing ${pkg} (858 MB download, 5.4 GiB installed)`);
  run('apt-get', ['update']);
  // The corpus was captured on 6.1.192-2; pin it if the archive has moved on.
  return run('apt-get', ['install', '-y', pkg]) || run('apt-get', ['install', '-y', `${pkg}=${VERSION}`]);
}

async function installArm64() {
  console.log(`${vmlinux} missing: downloading ${pkg} and unpacking its vmlinux into ${arm64Root}`);
  mkdirSync(arm64Root, { recursive: true });
  if (!run('dpkg', ['--add-architecture', 'arm64']) || !run('apt-get', ['update'])) return false;
  const deb = () => readdirSync(arm64Root).find((f) => f.startsWith(pkg) && f.endsWith('.deb'));
  if (!deb() && !run('apt-get', ['download', pkg], { cwd: arm64Root }) && !run('apt-get', ['download', `${pkg}=${VERSION}`], { cwd: arm64Root })) return false;
  // Only the vmlinux: the whole package unpacks to several GB of module debug files.
  // dpkg-deb | tar, as two processes joined by a pipe (no shell).
  const unpack = spawn('dpkg-deb', ['--fsys-tarfile', join(arm64Root, deb())], { stdio: ['ignore', 'pipe', 'inherit'] });
  const untar = spawn('tar', ['-x', '-C', arm64Root, `./usr/lib/debug/boot/vmlinux-${release}`], { stdio: [unpack.stdout, 'inherit', 'inherit'] });
  const code = await new Promise((resolve) => untar.on('close', resolve));
  return code === 0;
}

if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus}`);
  process.exit(2);
}
if (!existsSync(vmlinux) && install && !(arm64 ? await installArm64() : installAmd64())) {
  console.error(`could not get ${pkg} (nor =${VERSION}): is the Debian archive reachable?`);
  process.exit(2);
}
if (!existsSync(vmlinux)) {
  console.error(`${vmlinux} not found`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'test-real-kernel.ts'), vmlinux, corpus], { stdio: 'inherit', cwd: join(here, '../..') });
process.exit(r.status ?? 1);
