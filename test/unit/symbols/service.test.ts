import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SymbolService } from '../../../server/src/symbols/service';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { defaultSettings, resolveSettingPaths, type Settings } from '../../../server/src/settings';
import { parseAddr2linePretty } from '../../../server/src/symbols/backends/addr2line';
import type { SourceLocation } from '../../../server/src/symbols/bytes';
import { buildFixtures } from './build-fixtures';
import { frame } from './frames';

const fx = buildFixtures();
const scratch = mkdtempSync(join(tmpdir(), 'oops-service-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
  fx.cleanup();
});

const RELEASE = '6.1.0-fixture';
const ctx = { release: RELEASE, version: '#1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1', arch: 'x86_64' as const };

function service(s: Partial<Settings> = {}, opts: ConstructorParameters<typeof SymbolService>[1] = {}): SymbolService {
  const svc = new SymbolService(() => ({ ...defaultSettings, ...s }), opts);
  after(() => svc.dispose());
  return svc;
}

function addr2line(file: string, address: bigint): string[] {
  const out = execFileSync('addr2line', ['-a', '-f', '-i', '-p', '-e', file, '0x' + address.toString(16)], { encoding: 'utf8' });
  return parseAddr2linePretty(out.trim().split('\n')).map(fmt);
}
const fmt = (l: SourceLocation) => `${l.function} ${l.file}:${l.line}`;

function symbol(name: string, path = fx.dwarf5) {
  const o = DebugObject.open(path);
  try {
    return o.symbols.byName(name).map((s) => ({ address: s.address, size: s.kallsymsSize, elfSize: s.elfSize }));
  } finally {
    o.close();
  }
}

test('return address past a noreturn call resolves at the call site (address - 1)', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('sysrq_handle_crash');
  // The call to panic() is the last instruction: the return address is the end of the function.
  const off = Number(s.elfSize);
  const r = await svc.resolveFrame(frame('sysrq_handle_crash', off, Number(s.size)), ctx);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.address, s.address + BigInt(off));
  assert.equal(r.lookupAddress, s.address + BigInt(off) - 1n);
  assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address + BigInt(off) - 1n));
  assert.equal(r.inlines.at(-1)?.function, 'sysrq_handle_crash');
  assert.equal(svc.status.state, 'ok');
});

test('exact PCs resolve at the address itself', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('fs_entry');
  for (let off = 1; off < Number(s.elfSize); off += 3) {
    const r = await svc.resolveFrame(frame('fs_entry', off, Number(s.size), { exact: true, source: 'rip' }), ctx);
    assert.equal(r.lookupAddress, s.address + BigInt(off));
    assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address + BigInt(off)));
  }
});

test('duplicate statics: the printed size picks the right put_page', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const dups = symbol('put_page.isra.0');
  assert.equal(dups.length, 2);
  const files = new Set<string>();
  for (const d of dups) {
    const r = await svc.resolveFrame(frame('put_page.isra.0', 2, Number(d.size), { exact: true }), ctx);
    assert.equal(r.symbol?.address, d.address);
    assert.equal(r.symbol?.duplicates, 2);
    assert.deepEqual(r.warnings, []);
    files.add(r.inlines.at(-1)!.file.replace(/.*\//, ''));
  }
  assert.deepEqual([...files].sort(), ['core.c', 'mm.c']);
});

test('raw [<address>] frames go through the Kernel Offset', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('mm_entry');
  const runtime = s.address + 5n + 0x2000000n;
  const r = await svc.resolveFrame(frame('', undefined, undefined, { address: runtime.toString(16), exact: true }), { ...ctx, kernelOffset: 0x2000000n });
  assert.equal(r.symbol?.name, 'mm_entry');
  assert.equal(r.address, s.address + 5n);
  assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address + 5n));
});

test('discovers the vmlinux by kernel release in the standard places', async () => {
  const root = join(scratch, 'root');
  mkdirSync(join(root, 'usr/lib/debug/boot'), { recursive: true });
  copyFileSync(fx.dwarf5, join(root, 'usr/lib/debug/boot', `vmlinux-${RELEASE}`));
  const svc = service({}, { root });
  const r = await svc.resolveFrame(frame('fs_entry', 3, undefined, { exact: true }), ctx);
  assert.equal(r.error, undefined);
  assert.equal(r.object, join(root, 'usr/lib/debug/boot', `vmlinux-${RELEASE}`));
  const none = await svc.resolveFrame(frame('fs_entry', 3, undefined), { release: '9.9.9-none' });
  assert.match(none.error!, /no vmlinux configured .* none found for 9\.9\.9-none/);
});

test('wrong debug file: release, build, printed size and build ID are reported, lookups go on', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('fs_entry');
  const wrongRelease = await svc.resolveFrame(frame('fs_entry', 3, Number(s.size)), { release: '6.1.0-56-amd64', version: '#1 Debian 6.1.192-2' });
  assert.match(wrongRelease.warnings.join('\n'), /is 6\.1\.0-fixture, the report is 6\.1\.0-56-amd64: wrong vmlinux/);
  assert.equal(svc.status.state, 'mismatch');
  assert.ok(wrongRelease.inlines.length > 0);
  const wrongBuild = await svc.resolveFrame(frame('fs_entry', 3, Number(s.size)), { release: RELEASE, version: '#2 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1' });
  assert.match(wrongBuild.warnings.join('\n'), /different build/);
  const wrongSize = await svc.resolveFrame(frame('fs_entry', 3, Number(s.size) + 16), ctx);
  assert.match(wrongSize.warnings.join('\n'), /printed size .* differs/);
  const wrongId = await svc.resolveFrame(frame('fs_entry', 3, Number(s.size), { buildId: '00112233' }), ctx);
  assert.match(wrongId.warnings.join('\n'), /build ID 00112233 printed/);
  const fine = await svc.resolveFrame(frame('fs_entry', 3, Number(s.size)), ctx);
  assert.deepEqual(fine.warnings, []);
});

test('bad vmlinux files give a message, never an exception', async () => {
  const notElf = join(scratch, 'not-elf');
  writeFileSync(notElf, 'hello\n');
  const truncated = join(scratch, 'truncated');
  writeFileSync(truncated, readFileSync(fx.dwarf5).subarray(0, 3000));
  const stripped = join(scratch, 'stripped');
  execFileSync('strip', ['--strip-debug', '-o', stripped, fx.dwarf5]);
  const wrongArch = fx.module32;
  const cases: [string, RegExp][] = [
    [notElf, /not an ELF file/],
    [truncated, /truncated/],
    [join(scratch, 'missing'), /no such file/],
    [scratch, /is not a file/],
  ];
  for (const [path, msg] of cases) {
    const r = await service({ vmlinux: path }).resolveFrame(frame('fs_entry', 3, undefined), ctx);
    assert.match(r.error ?? '', msg, path);
    assert.deepEqual(r.inlines, []);
  }
  const s = await service({ vmlinux: stripped }).resolveFrame(frame('fs_entry', 3, undefined), ctx);
  assert.ok(s.symbol, 'symbols still resolve without DWARF');
  assert.match(s.error ?? '', /no DWARF/);
  if (wrongArch) {
    const w = await service({ vmlinux: wrongArch }).resolveFrame(frame('mod_dispatch', 3, undefined), ctx);
    assert.match(w.warnings.join('\n'), /is i386, the report is x86_64/);
  }
});

test('untrusted workspace: paths from settings are not opened', async () => {
  const svc = service({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] }, { trusted: () => false, root: join(scratch, 'empty-root') });
  const r = await svc.resolveFrame(frame('fs_entry', 3, undefined), ctx);
  assert.match(r.error!, /workspace is not trusted, so a vmlinux from its settings \(oopsLens\.vmlinux\) is not used/);
  const m = await svc.resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
  assert.match(m.error!, /no module directories/);
});

function hasTool(t: string): boolean {
  try {
    execFileSync(t, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test('module files: plain, .ko.xz, .ko.gz, .ko.zst, - vs _, renamed (name from .modinfo)', async () => {
  const dir = join(scratch, 'mods');
  const expected = await service({ modulePaths: [fx.dir] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
  assert.equal(expected.error, undefined);
  assert.ok(expected.inlines.length > 0);
  const variants: [string, string[] | undefined][] = [
    ['fixture-mod.ko', undefined],
    ['fixture_mod.ko.xz', hasTool('xz') ? ['xz', '-c'] : undefined],
    ['fixture_mod.ko.gz', hasTool('gzip') ? ['gzip', '-c'] : undefined],
    ['fixture_mod.ko.zst', hasTool('zstd') ? ['zstd', '-q', '-c'] : undefined],
    ['renamed-file.ko', undefined],
  ];
  let tried = 0;
  for (const [name, compress] of variants) {
    if (name.endsWith('z') || name.endsWith('zst')) if (!compress) continue;
    const sub = join(dir, name.replace(/\W/g, '_'), 'kernel/drivers');
    mkdirSync(sub, { recursive: true });
    if (compress) writeFileSync(join(sub, name), execFileSync(compress[0], [...compress.slice(1), fx.module]));
    else copyFileSync(fx.module, join(sub, name));
    const r = await service({ modulePaths: [join(dir, name.replace(/\W/g, '_'))] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
    assert.equal(r.error, undefined, name);
    assert.equal(r.object, join(sub, name));
    assert.deepEqual(r.inlines, expected.inlines, name);
    tried++;
  }
  assert.ok(tried >= 3);
  const missing = await service({ modulePaths: [dir] }).resolveFrame(frame('f', 3, undefined, { module: 'no_such_mod' }), ctx);
  assert.match(missing.error!, /module no_such_mod: no debug file found/);
});

for (const backend of ['addr2line', 'llvm-symbolizer'] as const) {
  test(`the ${backend} backend answers like the built-in engine`, { skip: !hasTool(backend) && `${backend} not installed` }, async () => {
    const builtin = service({ vmlinux: fx.dwarf5, modulePaths: [fx.dir] });
    const ext = service({ vmlinux: fx.dwarf5, modulePaths: [fx.dir], symbolizer: backend });
    let compared = 0;
    for (const name of ['fs_entry', 'mm_entry', 'sysrq_handle_crash', 'start_kernel']) {
      const [s] = symbol(name);
      for (let off = 1; off < Number(s.elfSize); off += 2) {
        const f = frame(name, off, Number(s.size), { exact: true });
        const a = await builtin.resolveFrame(f, ctx);
        const b = await ext.resolveFrame(f, ctx);
        assert.equal(b.error, undefined);
        assert.deepEqual(b.inlines.map(fmt), a.inlines.map(fmt), `${name}+${off}`);
        compared++;
      }
    }
    assert.ok(compared > 20);
    // Relocatable modules: addr2line answers by section offset; llvm-symbolizer falls back to the built-in engine.
    const f = frame('mod_dispatch', 3, undefined, { module: 'fixture_mod', exact: true });
    const a = await builtin.resolveFrame(f, ctx);
    const b = await ext.resolveFrame(f, ctx);
    assert.deepEqual(b.inlines.map(fmt), a.inlines.map(fmt));
  });
}

test('assembler code without a DWARF function is named after its ELF symbol, as addr2line does', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('entry_fixture_after_hwframe');
  const r = await svc.resolveFrame(frame('entry_fixture_after_hwframe', 2, Number(s.size), { exact: true }), ctx);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address + 2n));
  assert.equal(r.inlines[0].function, 'entry_fixture_after_hwframe');
});

test('a return address at offset 0 (arm64 prints %pS) is looked up in the function before it', async () => {
  const svc = service({ vmlinux: fx.dwarf5 });
  const [s] = symbol('fs_entry');
  const r = await svc.resolveFrame(frame('fs_entry', 0, Number(s.size)), ctx);
  assert.equal(r.lookupAddress, s.address - 1n);
  assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address - 1n).map((l) => l));
  assert.notEqual(r.inlines.at(-1)?.function, 'fs_entry');
});

test('a stripped module next to its separate .ko.debug (objcopy --only-keep-debug): the debug file wins', async () => {
  const dir = join(scratch, 'split');
  mkdirSync(join(dir, 'lib/modules'), { recursive: true });
  mkdirSync(join(dir, 'usr/lib/debug'), { recursive: true });
  execFileSync('strip', ['--strip-debug', '-o', join(dir, 'lib/modules/fixture_mod.ko'), fx.module]);
  execFileSync('objcopy', ['--only-keep-debug', fx.module, join(dir, 'usr/lib/debug/fixture_mod.ko.debug')]);
  const expected = await service({ modulePaths: [fx.dir] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
  const r = await service({ modulePaths: [join(dir, 'lib'), join(dir, 'usr')] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
  assert.equal(r.error, undefined);
  assert.equal(r.object, join(dir, 'usr/lib/debug/fixture_mod.ko.debug'));
  assert.deepEqual(r.inlines, expected.inlines);
  // Only the stripped one: symbols, and a clear reason why there is no source line.
  const s = await service({ modulePaths: [join(dir, 'lib')] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
  assert.equal(s.symbol?.name, 'mod_dispatch');
  assert.match(s.error ?? '', /no DWARF/);
});

test('~/ in settings means the home directory (expanded once by resolveSettingPaths)', async () => {
  copyFileSync(fx.dwarf5, join(scratch, 'vmlinux-home'));
  const settings = resolveSettingPaths({ ...defaultSettings, vmlinux: '~/vmlinux-home' }, undefined, scratch);
  const r = await service(settings).resolveFrame(frame('fs_entry', 3, undefined), ctx);
  assert.equal(r.object, join(scratch, 'vmlinux-home'));
  assert.equal(r.error, undefined);
});

test('a stripped vmlinux or module finds its DWARF by build ID in /usr/lib/debug/.build-id', async () => {
  const root = join(scratch, 'buildid-root');
  const stripped = join(scratch, 'vmlinux-stripped-with-id');
  execFileSync('strip', ['--strip-debug', '-o', stripped, fx.dwarf5]);
  const id = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', fx.dwarf5], { encoding: 'utf8' }))![1];
  const debugDir = join(root, 'usr/lib/debug/.build-id', id.slice(0, 2));
  mkdirSync(debugDir, { recursive: true });
  execFileSync('objcopy', ['--only-keep-debug', fx.dwarf5, join(debugDir, `${id.slice(2)}.debug`)]);
  const [s] = symbol('fs_entry');
  const r = await service({ vmlinux: stripped }, { root }).resolveFrame(frame('fs_entry', 5, Number(s.size), { exact: true }), ctx);
  assert.equal(r.error, undefined);
  assert.equal(r.object, join(debugDir, `${id.slice(2)}.debug`));
  assert.deepEqual(r.inlines.map(fmt), addr2line(fx.dwarf5, s.address + 5n));
  // Without the .build-id tree: symbols only, and the reason.
  const bare = await service({ vmlinux: stripped }, { root: join(scratch, 'no-such-root') }).resolveFrame(frame('fs_entry', 5, Number(s.size), { exact: true }), ctx);
  assert.equal(bare.object, stripped);
  assert.match(bare.error ?? '', /no DWARF/);
});

test('corrupt compressed modules give a message naming the file', async () => {
  for (const name of ['fixture_mod.ko.xz', 'fixture_mod.ko.gz', 'fixture_mod.ko.zst']) {
    const dir = join(scratch, 'corrupt-' + name.replace(/\W/g, '_'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), 'this is not compressed data at all');
    const r = await service({ modulePaths: [dir] }).resolveFrame(frame('mod_dispatch', 3, undefined, { module: 'fixture_mod' }), ctx);
    assert.match(r.error ?? '', new RegExp(`module fixture_mod: no debug file found .*${name.replace(/\./g, '\\.')}`), name);
  }
});
