// Every frame listed in the real-kernel truth files must be found by the parser, with the right kind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCrashLog } from '../../../server/src/model/parser';
import type { Frame } from '../../../server/src/model/types';

const SHARED = join(__dirname, '../../../../shared/corpus');
const corpora = ['real-kernel', 'real-kernel-arm64'].map((c) => join(SHARED, c)).filter((d) => existsSync(d));

interface Truth { lineInLog: number; frameText: string; kind: string; exactPc?: boolean; isReturnAddress: boolean; symbol: string; offset: string; module: string | null; tool: string }

function kindOf(f: Frame): string {
  if (f.source === 'rip') return 'rip';
  if (f.source === 'pc') return 'pc';
  if (f.source === 'lr') return 'lr';
  if (f.source === 'mention') return 'mention';
  return f.unreliable ? 'unreliable' : 'trace';
}

for (const dir of corpora) {
  for (const name of readdirSync(join(dir, 'truth')).filter((n) => n.endsWith('.jsonl'))) {
    const logName = name.replace(/(\.unique)?\.jsonl$/, '.log');
    test(`${dir.split('/').pop()}/${logName}: every truth frame is parsed with its kind`, () => {
      const log = parseCrashLog(readFileSync(join(dir, 'logs', logName), 'utf8'));
      const byLine = new Map<number, Frame[]>();
      for (const f of log.frames) byLine.set(f.span.line + 1, [...(byLine.get(f.span.line + 1) ?? []), f]);
      const seen = new Set<string>();
      let checked = 0;
      const problems: string[] = [];
      for (const raw of readFileSync(join(dir, 'truth', name), 'utf8').split('\n')) {
        if (!raw.trim()) continue;
        const t = JSON.parse(raw) as Truth & { linesInLog?: number[] };
        const lineNos = t.linesInLog ?? [t.lineInLog];
        for (const lineNo of lineNos) {
          const key = `${lineNo}:${t.frameText}`;
          if (seen.has(key)) continue;
          seen.add(key);
          checked++;
          const frame = (byLine.get(lineNo) ?? []).find((f) => f.function === t.symbol && f.offset === parseInt(t.offset, 16));
          if (!frame) { problems.push(`line ${lineNo}: not found: ${t.frameText}`); continue; }
          if (kindOf(frame) !== t.kind) problems.push(`line ${lineNo}: kind ${kindOf(frame)} != ${t.kind}: ${t.frameText}`);
          const exact = t.exactPc ?? !t.isReturnAddress;
          if (frame.exact !== exact) problems.push(`line ${lineNo}: exact ${frame.exact} != ${exact}: ${t.frameText}`);
          if ((frame.module ?? null) !== t.module) problems.push(`line ${lineNo}: module ${frame.module} != ${t.module}`);
        }
      }
      assert.ok(checked > 0, 'truth file had no frames');
      assert.deepEqual(problems.slice(0, 20), [], `${problems.length} of ${checked} frames wrong`);
    });
  }
}

test('the shared real-kernel corpora are present', () => {
  assert.equal(corpora.length, 2, `expected ../shared/corpus/real-kernel{,-arm64} beside the repository (looked in ${SHARED})`);
});
