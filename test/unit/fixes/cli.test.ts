// `oops-lens fixes` on a report: the ranked list with a clone, the search links without one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFixes } from '../../../server/src/fixes/cli-fixes';
import { parseCrashLog } from '../../../server/src/model/parser';
import { defaultSettings } from '../../../server/src/settings';
import { buildHistory, type History } from './kernel-history';

const OOPS = readFileSync(join(__dirname, '../../fixtures/fixes/nfs-unlock-bug-debian-6.1.oops'), 'utf8');

async function run(args: string[]): Promise<string> {
  let out = '';
  const code = await runFixes(args, { parse: parseCrashLog, readInput: () => OOPS, write: (t) => void (out += t), commitUrl: defaultSettings.web.commitUrl });
  assert.equal(code, 0);
  return out;
}

describe('oops-lens fixes', () => {
  let h: History;
  before(() => (h = buildHistory()));
  after(() => h.repo.cleanup());

  it('prints the ranked commits for the guilty function with --repo', async () => {
    const out = await run(['--repo', h.repo.dir, 'x.oops']);
    assert.match(out, /^# Upstream commits for nfs_unlock_request\(\)/);
    assert.ok(out.indexOf(h.fixElsewhere.slice(0, 12)) < out.indexOf(h.fixStable.slice(0, 12)));
    assert.match(out, /already in v6\.1\.2 \(stable backport [0-9a-f]{12}\)/);
    const json = JSON.parse(await run(['--repo', h.repo.dir, '--json', '--function', 'nfs_end_page_writeback', 'x.oops']));
    assert.equal(json.function, 'nfs_end_page_writeback');
    assert.equal(json.file, 'fs/nfs/write.c');
  });

  it('prints search links without a clone', async () => {
    const out = await run(['x.oops']);
    assert.match(out, /https:\/\/lore\.kernel\.org\/all\/\?q=dfhh%3Anfs_unlock_request/);
    assert.match(out, /linux-6\.1\.y/);
  });
});

describe('oops-lens fixes: the header file', () => {
  const json = async (text: string) => {
    let out = '';
    assert.equal(await runFixes(['--json', 'x.oops'], { parse: parseCrashLog, readInput: () => text, write: (t) => void (out += t), commitUrl: defaultSettings.web.commitUrl }), 0);
    return (JSON.parse(out) as { links: { title: string }[] }).links.map((l) => l.title);
  };

  it('goes with the function that trapped, not with a guilty caller', async () => {
    assert.ok((await json(OOPS)).includes('lore: patches to fs/nfs/pagelist.c changing nfs_unlock_request()'));
    const sleeping = await json([
      'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:908',
      'in_atomic(): 1, irqs_disabled(): 0, pid: 464, name: kworker/0:2',
      'CPU: 0 PID: 464 Comm: kworker/0:2 Not tainted 5.1.0-rc3 #282',
      'Call Trace:',
      ' dump_stack+0x172/0x1f0',
      ' ___might_sleep+0x2f3/0x400',
      ' __mutex_lock+0xd5/0x12f0',
      ' line6_pcm_acquire+0x35/0x210',
      ' call_timer_fn+0x193/0x5f0',
      '',
    ].join('\n'));
    assert.ok(sleeping.includes('lore: patches changing line6_pcm_acquire()'), sleeping.join(' | '));
    assert.ok(!sleeping.some((t) => t.includes('mutex.c')), sleeping.join(' | '));
  });
});
