// Hovers through the real VS Code API: frames resolved against the example settings' fixture
// vmlinux and module debug file (truth from binutils / the corpus), taint letters, Code: bytes.
import * as assert from 'assert';
import { fixtureFrameTruth, hoverAt, openExample, positionOf, until } from './util';

describe('hover', () => {
  it('a return-address frame shows its call site (address - 1) from the fixture vmlinux', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const frame = doc.lineAt(positionOf(doc, 'demo_ioctl+').line).text.match(/demo_ioctl\+0x[0-9a-f]+\/0x[0-9a-f]+/)![0];
    const truth = fixtureFrameTruth(frame, false); // [{ fn: 'demo_ioctl', file: '/build/linux-fixture/drivers/demo/demo.c', line }]
    const want = `demo.c:${truth[truth.length - 1].line}`;
    const text = await until(`hover on ${frame} to show ${want}`, () => hoverAt(doc, positionOf(doc, 'demo_ioctl+')), (t) => t.includes(want));
    assert.ok(text.includes('demo_ioctl'));
  });

  it('the exact-PC frame shows its inline chain (demo_buf_len inlined into demo_checksum)', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const truth = fixtureFrameTruth('demo_checksum+0x0/0x25', true);
    assert.ok(truth.length >= 2, `binutils sees no inlining: ${JSON.stringify(truth)}`);
    const text = await until('hover on RIP demo_checksum with the inline chain',
      () => hoverAt(doc, positionOf(doc, 'demo_checksum+0x0', 'RIP: 0010:demo_checksum')),
      (t) => truth.every((t2) => t.includes(t2.fn) && t.includes(`demo.c:${t2.line}`)));
    assert.ok(text.indexOf(truth[0].fn) >= 0);
  });

  it('a module frame resolves against the module debug file in modulePaths', async () => {
    // Truth: corpus real-kernel/truth/mod-bug-on.jsonl, evalcrash_dispatch+0x4f callsite = evalcrash.c:205.
    const doc = await openExample('reports/x86-64-evalcrash-bug-on.oops');
    await until('hover on evalcrash_dispatch+0x4f/0x60 [evalcrash]',
      () => hoverAt(doc, positionOf(doc, 'evalcrash_dispatch+0x4f')), (t) => t.includes('evalcrash.c:205'));
  });

  it('the taint flags explain each letter', async () => {
    const doc = await openExample('reports/x86-64-evalcrash-bug-on.oops');
    const text = await until('hover on `Tainted: G           OE`',
      () => hoverAt(doc, positionOf(doc, 'OE', 'Tainted: G           OE')), (t) => /out-of-tree/i.test(t));
    assert.match(text, /unsigned/i);
  });

  it('the Code: line is disassembled around the trapping instruction', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    // The trapping byte <8b> of the first report is `mov 0x8(%rdi),%eax` (objdump), the NULL + 8 read.
    const text = await until('hover on the first Code: line',
      () => hoverAt(doc, positionOf(doc, '<8b>', 'Code:')), (t) => /\bmov\b/i.test(t) && /rdi/i.test(t));
    assert.match(text, /0x8\(%rdi\)|\[rdi\+(0x)?8\]|\[rdi\+8h\]/i, 'the trapping instruction is not shown');
  });
});
