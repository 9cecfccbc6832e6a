// One worker of the long fuzz campaign (test/test/bench/fuzz.mjs starts and watches these processes).
// Usage: node --import tsx test/unit/fuzz/campaign.ts <text|elf> <seed> <chunks> <chunkSize> [firstChunk]
// Prints one JSON line per finished chunk (counts, slowest input, heap) and one per failure, so
// that the parent can tell progress from a hang and name the chunk seed that reproduces a problem.
import fc from 'fast-check';
import { Budget } from './budget';
import { buildText, exerciseText, fuzzContext, loadSeeds, textInputArb } from './text-harness';
import { buildElf, elfInputArb, exerciseElf, loadElfSeed } from './elf-harness';
import { buildFixtures } from '../symbols/build-fixtures';

const [kind, seedArg, chunksArg, sizeArg, firstArg] = process.argv.slice(2);
const baseSeed = Number(seedArg ?? 1);
const chunks = Number(chunksArg ?? 10);
const chunkSize = Number(sizeArg ?? 500);
const first = Number(firstArg ?? 0);
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

async function main(): Promise<void> {
  if (kind === 'text') {
    const seeds = loadSeeds();
    if (!seeds.length) throw new Error('no seeds: ../shared/corpus is missing');
    const fx = buildFixtures();
    const plain = fuzzContext({}, { trusted: false, root: '/nonexistent-oops-root' });
    const configured = fuzzContext({ vmlinux: fx.dwarf5, modulePaths: [fx.dir], sourceRoots: [fx.dir] }, { trusted: true, root: '/nonexistent-oops-root' });
    for (let c = first; c < first + chunks; c++) {
      const budget = new Budget('text');
      const seed = baseSeed * 1_000_003 + c;
      const r = await fc.check(
        fc.asyncProperty(textInputArb(seeds.length), fc.nat(), async (input, pick) => {
          if (process.env.FUZZ_TRACE) process.stderr.write(JSON.stringify([input, pick]) + '\n');
          const text = buildText(input, seeds);
          const incremental = pick % 5 === 0 && input.random === undefined;
          const previous = incremental ? buildText({ ...input, ops: input.ops.slice(0, -1) }, seeds) : undefined;
          await budget.time(text.length, () => exerciseText(text, pick % 2 ? configured : plain, pick, previous), () => JSON.stringify(input));
        }),
        { seed, numRuns: chunkSize, endOnFailure: true },
      );
      if (r.failed) emit({ type: 'failure', kind, seed, chunk: c, counterexample: r.counterexample, error: String((r.errorInstance as Error)?.stack ?? r.errorInstance).slice(0, 4000) });
      emit({ type: 'chunk', kind, chunk: c, seed, inputs: budget.count, maxMs: budget.maxMs, outliers: budget.outliers.slice(0, 3), heap: process.memoryUsage().heapUsed });
    }
    fx.cleanup();
    return;
  }
  if (kind === 'elf') {
    const fx = buildFixtures();
    const files: [string, string | undefined][] = [['dwarf5', fx.dwarf5], ['dwarf4', fx.dwarf4], ['zlib', fx.zlib], ['zlib-gnu', fx.zlibGnu], ['zstd', fx.zstd], ['module', fx.module], ['module32', fx.module32]];
    const seeds = files.filter((f): f is [string, string] => !!f[1]).map(([n, p]) => loadElfSeed(n, p));
    for (let c = first; c < first + chunks; c++) {
      const budget = new Budget('elf', 1000, 0);
      const counts = { answered: 0, refused: 0, lookups: 0, lookupErrors: 0 };
      const seed = baseSeed * 1_000_003 + c;
      const r = fc.check(
        fc.property(elfInputArb(seeds.length), (input) => {
          if (process.env.FUZZ_TRACE) process.stderr.write(JSON.stringify(input) + '\n');
          const bytes = buildElf(input, seeds);
          // Eight of the seed's addresses per input (rotating): every address is looked up across inputs, twice the inputs per second.
          const all = seeds[input.seed % seeds.length].addrs;
          const at = (input.muts[0]?.[3] ?? 0) % Math.max(1, all.length);
          const addrs = [...all.slice(at), ...all.slice(0, at)].slice(0, 8);
          const o = budget.timeSync(bytes.length, () => exerciseElf(bytes, addrs), () => JSON.stringify(input));
          if (o.refusedAt) counts.refused++;
          else counts.answered++;
          counts.lookups += o.lookups;
          counts.lookupErrors += o.errors;
        }),
        { seed, numRuns: chunkSize, endOnFailure: true },
      );
      if (r.failed) emit({ type: 'failure', kind, seed, chunk: c, counterexample: r.counterexample, error: String((r.errorInstance as Error)?.stack ?? r.errorInstance).slice(0, 4000) });
      emit({ type: 'chunk', kind, chunk: c, seed, inputs: budget.count, ...counts, maxMs: budget.maxMs, outliers: budget.outliers.slice(0, 3), heap: process.memoryUsage().heapUsed });
    }
    fx.cleanup();
    return;
  }
  throw new Error(`unknown campaign kind ${kind}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    emit({ type: 'fatal', kind, error: String((e as Error)?.stack ?? e) });
    process.exit(2);
  },
);
