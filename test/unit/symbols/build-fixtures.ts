// Builds the symbolizer fixtures from test/fixtures/symbols/kernel-like with the real toolchain
// (gcc, objcopy) into a temporary directory, once per test process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const fixtureSource = resolve(__dirname, '../../fixtures/symbols/kernel-like');

const common = ['-O2', '-ffreestanding', '-fno-stack-protector', '-fcf-protection=none', '-fno-asynchronous-unwind-tables'];
const linked = [...common, '-fno-pie', '-no-pie', '-nostdlib', '-static', '-Wl,-e,start_kernel', '-Wl,--build-id=sha1'];

export interface Fixtures {
  dir: string;
  /** Linked "vmlinux" variants. */
  dwarf5: string;
  dwarf4: string;
  zlib: string;
  zlibGnu: string;
  zstd?: string;
  /** x86-64 relocatable module with .text, .text.unlikely, .init.text and .modinfo. */
  module: string;
  /** The same module built -m32 (ELF32, REL relocations), when the toolchain can. */
  module32?: string;
  cleanup(): void;
}

let built: Fixtures | undefined;

function run(cmd: string, args: string[], cwd: string): boolean {
  try {
    execFileSync(cmd, args, { cwd, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

export function buildFixtures(): Fixtures {
  if (built) return built;
  const dir = mkdtempSync(join(tmpdir(), 'oops-symbols-'));
  // Callers should cleanup() in after(); this catches those that do not (and crashed runs).
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixtureSource, dir, { recursive: true });
  const gcc = (args: string[]) => execFileSync('gcc', args, { cwd: dir, stdio: 'pipe' });
  gcc(['-g', '-gdwarf-5', ...linked, 'core.c', 'mm.c', '-o', 'vmlinux-dwarf5']);
  gcc(['-g', '-gdwarf-4', ...linked, 'core.c', 'mm.c', '-o', 'vmlinux-dwarf4']);
  gcc(['-g', '-gdwarf-5', '-gz=zlib', ...linked, 'core.c', 'mm.c', '-o', 'vmlinux-zlib']);
  execFileSync('objcopy', ['--compress-debug-sections=zlib-gnu', 'vmlinux-dwarf4', 'vmlinux-zlib-gnu'], { cwd: dir, stdio: 'pipe' });
  const zstd = run('objcopy', ['--compress-debug-sections=zstd', 'vmlinux-dwarf5', 'vmlinux-zstd'], dir);
  gcc(['-c', '-g', '-gdwarf-5', ...common, '-fno-pie', 'module.c', '-o', 'fixture_mod.ko']);
  const m32 = run('gcc', ['-m32', '-c', '-g', '-gdwarf-4', ...common, '-fno-pie', 'module.c', '-o', 'fixture_mod32.ko'], dir);
  built = {
    dir,
    dwarf5: join(dir, 'vmlinux-dwarf5'),
    dwarf4: join(dir, 'vmlinux-dwarf4'),
    zlib: join(dir, 'vmlinux-zlib'),
    zlibGnu: join(dir, 'vmlinux-zlib-gnu'),
    zstd: zstd ? join(dir, 'vmlinux-zstd') : undefined,
    module: join(dir, 'fixture_mod.ko'),
    module32: m32 ? join(dir, 'fixture_mod32.ko') : undefined,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      built = undefined;
    },
  };
  return built;
}

/** `nm`-style view of the toolchain's own answer, for cross-checks. */
export function nmSymbols(file: string): { name: string; address: bigint; size: bigint; type: string }[] {
  const out = execFileSync('nm', ['-S', '-n', file], { encoding: 'utf8' });
  const rows: { name: string; address: bigint; size: bigint; type: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (\w) (\S+)$/.exec(line);
    if (m) rows.push({ address: BigInt('0x' + m[1]), size: BigInt('0x' + m[2]), type: m[3], name: m[4] });
  }
  return rows;
}
