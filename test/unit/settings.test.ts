// The typed settings schema and package.json contributes.configuration must describe the same settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultSettings, resolveSettingPaths, resolveSettings } from '../../server/src/settings';

function flatten(obj: Record<string, unknown>, prefix = 'oopsLens.'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    // Nested groups (like `web`) flatten to dotted keys; record-valued settings (pathMap) stay whole.
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[prefix + k] = v;
  }
  return out;
}

test('package.json contributes exactly the settings of the schema, with the same defaults', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const schema = flatten(defaultSettings as unknown as Record<string, unknown>);
  assert.deepEqual(Object.keys(props).sort(), Object.keys(schema).sort());
  for (const [k, v] of Object.entries(schema)) assert.deepEqual(props[k].default, v, k);
});

test('ill-typed settings fall back to defaults', () => {
  const s = resolveSettings({ vmlinux: 3, modulePaths: ['a', 4], symbolizer: 'gdb', web: { sourceUrl: null }, pathMap: { a: 'b', c: 1 } });
  assert.equal(s.vmlinux, '');
  assert.deepEqual(s.modulePaths, ['a']);
  assert.equal(s.symbolizer, 'builtin');
  assert.equal(s.web.sourceUrl, defaultSettings.web.sourceUrl);
  assert.deepEqual(s.pathMap, { a: 'b' });
});

test('every path setting expands ~ and ${workspaceFolder}; relative ones resolve against the workspace folder', () => {
  const s = resolveSettingPaths(resolveSettings({
    vmlinux: '~/build/vmlinux',
    modulePaths: ['${workspaceFolder}/debug/', '~', 'mods'],
    sourceRoots: ['  ~/linux  ', './tree'],
    kernelRepo: '${workspaceFolder}',
    web: { version: '~/not-a-path' },
  }), '/ws', '/home/u');
  assert.equal(s.vmlinux, '/home/u/build/vmlinux');
  assert.deepEqual(s.modulePaths, ['/ws/debug/', '/home/u', '/ws/mods']);
  assert.deepEqual(s.sourceRoots, ['/home/u/linux', '/ws/tree'], 'surrounding blanks do not defeat the expansion');
  assert.equal(s.kernelRepo, '/ws');
  assert.equal(s.web.version, '~/not-a-path', 'only path settings are expanded');
});

test('~user and a ~ inside a path are not the home directory; without a workspace ${workspaceFolder} stays', () => {
  const s = resolveSettingPaths(resolveSettings({ modulePaths: ['~other/mods', '/srv/a~/b'], sourceRoots: ['${workspaceFolder}/linux'] }), undefined, '/home/u');
  assert.deepEqual(s.modulePaths, ['~other/mods', '/srv/a~/b']);
  assert.deepEqual(s.sourceRoots, ['${workspaceFolder}/linux']);
});

test('the home directory defaults to the user\'s', () => {
  assert.equal(resolveSettingPaths(resolveSettings({ vmlinux: '~/vmlinux' }), undefined).vmlinux, join(homedir(), 'vmlinux'));
});
