// Real `Code:` lines from the shared corpora, and a GNU objdump runner to check our decoding against.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The shared corpora sit beside the repository (../shared/corpus), as the model tests expect.
export const CORPUS = join(__dirname, '../../../../shared/corpus');
const DIRS = ['real-kernel/logs', 'real-kernel-arm64/logs', 'syzkaller/reports'].map((d) => join(CORPUS, d));

export function corpusAvailable(): boolean {
  return DIRS.every((d) => existsSync(d));
}

/** Every distinct `Code:` line (text from `Code:` on) with the file it came from. */
export function corpusCodeLines(): { file: string; text: string }[] {
  const seen = new Set<string>();
  const out: { file: string; text: string }[] = [];
  for (const dir of DIRS) {
    for (const name of readdirSync(dir).sort()) {
      for (const line of readFileSync(join(dir, name), 'latin1').split('\n')) {
        const i = line.indexOf('Code: ');
        if (i < 0) continue;
        const text = line.slice(i).trim();
        if (seen.has(text)) continue;
        seen.add(text);
        out.push({ file: join(dir, name), text });
      }
    }
  }
  return out;
}

/** The first program of `names` on PATH, or undefined. */
export function findTool(...names: string[]): string | undefined {
  for (const n of names) {
    for (const dir of (process.env.PATH ?? '').split(':')) {
      if (dir && existsSync(join(dir, n))) return join(dir, n);
    }
  }
  return undefined;
}

export interface ObjdumpInsn {
  offset: number;
  text: string;
}

/** objdump -D -b binary over [start, stop) of `bytes`; offsets are file offsets. */
export function objdumpRange(tool: string, machine: string, bytes: Uint8Array, start: number, stop: number, extra: string[] = []): ObjdumpInsn[] {
  if (start >= stop) return [];
  const dir = mkdtempSync(join(tmpdir(), 'oops-disasm-'));
  try {
    const file = join(dir, 'code.bin');
    writeFileSync(file, bytes);
    const out = execFileSync(tool, ['-D', '-z', '-b', 'binary', '-m', machine, ...extra, `--start-address=${start}`, `--stop-address=${stop}`, file], { encoding: 'utf8' });
    const insns: ObjdumpInsn[] = [];
    for (const m of out.matchAll(/^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/gm)) insns.push({ offset: parseInt(m[1], 16), text: m[2].trim() });
    return insns;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
