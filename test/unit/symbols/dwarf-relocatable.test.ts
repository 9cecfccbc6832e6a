// Relocatable objects (what a kernel module is): the ELF reader relocates .debug_* into its
// section layout, the DWARF index answers per section. Checked on every byte of every function
// against `addr2line -j SECTION`, for x86-64 and i386 objects, -ffunction-sections included.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { DwarfIndex } from '../../../server/src/symbols/dwarf';
import { fixtureDir, gcc, hasTool } from './dwarf-support';

const skip = !hasTool('gcc') || !hasTool('addr2line') || !hasTool('readelf') ? 'gcc/binutils not installed' : false;

interface SectionFunction { section: string; name: string; value: number; size: number }

function functions(obj: string): SectionFunction[] {
  const names = new Map([...execFileSync('readelf', ['-SW', obj], { encoding: 'utf8' }).matchAll(/\[\s*(\d+)\]\s+(\S+)/g)].map((m) => [Number(m[1]), m[2]]));
  const out: SectionFunction[] = [];
  for (const line of execFileSync('readelf', ['-sW', obj], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+FUNC\s+\S+\s+\S+\s+(\d+)\s+(\S+)/.exec(line);
    if (m) out.push({ value: parseInt(m[1], 16), size: Number(m[2]), section: names.get(Number(m[3]))!, name: m[4] });
  }
  return out;
}

/** addr2line -a -i -f -j SECTION: chains as `function@file:line` strings. */
function addr2lineIn(obj: string, section: string, offsets: number[]): string[][] {
  const out = execFileSync('addr2line', ['-a', '-i', '-f', '-j', section, '-e', obj], { input: offsets.map((o) => '0x' + o.toString(16)).join('\n') + '\n', encoding: 'utf8' });
  return out.split(/^0x[0-9a-f]+\n/m).slice(1).map((chunk) => {
    const l = chunk.trim().split('\n');
    const chain: string[] = [];
    for (let k = 0; k < l.length; k += 2) chain.push(`${l[k]}@${l[k + 1].replace(/ \(discriminator \d+\)$/, '').replace(/:\?$/, ':0')}`);
    return chain;
  });
}

describe('DwarfIndex on relocatable objects', { skip }, () => {
  let fx: ReturnType<typeof fixtureDir>;
  before(() => { fx = fixtureDir(); });
  after(() => fx?.cleanup());

  // main.c brings .text.unlikely (cold) and .text.startup functions and a noreturn call at a
  // function's end; i386 builds skip it (its <stdlib.h> needs the i386 libc headers).
  const VARIANTS = [
    { name: 'x86-64 DWARF 5 -ffunction-sections', flags: ['-gdwarf-5', '-ffunction-sections'], sources: ['main.c', 'dup_a.c'] },
    { name: 'x86-64 DWARF 4', flags: ['-gdwarf-4'], sources: ['main.c', 'dup_b.c'] },
    { name: 'i386 DWARF 5', flags: ['-m32', '-gdwarf-5', '-ffunction-sections'], sources: ['dup_a.c', 'dup_b.c'] },
    { name: 'i386 DWARF 4', flags: ['-m32', '-gdwarf-4'], sources: ['dup_a.c'] },
  ];
  for (const v of VARIANTS) for (const source of v.sources) {
    it(`${v.name}, ${source}: every byte of every function`, (t) => {
      const obj = join(fx.dir, `${v.name.replace(/\W+/g, '-')}-${source}.o`);
      try {
        gcc(fx.dir, ['-g', '-O2', '-Iinclude', ...v.flags, '-c', source, '-o', obj]);
      } catch {
        t.skip(`gcc cannot build ${v.name} here`);
        return;
      }
      const debug = DebugObject.open(obj);
      const index = new DwarfIndex(debug.sections);
      let agree = 0;
      let total = 0;
      let inlined = 0;
      const diffs: string[] = [];
      const fns = functions(obj);
      assert.ok(fns.length >= 2);
      for (const f of fns) {
        const offsets = Array.from({ length: f.size }, (_, i) => f.value + i);
        const truth = addr2lineIn(obj, f.section, offsets);
        offsets.forEach((o, i) => {
          const address = debug.layout.address(f.section, BigInt(o))!;
          const ours = index.lookup(address).map((x) => `${x.function}@${x.file}:${x.line}`);
          total++;
          if (ours.length > 1) inlined++;
          if (JSON.stringify(ours) === JSON.stringify(truth[i])) agree++;
          else diffs.push(`${f.section}+0x${o.toString(16)}: ${ours.join(' <- ')} vs ${truth[i].join(' <- ')}`);
        });
      }
      debug.close();
      console.log(`  ${v.name}, ${source}: ${agree}/${total} function bytes agree with addr2line -j (${inlined} with inline chains)`);
      assert.ok(inlined > 0, "inline chains are exercised");
      assert.deepEqual(diffs.slice(0, 10), []);
    });
  }
});
