// Bounded fuzzing of the ELF/DWARF reader on mutated gcc-built objects (fixed seeds; the long
// campaign is `npm run fuzz`). Prints the counts of inputs, answers and refusals.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { buildFixtures, type Fixtures } from '../symbols/build-fixtures';
import { hasTool } from '../symbols/dwarf-support';
import { buildElf, elfInputArb, exerciseElf, loadElfSeed, type ElfSeed } from './elf-harness';
import { Budget } from './budget';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { parseCrashLog } from '../../../server/src/model/parser';

const moduleFrame = parseCrashLog('BUG: x\nCall Trace:\n mod_dispatch+0x5/0x40 [fixture_mod]\n').reports[0].stacks[0].frames[0];

const skip = !hasTool('gcc') || !hasTool('objcopy') ? 'gcc/binutils not installed' : false;

describe('ELF/DWARF fuzz: mutated objects', { skip, timeout: 120_000 }, () => {
  let fx: Fixtures;
  let seeds: ElfSeed[];
  const budget = new Budget('elf', 1000, 0);
  const counts = { inputs: 0, refusedAtOpen: 0, refusedLater: 0, answered: 0, lookups: 0, lookupErrors: 0 };
  before(() => {
    fx = buildFixtures();
    const files: [string, string | undefined][] = [['dwarf5', fx.dwarf5], ['dwarf4', fx.dwarf4], ['zlib', fx.zlib], ['zlib-gnu', fx.zlibGnu], ['zstd', fx.zstd], ['module', fx.module], ['module32', fx.module32]];
    seeds = files.filter((f): f is [string, string] => !!f[1]).map(([n, p]) => loadElfSeed(n, p));
  });
  after(() => {
    console.log(budget.summary());
    console.log(`  fuzz elf: ${counts.inputs} inputs: ${counts.answered} read completely, ${counts.refusedAtOpen} refused at open, ${counts.refusedLater} refused later (clear errors); ${counts.lookups} lookups, ${counts.lookupErrors} refused; 0 crashes`);
  });

  it('the seeds themselves read without error and resolve their functions', () => {
    for (const s of seeds) {
      assert.ok(s.addrs.length >= 6, `${s.name}: ${s.addrs.length} addresses`);
      const r = exerciseElf(s.bytes, s.addrs);
      assert.equal(r.refusedAt, undefined, s.name);
      assert.equal(r.errors, 0, s.name);
    }
  });

  it('mutated headers, section tables and section contents: only clear errors, bounded time', () => {
    fc.assert(fc.property(elfInputArb(seeds.length), (input) => {
      const bytes = buildElf(input, seeds);
      const seed = seeds[input.seed % seeds.length];
      const r = budget.timeSync(bytes.length, () => exerciseElf(bytes, seed.addrs), () => JSON.stringify(input));
      counts.inputs++;
      counts.lookups += r.lookups;
      counts.lookupErrors += r.errors;
      if (r.refusedAt === 'open') counts.refusedAtOpen++;
      else if (r.refusedAt) counts.refusedLater++;
      else counts.answered++;
    }), { seed: Number(process.env.FUZZ_SEED ?? 0xe1f), numRuns: 6000 });
    budget.assertNoOutliers();
  });

  it('corrupted compressed modules (.ko.gz/.ko.xz/.ko.zst) through the service: an object or a message', async () => {
    const tools: [string, string[]][] = [['gz', ['gzip', '-c']], ['xz', ['xz', '-c']], ['zst', ['zstd', '-q', '-c']]];
    const dir = mkdtempSync(join(tmpdir(), 'oops-fuzz-ko-'));
    let opened = 0, refused = 0;
    try {
      for (const [ext, [tool, ...args]] of tools) {
        if (!hasTool(tool)) continue;
        const packed = execFileSync(tool, [...args, fx.module]);
        const samples = fc.sample(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }), { seed: 0xc0, numRuns: 80 });
        for (const [i, muts] of samples.entries()) {
          const b = Buffer.from(packed);
          for (const [at, v] of muts) b[at % b.length] = v;
          const sub = join(dir, `${ext}${i}`);
          mkdirSync(sub);
          writeFileSync(join(sub, `fixture_mod.ko.${ext}`), b);
          const settings: Settings = { ...defaultSettings, modulePaths: [sub] };
          const svc = new SymbolService(() => settings, { root: join(dir, 'no-root') });
          await budget.time(b.length, async () => {
            const m = await svc.module('fixture_mod', { release: '6.1.0-fixture' });
            assert.ok(m.object || typeof m.error === 'string');
            if (m.object) opened++;
            else refused++;
            const r = await svc.resolveFrame(moduleFrame, { release: '6.1.0-fixture' });
            assert.ok(Array.isArray(r.inlines));
          }, () => `${ext} ${JSON.stringify(muts)}`);
          svc.dispose();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`  fuzz compressed modules: ${opened} opened, ${refused} refused with a message`);
    budget.assertNoOutliers();
  });
});
