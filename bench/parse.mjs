// Parser throughput on a 50 MB log (VS Code's extension sync limit) and re-parse after a one-character edit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../server/src/model/parser.ts';

const SHARED = join(new URL('.', import.meta.url).pathname, '../../shared/corpus/real-kernel/logs');
const base = readFileSync(join(SHARED, 'sysrq-t-many.log'), 'utf8');
const mb = (s) => Buffer.byteLength(s) / 1e6;

let big = '';
while (mb(big) < 50) big += base;
parseCrashLog(base); // warm up the JIT
global.gc?.();
const c0 = process.cpuUsage();
const t0 = performance.now();
const log = parseCrashLog(big);
const t1 = performance.now();
// On a shared machine wall time includes waiting for a core: the main-thread CPU time is printed too.
const cpu = process.cpuUsage(c0).user / 1000;
const rate = mb(big) / ((t1 - t0) / 1000);
console.log(`parse ${mb(big).toFixed(1)} MB: ${(t1 - t0).toFixed(0)} ms = ${rate.toFixed(1)} MB/s (goal >= 50 MB/s) ${rate >= 50 ? 'OK' : 'MISS'}; user CPU ${cpu.toFixed(0)} ms = ${(mb(big) / (cpu / 1000)).toFixed(1)} MB/s; ${log.frames.length} frames, ${log.dumps.length} dumps`);

let one = '';
while (mb(one) < 1) one += base;
one = one.slice(0, 1_000_000);
const times = [];
// As the language server does: each version is parsed with the previous version's model.
let model = parseCrashLog(one);
for (let i = 0; i < 20; i++) {
  const at = 1000 + i * 997;
  const edited = one.slice(0, at) + 'x' + one.slice(at + 1);
  const s = performance.now();
  model = parseCrashLog(edited, model);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
const med = times[times.length >> 1];
console.log(`re-parse 1 MB after a one-character edit: median ${med.toFixed(1)} ms over 20 edits (goal <= 20 ms) ${med <= 20 ? 'OK' : 'MISS'}`);
