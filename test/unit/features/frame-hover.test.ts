// The whole frame hover (every part joined) with a vmlinux: each fact is said once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { documentState } from '../../../server/src/features/documents';
import { provideHover } from '../../../server/src/features/hover';
import { silentSink, type FeatureContext } from '../../../server/src/features/context';
import { SymbolService } from '../../../server/src/symbols/service';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { defaultSettings } from '../../../server/src/settings';
import { buildFixtures } from '../symbols/build-fixtures';

const fx = buildFixtures();
after(() => fx.cleanup());

test('a resolved frame says where it was looked up once; an unresolved one still says it', async () => {
  const o = DebugObject.open(fx.dwarf5);
  const s = o.symbols.byName('fs_entry')[0];
  o.close();
  const text = `Kernel panic - not syncing: x\nCall Trace:\n fs_entry+0x3/0x${s.kallsymsSize.toString(16)}\n`;
  const doc = documentState('file:///t.oops', text);
  const f = doc.model.frames[0];
  const hover = async (vmlinux: string) => {
    const settings = { ...defaultSettings, vmlinux };
    const symbols = new SymbolService(() => settings);
    after(() => symbols.dispose());
    const ctx: FeatureContext = { settings: () => settings, trusted: () => true, client: silentSink, symbols };
    const h = await provideHover(doc, f.nameSpan.line, f.nameSpan.start + 1, ctx);
    return (h?.contents as { value: string }).value;
  };
  const md = await hover(fx.dwarf5);
  assert.match(md, /\(return address `0x[0-9a-f]+` − 1: the call site\)/);
  assert.equal(md.match(/call site/g)?.length, 1, md);
  const none = await hover('/nonexistent/vmlinux');
  assert.match(none, /return address: the source line is the call site/);
});
