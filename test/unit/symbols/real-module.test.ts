// The real evalcrash.ko modules (x86-64 and arm64, ET_REL, DWARF 5, functions in .text.unlikely)
// resolved through the service exactly as addr2line resolved them for the real crash logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings } from '../../../server/src/settings';
import { parseFrameText } from './frames';

const root = resolve(__dirname, '../../fixtures/symbols/real-module');

interface Truth {
  frameText: string; symbol: string; section: string; address: string; isReturnAddress: boolean;
  inlines: { function: string; file: string; line: number }[];
  callsite?: { address: string; inlines: { function: string; file: string; line: number }[] };
}

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`evalcrash.ko ${arch}: every module frame of the real logs matches addr2line`, async () => {
    const dir = join(root, arch);
    const truth = readFileSync(join(dir, 'truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Truth);
    const service = new SymbolService(() => ({ ...defaultSettings, modulePaths: [dir] }));
    try {
      assert.ok(truth.length >= 6);
      for (const t of truth) {
        const f = parseFrameText(t.frameText, !t.isReturnAddress);
        const r = await service.resolveFrame(f, { release: '6.1.0-56-' + (arch === 'arm64' ? 'arm64' : 'amd64'), arch });
        assert.equal(r.error, undefined, t.frameText);
        assert.deepEqual(r.warnings, [], t.frameText);
        assert.equal(r.symbol?.section, t.section, t.frameText);
        assert.equal(r.sectionOffset, BigInt(t.address), t.frameText);
        const expected = t.isReturnAddress ? t.callsite!.inlines : t.inlines;
        const got = r.inlines.map((l) => ({ function: l.function, file: l.file, line: l.line }));
        assert.deepEqual(got, expected, t.frameText);
        assert.equal(r.address! - r.lookupAddress!, t.isReturnAddress ? (arch === 'arm64' ? 4n : 1n) : 0n);
      }
    } finally {
      service.dispose();
    }
  });
}

test('arm64 .init.text: the printed size of the last symbol (0x1000) is not a wrong-file sign', async () => {
  const dir = join(root, 'arm64');
  const service = new SymbolService(() => ({ ...defaultSettings, modulePaths: [dir] }));
  try {
    const r = await service.resolveFrame(parseFrameText('evalcrash_init+0x68/0x1000 [evalcrash]', false), { release: '6.1.0-56-arm64', arch: 'arm64' });
    assert.equal(r.symbol?.section, '.init.text');
    assert.deepEqual(r.warnings, []);
    assert.equal(r.inlines.at(-1)?.function, 'evalcrash_init');
    const wrong = await service.resolveFrame(parseFrameText('evalcrash_dispatch+0x10/0x1000 [evalcrash]', false), { release: '6.1.0-56-arm64', arch: 'arm64' });
    assert.match(wrong.warnings.join('\n'), /printed size 0x1000 differs/);
    const otherRelease = await service.resolveFrame(parseFrameText('evalcrash_dispatch+0x10/0x90 [evalcrash]', false), { release: '6.1.0-99-arm64', arch: 'arm64' });
    assert.match(otherRelease.warnings.join('\n'), /built for 6\.1\.0-56-arm64, the report is 6\.1\.0-99-arm64/);
  } finally {
    service.dispose();
  }
});

test('addr2line backend: a foreign-architecture module falls back to the built-in engine, with a note', async () => {
  const dir = join(root, 'arm64');
  const service = new SymbolService(() => ({ ...defaultSettings, modulePaths: [dir], symbolizer: 'addr2line' }));
  try {
    const t = (readFileSync(join(dir, 'truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Truth)).find((x) => x.frameText.startsWith('pc :'))!;
    const r = await service.resolveFrame(parseFrameText(t.frameText, true), { release: '6.1.0-56-arm64', arch: 'arm64' });
    if (process.arch === 'arm64') return; // a native addr2line is right here
    assert.match(r.warnings.join('\n'), /addr2line cannot relocate arm64 module/);
    assert.deepEqual(r.inlines.map((l) => ({ function: l.function, file: l.file, line: l.line })), t.inlines);
  } finally {
    service.dispose();
  }
});
