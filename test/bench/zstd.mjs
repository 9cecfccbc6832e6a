// zstd benchmark: what the worker thread (the fzstd path on runtimes without native zstd, e.g.
// Node 20) costs per call against fzstd called directly on this thread, on the objcopy-compressed
// debug sections of the gcc fixture (small: per-call overhead) and on a ~50 MB buffer (throughput:
// the output is transferred, not copied). Anchors in the same run: the `zstd` CLI and Node's
// native zstd when the runtime has it. Numbers are printed, nothing asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { decompress } from 'fzstd';
import { setZstdOptions, stopZstdWorker, zstdDecompress } from '../../server/src/symbols/zstd.ts';
import { decodeZstd } from '../../server/src/symbols/zstd-decode.ts';
import { ElfFile, SHF_COMPRESSED } from '../../server/src/symbols/elf.ts';
import { BufferBytes } from '../../server/src/symbols/file-bytes.ts';

const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3)) + ' ms';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const has = (t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0;
const native = zlib.zstdDecompressSync;

/** Median wall time of `f` over `rounds` runs (after one warm-up). */
function time(f, rounds) {
  f();
  const t = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  return median(t);
}

setZstdOptions({ forceWorker: true });
const t0 = performance.now();
zstdDecompress(execFileSync('zstd', ['-q', '-c', '-'], { input: 'warm' }));
console.log(`worker start + first call: ${ms(performance.now() - t0)}`);

// 1. The fixture's compressed sections: many small calls.
// Imported dynamically, as bench/symbols.mjs does: a static import leaves its __dirname unset under tsx.
const { buildFixtures } = await import('../unit/symbols/build-fixtures.ts');
const fx = buildFixtures();
if (!fx.zstd) console.log('objcopy cannot write zstd sections: fixture part skipped');
else {
  const elf = new ElfFile(new BufferBytes(new Uint8Array(readFileSync(fx.zstd))));
  const sections = elf.sections.filter((s) => s.flags & SHF_COMPRESSED).map((s) => {
    const raw = elf.readAll(s);
    return { name: s.name, body: raw.subarray(24), size: Number(new DataView(raw.buffer, raw.byteOffset + 8, 8).getBigUint64(0, true)) };
  });
  const all = (f) => () => { for (const s of sections) f(s); };
  const rounds = 200;
  const direct = time(all((s) => decompress(s.body, new Uint8Array(s.size))), rounds);
  const checked = time(all((s) => decodeZstd(s.body, s.size, 2 ** 30)), rounds);
  const worker = time(all((s) => zstdDecompress(s.body, s.size)), rounds);
  const bytes = sections.reduce((n, s) => n + s.size, 0);
  console.log(`\nfixture ${sections.length} zstd sections (${bytes} bytes out), median of ${rounds} passes:`);
  console.log(`  fzstd direct ${ms(direct)}, with frame scan ${ms(checked)}, worker ${ms(worker)}: +${ms((worker - direct) / sections.length)} per call (${(worker / direct).toFixed(1)}x)`);
  if (native) {
    setZstdOptions({ forceWorker: false });
    const n = time(all((s) => zstdDecompress(s.body, s.size)), rounds);
    setZstdOptions({ forceWorker: true });
    console.log(`  anchor: native zstd ${ms(n)} -> worker is ${(worker / n).toFixed(1)}x`);
  } else console.log(`  anchor: native zstd: not in Node ${process.versions.node}`);
}
fx.cleanup();

// 2. ~50 MB of kernel-log-like text, compressed by the zstd CLI (frame declares its size).
if (!has('zstd')) console.log('\nzstd CLI not installed: 50 MB part skipped');
else {
  const dir = mkdtempSync(join(tmpdir(), 'oops-bench-zstd-'));
  try {
    const words = ['nfs_end_page_writeback', 'mutex_lock', '0xffffffff81', 'RIP:', '[nfs]', 'Call Trace:', 'kmem_cache_alloc', '+0x6d/0x100'];
    const size = 50 * 2 ** 20;
    const text = Buffer.alloc(size);
    let x = 12345;
    for (let at = 0; at < size; ) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      at += text.write(words[x % words.length] + ((x >>> 8) % 7 === 0 ? '\n' : ' ') + (x >>> 20).toString(16), at);
    }
    const file = join(dir, 'big.txt');
    writeFileSync(file, text);
    execFileSync('zstd', ['-q', '-3', file]);
    const z = readFileSync(file + '.zst');
    const rounds = 3;
    const direct = time(() => decompress(z, new Uint8Array(size)), rounds);
    const worker = time(() => zstdDecompress(z, size), rounds);
    const unknown = time(() => zstdDecompress(z), rounds);
    const ok = Buffer.from(zstdDecompress(z, size)).equals(text);
    console.log(`\n${(size / 2 ** 20).toFixed(0)} MB from ${(z.length / 2 ** 20).toFixed(1)} MB, median of ${rounds}: fzstd direct ${ms(direct)} (${(size / 2 ** 20 / (direct / 1000)).toFixed(0)} MB/s)`);
    console.log(`  worker, size stated ${ms(worker)} (${(worker / direct).toFixed(2)}x), size from the frame ${ms(unknown)} (${(unknown / direct).toFixed(2)}x); output identical: ${ok}`);
    const cli = time(() => execFileSync('zstd', ['-q', '-d', '-c', file + '.zst'], { maxBuffer: 2 * size }), rounds);
    console.log(`  anchor: zstd -d (new process, output through a pipe) ${ms(cli)} -> worker is ${(worker / cli).toFixed(1)}x`);
    if (native) {
      setZstdOptions({ forceWorker: false });
      const n = time(() => zstdDecompress(z, size), rounds);
      console.log(`  anchor: native zstd ${ms(n)} -> worker is ${(worker / n).toFixed(1)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
stopZstdWorker();
