// The long, opt-in fuzz campaign (`npm run fuzz`): mutated real logs through the parser and every
// LSP feature, mutated gcc-built ELF/DWARF objects through the reader, in worker processes that
// this script watches. Goal: over 1 million inputs, zero crashes, zero hangs, every input within
// its time budget, memory bounded (workers run with a capped heap; running out is a crash).
//
//   node bench/fuzz.mjs [--inputs 1000000] [--text-share 0.15] [--workers 2] [--seed 1] [--chunk 500]
//                       [--hang-seconds 120] [--heap-mb 2048] [--batch 100] [--minutes M]
//
// A failure prints the worker kind and chunk seed; re-run one chunk with
//   node --import tsx test/unit/fuzz/campaign.ts <kind> <seed> 1 <chunk> <chunkIndex>
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, d) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const total = opt('inputs', 1_000_000);
const textShare = opt('text-share', 0.15);
const workers = Math.max(1, opt('workers', 2));
const seed = opt('seed', 1);
const chunk = opt('chunk', 500);
const hangMs = opt('hang-seconds', 120) * 1000;
const heapMb = opt('heap-mb', 2048);
// Chunks per worker process: each process builds the gcc fixtures and loads the corpus once.
const batch = opt('batch', 100);
const deadline = opt('minutes', 0) ? Date.now() + opt('minutes', 0) * 60_000 : Infinity;

const plan = { text: Math.ceil((total * textShare) / chunk), elf: Math.ceil((total * (1 - textShare)) / chunk) };
const queue = [];
for (const kind of ['elf', 'text']) for (let c = 0; c < plan[kind]; c++) queue.push({ kind, chunk: c });
// Interleave so that both kinds progress when the campaign is cut short.
queue.sort((a, b) => a.chunk / plan[a.kind] - b.chunk / plan[b.kind]);

const stats = {
  text: { inputs: 0, chunks: 0, maxMs: 0 },
  elf: { inputs: 0, chunks: 0, maxMs: 0, answered: 0, refused: 0, lookups: 0, lookupErrors: 0 },
};
const failures = [];
const hangs = [];
const outliers = [];
let peakHeap = 0;
const started = Date.now();
const children = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { for (const c of children) c.kill('SIGKILL'); process.exit(130); });

/** Runs consecutive chunks of one kind in one process; resolves when the batch ends (or is killed). */
function runBatch(kind, firstChunk, count) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(ROOT, 'test/unit/fuzz/campaign.ts'), kind, String(seed), String(count), String(chunk), String(firstChunk)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let last = Date.now();
    let next = firstChunk;
    let stderr = '';
    child.stderr.on('data', (b) => { if (stderr.length < 8000) stderr += b; });
    const watchdog = setInterval(() => {
      if (Date.now() - last > hangMs) {
        hangs.push({ kind, chunk: next, seed: seed * 1_000_003 + next, seconds: Math.round((Date.now() - last) / 1000) });
        child.kill('SIGKILL');
      }
    }, 1000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      last = Date.now();
      let m;
      try { m = JSON.parse(line); } catch { return; }
      if (m.type === 'chunk') {
        const s = stats[kind];
        s.inputs += m.inputs;
        s.chunks++;
        s.maxMs = Math.max(s.maxMs, m.maxMs);
        for (const k of ['answered', 'refused', 'lookups', 'lookupErrors']) if (k in m) s[k] += m[k];
        outliers.push(...m.outliers.map((o) => ({ kind, chunk: m.chunk, ...o })));
        peakHeap = Math.max(peakHeap, m.heap);
        next = m.chunk + 1;
        progress();
      } else if (m.type === 'failure' || m.type === 'fatal') {
        failures.push(m);
        console.log(`\nFAILURE (${kind}, chunk ${m.chunk}, seed ${m.seed}): ${m.error?.split('\n')[0]}\n  counterexample: ${JSON.stringify(m.counterexample)?.slice(0, 400)}`);
      }
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      clearInterval(watchdog);
      if (code !== 0 && signal !== 'SIGKILL') failures.push({ type: 'exit', kind, chunk: next, code, signal, error: stderr.split('\n').slice(-5).join('\n') });
      // Chunks the batch did not reach (killed on a hang, or died) go back to the queue, minus the bad one.
      for (let c = next + 1; c < firstChunk + count; c++) queue.push({ kind, chunk: c });
      resolve();
    });
  });
}

function progress() {
  const done = stats.text.inputs + stats.elf.inputs;
  const rate = done / ((Date.now() - started) / 1000);
  process.stdout.write(`\r  ${done} / ${total} inputs (text ${stats.text.inputs}, elf ${stats.elf.inputs}), ${rate.toFixed(0)}/s, failures ${failures.length}, hangs ${hangs.length}, outliers ${outliers.length}   `);
}

async function worker() {
  while (queue.length && Date.now() < deadline) {
    // Take up to `batch` consecutive chunks of one kind: one process start per batch.
    const head = queue.shift();
    let count = 1;
    while (count < batch && queue.length) {
      const i = queue.findIndex((q) => q.kind === head.kind && q.chunk === head.chunk + count);
      if (i < 0) break;
      queue.splice(i, 1);
      count++;
    }
    await runBatch(head.kind, head.chunk, count);
  }
}

console.log(`oops-lens fuzz campaign: ${total} inputs (${plan.text * chunk} text, ${plan.elf * chunk} ELF), ${workers} workers, seed ${seed}, chunk ${chunk}, hang after ${hangMs / 1000} s, heap cap ${heapMb} MB`);
await Promise.all(Array.from({ length: workers }, worker));
const secs = (Date.now() - started) / 1000;
const inputs = stats.text.inputs + stats.elf.inputs;
console.log('\n');
console.log(`inputs:   ${inputs} in ${(secs / 60).toFixed(1)} min (${(inputs / secs).toFixed(0)}/s)`);
console.log(`  text:   ${stats.text.inputs} mutated logs / random texts through the parser and every feature; slowest ${stats.text.maxMs.toFixed(0)} ms`);
console.log(`  elf:    ${stats.elf.inputs} mutated objects: ${stats.elf.answered} read completely, ${stats.elf.refused} refused with a clear error; ${stats.elf.lookups} lookups (${stats.elf.lookupErrors} refused); slowest ${stats.elf.maxMs.toFixed(0)} ms`);
console.log(`crashes:  ${failures.length}`);
console.log(`hangs:    ${hangs.length}${hangs.length ? ' ' + JSON.stringify(hangs) : ''}`);
console.log(`outliers: ${outliers.length} inputs over their time budget${outliers.length ? ' ' + JSON.stringify(outliers.slice(0, 5)) : ''}`);
console.log(`peak heap of a worker: ${(peakHeap / 2 ** 20).toFixed(0)} MB (cap ${heapMb} MB)`);
if (inputs < total) console.log(`note: stopped before ${total} inputs (time limit)`);
process.exit(failures.length || hangs.length || outliers.length ? 1 : 0);
