// Definition provider, document links and hover snippets over parsed documents and fixture trees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { documentState } from '../../../server/src/features/documents';
import { silentSink, type ClientSink, type FeatureContext } from '../../../server/src/features/context';
import { provideDefinition, type FrameResolver } from '../../../server/src/features/definition';
import { provideDocumentLinks } from '../../../server/src/features/document-links';
import { codeRefHover, frameSourceHover, kernelAt, sourceSnippetMarkdown } from '../../../server/src/features/source-snippet';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import type { FrameResolution } from '../../../server/src/symbols/resolution';
import { clearSourceCaches } from '../../../server/src/source/source-roots';

const FIX = join(__dirname, '../../fixtures/source');
const LINUX = join(FIX, 'linux-6.1');
const EVALMOD = join(FIX, 'evalmod');

function ctxWith(over: Partial<Settings> = {}, client: ClientSink = silentSink): FeatureContext {
  const settings: Settings = { ...defaultSettings, ...over, web: { ...defaultSettings.web, ...(over.web ?? {}) } };
  return { settings: () => settings, trusted: () => true, client };
}
const uri = (p: string, line?: number) => pathToFileURL(p).toString() + (line ? `#L${line}` : '');

const OOPS = [
  '[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)',
  '[   12.345678] sysrq: Trigger a crash',
  '[   12.345679] Kernel panic - not syncing: sysrq triggered crash',
  '[   12.345680] CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2',
  '[   12.345681] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
  '[   12.345682] Call Trace:',
  '[   12.345683]  <TASK>',
  '[   12.345684]  dump_stack_lvl+0x44/0x5c',
  '[   12.345685]  panic+0x118/0x2ed',
  '[   12.345686]  sysrq_handle_crash+0x16/0x20',
  '[   12.345687]  __handle_sysrq.cold+0x43/0x11b',
  '[   12.345688]  write_sysrq_trigger+0x24/0x40',
  '[   12.345689]  vfs_write+0xc7/0x3f0',
  '[   12.345690]  ksys_write+0x6b/0xf0',
  '[   12.345691]  do_syscall_64+0x58/0xc0',
  '[   12.345692]  entry_SYSCALL_64_after_hwframe+0x64/0xce',
  '[   12.345693]  </TASK>',
].join('\n');

test('document links: file:line refs open the local file at the line when the tree has it', () => {
  const doc = documentState('file:///crash.txt', readFileSync(join(FIX, 'crash-bt-l.txt'), 'utf8'));
  const links = provideDocumentLinks(doc, ctxWith({ sourceRoots: [LINUX, EVALMOD] }));
  const byLine = new Map(links.map((l) => [l.range.start.line, l]));
  const rw = doc.lines.findIndex((l) => l.includes('fs/read_write.c: 582'));
  assert.equal(byLine.get(rw)?.target, uri(join(LINUX, 'fs/read_write.c'), 582));
  assert.equal(doc.lines[rw].slice(byLine.get(rw)!.range.start.character, byLine.get(rw)!.range.end.character), 'debian/build/build_amd64_none_amd64/fs/read_write.c: 582');
  const asm = doc.lines.findIndex((l) => l.includes('entry_64.S: 121'));
  assert.equal(byLine.get(asm)?.target, uri(join(LINUX, 'arch/x86/entry/entry_64.S'), 121));
  const mod = doc.lines.findIndex((l) => l.includes('/usr/src/evalmod/evalcrash.c: 46'));
  assert.equal(byLine.get(mod)?.target, uri(join(EVALMOD, 'evalcrash.c'), 46));
  // kernel/panic.c is not in the fixture tree: the web fallback at the session's Debian version
  const panic = doc.lines.findIndex((l) => l.includes('kernel/panic.c: 459'));
  assert.equal(byLine.get(panic)?.target, 'https://elixir.bootlin.com/linux/latest/source/kernel/panic.c#L459');
  assert.ok(links.every((l) => /^(https?|file):/.test(l.target!)));
});

test('document links without a tree: Elixir at the report version, ident pages for frame names', () => {
  const doc = documentState('file:///oops.txt', OOPS + '\n[   12.4] kernel BUG at fs/nfs/pagelist.c:382!\n');
  const links = provideDocumentLinks(doc, ctxWith());
  const targets = links.map((l) => l.target);
  assert.ok(targets.includes('https://elixir.bootlin.com/linux/v6.1.192/source/fs/nfs/pagelist.c#L382'), targets.join('\n'));
  assert.ok(targets.includes('https://elixir.bootlin.com/linux/v6.1.192/A/ident/sysrq_handle_crash'));
  assert.ok(targets.includes('https://elixir.bootlin.com/linux/v6.1.192/A/ident/__handle_sysrq'), 'clone suffix dropped');
  const frameLine = doc.lines.findIndex((l) => l.includes('sysrq_handle_crash+0x16'));
  const link = links.find((l) => l.range.start.line === frameLine)!;
  assert.equal(doc.lines[frameLine].slice(link.range.start.character, link.range.end.character), 'sysrq_handle_crash');
  // with a tree, names are go-to-definition, not links
  assert.equal(provideDocumentLinks(doc, ctxWith({ sourceRoots: [LINUX] })).filter((l) => l.target!.includes('/ident/')).length, 0);
});

test('document links: RHEL kernels link the base tag and warn about backports; templates and override apply', () => {
  const text = 'crash> sys\n     RELEASE: 3.10.0-327.el7.x86_64\n     VERSION: #1 SMP Thu Nov 19 22:10:57 UTC 2015\ncrash> dis -l ffffffff810aa989\n/usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h: 83\n';
  const doc = documentState('file:///s.txt', text);
  const [l] = provideDocumentLinks(doc, ctxWith());
  assert.equal(l.target, 'https://elixir.bootlin.com/linux/v3.10/source/arch/x86/include/asm/rwsem.h#L83');
  assert.match(l.tooltip ?? '', /backports/);
  const custom = provideDocumentLinks(doc, ctxWith({ web: { ...defaultSettings.web, sourceUrl: 'https://git.example.com/el7/${path}?v=${version}#${line}', version: 'el7-327' } }));
  assert.equal(custom[0].target, 'https://git.example.com/el7/arch/x86/include/asm/rwsem.h?v=el7-327#83');
  const evil = provideDocumentLinks(doc, ctxWith({ web: { ...defaultSettings.web, sourceUrl: 'command:evil?${path}' } }));
  assert.deepEqual(evil, [], 'no link rather than a command: URI');
});

test('definition: a file:line reference opens the local line; without a local file there is no Location', async () => {
  const doc = documentState('file:///f.txt', readFileSync(join(FIX, 'clickable-forms.txt'), 'utf8'));
  const ctx = ctxWith({ sourceRoots: [LINUX] });
  const bug = doc.lines.findIndex((l) => l.includes('kernel BUG at fs/nfs/pagelist.c:382!'));
  const loc = await provideDefinition(doc, bug, doc.lines[bug].indexOf('pagelist') , ctx);
  assert.deepEqual(loc, [{ uri: uri(join(LINUX, 'fs/nfs/pagelist.c')), range: { start: { line: 381, character: 0 }, end: { line: 381, character: 0 } } }]);
  const mod = doc.lines.findIndex((l) => l.includes('kernel/module.c:1108'));
  assert.equal(await provideDefinition(doc, mod, doc.lines[mod].indexOf('module.c'), ctx), null);
});

test('definition: a frame without a vmlinux goes to the function definition in the tree', async () => {
  clearSourceCaches();
  const doc = documentState('file:///oops.txt', OOPS);
  const titles: string[] = [];
  const client: ClientSink = { ...silentSink, progress: (t) => { titles.push(t); return { report: () => undefined, done: () => undefined }; } };
  const ctx = ctxWith({ sourceRoots: [LINUX] }, client);
  const at = async (fn: string) => {
    const line = doc.lines.findIndex((l) => l.includes(` ${fn}+`));
    return provideDefinition(doc, line, doc.lines[line].indexOf(fn) + 1, ctx);
  };
  const crash = await at('sysrq_handle_crash');
  assert.deepEqual(crash?.map((l) => [l.uri, l.range.start.line]), [[uri(join(LINUX, 'drivers/tty/sysrq.c')), 4]]);
  assert.deepEqual(titles, ['Oops Lens: indexing kernel sources'], 'the first lookup shows progress');
  assert.deepEqual((await at('ksys_write'))?.map((l) => l.range.start.line), [12]);
  assert.deepEqual((await at('entry_SYSCALL_64_after_hwframe'))?.map((l) => l.range.start.line), [5]);
  assert.equal(await at('write_sysrq_trigger'), null, 'not in the fixture tree');
  assert.equal(titles.length, 1, 'later lookups need no indexing');
});

test('definition: the symbolizer answer (innermost inline level) wins when there is one', async () => {
  const doc = documentState('file:///oops.txt', OOPS);
  const ctx = ctxWith({ sourceRoots: [LINUX] });
  const seen: string[] = [];
  const symbols: FrameResolver = {
    resolveFrame: async (frame): Promise<FrameResolution> => {
      seen.push(frame.function);
      return { returnAddress: true, warnings: [], inlines: [
        { function: 'rcu_read_unlock', file: 'debian/build/build_amd64_none_amd64/include/linux/rcupdate.h', line: 13 },
        { function: 'sysrq_handle_crash', file: 'debian/build/build_amd64_none_amd64/drivers/tty/sysrq.c', line: 8 },
      ] };
    },
  };
  const line = doc.lines.findIndex((l) => l.includes('sysrq_handle_crash+0x16'));
  const loc = await provideDefinition(doc, line, doc.lines[line].indexOf('sysrq'), ctx, { symbols });
  assert.deepEqual(loc?.map((l) => [l.uri, l.range.start.line]), [[uri(join(LINUX, 'include/linux/rcupdate.h')), 12]]);
  assert.deepEqual(seen, ['sysrq_handle_crash']);
  // a symbolizer error falls back to the definition by name
  const failing: FrameResolver = { resolveFrame: async () => ({ returnAddress: true, warnings: [], inlines: [], error: 'no vmlinux' }) };
  const byName = await provideDefinition(doc, line, doc.lines[line].indexOf('sysrq'), ctx, { symbols: failing });
  assert.deepEqual(byName?.map((l) => l.range.start.line), [4]);
});

test('definition: name+offset outside frames (crash dis/sym) and a cancelled request', async () => {
  const doc = documentState('file:///s.txt', readFileSync(join(FIX, 'crash-bt-l.txt'), 'utf8'));
  const ctx = ctxWith({ sourceRoots: [LINUX] });
  const sym = doc.lines.findIndex((l) => l.includes('(T) panic+745'));
  assert.equal(await provideDefinition(doc, sym, doc.lines[sym].indexOf('panic+') + 2, ctx), null, 'panic is not defined in the fixture tree');
  const ac = new AbortController();
  ac.abort();
  clearSourceCaches();
  const oops = documentState('file:///oops.txt', OOPS);
  const line = oops.lines.findIndex((l) => l.includes('vfs_write+'));
  assert.equal(await provideDefinition(oops, line, oops.lines[line].indexOf('vfs_write'), ctx, { signal: ac.signal }), null);
});

test('hover snippet markdown: local lines with the target marked, plus the web link', async () => {
  const doc = documentState('file:///oops.txt', OOPS);
  const kernel = kernelAt(doc, 10);
  assert.deepEqual(kernel, { release: '6.1.0-56-amd64', version: '#1  Debian 6.1.192-2' });
  const md = await sourceSnippetMarkdown('debian/build/build_amd64_none_amd64/drivers/tty/sysrq.c', 10, kernel, ctxWith({ sourceRoots: [LINUX] }));
  assert.ok(md);
  assert.match(md, /`drivers\/tty\/sysrq.c:10` in `sysrq_handle_crash\(\)`/);
  assert.match(md, /10▶ \tpanic\("sysrq triggered crash\\n"\);/);
  assert.match(md, / 5  static void sysrq_handle_crash\(int key\)/);
  assert.match(md, /\[elixir.bootlin.com v6.1.192\]\(https:\/\/elixir.bootlin.com\/linux\/v6.1.192\/source\/drivers\/tty\/sysrq.c#L10\)/);
  const far = await sourceSnippetMarkdown('drivers/tty/sysrq.c', 155, kernel, ctxWith({ sourceRoots: [LINUX] }));
  assert.match(far ?? '', /has no line 155/);
  const webOnly = await sourceSnippetMarkdown('fs/nfs/pagelist.c', 382, kernel, ctxWith());
  assert.equal(webOnly, '[elixir.bootlin.com v6.1.192](https://elixir.bootlin.com/linux/v6.1.192/source/fs/nfs/pagelist.c#L382)');
  assert.equal(await sourceSnippetMarkdown('/usr/src/evalmod/evalcrash.c', 3, kernel, ctxWith()), undefined);
});

test('hovers: a printed path:line shows its lines; a frame shows syzbot/symbolizer lines or, once indexed, its definition', async () => {
  const ctx = ctxWith({ sourceRoots: [LINUX] });
  const doc = documentState('file:///c.txt', readFileSync(join(FIX, 'crash-bt-l.txt'), 'utf8'));
  const rw = doc.lines.findIndex((l) => l.includes('fs/read_write.c: 582'));
  assert.equal(await codeRefHover(doc, rw, 0, ctx), undefined, 'outside the reference');
  assert.equal(await codeRefHover(doc, rw, 10, ctx), '`fs/read_write.c` has no line 582: the local tree is probably another kernel version\n\n'
    + `[open fs/read\\_write.c:582](${uri(join(LINUX, 'fs/read_write.c'), 582)}) · [elixir.bootlin.com latest](https://elixir.bootlin.com/linux/latest/source/fs/read_write.c#L582) — kernel version not found in the report: links point to the latest release`);
  const oops = documentState('file:///o.txt', OOPS);
  const line = oops.lines.findIndex((l) => l.includes('ksys_write+'));
  const col = oops.lines[line].indexOf('ksys_write');
  clearSourceCaches();
  assert.equal(await frameSourceHover(oops, line, col, ctx), undefined, 'no index yet: a hover does not start one');
  await provideDefinition(oops, line, col, ctx);
  const md = await frameSourceHover(oops, line, col, ctx);
  assert.match(md ?? '', /13  ssize_t ksys_write\(unsigned int fd, const char __user \*buf, size_t count\)/);
  assert.match(md ?? '', /definition by name/);
  const symbols = { resolveFrame: async (): Promise<FrameResolution> => ({ returnAddress: true, warnings: [], inlines: [{ function: 'ksys_write', file: 'debian/build/build_amd64_none_amd64/fs/read_write.c', line: 19 }] }) };
  const viaSym = await frameSourceHover(oops, line, col, { ...ctx, symbols: symbols as unknown as FeatureContext['symbols'] });
  assert.match(viaSym ?? '', /19▶ \t\tret = vfs_write\(f.file, buf, count, ppos\);/);
});

test('document links: a kernel named only in prose (flattened crash sys output) still picks the web tag', () => {
  const text = [
    'CentOS 7 crash notes. KERNEL: /usr/lib/debug/lib/modules/3.10.0-327.el7.x86_64/vmlinux DUMPFILE: ../vmcore RELEASE: 3.10.0-327.el7.x86_64 VERSION: #1 SMP Thu Nov 19 22:10:57 UTC 2015',
    'crash> dis -l ffffffff810aa989 /usr/src/debug/kernel-3.10.0-327.el7/linux-3.10.0-327.el7.x86_64/arch/x86/include/asm/rwsem.h: 83 0xffffffff810aa989 <down_read_trylock+9>: mov (%rdi),%rax',
  ].join('\n');
  const doc = documentState('file:///notes.txt', text);
  const links = provideDocumentLinks(doc, ctxWith());
  assert.ok(links.some((l) => l.target === 'https://elixir.bootlin.com/linux/v3.10/source/arch/x86/include/asm/rwsem.h#L83'), links.map((l) => l.target).join('\n'));
});
