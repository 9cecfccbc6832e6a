// Workspace trust and tool command lines: in an untrusted workspace no process is started with a
// path from settings (symbolizer backends, git), the user is told why, and values that look like
// options never reach a tool's argument list. Every spawn is observed by wrapping child_process.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as cp from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentState } from '../../../server/src/features/documents';
import type { FeatureContext } from '../../../server/src/features/context';
import { silentSink } from '../../../server/src/features/context';
import { provideHover } from '../../../server/src/features/hover';
import { provideDefinition } from '../../../server/src/features/definition';
import { provideInlayHints } from '../../../server/src/features/inlay-hints';
import { executeDecode } from '../../../server/src/features/decode-command';
import { provideCodeActions } from '../../../server/src/features/code-actions';
import { FixService, kernelRepo } from '../../../server/src/features/fix-commands';
import { SymbolService } from '../../../server/src/symbols/service';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { Addr2lineBackend } from '../../../server/src/symbols/backends/addr2line';
import { LlvmSymbolizerBackend } from '../../../server/src/symbols/backends/llvm-symbolizer';
import { unsafeArgument } from '../../../server/src/symbols/backends/line-process';
import { assertNotOption } from '../../../server/src/fixes/git';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { buildFixtures, type Fixtures } from '../symbols/build-fixtures';
import { hasTool } from '../symbols/dwarf-support';

const skip = !hasTool('gcc') || !hasTool('git') || !hasTool('addr2line') ? 'gcc, git and addr2line needed' : false;

/** Every child process the code under test starts, by command and arguments. */
const spawned: { command: string; args: readonly string[] }[] = [];
const mutableCp = require('node:child_process') as typeof cp;
const originals = { spawn: mutableCp.spawn, execFile: mutableCp.execFile, exec: mutableCp.exec, execSync: mutableCp.execSync };

function watchSpawns(): void {
  const wrap = <F extends (...a: never[]) => unknown>(name: string, f: F): F =>
    ((...a: unknown[]) => {
      spawned.push({ command: String(a[0]), args: Array.isArray(a[1]) ? (a[1] as string[]) : [] });
      if (name === 'exec' || name === 'execSync') throw new Error(`a shell was requested: ${String(a[0])}`);
      return (f as unknown as (...x: unknown[]) => unknown)(...a);
    }) as unknown as F;
  mutableCp.spawn = wrap('spawn', originals.spawn);
  mutableCp.execFile = wrap('execFile', originals.execFile);
  mutableCp.exec = wrap('exec', originals.exec);
  mutableCp.execSync = wrap('execSync', originals.execSync);
}

function restoreSpawns(): void {
  Object.assign(mutableCp, originals);
}

describe('workspace trust', { skip }, () => {
  let fx: Fixtures;
  let repo: string;
  let text: string;
  before(() => {
    fx = buildFixtures();
    // A kernel git clone with one commit touching the fixture sources.
    repo = mkdtempSync(join(tmpdir(), 'oops-trust-git-'));
    const git = (...a: string[]) => cp.execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(repo, 'core.c'), readFileSync(join(fx.dir, 'core.c')));
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'core');
    const o = DebugObject.open(fx.dwarf5);
    const fs = o.symbols.byName('fs_entry')[0];
    const sysrq = o.symbols.byName('sysrq_handle_crash')[0];
    o.close();
    text = [
      'Kernel panic - not syncing: sysrq triggered crash',
      'CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-fixture #1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1',
      'Call Trace:',
      ' <TASK>',
      ` sysrq_handle_crash+0x${(Number(sysrq.kallsymsSize) - 1).toString(16)}/0x${sysrq.kallsymsSize.toString(16)}`,
      ` fs_entry+0x3/0x${fs.kallsymsSize.toString(16)}`,
      ' mod_dispatch+0x5/0x40 [fixture_mod]',
      ' </TASK>',
      '',
    ].join('\n');
    watchSpawns();
  });
  after(() => {
    restoreSpawns();
    rmSync(repo, { recursive: true, force: true });
  });

  function context(trusted: boolean, symbolizer: Settings['symbolizer']): FeatureContext & { notices: string[] } {
    const settings: Settings = { ...defaultSettings, vmlinux: fx.dwarf5, modulePaths: [fx.dir], sourceRoots: [repo], kernelRepo: repo, symbolizer };
    const notices: string[] = [];
    const symbols = new SymbolService(() => settings, { trusted: () => trusted, root: join(fx.dir, 'no-such-root') });
    after(() => symbols.dispose());
    return { settings: () => settings, trusted: () => trusted, client: { ...silentSink, notify: (_k, m) => notices.push(m) }, symbols, notices };
  }

  /** Everything a user can trigger on a report: hovers, definitions, hints, decode, fix search. */
  async function useEverything(ctx: FeatureContext): Promise<string[]> {
    const doc = documentState('file:///trust.oops', text);
    const hovers: string[] = [];
    for (const f of doc.model.reports.flatMap((r) => r.stacks.flatMap((s) => s.frames))) {
      const h = await provideHover(doc, f.span.line, f.span.start, ctx);
      if (h) hovers.push((h.contents as { value: string }).value);
      await provideDefinition(doc, f.span.line, f.span.start, ctx);
    }
    await provideInlayHints(doc, { start: { line: 0, character: 0 }, end: { line: doc.lines.length, character: 0 } }, ctx);
    await executeDecode(doc, ctx);
    const fixes = new FixService(ctx, { showDocument: async () => true, ask: async () => undefined }, () => doc);
    provideCodeActions(doc, { start: { line: 5, character: 2 }, end: { line: 5, character: 2 } }, ctx, fixes);
    await fixes.find({ function: 'fs_entry', file: 'core.c', release: '6.1.0-fixture' } as never).catch(() => undefined);
    return hovers;
  }

  for (const symbolizer of ['addr2line', ...(hasTool('llvm-symbolizer') ? ['llvm-symbolizer'] : [])] as Settings['symbolizer'][]) {
    it(`untrusted: no process at all (symbolizer ${symbolizer}, kernelRepo set), and the hover says why`, async () => {
      spawned.length = 0;
      const ctx = context(false, symbolizer);
      const hovers = await useEverything(ctx);
      assert.deepEqual(spawned, [], `processes started: ${JSON.stringify(spawned)}`);
      assert.match(hovers.join('\n'), /not trusted/, 'a frame hover explains that settings paths are not used');
      assert.match(kernelRepo(ctx).reason ?? '', /not trusted/);
    });

    it(`trusted: the same calls do start ${symbolizer} (so the check above can fail)`, async () => {
      spawned.length = 0;
      await useEverything(context(true, symbolizer));
      assert.ok(spawned.some((s) => s.command === symbolizer), JSON.stringify(spawned.map((s) => s.command)));
      for (const s of spawned) assert.ok(s.command === 'git' || s.command === symbolizer, `unexpected ${s.command}`);
    });
  }

  it('a debug file path that looks like an option is refused before any process starts', async () => {
    spawned.length = 0;
    const bytes = new Uint8Array(readFileSync(fx.dwarf5));
    const sneaky = DebugObject.fromBuffer('--help', bytes);
    const fn = sneaky.symbols.byName('fs_entry')[0];
    for (const backend of [new Addr2lineBackend(), new LlvmSymbolizerBackend()]) {
      const r = await backend.lookup(sneaky, fn.address);
      assert.match(r.error ?? '', /refusing debug file path that starts with '-'/);
      backend.dispose();
    }
    assert.deepEqual(spawned, []);
  });

  it('hostile fix-search targets (from a log, or a forged executeCommand) never become git options', async () => {
    spawned.length = 0;
    const ctx = context(true, 'builtin');
    const fixes = new FixService(ctx, { showDocument: async () => true, ask: async () => undefined });
    const evil = ['--EVIL', '-cEVIL=1', '--output=/tmp/EVIL', '-EVIL', 'EVIL;touch /tmp/x', '$(EVIL)', 'EVIL\n--all'];
    for (const v of evil) {
      const target = { function: v, file: v, module: v, title: v, kernel: { release: v, version: v }, syzbotAddresses: [v] };
      await fixes.execute('oopsLens.findFixes', [target]).catch(() => undefined);
      await fixes.execute('oopsLens.findFixes', [{ ...target, function: 'fs_entry' }]).catch(() => undefined);
      await fixes.execute('oopsLens.findFixes', [{ function: 'fs_entry', file: 'core.c', kernel: { release: v } }]).catch(() => undefined);
      await assert.rejects(fixes.execute('oopsLens.openCommit', [{ sha: v }]), /bad arguments/);
      await assert.rejects(fixes.execute('oopsLens.openUrl', [{ url: `command:${v}` }]), /bad arguments/);
    }
    assert.ok(spawned.length > 0, 'the searches did run git');
    console.log(`  ${spawned.length} git runs, ${spawned.flatMap((s) => s.args).filter((a) => a.includes('EVIL')).length} arguments carrying a hostile value`);
    for (const { command, args } of spawned) {
      assert.equal(command, 'git');
      for (const a of args) {
        if (!a.includes('EVIL')) continue;
        // A hostile value may only appear as the value part of an option we chose, never as an option itself.
        assert.ok(!a.startsWith('-') || /^(--grep=|-L\d+,\d+:|--format=)/.test(a), `git argument ${JSON.stringify(a)} in ${JSON.stringify(args)}`);
      }
    }
  });

  it('option-like values from logs or settings never become options', () => {
    assert.match(unsafeArgument('--output=/tmp/x', 'path') ?? '', /starts with '-'/);
    assert.match(unsafeArgument('a\nb', 'path') ?? '', /control characters/);
    assert.equal(unsafeArgument('/usr/lib/debug/boot/vmlinux-6.1.0', 'path'), undefined);
    assert.throws(() => assertNotOption('--upload-pack=touch /tmp/pwned', 'revision'), /starts with '-'/);
    assert.equal(assertNotOption('v6.1', 'revision'), 'v6.1');
  });
});
