// Crash-session features without a wire: diagnostics, code actions, sys hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentState } from '../../../server/src/features/documents';
import { crashSessionCodeActions, crashSessionDiagnostics, crashSessionHover } from '../../../server/src/features/crash-session';
import { defaultSettings } from '../../../server/src/settings';
import { silentSink, type FeatureContext } from '../../../server/src/features/context';

const LOG = join(__dirname, '../../../../shared/corpus/real-kernel/logs/crash-session-mod-null-deref.crash-8.0.6.txt');
const ctx: FeatureContext = { settings: () => defaultSettings, trusted: () => true, client: silentSink };

test('the faulting dis line and crash errors become diagnostics', () => {
  const doc = documentState('file:///s.txt', readFileSync(LOG, 'utf8') + 'crash> struct foo.bar 0\ncrash: invalid structure member name: bar\n');
  const d = crashSessionDiagnostics(doc);
  const faulting = d.filter((x) => x.code === 'faulting-instruction');
  assert.equal(faulting.length, 1);
  assert.match(doc.lines[faulting[0].range.start.line], /<evalcrash_null_deref\+24>/);
  assert.deepEqual(d.filter((x) => x.code === 'crash-error').map((x) => x.message), ['crash: invalid structure member name: bar']);
});

test('KERNEL: offers "Use this vmlinux"; sys values hover', async () => {
  const doc = documentState('file:///s.txt', readFileSync(LOG, 'utf8'));
  const line = doc.lines.findIndex((l) => l.includes('KERNEL: '));
  const actions = crashSessionCodeActions(doc, { start: { line, character: 0 }, end: { line, character: 0 } });
  assert.equal(actions.length, 1);
  assert.deepEqual(actions[0].command?.arguments, ['/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64']);
  assert.equal(crashSessionCodeActions(doc, { start: { line: line + 3, character: 0 }, end: { line: line + 3, character: 0 } }).length, 0);
  const h = await crashSessionHover(doc, line, doc.lines[line].indexOf('/usr'), ctx);
  assert.match(h ?? '', /vmlinux of this dump/);
});

test('a module address in sym output is placed in its module from the mod table', async () => {
  const doc = documentState('file:///s.txt', readFileSync(LOG, 'utf8'));
  const line = doc.lines.findIndex((l) => l.startsWith('ffffffffc0304492 (t) evalcrash_null_deref'));
  const h = await crashSessionHover(doc, line, 3, ctx);
  assert.match(h ?? '', /inside module `evalcrash`/);
});

test('a session address hover names its source tree-relative, without the build prefix', async (t) => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  const { SymbolService } = await import('../../../server/src/symbols/service');
  const dir = mkdtempSync(join(tmpdir(), 'oops-crash-prefix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'kernel'));
  writeFileSync(join(dir, 'kernel/panic.c'), 'int panic_count;\nvoid panic(void)\n{\n\tpanic_count++;\n}\nvoid start_kernel(void)\n{\n\tpanic();\n}\n');
  try {
    execFileSync('gcc', ['-g', '-O0', '-ffreestanding', '-fno-pie', '-no-pie', '-nostdlib', '-static', '-Wl,-e,start_kernel', `-fdebug-prefix-map=${dir}=debian/build/build_amd64_none_amd64`, 'kernel/panic.c', '-o', 'vmlinux'], { cwd: dir, stdio: 'pipe' });
  } catch {
    t.skip('no gcc');
    return;
  }
  const nm = execFileSync('nm', [join(dir, 'vmlinux')], { encoding: 'utf8' });
  const panic = BigInt('0x' + /^([0-9a-f]+) T panic$/m.exec(nm)![1]);
  const runtime = (panic + 4n + 0xffffffff80000000n).toString(16);
  const doc = documentState('file:///s.txt', `crash> sym ${runtime}\n${runtime} (T) panic+4 debian/build/build_amd64_none_amd64/kernel/panic.c: 4\n`);
  const settings = { ...defaultSettings, vmlinux: join(dir, 'vmlinux') };
  const symbols = new SymbolService(() => settings);
  t.after(() => symbols.dispose());
  const h = (await crashSessionHover(doc, 1, 3, { ...ctx, settings: () => settings, symbols })) ?? '';
  assert.match(h, /`panic` `kernel\/panic\.c:4`/, h);
  assert.doesNotMatch(h, /debian\/build/);
});
