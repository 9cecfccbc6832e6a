// Bounded fuzzing of the parser and every LSP feature on mutated real logs and random text
// (fixed seeds; the long campaign is `npm run fuzz`). Prints the counts.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildFixtures, type Fixtures } from '../symbols/build-fixtures';
import { hasTool } from '../symbols/dwarf-support';
import { buildText, exerciseText, fuzzContext, loadSeeds, textInputArb, type TextInput } from './text-harness';
import { Budget } from './budget';

const seeds = loadSeeds();
const skipCorpus = seeds.length === 0 ? 'shared corpus (../shared) not present' : false;

describe('text fuzz: parser and every feature', { skip: skipCorpus, timeout: 120_000 }, () => {
  let fx: Fixtures | undefined;
  const budget = new Budget('text');
  before(() => { if (hasTool('gcc')) fx = buildFixtures(); });
  after(() => console.log(budget.summary()));

  const run = async (input: TextInput, ctx: ReturnType<typeof fuzzContext>, pick: number, incremental: boolean) => {
    const text = buildText(input, seeds);
    const previous = incremental ? buildText({ ...input, ops: input.ops.slice(0, -1) }, seeds) : undefined;
    await budget.time(text.length, () => exerciseText(text, ctx, pick, previous));
  };

  it('mutated corpus logs and random text, no vmlinux', async () => {
    const ctx = fuzzContext({}, { trusted: false, root: '/nonexistent-oops-root' });
    await fc.assert(fc.asyncProperty(textInputArb(seeds.length), fc.nat(), async (input, pick) => run(input, ctx, pick, false)), { seed: 0x0095, numRuns: 700 });
  });

  it('with a vmlinux, module directory and source root configured', { skip: !hasTool('gcc') && 'gcc not installed' }, async () => {
    const ctx = fuzzContext({ vmlinux: fx!.dwarf5, modulePaths: [fx!.dir], sourceRoots: [fx!.dir] }, { trusted: true, root: '/nonexistent-oops-root' });
    await fc.assert(fc.asyncProperty(textInputArb(seeds.length), fc.nat(), async (input, pick) => run(input, ctx, pick, false)), { seed: 0x1095, numRuns: 300 });
  });

  it('incremental re-parse agrees with a full parse under edits', async () => {
    const ctx = fuzzContext({}, { trusted: false, root: '/nonexistent-oops-root' });
    await fc.assert(fc.asyncProperty(textInputArb(seeds.length), async (input) => run(input, ctx, 2, true)), { seed: 0x2095, numRuns: 200 });
  });

  it('every input was bounded in time', () => {
    assert.ok(budget.count > 1000, `ran ${budget.count} inputs`);
    budget.assertNoOutliers();
  });
});
