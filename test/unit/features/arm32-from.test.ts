// arm32 backtraces print `[<pc>] (callee) from [<lr>] (caller+off/size)`: the `from` part is the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentState } from '../../../server/src/features/documents';
import { frameAt } from '../../../server/src/features/positions';
import { provideHover } from '../../../server/src/features/hover';
import { silentSink, type FeatureContext } from '../../../server/src/features/context';
import { defaultSettings } from '../../../server/src/settings';

// syzkaller corpus report 240 (ARM Versatile Express, 4.17), Apache-2.0, see test/fixtures/syzkaller/NOTICE.
const TEXT = [
  'WARNING: CPU: 0 PID: 8775 at net/ipv6/xfrm6_tunnel.c:345 xfrm6_tunnel_net_exit+0x84/0x104',
  'Kernel panic - not syncing: panic_on_warn set ...',
  '',
  'CPU: 0 PID: 8775 Comm: kworker/u10:2 Not tainted 4.17.0-rc1+ #11',
  'Hardware name: ARM-Versatile Express',
  '[<8011218c>] (unwind_backtrace) from [<8010e300>] (show_stack+0x18/0x1c)',
  '[<8010e300>] (show_stack) from [<80b12478>] (dump_stack+0xa0/0xc0)',
  ' r7:00000080 r6:60000193 r5:00000000 r4:83624124',
  '[<80b12478>] (dump_stack) from [<801349a8>] (panic+0x104/0x2cc)',
  '[<801349a8>] (panic) from [<8013479c>] (warn_slowpath_fmt+0x0/0x5c)',
  '',
].join('\n');

const ctx: FeatureContext = { settings: () => defaultSettings, trusted: () => false, client: silentSink };

test('the from part of an arm32 frame line is the caller frame of the next line', async () => {
  const doc = documentState('file:///arm.oops', TEXT);
  for (const [line, name, next] of [[5, 'show_stack', 6], [6, 'dump_stack', 8], [8, 'panic', 9]] as const) {
    const col = doc.lines[line].indexOf(`${name}+0x`) + 2;
    const f = frameAt(doc, line, col);
    assert.ok(f, `${name} on line ${line}`);
    assert.equal(f.function, name);
    assert.equal(f.span.line, next);
    const h = await provideHover(doc, line, col, ctx);
    assert.match((h?.contents as { value: string }).value, new RegExp(name));
    assert.equal(h?.range, undefined);
  }
  // The callee part keeps its own frame.
  assert.equal(frameAt(doc, 5, 3)?.function, 'unwind_backtrace');
  // The last `from` has no next frame line: it is the return address into the caller, on its own.
  const last = frameAt(doc, 9, doc.lines[9].indexOf('warn_slowpath_fmt+') + 2);
  assert.deepEqual(
    last && [last.function, last.span.line, last.offset, last.size, last.address, last.exact, doc.lines[9].slice(last.nameSpan.start, last.nameSpan.end)],
    ['warn_slowpath_fmt', 9, 0, 0x5c, '8013479c', false, 'warn_slowpath_fmt'],
  );
  const h = await provideHover(doc, 9, last!.nameSpan.start + 1, ctx);
  assert.match((h?.contents as { value: string }).value, /warn_slowpath_fmt/);
});
