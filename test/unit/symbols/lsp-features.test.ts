// The LSP side of the symbolizer: frame hover, inlay hints, the decode command, the status bar,
// on a report whose frames are functions of the gcc-built fixture.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { documentState } from '../../../server/src/features/documents';
import type { FeatureContext, ClientSink } from '../../../server/src/features/context';
import { silentSink } from '../../../server/src/features/context';
import { provideHover } from '../../../server/src/features/hover';
import { provideInlayHints } from '../../../server/src/features/inlay-hints';
import { executeDecode } from '../../../server/src/features/decode-command';
import { symbolDiagnostics } from '../../../server/src/features/symbol-diagnostics';
import { SymbolService } from '../../../server/src/symbols/service';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { buildFixtures } from './build-fixtures';

const fx = buildFixtures();
after(() => fx.cleanup());

function sizes(path: string, names: string[]) {
  const o = DebugObject.open(path);
  try {
    return Object.fromEntries(names.map((n) => [n, o.symbols.byName(n)[0]]));
  } finally {
    o.close();
  }
}

const k = sizes(fx.dwarf5, ['sysrq_handle_crash', 'fs_entry', 'start_kernel']);
const m = sizes(fx.module, ['mod_dispatch']);
const hexs = (n: bigint | number) => '0x' + n.toString(16);
const inlineCount = (file: string, address: bigint) => execFileSync('addr2line', ['-i', '-e', file, hexs(address)], { encoding: 'utf8' }).trim().split('\n').length - 1;
/** A return-address offset in fs_entry whose call site (offset - 1) is inside inlined code. */
const fsOff = (() => {
  for (let off = 1; off <= Number(k.fs_entry.elfSize); off++) if (inlineCount(fx.dwarf5, k.fs_entry.address + BigInt(off) - 1n) > 0) return off;
  throw new Error('fixture has no inlined code in fs_entry');
})();
const frameText = (name: string, off: number, s: { kallsymsSize: bigint }, mod = '') => `${name}+${hexs(off)}/${hexs(s.kallsymsSize)}${mod}`;
const report = [
  '[    2.980265] Kernel panic - not syncing: sysrq triggered crash',
  '[    2.980440] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-fixture #1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1',
  '[    2.980812] Call Trace:',
  '[    2.981213]  <TASK>',
  `[    2.981646]  ${frameText('sysrq_handle_crash', Number(k.sysrq_handle_crash.elfSize), k.sysrq_handle_crash)}`,
  `[    2.982109]  ${frameText('fs_entry', fsOff, k.fs_entry)}`,
  `[    2.982190]  ${frameText('mod_dispatch', 5, m.mod_dispatch, ' [fixture_mod]')}`,
  `[    2.982334]  ${frameText('start_kernel', 12, k.start_kernel)}`,
  '[    2.982334]  </TASK>',
  '',
].join('\n');

function context(s: Partial<Settings>, sink: ClientSink = silentSink): FeatureContext {
  const settings = { ...defaultSettings, ...s };
  const symbols = new SymbolService(() => settings);
  after(() => symbols.dispose());
  return { settings: () => settings, trusted: () => true, client: sink, symbols };
}

function addr2lineOuter(file: string, address: bigint): string {
  const out = execFileSync('addr2line', ['-f', '-e', file, hexs(address)], { encoding: 'utf8' }).trim().split('\n');
  return out[out.length - 1].replace(/ \(discriminator \d+\)$/, '');
}

test('the model sees the four frames (precondition)', () => {
  const doc = documentState('file:///t.oops', report);
  assert.deepEqual(doc.model.frames.map((f) => f.function), ['sysrq_handle_crash', 'fs_entry', 'mod_dispatch', 'start_kernel']);
});

test('frame hover: source location at the call site, symbol, lookup address, debug file', async () => {
  const doc = documentState('file:///t.oops', report);
  const ctx = context({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] });
  const f = doc.model.frames[0];
  const hover = await provideHover(doc, f.nameSpan.line, f.nameSpan.start + 2, ctx);
  // Compare the text as rendered: Markdown escapes (outside code spans) removed.
  const md = (hover?.contents as { value: string }).value.replace(/\\(.)/g, '$1');
  const s = k.sysrq_handle_crash;
  const lookup = s.address + s.elfSize - 1n;
  const [file, line] = addr2lineOuter(fx.dwarf5, lookup).split(':');
  assert.ok(md.includes(`${file.split('/').pop()}:${line}\``), md);
  assert.ok(md.includes(`looked up at \`${hexs(lookup)}\``), md);
  assert.ok(md.includes('symbol `sysrq_handle_crash`'), md);
  assert.ok(md.includes(`debug file: \`${fx.dwarf5}\``), md);
});

test('frame hover shows the mismatch warning for a wrong vmlinux', async () => {
  const doc = documentState('file:///t.oops', report.replace(/6\.1\.0-fixture/, '6.1.0-56-amd64'));
  const statuses: string[] = [];
  const ctx = context({ vmlinux: fx.dwarf5 }, { ...silentSink, status: (t) => statuses.push(t) });
  const f = doc.model.frames[1];
  const hover = await provideHover(doc, f.nameSpan.line, f.nameSpan.start, ctx);
  assert.match((hover?.contents as { value: string }).value, /⚠ \*\*.*wrong vmlinux/);
  assert.match(statuses.at(-1) ?? '', /\$\(warning\) vmlinux: mismatch/);
});

test('inlay hints: one file:line per resolvable frame, none when the setting is off', async () => {
  const doc = documentState('file:///t.oops', report);
  const range = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };
  const hints = await provideInlayHints(doc, range, context({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] }));
  assert.equal(hints.length, 4);
  for (const h of hints) assert.match(String(h.label), /\.c:\d+/);
  const f = doc.model.frames[1];
  assert.deepEqual(hints[1].position, { line: f.span.line, character: f.span.end });
  assert.deepEqual(await provideInlayHints(doc, range, context({ vmlinux: fx.dwarf5, inlayHints: false })), []);
  // No debug file: no hints and no error per line.
  assert.deepEqual(await provideInlayHints(doc, range, context({ vmlinux: '/nonexistent/vmlinux' })), []);
});

test('decode command: every frame annotated, inline callees on their own lines', async () => {
  const doc = documentState('file:///t.oops', report);
  const out = await executeDecode(doc, context({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] }));
  assert.ok(out);
  const lines = out.text.split('\n');
  for (const f of doc.model.frames) assert.ok(lines.some((l) => l.includes(doc.lines[f.span.line].trim()) && /\.c:\d+$/.test(l)), f.function);
  // Inline lines come right before their frame, carrying its printk prefix; their number is what addr2line -i says.
  const fsLine = lines.findIndex((l) => l.includes(`fs_entry+${hexs(fsOff)}/`));
  const expected = inlineCount(fx.dwarf5, k.fs_entry.address + BigInt(fsOff) - 1n);
  assert.ok(expected > 0);
  for (let i = 1; i <= expected; i++) assert.match(lines[fsLine - i], /^\[    2\.982109\]  \w+ .*:\d+ \[inline\]$/);
  assert.doesNotMatch(lines[fsLine - expected - 1], /\[inline\]$/);
  assert.deepEqual(out.problems, []);
  assert.equal(lines.length, doc.lines.length + lines.filter((l) => l.endsWith('[inline]')).length);
});

const text = (m: string | { value: string }) => (typeof m === 'string' ? m : m.value);

test('diagnostics: wrong vmlinux on the kernel release, wrong printed size on the frame, nothing without debug files', async () => {
  const ok = documentState('file:///t.oops', report);
  assert.deepEqual(await symbolDiagnostics(ok, context({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] })), []);

  const wrong = documentState('file:///t.oops', report.replace('6.1.0-fixture', '6.1.0-56-amd64').replace(`fs_entry+${hexs(fsOff)}/${hexs(k.fs_entry.kallsymsSize)}`, `fs_entry+${hexs(fsOff)}/0x999`));
  const diags = await symbolDiagnostics(wrong, context({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] }));
  const release = diags.find((d) => d.code === 'vmlinux-mismatch');
  assert.ok(release, JSON.stringify(diags));
  assert.equal(release.range.start.line, 1);
  assert.match(text(release.message), /wrong vmlinux/);
  const size = diags.find((d) => d.code === 'debug-file-mismatch');
  assert.ok(size);
  assert.equal(size.range.start.line, wrong.model.frames[1].span.line);
  assert.match(text(size.message), /printed size 0x999 differs/);
  // Module built for 6.1.0-fixture, report says 6.1.0-56-amd64.
  assert.ok(diags.some((d) => /module fixture_mod: .* built for 6\.1\.0-fixture/.test(text(d.message))));

  assert.deepEqual(await symbolDiagnostics(ok, context({ vmlinux: '/nonexistent/vmlinux' })), []);
  const noModule = await symbolDiagnostics(ok, context({ vmlinux: fx.dwarf5 }));
  assert.deepEqual(noModule.map((d) => d.code), ['module-debug-file']);
});
