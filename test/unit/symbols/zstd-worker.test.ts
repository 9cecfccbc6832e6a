// zstd through the worker thread (the path used where Node has no native zstd, e.g. Node 20):
// data on which fzstd loops forever is cut off by the deadline, with a message, and the next call
// works; valid data round-trips (single frame with and without a declared size, several frames,
// the gcc/objcopy-built SHF_COMPRESSED sections); fzstd's own errors come back as they are; sizes
// are bounded; and the symbol service turns a looping section or .ko.zst into a message.
// The worker path is forced, so that these tests mean the same on runtimes with native zstd.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decompress as fzstd } from 'fzstd';
import { setZstdOptions, stopZstdWorker, zstdDecompress, ZSTD_UNKNOWN_SIZE_CAP } from '../../../server/src/symbols/zstd';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { ElfFile, SHF_COMPRESSED } from '../../../server/src/symbols/elf';
import { BufferBytes } from '../../../server/src/symbols/file-bytes';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { parseCrashLog } from '../../../server/src/model/parser';
import { buildFixtures, type Fixtures } from './build-fixtures';
import { hasTool } from './dwarf-support';

/** A 239-byte zstd frame (from the fuzz campaign: a mutated .debug_str of the objcopy zstd fixture) on which fzstd 0.1.1 never returns. */
const LOOPING_FILE = join(__dirname, '../../fixtures/symbols/zstd-fzstd-loops.bin');
const LOOPING = new Uint8Array(readFileSync(LOOPING_FILE));
const ZSTD_TS = join(__dirname, '../../../server/src/symbols/zstd.ts');
/** What that frame's header declares (and what its ELF section header claimed). */
const LOOPING_SIZE = 308;
const DEADLINE_MS = 1500;
const deadlineError = /zstd: decompression did not finish within 1\.5 s; the data is corrupt or hostile/;

/** Deterministic, compressible text (kernel-log-like lines), `n` bytes. */
function sample(n: number): Buffer {
  const words = ['nfs_end_page_writeback', 'mutex_lock', '0xffffffff81', 'RIP:', '[nfs]', 'Call Trace:', 'kmem_cache_alloc', '+0x6d/0x100'];
  let x = 12345;
  let s = '';
  while (s.length < n) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += words[x % words.length] + ((x >>> 8) % 7 === 0 ? '\n' : ' ') + (x >>> 20).toString(16);
  }
  return Buffer.from(s.slice(0, n));
}

const skipZstd = !hasTool('zstd') ? 'zstd not installed' : false;

describe('zstd in the worker thread', () => {
  let dir: string;
  before(() => {
    setZstdOptions({ forceWorker: true, deadlineMs: DEADLINE_MS });
    dir = mkdtempSync(join(tmpdir(), 'oops-zstd-'));
  });
  after(() => {
    stopZstdWorker();
    setZstdOptions({ forceWorker: false, deadlineMs: undefined });
    rmSync(dir, { recursive: true, force: true });
  });

  it('the frame that makes fzstd loop: the deadline error, then the next call works (new worker)', { skip: skipZstd }, () => {
    // In a child process: were the frame handed to fzstd on this thread, the test would fail at
    // the child's timeout instead of hanging the run.
    const script = join(dir, 'looping.ts');
    writeFileSync(script, `
      import { setZstdOptions, zstdDecompress } from ${JSON.stringify(ZSTD_TS)};
      import { readFileSync } from 'node:fs';
      setZstdOptions({ forceWorker: true, deadlineMs: ${DEADLINE_MS} });
      const frame = readFileSync(process.argv[2]);
      const attempt = (f: () => unknown) => { try { f(); return 'returned'; } catch (e) { return (e as Error).message; } };
      const t0 = performance.now();
      const stated = attempt(() => zstdDecompress(frame, ${LOOPING_SIZE}));
      const ms = performance.now() - t0;
      const unknown = attempt(() => zstdDecompress(frame));
      const good = Buffer.from(zstdDecompress(readFileSync(process.argv[3]))).toString('latin1');
      process.stdout.write(JSON.stringify({ stated, unknown, ms, good }));
      process.exit(0);
    `);
    const text = sample(4096);
    const good = join(dir, 'good.zst');
    writeFileSync(good, execFileSync('zstd', ['-q', '-c', '-'], { input: text }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, LOOPING_FILE, good], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `child: ${r.error ?? ''} ${r.signal ?? ''} ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { stated: string; unknown: string; ms: number; good: string };
    console.log(`  looping frame refused after ${out.ms.toFixed(0)} ms (deadline ${DEADLINE_MS} ms, worker start included)`);
    assert.match(out.stated, deadlineError);
    assert.match(out.unknown, deadlineError);
    assert.equal(out.good, text.toString('latin1'));
  });

  it('valid data round-trips: declared size, no declared size (stdin), several frames, stated size', { skip: skipZstd }, () => {
    const text = sample(2 ** 20);
    const file = join(dir, 'sample.txt');
    writeFileSync(file, text);
    const declared = execFileSync('zstd', ['-q', '-c', file]);
    const streamed = execFileSync('zstd', ['-q', '-c', '-'], { input: text, maxBuffer: 64 * 2 ** 20 });
    const half = text.length >> 1;
    const frames = Buffer.concat([execFileSync('zstd', ['-q', '-c', '-'], { input: text.subarray(0, half) }), execFileSync('zstd', ['-q', '-c', '-'], { input: text.subarray(half) })]);
    for (const [name, z] of [['declared', declared], ['streamed', streamed], ['two frames', frames]] as const) {
      assert.ok(Buffer.from(zstdDecompress(z)).equals(text), `${name}, size unknown`);
      assert.ok(Buffer.from(zstdDecompress(z, text.length)).equals(text), `${name}, size stated`);
    }
    assert.equal(zstdDecompress(new Uint8Array(0)).length, 0);
  });

  it('fzstd rejecting corrupt data: its own message and code come back', () => {
    // One compressed block whose literals are "treeless Huffman" with no earlier table: invalid.
    const corrupt = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x10, 0x1 | (2 << 1) | (4 << 3), 0, 0, 0x03, 0, 0, 0]);
    let direct: (Error & { code?: number }) | undefined;
    try {
      fzstd(corrupt);
    } catch (e) {
      direct = e as Error & { code?: number };
    }
    assert.ok(direct, 'fzstd itself rejects the frame');
    assert.throws(() => zstdDecompress(corrupt), (e: Error & { code?: number }) => e instanceof Error && e.message === direct!.message && e.code === direct!.code);
    assert.throws(() => zstdDecompress(Buffer.from('not zstd at all')), /zstd: not a zstd frame at byte 0/);
  });

  it('output bounded: more than the container states, or a frame claiming more than the cap, is refused', { skip: skipZstd }, () => {
    const text = sample(256 * 1024);
    const file = join(dir, 'bound.txt');
    writeFileSync(file, text);
    const declared = execFileSync('zstd', ['-q', '-c', file]);
    const streamed = execFileSync('zstd', ['-q', '-c', '-'], { input: text });
    assert.throws(() => zstdDecompress(declared, 1000), /zstd: the frames hold 262144 bytes, the container states 1000/);
    assert.throws(() => zstdDecompress(streamed, 1000), /zstd: output exceeds the 1000 bytes the container states/);
    // A frame header claiming 2^40 bytes in front of one tiny raw block: refused before allocating.
    const claim = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x1 | (0 << 1) | (1 << 3), 0, 0, 0x41]);
    assert.throws(() => zstdDecompress(claim), new RegExp(`zstd: the frames hold ${2 ** 40} bytes, more than the ${ZSTD_UNKNOWN_SIZE_CAP}-byte limit`));
  });

  it('bundled as test/scripts/build.mjs does (esbuild, worker next to the bundle), run by plain node', { skip: skipZstd }, async () => {
    const { build } = await import('esbuild');
    const out = join(dir, 'dist');
    const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'silent' } as const;
    await build({ ...common, entryPoints: [join(__dirname, '../../../server/src/symbols/zstd-worker.ts')], outfile: join(out, 'zstd-worker.js') });
    await build({
      ...common,
      outfile: join(out, 'main.js'),
      stdin: {
        contents: `const z = require(${JSON.stringify(ZSTD_TS)}); z.setZstdOptions({ forceWorker: true });
          const out = z.zstdDecompress(require('node:fs').readFileSync(process.argv[2]));
          process.stdout.write(require('node:crypto').createHash('sha256').update(out).digest('hex'));`,
        resolveDir: __dirname,
        loader: 'ts',
      },
    });
    const text = sample(200_000);
    writeFileSync(join(dir, 'b.zst'), execFileSync('zstd', ['-q', '-c', '-'], { input: text }));
    const hash = execFileSync(process.execPath, [join(out, 'main.js'), join(dir, 'b.zst')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(hash, createHash('sha256').update(text).digest('hex'));
  });

  it('a truncated frame is refused with a message (not handed to fzstd)', { skip: skipZstd }, () => {
    const z = execFileSync('zstd', ['-q', '-c', '-'], { input: sample(10_000) });
    assert.throws(() => zstdDecompress(z.subarray(0, z.length - 5)), /zstd: truncated frame/);
  });
});

const gccSkip = !hasTool('gcc') ? 'gcc not installed' : false;

describe('zstd-compressed debug data through the symbol reader (worker path)', { skip: gccSkip }, () => {
  let fx: Fixtures;
  let dir: string;
  before(() => {
    setZstdOptions({ forceWorker: true, deadlineMs: DEADLINE_MS });
    fx = buildFixtures();
    dir = mkdtempSync(join(tmpdir(), 'oops-zstd-elf-'));
  });
  after(() => {
    stopZstdWorker();
    setZstdOptions({ forceWorker: false, deadlineMs: undefined });
    rmSync(dir, { recursive: true, force: true });
  });

  const frame = (line: string) => parseCrashLog(`BUG: x\nCall Trace:\n ${line}\n`).reports[0].stacks[0].frames[0];

  it('the objcopy --compress-debug-sections=zstd sections decompress to the uncompressed sections', (t) => {
    if (!fx.zstd) return t.skip('objcopy cannot write zstd sections');
    const packed = new ElfFile(new BufferBytes(new Uint8Array(readFileSync(fx.zstd))));
    const plain = DebugObject.fromBuffer('plain', new Uint8Array(readFileSync(fx.dwarf5)));
    const obj = DebugObject.fromBuffer('zstd', new Uint8Array(readFileSync(fx.zstd)));
    const compressed = packed.sections.filter((s) => s.flags & SHF_COMPRESSED).map((s) => s.name);
    assert.ok(compressed.includes('.debug_info') && compressed.includes('.debug_line'), compressed.join(' '));
    for (const name of compressed) {
      const a = obj.sections.get(name)!;
      const b = plain.sections.get(name)!;
      assert.equal(a.size, b.size, name);
      assert.ok(Buffer.from(a.read(0, a.size)).equals(Buffer.from(b.read(0, b.size))), name);
    }
    obj.close();
    plain.close();
  });

  /** fx.zstd with `.debug_info` replaced by the looping frame (appended; section header pointed at it). */
  function loopingVmlinux(): string {
    const p = join(dir, 'vmlinux-zstd-loops');
    copyFileSync(fx.zstd!, p);
    const bytes = new Uint8Array(readFileSync(p));
    const elf = new ElfFile(new BufferBytes(bytes));
    const s = elf.section('.debug_info')!;
    const chdr = new DataView(new ArrayBuffer(24));
    chdr.setUint32(0, 2, true); // ELFCOMPRESS_ZSTD
    chdr.setBigUint64(8, BigInt(LOOPING_SIZE), true);
    chdr.setBigUint64(16, 1n, true);
    const at = bytes.length;
    appendFileSync(p, new Uint8Array(chdr.buffer));
    appendFileSync(p, LOOPING);
    const patched = new Uint8Array(readFileSync(p));
    const dv = new DataView(patched.buffer);
    const shdr = Number(dv.getBigUint64(40, true)) + s.index * 64;
    dv.setBigUint64(shdr + 24, BigInt(at), true); // sh_offset
    dv.setBigUint64(shdr + 32, BigInt(24 + LOOPING.length), true); // sh_size
    writeFileSync(p, patched);
    return p;
  }

  it('a vmlinux whose zstd .debug_info loops fzstd: a message for the frame, not a hang; a good vmlinux still resolves', async (t) => {
    if (!fx.zstd) return t.skip('objcopy cannot write zstd sections');
    const bad: Settings = { ...defaultSettings, vmlinux: loopingVmlinux() };
    const svc = new SymbolService(() => bad, { root: join(dir, 'no-root') });
    const r = await svc.resolveFrame(frame('fs_entry+0x3/0x40'));
    console.log(`  looping .debug_info: ${r.error}`);
    assert.match(r.error ?? '', /cannot decompress \.debug_info: zstd: decompression did not finish within 1\.5 s/);
    // The failure is remembered: a second frame does not wait for the deadline again.
    const t0 = performance.now();
    const again = await svc.resolveFrame(frame('fs_entry+0x4/0x40'));
    assert.match(again.error ?? '', /did not finish/);
    assert.ok(performance.now() - t0 < DEADLINE_MS, 'the section is not decompressed again');
    svc.dispose();
    const good: Settings = { ...defaultSettings, vmlinux: fx.zstd };
    const ok = new SymbolService(() => good, { root: join(dir, 'no-root') });
    const r2 = await ok.resolveFrame(frame('fs_entry+0x3/0x40'));
    assert.equal(r2.error, undefined);
    assert.match(r2.inlines[0]?.file ?? '', /core\.c|\.h$/);
    ok.dispose();
  });

  it('a .ko.zst that loops fzstd: the module gets a message', async () => {
    const sub = join(dir, 'modules');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'fixture_mod.ko.zst'), LOOPING);
    const settings: Settings = { ...defaultSettings, modulePaths: [sub] };
    const svc = new SymbolService(() => settings, { root: join(dir, 'no-root') });
    const m = await svc.module('fixture_mod', { release: '6.1.0-fixture' });
    console.log(`  looping .ko.zst: ${m.error}`);
    assert.equal(m.object, undefined);
    assert.match(m.error ?? '', /fixture_mod\.ko\.zst: zstd: decompression did not finish within 1\.5 s/);
    svc.dispose();
  });
});
