// crash(8) `bt` frames carry runtime addresses without offsets: the KASLR slide comes from the
// session's own (symbol+offset, address) facts, and the frame resolves like addr2line at the call site.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SymbolService } from '../../../server/src/symbols/service';
import { contextOf } from '../../../server/src/symbols/resolution';
import { defaultSettings } from '../../../server/src/settings';
import { parseCrashLog } from '../../../server/src/model/parser';
import { parseAddr2linePretty } from '../../../server/src/symbols/backends/addr2line';
import { buildFixtures, nmSymbols } from './build-fixtures';

const fx = buildFixtures();
after(() => fx.cleanup());

const SLIDE = 0x2000000n;
const hex = (v: bigint) => v.toString(16).padStart(16, '0');

function session(anchor: { name: string; address: bigint }, target: { name: string; address: bigint }, off: bigint): string {
  return [
    'crash> sym ' + hex(anchor.address + 4n + SLIDE),
    `${hex(anchor.address + 4n + SLIDE)} (T) ${anchor.name}+4 core.c: 1`,
    '',
    'crash> bt',
    'PID: 1        TASK: ffff888000000000  CPU: 0    COMMAND: "init"',
    ` #0 [ffffc90000003e00] ${target.name} at ${hex(target.address + off + SLIDE)}`,
    '',
  ].join('\n');
}

test('a bt frame resolves through the slide derived from a sym fact, at the call site', async () => {
  const all = nmSymbols(fx.dwarf5);
  const unique = (n: string) => all.filter((s) => s.name === n).length === 1;
  const funcs = all.filter((s) => /[Tt]/.test(s.type) && s.size > 16n && unique(s.name));
  assert.ok(funcs.length >= 2);
  const [anchor, target] = [funcs[0], funcs[funcs.length - 1]];
  const off = target.size / 2n;
  const log = parseCrashLog(session(anchor, target, off));
  const frame = log.session!.frames.find((f) => f.source === 'crash-bt')!;
  const svc = new SymbolService(() => ({ ...defaultSettings, vmlinux: fx.dwarf5 }));
  after(() => svc.dispose());
  const r = await svc.resolveFrame(frame, contextOf(undefined, log));
  assert.equal(r.error, undefined);
  assert.equal(r.symbol?.name, target.name);
  assert.equal(r.address, target.address + off);
  assert.equal(r.lookupAddress, target.address + off - 1n);
  assert.match(r.derivation ?? '', /KASLR slide 0x2000000 from 1 symbol/);
  const expected = parseAddr2linePretty(
    execFileSync('addr2line', ['-a', '-f', '-i', '-p', '-e', fx.dwarf5, '0x' + (target.address + off - 1n).toString(16)], { encoding: 'utf8' }).trim().split('\n'),
  );
  assert.deepEqual(r.inlines.map((l) => `${l.function}:${l.line}`), expected.map((l) => `${l.function}:${l.line}`));
});

test('a session without facts says it cannot place a module frame', async () => {
  const log = parseCrashLog('crash> bt\nPID: 1  TASK: ffff888000000000  CPU: 0  COMMAND: "init"\n #0 [ffffc90000003e00] mod_fn at ffffffffc0001234 [fixture_mod]\n');
  const svc = new SymbolService(() => ({ ...defaultSettings, vmlinux: fx.dwarf5, modulePaths: [fx.dir] }));
  after(() => svc.dispose());
  const r = await svc.resolveFrame(log.session!.frames[0], contextOf(undefined, log));
  assert.ok(r.error, 'an error, not a guess');
});
