// The checker behind scripts/test-real-kernel.mjs: parse each real log, resolve every frame, compare
// with truth/*.jsonl (tool = addr2line).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCrashLog } from '../../server/src/model/parser';
import type { Frame, Report } from '../../server/src/model/types';
import { SymbolService } from '../../server/src/symbols/service';
import { contextOf, type ResolveContext } from '../../server/src/symbols/resolution';
import { defaultSettings } from '../../server/src/settings';

interface Loc { function: string; file: string; line: number }
interface Truth {
  file: string; lineInLog?: number; linesInLog?: number[]; frameText: string; kind: string; module: string | null;
  symbol: string; offset: string; size: string; section: string; address: string; isReturnAddress: boolean;
  tool: string; inlines: Loc[]; callsite?: { inlines: Loc[] };
}

const vmlinux = process.argv[2];
const corpus = resolve(process.argv[3] ?? process.env.OOPS_CORPUS ?? join(__dirname, '../../../shared/corpus/real-kernel'));
if (!existsSync(corpus)) {
  console.error(`corpus not found: ${corpus} (set OOPS_CORPUS)`);
  process.exit(2);
}
const service = new SymbolService(() => ({ ...defaultSettings, vmlinux, modulePaths: [join(corpus, 'module')] }));
const fmt = (c: Loc[]) => c.map((l) => `${l.function} ${l.file}:${l.line}`).join(' <- ');

interface Tally { total: number; agree: number; parsed: number; symbol: number }
const byKind = new Map<string, Tally>();
const failures: string[] = [];

async function main(): Promise<void> {
  const started = Date.now();
  for (const t of readdirSync(join(corpus, 'truth')).filter((f) => f.endsWith('.jsonl')).sort()) {
    const records = readFileSync(join(corpus, 'truth', t), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Truth).filter((r) => r.tool === 'addr2line');
    if (!records.length) continue;
    const text = readFileSync(join(corpus, 'logs', records[0].file), 'utf8');
    const log = parseCrashLog(text);
    // Frame -> the report (or dump) it belongs to, for release / Kernel Offset.
    const owner = new Map<Frame, Report>();
    for (const r of [...log.reports, ...(log.dumps ?? [])]) for (const f of r.frames) owner.set(f, r);
    const frames = [...new Set([...(log.frames ?? []), ...[...owner.keys()]])];
    for (const rec of records) {
      const line = (rec.lineInLog ?? rec.linesInLog![0]) - 1;
      const off = parseInt(rec.offset, 16);
      const parsed = frames.find((f) => f.span.line === line && f.function === rec.symbol && f.offset === off);
      const frame: Frame = parsed ?? {
        span: { line, start: 0, end: 0 }, nameSpan: { line, start: 0, end: 0 }, function: rec.symbol, offset: off,
        size: parseInt(rec.size, 16), module: rec.module ?? undefined, unreliable: rec.kind === 'unreliable',
        exact: !rec.isReturnAddress, source: 'trace',
      };
      const ctx: ResolveContext = parsed && owner.get(parsed) ? contextOf(owner.get(parsed), log) : { release: log.banner?.release };
      const res = await service.resolveFrame(frame, ctx);
      const expected = rec.isReturnAddress ? rec.callsite!.inlines : rec.inlines;
      const got = res.inlines.map((l) => ({ function: l.function, file: l.file, line: l.line }));
      const ok = JSON.stringify(got) === JSON.stringify(expected);
      const kind = `${rec.module ? 'module' : 'vmlinux'} ${rec.kind}`;
      const tally = byKind.get(kind) ?? { total: 0, agree: 0, parsed: 0, symbol: 0 };
      tally.total++;
      if (ok) tally.agree++;
      if (parsed) tally.parsed++;
      if (res.symbol?.section === rec.section && (rec.module || res.address === BigInt(rec.address))) tally.symbol++;
      byKind.set(kind, tally);
      if (!ok || !parsed || res.warnings.length)
        failures.push(`${rec.file}:${line + 1} ${rec.frameText}${parsed ? '' : ' [not parsed as a frame]'}${res.error ? ` error: ${res.error}` : ''}${res.warnings.length ? ` warnings: ${res.warnings.join('; ')}` : ''}${ok ? '' : `\n    expected ${fmt(expected)}\n    got      ${fmt(got)}`}`);
    }
  }
  let total = 0, agree = 0, parsed = 0, symbol = 0;
  console.log('\nkind                      frames  source agree  symbol+address  parsed by model');
  for (const [kind, t] of [...byKind].sort()) {
    console.log(`${kind.padEnd(26)}${String(t.total).padStart(6)}  ${String(t.agree).padStart(12)}  ${String(t.symbol).padStart(14)}  ${String(t.parsed).padStart(15)}`);
    total += t.total; agree += t.agree; parsed += t.parsed; symbol += t.symbol;
  }
  const pct = (n: number) => ((100 * n) / Math.max(1, total)).toFixed(1) + '%';
  console.log(`\nsource (function/file/line + inline chain) agreement with addr2line: ${agree}/${total} = ${pct(agree)}`);
  console.log(`symbol, section and address agreement: ${symbol}/${total} = ${pct(symbol)}`);
  console.log(`frames found by the parser: ${parsed}/${total} = ${pct(parsed)}`);
  console.log(`time: ${Date.now() - started} ms, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  if (failures.length) console.log(`\n${failures.length} frames with a difference, warning or parser miss:\n` + failures.slice(0, 40).join('\n'));
  service.dispose();
  process.exitCode = agree === total ? 0 : 1;
}

void main();
