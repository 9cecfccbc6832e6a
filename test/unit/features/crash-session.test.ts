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

/** A gcc-built vmlinux whose DWARF says `debian/build/build_amd64_none_amd64/kernel/panic.c`, and its tree. */
async function prefixedVmlinux(t: { after(fn: () => void): void }) {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  const { SymbolService } = await import('../../../server/src/symbols/service');
  const dir = mkdtempSync(join(tmpdir(), 'oops-crash-prefix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'kernel'));
  mkdirSync(join(dir, 'init'));
  writeFileSync(join(dir, 'init/main.c'), '');
  writeFileSync(join(dir, 'kernel/panic.c'), 'int panic_count;\nvoid panic(void)\n{\n\tpanic_count++;\n}\nvoid start_kernel(void)\n{\n\tpanic();\n}\n');
  try {
    execFileSync('gcc', ['-g', '-O0', '-ffreestanding', '-fno-pie', '-no-pie', '-nostdlib', '-static', '-Wl,-e,start_kernel', `-fdebug-prefix-map=${dir}=debian/build/build_amd64_none_amd64`, 'kernel/panic.c', '-o', 'vmlinux'], { cwd: dir, stdio: 'pipe' });
  } catch {
    return undefined;
  }
  const nm = execFileSync('nm', [join(dir, 'vmlinux')], { encoding: 'utf8' });
  const address = (name: string) => BigInt('0x' + new RegExp(`^([0-9a-f]+) T ${name}$`, 'm').exec(nm)![1]);
  // The return address of start_kernel's call to panic: the instruction after the call.
  const dis = execFileSync('objdump', ['-d', '--no-show-raw-insn', join(dir, 'vmlinux')], { encoding: 'utf8' }).split('\n');
  const call = dis.findIndex((l) => /call.*<panic>/.test(l));
  const ret = BigInt('0x' + /^\s*([0-9a-f]+):/.exec(dis[call + 1])![1]);
  const settings = { ...defaultSettings, vmlinux: join(dir, 'vmlinux'), sourceRoots: [dir] };
  const symbols = new SymbolService(() => settings);
  t.after(() => symbols.dispose());
  const fctx: FeatureContext = { ...ctx, settings: () => settings, symbols };
  return { dir, address, ret, fctx, runtime: (link: bigint) => (link + 0xffffffff80000000n).toString(16) };
}

test('a session address hover names its source tree-relative, without the build prefix', async (t) => {
  const fx = await prefixedVmlinux(t);
  if (!fx) return t.skip('no gcc');
  const runtime = fx.runtime(fx.address('panic') + 4n);
  const doc = documentState('file:///s.txt', `crash> sym ${runtime}\n${runtime} (T) panic+4 debian/build/build_amd64_none_amd64/kernel/panic.c: 4\n`);
  const h = (await crashSessionHover(doc, 1, 3, fx.fctx)) ?? '';
  assert.match(h, /`panic` `kernel\/panic\.c:4`/, h);
  assert.doesNotMatch(h, /debian\/build/);
});

test('a bt -l frame shows the source at the call site the hover names, not the line crash printed', async (t) => {
  const fx = await prefixedVmlinux(t);
  if (!fx) return t.skip('no gcc');
  const { frameSourceHover } = await import('../../../server/src/features/source-snippet');
  const { execFileSync } = await import('node:child_process');
  const lineAt = (a: bigint) => Number(/:(\d+)/.exec(execFileSync('addr2line', ['-e', join(fx.dir, 'vmlinux'), '0x' + a.toString(16)], { encoding: 'utf8' }))![1]);
  const [callLine, retLine] = [lineAt(fx.ret - 1n), lineAt(fx.ret)];
  assert.notEqual(callLine, retLine, 'fixture: the return address is on another line than the call');
  const anchor = fx.runtime(fx.address('panic') + 4n);
  const doc = documentState('file:///s.txt', [
    `crash> sym ${anchor}`,
    `${anchor} (T) panic+4 debian/build/build_amd64_none_amd64/kernel/panic.c: 4`,
    'crash> bt -l',
    'PID: 1        TASK: ffff888000000000  CPU: 0    COMMAND: "init"',
    ` #0 [ffffc90000003e00] start_kernel at ${fx.runtime(fx.ret)}`,
    `    debian/build/build_amd64_none_amd64/kernel/panic.c: ${retLine}`,
    '',
  ].join('\n'));
  const frame = doc.model.session!.frames.find((f) => f.function === 'start_kernel')!;
  assert.equal(frame.fileLine, retLine, 'precondition: crash printed the return address line');
  const md = (await frameSourceHover(doc, frame.nameSpan.line, frame.nameSpan.start + 1, fx.fctx)) ?? '';
  assert.ok(md.includes(`\`kernel/panic.c:${callLine}\``), md);
  assert.match(md, new RegExp(`\\n\\s*${callLine}▶`), md);
});
