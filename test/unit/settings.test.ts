// The typed settings schema and package.json contributes.configuration must describe the same settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, resolveSettings } from '../../server/src/settings';

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
