// `oops-lens decode` end to end: the bundled CLI on a report whose frames are fixture functions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { buildFixtures } from './build-fixtures';

const fx = buildFixtures();
after(() => fx.cleanup());
const CLI = resolve(__dirname, '../../../server/src/cli.ts');
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });

const o = DebugObject.open(fx.dwarf5);
const fs = o.symbols.byName('fs_entry')[0];
const mm = o.symbols.byName('mm_entry')[0];
o.close();
const hex = (n: bigint | number) => '0x' + n.toString(16);
const report = [
  'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  'CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-fixture #1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1',
  `RIP: 0010:mm_entry+0x4/${hex(mm.kallsymsSize)}`,
  'Call Trace:',
  ' <TASK>',
  ` fs_entry+0x9/${hex(fs.kallsymsSize)}`,
  ' </TASK>',
  '',
].join('\n');

function addr2line(address: bigint): { fn: string; loc: string }[] {
  const out = execFileSync('addr2line', ['-f', '-i', '-e', fx.dwarf5, hex(address)], { encoding: 'utf8' }).trim().split('\n');
  const pairs: { fn: string; loc: string }[] = [];
  for (let i = 0; i + 1 < out.length; i += 2) pairs.push({ fn: out[i], loc: out[i + 1].replace(/ \(discriminator \d+\)$/, '') });
  return pairs;
}

test('decode prints every frame with its call-site location (text)', () => {
  const r = run(['decode', '--vmlinux', fx.dwarf5, '-'], report);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const rip = addr2line(mm.address + 4n);
  const call = addr2line(fs.address + 8n);
  const tail = (loc: string) => loc.split('/').pop();
  assert.ok(lines.find((l) => l.startsWith('RIP: 0010:mm_entry+0x4/'))!.endsWith(tail(rip.at(-1)!.loc)!), r.stdout);
  assert.ok(lines.find((l) => l.startsWith(' fs_entry+0x9/'))!.endsWith(tail(call.at(-1)!.loc)!), r.stdout);
  assert.equal(lines.filter((l) => l.endsWith('[inline]')).length, rip.length - 1 + call.length - 1);
});

test('decode --json adds inlines (innermost first) and file/line to the parse --json frames', () => {
  const r = run(['decode', '--json', '--vmlinux', fx.dwarf5, '-'], report);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const frames = out.reports[0].frames as { function: string; exact: boolean; inlines: { function: string; file: string; line: number }[]; file: string; line: number; symbolizer: { lookupAddress: string } }[];
  const rip = frames.find((f) => f.function === 'mm_entry')!;
  const call = frames.find((f) => f.function === 'fs_entry')!;
  assert.equal(rip.symbolizer.lookupAddress, hex(mm.address + 4n));
  assert.equal(call.symbolizer.lookupAddress, hex(fs.address + 8n));
  for (const [f, address] of [[rip, mm.address + 4n], [call, fs.address + 8n]] as const) {
    const expected = addr2line(address);
    assert.deepEqual(f.inlines.map((l) => `${l.function} ${l.file}:${l.line}`), expected.map((e) => `${e.fn} ${e.loc}`));
    assert.equal(`${f.file}:${f.line}`.split('/').pop(), expected.at(-1)!.loc.split('/').pop());
  }
});

test('decode without a usable vmlinux still prints the report and says why', () => {
  const r = run(['decode', '--vmlinux', '/nonexistent/vmlinux', '-'], report);
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trimEnd(), report.trimEnd());
  assert.match(r.stderr, /\/nonexistent\/vmlinux: no such file/);
  assert.equal(run(['decode', '--bogus', '-'], report).status, 1);
  assert.ok(existsSync(fx.dwarf5));
});
