// Every frame of the real-kernel ground truth (x86-64 and arm64 logs, with its line number) must be
// highlighted as a function in its log: trace/rip/pc/lr/mention frames as entity.name.function with
// their [module], `?` frames dimmed as unreliable. Runs where the shared corpus is present.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadGrammar, REPO, scopesAt, tokenizeLines, type Token } from './tokenize';

interface TruthFrame {
  file: string;
  lineInLog?: number;
  frameText: string;
  kind: string;
  module: string | null;
  symbol: string;
  offset: string;
}

const CORPUS = join(REPO, '..', 'shared', 'corpus');
const SETS = ['real-kernel', 'real-kernel-arm64'].map((d) => join(CORPUS, d));

function truthFrames(set: string): TruthFrame[] {
  const dir = join(set, 'truth');
  const seen = new Set<string>();
  const out: TruthFrame[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl') && !n.endsWith('.unique.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const t = JSON.parse(line) as TruthFrame;
      const key = `${t.file}:${t.lineInLog}:${t.frameText}`;
      if (t.lineInLog === undefined || seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

for (const set of SETS) {
  const name = set.split('/').pop()!;
  test(`${name}: every ground-truth frame is highlighted`, { skip: !existsSync(set) && 'shared corpus not present' }, async () => {
    const grammar = await loadGrammar();
    const frames = truthFrames(set);
    assert.ok(frames.length > 20, `only ${frames.length} truth frames`);
    const logs = new Map<string, { lines: string[]; tokens: Token[][] }>();
    const problems: string[] = [];
    const counts: Record<string, number> = {};
    for (const t of frames) {
      let log = logs.get(t.file);
      if (!log) {
        const lines = readFileSync(join(set, 'logs', t.file), 'utf8').split('\n');
        log = { lines, tokens: tokenizeLines(grammar, lines) };
        logs.set(t.file, log);
      }
      const text = log.lines[t.lineInLog! - 1];
      const tokens = log.tokens[t.lineInLog! - 1];
      const at = text.indexOf(`${t.symbol}+${t.offset}`);
      if (at < 0) {
        problems.push(`${t.file}:${t.lineInLog}: ${t.symbol}+${t.offset} not on the line`);
        continue;
      }
      counts[t.kind] = (counts[t.kind] ?? 0) + 1;
      const fn = scopesAt(tokens, at);
      const where = `${t.file}:${t.lineInLog} ${t.kind} ${t.symbol}: ${fn.join(' ')}`;
      if (t.kind === 'unreliable') {
        if (!fn.includes('comment.other.unreliable-frame.oops') || fn.includes('entity.name.function.oops')) problems.push(where);
        continue;
      }
      if (!fn.includes('entity.name.function.oops')) problems.push(where);
      if (t.module) {
        const mod = text.indexOf(`[${t.module}`, at);
        if (mod < 0 || !scopesAt(tokens, mod + 1).includes('entity.name.namespace.module.oops')) problems.push(`${where} (module ${t.module})`);
      }
    }
    console.log(`${name}: ${frames.length} truth frames checked`, counts);
    assert.deepEqual(problems, []);
  });
}
