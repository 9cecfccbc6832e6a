// Resource bounds: DWARF and ELF crafted to allocate (sizes near 2^64, decompression claims) or to
// loop are refused with a message; a 1 GB sparse "vmlinux" is read lazily (RSS stays small); a
// 50 MB document is parsed off the request path and keeps the language server answering; a 100k-file tree
// is searched within the scan caps, in slices. Times are printed, not asserted.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync, copyFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DwarfError, DwarfIndex } from '../../../server/src/symbols/dwarf';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { ElfError, ElfFile } from '../../../server/src/symbols/elf';
import { BufferBytes } from '../../../server/src/symbols/file-bytes';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import type { Frame } from '../../../server/src/model/types';
import { MAX_LINES, MAX_REPORTS, parseCrashLog } from '../../../server/src/model/parser';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { documentState } from '../../../server/src/features/documents';
import { memorySections, hasTool } from '../symbols/dwarf-support';
import { buildFixtures, type Fixtures } from '../symbols/build-fixtures';
import { SHARED } from '../fuzz/text-harness';
import { MAX_DIAGNOSTICS } from '../../../server/src/features/diagnostics';
import { MAX_OUTLINE_SYMBOLS } from '../../../server/src/features/document-symbols';
import { CancellationTokenSource, LSPErrorCodes } from 'vscode-languageserver/node';
import { sourceRootsFor } from '../../../server/src/source/source-roots';
import { handshake, spawnServer } from '../../lsp/stdio-server';

const gccSkip = !hasTool('gcc') ? 'gcc not installed' : false;

function expectRefusal(f: () => unknown, type: new (...a: never[]) => Error, re: RegExp): void {
  const t0 = performance.now();
  assert.throws(f, (e: unknown) => e instanceof type && re.test((e as Error).message));
  console.log(`  refused in ${(performance.now() - t0).toFixed(1)} ms`);
}

describe('crafted sizes and counts are refused with a message', () => {
  it('a DWARF64 unit length near 2^64 and a reserved 32-bit length', () => {
    const info = new Uint8Array(64);
    const dv = new DataView(info.buffer);
    dv.setUint32(0, 0xffffffff, true);
    dv.setBigUint64(4, 2n ** 64n - 16n, true);
    dv.setUint16(12, 5, true);
    const abbrev = new Uint8Array(4);
    expectRefusal(() => new DwarfIndex(memorySections(new Map([['.debug_info', info], ['.debug_abbrev', abbrev]]))).lookup(0x1000n), DwarfError, /too large/);
    const reserved = new Uint8Array(64);
    new DataView(reserved.buffer).setUint32(0, 0xfffffff0, true);
    expectRefusal(() => new DwarfIndex(memorySections(new Map([['.debug_info', reserved], ['.debug_abbrev', abbrev]]))).lookup(0x1000n), DwarfError, /reserved initial length/);
  });

  describe('on a gcc-built object', { skip: gccSkip }, () => {
    let fx: Fixtures;
    before(() => { fx = buildFixtures(); });

    /** The file with one field of one section header rewritten (ELF64 LE). */
    function patchSection(path: string, name: string, field: number, value: bigint): Uint8Array {
      const bytes = new Uint8Array(readFileSync(path));
      const elf = new ElfFile(new BufferBytes(bytes));
      const dv = new DataView(bytes.buffer);
      const shoff = Number(dv.getBigUint64(40, true));
      const s = elf.section(name)!;
      dv.setBigUint64(shoff + s.index * 64 + field, value, true);
      return bytes;
    }

    it('a section size near 2^64 (sh_size)', () => {
      expectRefusal(() => DebugObject.fromBuffer('huge-section', patchSection(fx.dwarf5, '.debug_info', 32, 2n ** 64n - 1n)), ElfError, /sh_size too large/);
    });

    it('a compressed section claiming 2^64 - 1 bytes, or 1.9 GB from a few bytes', () => {
      for (const claim of [2n ** 64n - 1n, 1_946_157_216n]) {
        const bytes = new Uint8Array(readFileSync(fx.zlib));
        const elf = new ElfFile(new BufferBytes(bytes));
        const s = elf.section('.debug_info')!;
        new DataView(bytes.buffer).setBigUint64(s.offset + 8, claim, true); // Elf64_Chdr.ch_size
        const obj = DebugObject.fromBuffer('bomb', bytes);
        expectRefusal(() => new DwarfIndex(obj.sections).lookup(0x401000n), ElfError, /claims \d+ bytes/);
        // The service path turns it into a message.
        assert.match(obj.lookup(0x401000n).error ?? '', /claims \d+ bytes/);
        const before = process.memoryUsage().rss;
        obj.lookup(0x401001n); // a failed section is not decompressed again
        assert.ok(process.memoryUsage().rss - before < 64 * 2 ** 20);
      }
    });

    it('a line table and a DIE tree crafted to loop are in dwarf-robust.test.ts (cyclic origins, absurd counts, endless range lists)', () => {
      assert.ok(readFileSync(join(__dirname, '../symbols/dwarf-robust.test.ts'), 'utf8').includes('cyclic'));
    });
  });
});

describe('a 1 GB sparse vmlinux is read lazily', { skip: gccSkip }, () => {
  let fx: Fixtures;
  let dir: string;
  before(() => {
    fx = buildFixtures();
    dir = mkdtempSync(join(tmpdir(), 'oops-sparse-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const frame = (fn: string, offset: number, size?: number): Frame => {
    const log = parseCrashLog(`BUG: x\nCall Trace:\n ${fn}+0x${offset.toString(16)}/0x${(size ?? 0x40).toString(16)}\n`);
    return log.reports[0].stacks[0].frames[0];
  };

  async function resolveWith(vmlinux: string): Promise<{ error?: string; file?: string; ms: number; rssGrowth: number }> {
    const settings: Settings = { ...defaultSettings, vmlinux };
    const svc = new SymbolService(() => settings, { root: join(dir, 'no-root') });
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await svc.resolveFrame(frame('fs_entry', 3));
    const out = { error: r.error, file: r.inlines[0]?.file, ms: performance.now() - t0, rssGrowth: process.memoryUsage().rss - rss0 };
    svc.dispose();
    return out;
  }

  it('1 GB of zeros: a clear message at once', async () => {
    const p = join(dir, 'zeros-vmlinux');
    closeSync(openSync(p, 'w'));
    truncateSync(p, 2 ** 30);
    const r = await resolveWith(p);
    console.log(`  zeros: ${r.ms.toFixed(0)} ms, RSS +${(r.rssGrowth / 2 ** 20).toFixed(0)} MB: ${r.error}`);
    assert.match(r.error ?? '', /not an ELF file/);
    assert.ok(r.rssGrowth < 100 * 2 ** 20);
  });

  it('a real vmlinux followed by 1 GB of holes still resolves, without reading the file whole', async () => {
    const p = join(dir, 'padded-vmlinux');
    copyFileSync(fx.dwarf5, p);
    const fd = openSync(p, 'r+');
    ftruncateSync(fd, 2 ** 30);
    closeSync(fd);
    const r = await resolveWith(p);
    console.log(`  padded: ${r.ms.toFixed(0)} ms, RSS +${(r.rssGrowth / 2 ** 20).toFixed(0)} MB, ${r.file ?? r.error}`);
    assert.equal(r.error, undefined);
    assert.match(r.file ?? '', /core\.c|\.h$/);
    assert.ok(r.rssGrowth < 100 * 2 ** 20, `RSS grew ${r.rssGrowth} bytes`);
  });
});

describe('a 50 MB document keeps the server answering', { timeout: 300_000 }, () => {
  const source = join(SHARED, 'corpus/real-kernel/logs/sysrq-t-many.log');
  let text = '';
  try { text = readFileSync(source, 'utf8'); } catch { /* corpus absent */ }

  it('is parsed off the request path: a small document is served meanwhile, requests can be cancelled, an edit supersedes the parse, results are bounded', { skip: !text && 'corpus absent' }, async () => {
    const big = text.repeat(Math.ceil((50 * 2 ** 20) / text.length));
    const server = spawnServer({ fromSource: true });
    const { proc, conn } = server;
    conn.onRequest('workspace/configuration', () => [{}]);
    const published = new Map<string, { version?: number; count: number }>();
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) => void published.set(p.uri, { version: p.version, count: p.diagnostics.length }));
    conn.onNotification('window/logMessage', () => undefined);
    const progress: { kind: string; title?: string; percentage?: number }[] = [];
    conn.onNotification('$/progress', (p: { value: { kind: string; title?: string; percentage?: number } }) => void progress.push(p.value));
    try {
      await handshake(conn, { capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true }, textDocument: { foldingRange: { rangeLimit: 5000 } } }, initializationOptions: { trusted: false } });
      const uri = 'file:///big/sysrq-t-50MB.oops';
      const small = 'file:///big/small.oops';
      const td = { textDocument: { uri } };
      const whole = { start: { line: 0, character: 0 }, end: { line: 2_000_000, character: 0 } };
      const timings: string[] = [];
      const order: string[] = [];
      const timed = async <T>(name: string, p: Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const r = await p;
        timings.push(`${name} ${(performance.now() - t0).toFixed(0)} ms`);
        order.push(name);
        return r;
      };

      // Open the big document, then at once a small one; ask both for their outline and cancel a hover on the big one.
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text: big } });
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: small, languageId: 'oops', version: 1, text: 'BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n foo+0x1/0x2\n' } });
      const cancel = new CancellationTokenSource();
      const hover = conn.sendRequest('textDocument/hover', { ...td, position: { line: 1_000, character: 20 } }, cancel.token).then(() => 'answered', (e: { code?: number }) => e.code);
      const bigSymbols = timed('big documentSymbol', conn.sendRequest('textDocument/documentSymbol', td) as Promise<unknown[]>);
      const smallSymbols = timed('small documentSymbol', conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: small } }) as Promise<unknown[]>);
      cancel.cancel();
      assert.equal((await smallSymbols).length, 1);
      const symbols = await bigSymbols;
      assert.deepEqual(order, ['small documentSymbol', 'big documentSymbol'], 'the small document waited for the big one');
      assert.equal(await hover, LSPErrorCodes.RequestCancelled, 'a hover cancelled while the document is parsed is answered as cancelled');
      const count = (xs: { children?: unknown[] }[]): number => xs.reduce((n, x) => n + 1 + count((x.children ?? []) as { children?: unknown[] }[]), 0);
      assert.ok(symbols.length > 0 && count(symbols as { children?: unknown[] }[]) <= MAX_OUTLINE_SYMBOLS + 1, `${count(symbols as { children?: unknown[] }[])} outline entries`);
      assert.match(JSON.stringify(symbols.at(-1)), /stack dumps more/);

      const folds = await timed('foldingRange', conn.sendRequest('textDocument/foldingRange', td) as Promise<unknown[]>);
      assert.ok(folds.length > 0 && folds.length <= 5000, `${folds.length} folding ranges`);
      await timed('semanticTokens', conn.sendRequest('textDocument/semanticTokens/full', td));
      const links = await timed('documentLink', conn.sendRequest('textDocument/documentLink', td) as Promise<unknown[]>);
      assert.ok(links.length <= 5000, `${links.length} links`);
      await timed('inlayHint', conn.sendRequest('textDocument/inlayHint', { ...td, range: whole }));
      await timed('codeLens', conn.sendRequest('textDocument/codeLens', td));
      await timed('hover', conn.sendRequest('textDocument/hover', { ...td, position: { line: 1_000, character: 20 } }));
      await timed('codeAction', conn.sendRequest('textDocument/codeAction', { ...td, range: whole, context: { diagnostics: [] } }));
      const diags = published.get(uri)?.count ?? 0;
      assert.ok(diags > 0 && diags <= MAX_DIAGNOSTICS, `${diags} diagnostics published`);

      // Two quick edits at the top: the parse of version 2 is abandoned, version 3 is what is answered.
      const edit = (version: number, line: string) => conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: line }],
      });
      await edit(2, 'Linux version 6.1.0-99-amd64 (x@y) (gcc) #1 SMP Debian 6.1.99-1\n');
      await edit(3, 'Linux version 6.1.0-98-amd64 (x@y) (gcc) #1 SMP Debian 6.1.98-1\n');
      const top = await timed('outline after 2 edits', conn.sendRequest('textDocument/documentSymbol', td) as Promise<{ range: { start: { line: number } } }[]>);
      assert.ok(top[0].range.start.line >= 2, 'the outline is of version 3 (two lines inserted above the first report)');
      for (let i = 0; i < 100 && published.get(uri)?.version !== 3; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(published.get(uri)?.version, 3, 'diagnostics of the newest version are published');

      // The parse was shown: begun with the document's name, reported, ended.
      assert.match(progress.find((p) => p.kind === 'begin')?.title ?? '', /reading sysrq-t-50MB\.oops \(51 MB\)/);
      assert.ok(progress.some((p) => p.kind === 'report' && (p.percentage ?? 0) > 0), JSON.stringify(progress.slice(0, 5)));
      assert.ok(progress.some((p) => p.kind === 'end'));

      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      console.log(`  50 MB document (${big.length} chars): ${timings.join(', ')}; server RSS ${(rss / 2 ** 20).toFixed(0)} MB, ${diags} diagnostics, ${folds.length} folding ranges`);
      assert.equal(proc.exitCode, null);
    } finally {
      server.stop();
    }
  });
});

describe('a document of millions of lines is analysed up to MAX_LINES', { timeout: 300_000 }, () => {
  it('the model stops at MAX_LINES and counts the rest (LF, CRLF, lone CR)', () => {
    const head = 'BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n foo+0x1/0x2\n';
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = head.replace(/\n/g, eol) + eol.repeat(MAX_LINES + 10);
      const m = parseCrashLog(text);
      assert.equal(m.lines.length, MAX_LINES);
      assert.equal(m.truncated?.totalLines, MAX_LINES + 14, JSON.stringify(eol));
      assert.equal(m.reports.length, 1);
      // An edit of a truncated document is parsed afresh, bounded the same way.
      const edited = parseCrashLog('x' + text, m);
      assert.equal(edited.lines.length, MAX_LINES);
      assert.equal(edited.lines[0].raw, 'xBUG: kernel NULL pointer dereference, address: 0000000000000008');
    }
  });

  it('at most MAX_REPORTS reports are built; a warning marks where the rest begin', () => {
    const one = 'WARNING: CPU: 0 PID: 1 at fs/x.c:1 f+0x1/0x2\nCall Trace:\n f+0x1/0x2\n';
    const text = one.repeat(MAX_REPORTS + 5);
    const t0 = performance.now();
    const m = parseCrashLog(text);
    console.log(`  ${MAX_REPORTS + 5} reports in ${(text.length / 2 ** 20).toFixed(1)} MB: ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(m.reports.length, MAX_REPORTS);
    assert.equal(m.truncated?.reportsFrom, MAX_REPORTS * 3);
    const d = computeDiagnostics(documentState('file:///storm.log', text)).find((x) => x.code === 'reports-truncated');
    assert.equal(d?.range.start.line, MAX_REPORTS * 3);
    assert.match(String(d?.message ?? ''), /More than 100,000 reports/);
  });

  it('50 MB of empty lines: the server answers, says what it left out, and stays alive', async () => {
    const server = spawnServer({ fromSource: true });
    const { proc, conn } = server;
    conn.onRequest('workspace/configuration', () => [{}]);
    const published = new Map<string, { code?: string; message: string }[]>();
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: { code?: string; message: string }[] }) => void published.set(p.uri, p.diagnostics));
    try {
      await handshake(conn, { capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: false } });
      const uri = 'file:///big/newlines.log';
      const text = 'BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n foo+0x1/0x2\n' + '\n'.repeat(50 * 2 ** 20);
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
      const t0 = performance.now();
      const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as unknown[];
      const ms = performance.now() - t0;
      assert.equal(symbols.length, 1);
      const hover = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 40_000_000, character: 0 } });
      assert.equal(hover, null);
      for (let i = 0; i < 200 && !published.get(uri)?.length; i++) await new Promise((r) => setTimeout(r, 50));
      const cut = published.get(uri)?.find((d) => d.code === 'document-truncated');
      assert.ok(cut, JSON.stringify(published.get(uri)));
      assert.match(cut.message, /first 2,000,000 of 52,428,804 lines/);
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      console.log(`  50 MB of empty lines: outline in ${ms.toFixed(0)} ms, server RSS ${(rss / 2 ** 20).toFixed(0)} MB`);
      assert.equal(proc.exitCode, null);
    } finally {
      server.stop();
    }
  });
});

describe('a 100k-file tree as modulePaths and sourceRoots', { timeout: 600_000 }, () => {
  let fx: Fixtures;
  let dir: string;
  before(() => {
    fx = buildFixtures();
    dir = mkdtempSync(join(tmpdir(), 'oops-100k-'));
    for (let d = 0; d < 1000; d++) {
      const sub = join(dir, `d${d % 10}`, `sub${d}`);
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 100; f++) writeFileSync(join(sub, f % 10 === 0 ? `mod_${d}_${f}.ko` : `file${f}.c`), '');
    }
    const deep = join(dir, 'd9', 'sub999', 'deep');
    mkdirSync(deep, { recursive: true });
    copyFileSync(fx.module, join(deep, 'fixture_mod.ko'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the module within the scan caps and answers a missing one with a message', async () => {
    const settings: Settings = { ...defaultSettings, modulePaths: [dir], sourceRoots: [dir] };
    const svc = new SymbolService(() => settings, { root: join(dir, 'no-root') });
    let t0 = performance.now();
    // The scan runs in slices: timers (other requests) get their turn while it goes on.
    let turns = 0;
    let longest = 0;
    let last = t0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      turns++;
    }, 0);
    const found = await svc.module('fixture_mod', { release: '6.1.0-fixture' });
    clearInterval(ticker);
    const first = performance.now() - t0;
    t0 = performance.now();
    const missing = await svc.module('no_such_mod', { release: '6.1.0-fixture' });
    const second = performance.now() - t0;
    console.log(`  100k files: first module lookup ${first.toFixed(0)} ms (scan; the event loop turned ${turns} times meanwhile, longest wait ${longest.toFixed(0)} ms), next ${second.toFixed(0)} ms`);
    assert.ok(turns > 0, 'the scan never let a timer run');
    assert.ok(found.object, found.error);
    assert.match(missing.error ?? '', /no_such_mod/);
    svc.dispose();
  });

  it('as a source root: resolving a path is immediate, indexing reports progress and can be cancelled', async () => {
    const roots = sourceRootsFor([dir], {});
    let t0 = performance.now();
    assert.ok(roots.resolve('d9/sub999/file3.c'));
    const resolveMs = performance.now() - t0;
    // Cancel the first index build as soon as it reports progress.
    const cancel = new AbortController();
    let progress = 0;
    t0 = performance.now();
    const cancelled = await roots.definitions('mod_dispatch', { signal: cancel.signal, onProgress: () => { progress++; cancel.abort(); } }).then(() => 'finished', (e: Error) => e.name);
    const cancelMs = performance.now() - t0;
    t0 = performance.now();
    const defs = await sourceRootsFor([dir], {}).definitions('mod_dispatch');
    const fullMs = performance.now() - t0;
    console.log(`  100k files as a source root: resolve ${resolveMs.toFixed(1)} ms; index cancelled after ${cancelMs.toFixed(0)} ms (${cancelled}, ${progress} progress reports); full index ${fullMs.toFixed(0)} ms, ${defs.length} definitions`);
    assert.ok(progress > 0);
    assert.notEqual(cancelled, 'finished');
  });
});
