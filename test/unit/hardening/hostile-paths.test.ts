// Paths a log or a setting can steer: a kernel release from the log never becomes a path outside
// the standard debug directories, and a "vmlinux" that is a FIFO, a directory or a device is refused
// at once (opening a FIFO for reading would otherwise wait for a writer forever).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPlausibleRelease, moduleDirCandidates, vmlinuxCandidates, discoverVmlinux } from '../../../server/src/symbols/discovery';
import { FileBytes, NotAFileError } from '../../../server/src/symbols/file-bytes';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings } from '../../../server/src/settings';
import { parseCrashLog } from '../../../server/src/model/parser';

describe('a kernel release from the log is not a path', () => {
  it('real releases are accepted, traversal and separators are not', () => {
    for (const r of ['6.1.0-56-amd64', '5.15.0-1034-azure', '6.8.0-rc3-next-20240205+', '4.18.0-513.el8.x86_64', '6.5.6-300.fc39.x86_64', '3.10.0-327.el7.x86_64~debug'])
      assert.ok(isPlausibleRelease(r), r);
    for (const r of ['../../../tmp/evil', '6.1/../../x', '..', '.hidden', '', 'a b', '6.1\0x', 'x'.repeat(200)])
      assert.ok(!isPlausibleRelease(r), JSON.stringify(r));
    assert.deepEqual(vmlinuxCandidates('../../../tmp/evil'), []);
    assert.deepEqual(moduleDirCandidates('../../tmp/evil'), []);
  });

  it('a planted file reached by `..` in a logged release is not found', () => {
    const root = mkdtempSync(join(tmpdir(), 'oops-root-'));
    try {
      mkdirSync(join(root, 'usr/lib/debug/boot'), { recursive: true });
      mkdirSync(join(root, 'tmp/evil/build'), { recursive: true });
      writeFileSync(join(root, 'tmp/evil/build/vmlinux'), 'planted');
      // lib/modules/<release>/build/vmlinux with release ../../tmp/evil is <root>/tmp/evil/build/vmlinux.
      assert.equal(discoverVmlinux('../../tmp/evil', root), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a debug file that is not a regular file', () => {
  it('a FIFO, a directory and /dev/zero are refused with a message, without blocking', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oops-fifo-'));
    try {
      const fifo = join(dir, 'vmlinux');
      execFileSync('mkfifo', [fifo]);
      for (const [path, what] of [[fifo, /a FIFO/], [dir, /a directory/], ['/dev/zero', /a character device/]] as const) {
        assert.throws(() => new FileBytes(path), (e: unknown) => e instanceof NotAFileError && what.test((e as Error).message), path);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('configured as oopsLens.vmlinux, a FIFO gives the frame hover a message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oops-fifo-'));
    try {
      const fifo = join(dir, 'vmlinux');
      execFileSync('mkfifo', [fifo]);
      const log = parseCrashLog('BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n foo+0x1/0x2\n');
      const svc = new SymbolService(() => ({ ...defaultSettings, vmlinux: fifo }), { trusted: () => true, root: join(dir, 'no-root') });
      const r = await svc.resolveFrame(log.reports[0].frames[0], log.reports[0]);
      assert.match(r.error ?? '', /not a (regular )?file/);
      svc.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
