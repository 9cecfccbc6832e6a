// Relative and ${workspaceFolder} paths in settings resolve against the workspace folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettingPaths, resolveSettings } from '../../server/src/settings';

test('relative, ${workspaceFolder} and ~ paths become absolute; absolute ones stay', () => {
  const s = resolveSettingPaths(resolveSettings({
    vmlinux: 'fixture/vmlinux',
    modulePaths: ['./debug', '/usr/lib/debug', '${workspaceFolder}/mods'],
    sourceRoots: ['~/linux'],
    pathMap: { '/build/linux-fixture/': 'fixture/src/', '/usr/src/evalmod/': '/abs/src/' },
    kernelRepo: '',
  }), '/ws/examples/', '/home/u');
  assert.equal(s.vmlinux, '/ws/examples/fixture/vmlinux');
  assert.deepEqual(s.modulePaths, ['/ws/examples/debug', '/usr/lib/debug', '/ws/examples/mods']);
  assert.deepEqual(s.sourceRoots, ['/home/u/linux']);
  assert.deepEqual(s.pathMap, { '/build/linux-fixture/': '/ws/examples/fixture/src/', '/usr/src/evalmod/': '/abs/src/' });
  assert.equal(s.kernelRepo, '', 'an empty setting stays empty (= discover)');
});

test('without a workspace folder relative paths are left as written', () => {
  const s = resolveSettingPaths(resolveSettings({ vmlinux: 'fixture/vmlinux' }), undefined);
  assert.equal(s.vmlinux, 'fixture/vmlinux');
});
