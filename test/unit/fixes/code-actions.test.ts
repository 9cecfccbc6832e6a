// Code actions and commands over a parsed report and a real git history, with a recording client.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction } from 'vscode-languageserver';
import { documentState } from '../../../server/src/features/documents';
import type { ClientSink, FeatureContext } from '../../../server/src/features/context';
import { provideCodeActions } from '../../../server/src/features/code-actions';
import { FixCommands, FixService, type FixHost, type FixTarget } from '../../../server/src/features/fix-commands';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { buildHistory, type History } from './kernel-history';

const OOPS = `[ 2305675.245995] NFS: Invalid unlock attempted
[ 2305675.256784] ------------[ cut here ]------------
[ 2305675.256787] kernel BUG at fs/nfs/pagelist.c:382!
[ 2305675.259330] invalid opcode: 0000 [#1] SMP NOPTI
[ 2305675.260000] CPU: 30 PID: 3930345 Comm: java Not tainted 6.1.0-2-amd64 #1 Debian 6.1.2-1
[ 2305675.261000] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[ 2305675.262000] RIP: 0010:nfs_unlock_request+0x37/0x40 [nfs]
[ 2305675.264000] RSP: 0018:ffffb2f160b239a0 EFLAGS: 00010286
[ 2305675.301490] Call Trace:
[ 2305675.302501]  <TASK>
[ 2305675.302501]  nfs_end_page_writeback+0x6d/0x100 [nfs]
[ 2305675.304672]  nfs_redirty_request+0x28/0x40 [nfs]
[ 2305675.306123]  nfs_do_writepage+0x1f6/0x2a0 [nfs]
[ 2305675.336788]  entry_SYSCALL_64_after_hwframe+0x44/0xa9
[ 2305675.336788]  </TASK>
`;
const HEADER_LINE = 2;
const TRACE_LINE = 10;

interface Recorder {
  ctx: FeatureContext;
  host: FixHost;
  notes: { kind: string; message: string }[];
  shown: { uri: string; external?: boolean }[];
  asked: string[];
  progress: string[];
  answer?: string;
  abortOnProgress?: boolean;
}

function recorder(settings: Partial<Settings>, trusted: boolean): Recorder {
  const rec: Recorder = { notes: [], shown: [], asked: [], progress: [] } as unknown as Recorder;
  const client: ClientSink = {
    log: () => undefined,
    status: () => undefined,
    notify: (kind, message) => void rec.notes.push({ kind, message }),
    progress: (title) => {
      const ac = new AbortController();
      rec.progress.push(title);
      return {
        report: (m) => {
          rec.progress.push(m);
          if (rec.abortOnProgress && m.startsWith('history of')) ac.abort();
        },
        done: () => void rec.progress.push('done'),
        signal: ac.signal,
      };
    },
  };
  rec.ctx = { settings: () => ({ ...defaultSettings, ...settings }), trusted: () => trusted, client };
  rec.host = {
    showDocument: async (uri, o) => (rec.shown.push({ uri, external: o.external }), true),
    ask: async (message) => (rec.asked.push(message), rec.answer),
  };
  return rec;
}

const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character } });
const titles = (a: CodeAction[]) => a.map((x) => x.title);

describe('fix code actions and commands', () => {
  let h: History;
  const doc = documentState('file:///tmp/nfs.oops', OOPS);
  before(() => {
    h = buildHistory();
  });
  after(() => h.repo.cleanup());

  it('offers the search on the report header for the guilty function, with the header file and kernel', () => {
    const rec = recorder({ kernelRepo: h.repo.dir }, true);
    const service = new FixService(rec.ctx, rec.host);
    const actions = provideCodeActions(doc, at(HEADER_LINE), rec.ctx, service);
    assert.deepEqual(titles(actions), ['Find upstream fixes for nfs_unlock_request()', 'Search lore: patches changing nfs_unlock_request() (merged or not)']);
    assert.deepEqual(actions[1].command!.arguments, [{ url: 'https://lore.kernel.org/all/?q=dfhh%3Anfs_unlock_request' }]);
    const t = actions[0].command!.arguments![0] as FixTarget;
    assert.equal(actions[0].command!.command, FixCommands.find);
    assert.equal(actions[0].disabled, undefined);
    assert.equal(t.file, 'fs/nfs/pagelist.c');
    assert.equal(t.title, 'kernel BUG in nfs_unlock_request');
    assert.equal(t.kernel?.release, '6.1.0-2-amd64');
    assert.equal(t.module, 'nfs');
  });

  it('runs the search, announces the best missing fix, and then lists "Open" actions; the summary and git show are readable', async () => {
    const rec = recorder({ kernelRepo: h.repo.dir }, true);
    rec.answer = 'Show all';
    const service = new FixService(rec.ctx, rec.host);
    const [find] = provideCodeActions(doc, at(HEADER_LINE), rec.ctx, service);
    const out = (await service.execute(find.command!.command, find.command!.arguments)) as { commits: { sha: string; contained: string }[]; base: string };
    assert.equal(out.base, 'v6.1.2');
    assert.equal(out.commits[0].sha, h.fixElsewhere);
    assert.equal(out.commits.find((c) => c.sha === h.fixStable)?.contained, 'contained');
    assert.ok(rec.progress[0].includes('nfs_unlock_request'));
    assert.ok(rec.progress.includes('done'));
    await new Promise((r) => setImmediate(r));
    assert.match(rec.asked[0], /5 upstream commit\(s\) after v6\.1\.2 may fix nfs_unlock_request\(\) \(1 already in the crashing kernel\)/);
    const summaryUri = rec.shown.at(-1)!.uri;
    assert.match(summaryUri, /^oops-git:\/fixes\/0\/nfs_unlock_request\.md$/);
    const summary = await service.content(summaryUri);
    assert.ok(summary.includes(h.fixElsewhere.slice(0, 12)));
    assert.ok(summary.includes('already in v6.1.2'));

    const again = provideCodeActions(doc, at(HEADER_LINE), rec.ctx, service);
    const opens = again.filter((a) => a.command?.command === FixCommands.open);
    assert.equal(opens.length, 6);
    assert.equal(opens[0].title, `Open ${h.fixElsewhere.slice(0, 12)} NFS: only unlock the head request at writeback end`);
    assert.ok(opens.at(-1)!.title.endsWith('(already in v6.1.2)'));

    await service.execute(FixCommands.open, opens[0].command!.arguments);
    const uri = rec.shown.at(-1)!.uri;
    assert.equal(uri, `oops-git:/commit/${h.fixElsewhere}.patch`);
    const show = await service.content(uri);
    assert.ok(show.includes('NFS: only unlock the head request at writeback end'));
    assert.ok(show.includes('diff --git a/fs/nfs/write.c b/fs/nfs/write.c'));
  });

  it('offers the search for the frame under the cursor in a call trace', () => {
    const rec = recorder({ kernelRepo: h.repo.dir }, true);
    const actions = provideCodeActions(doc, at(TRACE_LINE, 20), rec.ctx, new FixService(rec.ctx, rec.host));
    assert.equal(titles(actions)[0], 'Find upstream fixes for nfs_end_page_writeback()');
    const t = actions[0].command!.arguments![0] as FixTarget;
    assert.equal(t.file, undefined);
    assert.equal(t.line, TRACE_LINE);
  });

  it('the file of `... at f.c:N` goes only to the function that trapped, not to lock mentions or the guilty caller', () => {
    const text = [
      '[   76.428565][    C0] BUG: sleeping function called from invalid context at kernel/locking/mutex.c:908',
      '[   76.434131][    C0] 1 lock held by kworker/0:2/464:',
      '[   76.440557][    C0]  #0: 000000002d02a2de ((&toneport->timer)){+.-.}, at: call_timer_fn+0xce/0x5f0',
      '[   76.441933][    C0] CPU: 0 PID: 464 Comm: kworker/0:2 Not tainted 5.1.0-rc3 #282',
      '[   76.445833][    C0] Call Trace:',
      '[   76.445833][    C0]  dump_stack+0x172/0x1f0',
      '[   76.445833][    C0]  ___might_sleep+0x2f3/0x400',
      '[   76.445833][    C0]  __mutex_lock+0xd5/0x12f0',
      '[   76.445833][    C0]  line6_pcm_acquire+0x35/0x210',
      '[   76.445833][    C0]  call_timer_fn+0x193/0x5f0',
      '',
    ].join('\n');
    const d = documentState('file:///tmp/sleep.oops', text);
    const rec = recorder({ kernelRepo: h.repo.dir }, true);
    const service = new FixService(rec.ctx, rec.host);
    for (const line of [0, 2]) {
      const actions = provideCodeActions(d, at(line, text.split('\n')[line].indexOf('call_timer_fn') + 2), rec.ctx, service);
      const t = actions.find((a) => a.command?.command === FixCommands.find)?.command?.arguments?.[0] as FixTarget | undefined;
      assert.ok(t, `an action on line ${line}`);
      assert.equal(t.file, undefined, `${t.function} is not in mutex.c`);
      assert.ok(!titles(actions).some((x) => x.includes('mutex.c')), titles(actions).join(' | '));
    }
    // The function that trapped does get the header's file.
    const rip = documentState('file:///tmp/nfs.oops', OOPS);
    const t = provideCodeActions(rip, at(6, 30), rec.ctx, service)[0].command!.arguments![0] as FixTarget;
    assert.equal(t.function, 'nfs_unlock_request');
    assert.equal(t.file, 'fs/nfs/pagelist.c');
  });

  it('in an untrusted workspace: no git, a disabled action saying why, web search links and web commit pages', async () => {
    const rec = recorder({ kernelRepo: h.repo.dir }, false);
    const service = new FixService(rec.ctx, rec.host);
    const actions = provideCodeActions(doc, at(HEADER_LINE), rec.ctx, service);
    assert.match(actions[0].disabled?.reason ?? '', /not trusted/);
    const urls = actions.filter((a) => a.command?.command === FixCommands.openUrl).map((a) => (a.command!.arguments![0] as { url: string }).url);
    assert.ok(urls.includes('https://lore.kernel.org/all/?q=dfhh%3Anfs_unlock_request'));
    assert.ok(urls.some((u) => u.includes('linux-6.1.y')));
    const r = await service.execute(FixCommands.find, actions[0].command!.arguments);
    assert.equal(r, null);
    assert.match(rec.notes[0].message, /not trusted/);
    assert.equal(service.finder.resultsFor('nfs_unlock_request').length, 0);
    await service.execute(FixCommands.open, [{ sha: h.fixStable }]);
    assert.deepEqual(rec.shown.at(-1), { uri: `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${h.fixStable}`, external: true });
    assert.match(await service.content(`oops-git:/commit/${h.fixStable}.patch`), /not trusted/);
    await assert.rejects(service.execute(FixCommands.openUrl, [{ url: 'file:///etc/passwd' }]), /bad arguments/);
  });

  it('without a clone the action is disabled with the setting to fill in', () => {
    const rec = recorder({ kernelRepo: '' }, true);
    const actions = provideCodeActions(doc, at(HEADER_LINE), rec.ctx, new FixService(rec.ctx, rec.host));
    assert.match(actions[0].disabled?.reason ?? '', /oopsLens\.kernelRepo/);
    assert.ok(actions.some((a) => a.title.startsWith('Search lore: patches changing nfs_unlock_request()')));
  });

  it('cancelling the progress stops the search and says so', async () => {
    const rec = recorder({ kernelRepo: h.repo.dir }, true);
    rec.abortOnProgress = true;
    const service = new FixService(rec.ctx, rec.host);
    const r = await service.execute(FixCommands.find, [{ function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', kernel: { release: '6.1.0' } }]);
    assert.equal(r, null);
    assert.match(rec.notes.at(-1)!.message, /cancelled/);
    assert.equal(service.finder.resultsFor('nfs_unlock_request').length, 0);
  });
});
