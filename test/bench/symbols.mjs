// Symbolizer benchmark: the built-in engine against persistent llvm-symbolizer and addr2line
// processes on the same addresses, in the same run; ratios are what to trust (2 shared cores).
//  - gcc fixture (always): every function offset.
//  - real vmlinux (when /usr/lib/debug/boot/vmlinux-6.1.0-56-amd64 or $OOPS_VMLINUX exists):
//    decode of sysrq-c-kaslr.log, cold first resolution in a new process, warm per-frame latency, RSS,
//    and the kernel's scripts/decode_stacktrace.sh when linux-source-6.1 is installed.
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCrashLog } from '../../server/src/model/parser.ts';
import { SymbolService } from '../../server/src/symbols/service.ts';
import { DebugObject } from '../../server/src/symbols/debug-object.ts';
import { resolveLog } from '../../server/src/symbols/decode.ts';
import { LineProcess } from '../../server/src/symbols/backends/line-process.ts';
import { defaultSettings } from '../../server/src/settings.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const CORPUS = join(here, '../../../shared/corpus/real-kernel');
const VMLINUX = process.env.OOPS_VMLINUX ?? '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64';
const LOG = join(CORPUS, 'logs/sysrq-c-kaslr.log');
const mb = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3)) + ' ms';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const verdict = (ok) => (ok ? 'OK' : 'MISS');

function hasTool(t) {
  return spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Time `fn` (async) `n` times after one warm-up; median ms. */
async function timeIt(n, fn) {
  await fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** A persistent anchor tool answering a batch of addresses (pipelined, as fast as it can go). */
function anchor(kind, object) {
  if (kind === 'llvm-symbolizer') {
    const p = new LineProcess('llvm-symbolizer', ['--inlining', '--functions=linkage', '--output-style=JSON', `--obj=${object}`]);
    return { batch: (addrs) => Promise.all(addrs.map((a) => p.ask('0x' + a.toString(16), () => true))), dispose: () => p.dispose() };
  }
  const sentinel = '0xfffffffffffffff0';
  const p = new LineProcess('addr2line', ['-a', '-f', '-i', '-p', '-e', object]);
  return {
    batch: (addrs) => Promise.all(addrs.map((a) => p.ask(`0x${a.toString(16)}\n${sentinel}`, (l) => l.startsWith('0xfffffffffffffff0')))),
    dispose: () => p.dispose(),
  };
}

async function compareAnchors(label, object, addresses, ours) {
  const oursMs = await timeIt(10, ours);
  console.log(`${label}: built-in ${ms(oursMs)} for ${addresses.length} lookups (${ms(oursMs / addresses.length)} each)`);
  const out = { builtin: oursMs };
  for (const kind of ['llvm-symbolizer', 'addr2line']) {
    if (!hasTool(kind)) {
      console.log(`  ${kind}: not installed`);
      continue;
    }
    const a = anchor(kind, object);
    try {
      const t = await timeIt(5, () => a.batch(addresses));
      out[kind] = t;
      console.log(`  warm persistent ${kind}: ${ms(t)} -> built-in is ${(t / oursMs).toFixed(1)}x faster`);
    } finally {
      a.dispose();
    }
  }
  return out;
}

async function fixtureBench() {
  const { buildFixtures } = await import('../unit/symbols/build-fixtures.ts');
  const fx = buildFixtures();
  try {
    const obj = DebugObject.open(fx.dwarf5);
    const addresses = obj.symbols.text.flatMap((s) => Array.from({ length: Number(s.elfSize || 1n) }, (_, i) => s.address + BigInt(i)));
    await compareAnchors('gcc fixture, every function offset', fx.dwarf5, addresses, () => {
      for (const a of addresses) obj.lookup(a);
    });
    obj.close();
  } finally {
    fx.cleanup();
  }
}

/** Child mode: a fresh process that opens the vmlinux and resolves the first frame of the Oops. */
async function coldChild() {
  const t0 = performance.now();
  const log = parseCrashLog(readFileSync(LOG, 'utf8'));
  const report = log.reports[0];
  const svc = new SymbolService(() => ({ ...defaultSettings, vmlinux: VMLINUX }));
  const frame = report.frames.find((f) => !f.module && f.offset !== undefined);
  const r = await svc.resolveFrame(frame, report);
  const t1 = performance.now();
  process.stdout.write(JSON.stringify({ ms: t1 - t0, rss: Number(mb()), ok: r.inlines.length > 0, frame: frame.function }) + '\n');
}

async function vmlinuxBench() {
  if (!existsSync(VMLINUX) || !existsSync(LOG)) {
    console.log(`\nreal vmlinux: ${VMLINUX} not present (npm run test:real-kernel installs it); skipped`);
    return;
  }
  console.log(`\nreal vmlinux ${VMLINUX}, ${LOG.split('/').pop()}`);
  // Cold: new process, file not opened yet (the page cache may be warm: we do not drop it on a shared machine).
  const colds = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--cold-child'], { encoding: 'utf8' });
    const wall = performance.now() - start;
    const line = r.stdout.trim().split('\n').pop();
    if (!line) throw new Error(`cold child failed: ${r.stderr}`);
    colds.push({ ...JSON.parse(line), wall });
  }
  const cold = median(colds.map((c) => c.ms));
  console.log(`cold first resolution (new process, opens the vmlinux, parses the log, resolves ${colds[0].frame}): ${ms(cold)} in process, ${ms(median(colds.map((c) => c.wall)))} wall incl. node+tsx start (goal <= 1 s) ${verdict(cold <= 1000)}`);

  // The anchors' cold start on the same first frame: a new process, first answer.
  const probe = new SymbolService(() => ({ ...defaultSettings, vmlinux: VMLINUX }));
  const probeLog = parseCrashLog(readFileSync(LOG, 'utf8'));
  const firstFrame = probeLog.reports[0].frames.find((f) => !f.module && f.offset !== undefined);
  const firstAddress = (await probe.resolveFrame(firstFrame, probeLog.reports[0])).lookupAddress;
  probe.dispose();
  for (const kind of ['llvm-symbolizer', 'addr2line']) {
    if (!hasTool(kind) || firstAddress === undefined) continue;
    const times = [];
    for (let i = 0; i < 3; i++) {
      const a = anchor(kind, VMLINUX);
      const t = performance.now();
      await a.batch([firstAddress]);
      times.push(performance.now() - t);
      a.dispose();
    }
    console.log(`  anchor: new ${kind} process, first answer: ${ms(median(times))} -> built-in cold is ${(median(times) / cold).toFixed(1)}x faster`);
  }

  const text = readFileSync(LOG, 'utf8');
  const svc = new SymbolService(() => ({ ...defaultSettings, vmlinux: VMLINUX }));
  const log = parseCrashLog(text);
  const first = await resolveLog(log, svc);
  const addresses = [...first.values()].filter((r) => r.lookupAddress !== undefined && !r.module).map((r) => r.lookupAddress);
  const withParse = await timeIt(10, async () => {
    await resolveLog(parseCrashLog(text), svc);
  });
  const res = await compareAnchors(`warm decode of the Oops (${first.size} frames of the parsed report)`, VMLINUX, addresses, async () => {
    await resolveLog(log, svc);
  });
  console.log(`  parse + decode of the log text: ${ms(withParse)}`);
  // The same lookups straight into the engine, bypassing the service's resolution cache.
  const engine = svc.vmlinux({}).object;
  const raw = await timeIt(10, () => {
    for (const a of addresses) engine.lookup(a);
  });
  console.log(`  engine only (no resolution cache, DWARF caches warm): ${ms(raw)} -> ${((res['llvm-symbolizer'] ?? NaN) / raw).toFixed(1)}x vs llvm-symbolizer`);
  if (res['llvm-symbolizer']) console.log(`  goal: >= 2x faster than warm llvm-symbolizer: ${verdict(res['llvm-symbolizer'] / res.builtin >= 2)}`);

  const frames = [...first.keys()];
  const per = [];
  for (let round = 0; round < 5; round++)
    for (const f of frames) {
      const t = performance.now();
      await svc.resolveFrame(f, log.reports[0]);
      per.push(performance.now() - t);
    }
  const warmHover = median(per);
  console.log(`warm hover (one frame resolved again): median ${ms(warmHover)}, max ${ms(Math.max(...per))} (goal <= 5 ms) ${verdict(warmHover <= 5)}`);

  const script = findDecodeStacktrace();
  if (script) {
    const t = performance.now();
    execFileSync('bash', [script, VMLINUX], { input: text, stdio: ['pipe', 'ignore', 'ignore'] });
    const d = performance.now() - t;
    console.log(`decode_stacktrace.sh (linux-source-6.1): ${ms(d)} -> built-in parse + warm decode is ${(d / withParse).toFixed(0)}x faster (goal >= 100x) ${verdict(d / withParse >= 100)}`);
  } else console.log('decode_stacktrace.sh: linux-source-6.1 not installed (apt-get install linux-source-6.1); skipped');
  // The performance log: 857 tasks' stacks, 1.3 MB, every frame resolved (first time, then again).
  const many = join(CORPUS, 'logs/sysrq-t-many.log');
  if (existsSync(many)) {
    const big = readFileSync(many, 'utf8');
    const fresh = new SymbolService(() => ({ ...defaultSettings, vmlinux: VMLINUX }));
    const t0 = performance.now();
    const r1 = await resolveLog(parseCrashLog(big), fresh);
    const t1 = performance.now();
    await resolveLog(parseCrashLog(big), fresh);
    const t2 = performance.now();
    const resolved = [...r1.values()].filter((r) => r.inlines.length).length;
    console.log(`sysrq-t-many.log (${(big.length / 1e6).toFixed(1)} MB, ${r1.size} frames, ${resolved} resolved): first decode ${ms(t1 - t0)}, again ${ms(t2 - t1)}`);
    fresh.dispose();
  }
  global.gc?.();
  const rss = Number(mb());
  console.log(`RSS after the runs: ${rss} MB (goal <= 300 MB) ${verdict(rss <= 300)}; cold child RSS ${median(colds.map((c) => c.rss))} MB`);
  svc.dispose();
}

/** scripts/decode_stacktrace.sh out of /usr/src/linux-source-6.1.tar.xz, extracted once into a temp dir. */
function findDecodeStacktrace() {
  const tar = '/usr/src/linux-source-6.1.tar.xz';
  if (!existsSync(tar)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'oops-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync('tar', ['-xJf', tar, '-C', dir, '--wildcards', '*/scripts/decode_stacktrace.sh'], { stdio: 'ignore' });
    const out = execFileSync('find', [dir, '-name', 'decode_stacktrace.sh'], { encoding: 'utf8' }).trim().split('\n')[0];
    return out || undefined;
  } catch {
    return undefined;
  }
}

if (process.argv.includes('--cold-child')) await coldChild();
else {
  await fixtureBench();
  await vmlinuxBench();
}
