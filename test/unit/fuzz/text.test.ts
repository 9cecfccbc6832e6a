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

  it('inputs the long campaign found (e-mail autolink in a banner title; cubic lockdep regex on a 42 KB line)', async () => {
    const ctx = fuzzContext({}, { trusted: false, root: '/nonexistent-oops-root' });
    const found: TextInput[] = [
      { seed: 3, start: 0, length: 6, ops: [[128801188, 34977527, 1818256288, 1117851701], [359701493, 456771793, 1893788054, 1752180781], [210064990, 705522670, 1028535504, 1872068249], [756887342, 573290111, 952935133, 1954455468], [1400071278, 2120810502, 601821316, 240563125], [1555415455, 788935527, 1459535904, 335065445], [2054526475, 710949022, 64382294, 749431307], [212300635, 338949750, 1049488361, 143384530]] },
      { seed: 374, start: 267, length: 68, ops: [[1264831377, 204095039, 1888591323, 1545815741], [1695716002, 1192654825, 1952751818, 1887350270], [849420306, 735409856, 231145004, 1812384953], [1060152681, 1202025491, 2033719972, 156923713], [402873947, 402695500, 1747694495, 596800758], [118083326, 1420792533, 1847878916, 754663227]] },
    ];
    for (const input of found) await run(input, ctx, 4, false);
    // The same lockdep shape, independent of the corpus: a 42 KB `-> #1 (...){...}-{...}:` run cut short.
    const line = '-> #1 (&mm->mmap_lock){++++}-{3:3}:'.repeat(1212) + '-> #1 (&mm->mmap_\r';
    const text = ['Call Trace:', ' __ia32_sys_mount+0x157/0x1b0\r', line, ' __do_fast_syscall_32+0x96/0xf0\r', 'CPU:\r', '====='].join('\n');
    await budget.time(text.length, () => exerciseText(text, ctx, 1));
  });

  it('every input was bounded in time', () => {
    assert.ok(budget.count > 1000, `ran ${budget.count} inputs`);
    budget.assertNoOutliers();
  });
});
