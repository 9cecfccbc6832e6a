// Parser throughput on report-dense text: the public syzkaller corpus (350 crash logs) concatenated
// to ~10 MB, so every few hundred lines a report has to be titled. Prints wall and CPU time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../../server/src/model/parser.ts';

const dir = join(new URL('.', import.meta.url).pathname, '../../../shared/corpus/syzkaller/reports');
if (!existsSync(dir)) {
  console.log(`skipped: ${dir} not found`);
  process.exit(0);
}
let all = '';
for (const f of readdirSync(dir).filter((x) => x.endsWith('.log')).sort()) all += readFileSync(join(dir, f), 'utf8') + '\n';
let big = '';
while (big.length < 10e6) big += all;
parseCrashLog(all); // warm up the JIT
global.gc?.();
const c0 = process.cpuUsage();
const t0 = performance.now();
const log = parseCrashLog(big);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(c0).user / 1000;
const mb = Buffer.byteLength(big) / 1e6;
console.log(`parse ${mb.toFixed(1)} MB of syzkaller reports: ${log.reports.length} reports, ${log.frames.length} frames; ${wall.toFixed(0)} ms = ${(mb / (wall / 1000)).toFixed(1)} MB/s (user CPU ${cpu.toFixed(0)} ms = ${(mb / (cpu / 1000)).toFixed(1)} MB/s)`);
