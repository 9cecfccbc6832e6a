// Links: only http(s) and file targets are ever produced, and a hostile log line cannot inject a
// `command:` URI, a Markdown link or raw HTML into a hover (checked with a CommonMark parser).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { documentState } from '../../../server/src/features/documents';
import { provideHover } from '../../../server/src/features/hover';
import { provideDocumentLinks } from '../../../server/src/features/document-links';
import { provideCodeActions } from '../../../server/src/features/code-actions';
import { crashSessionCodeActions } from '../../../server/src/features/crash-session';
import { FixService } from '../../../server/src/features/fix-commands';
import { provideDefinition } from '../../../server/src/features/definition';
import { checkMarkdown, fuzzContext, markdownLinks } from '../fuzz/text-harness';

const EVIL = '[click](command:workbench.action.terminal.new)';
const HOSTILE = [
  '[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000008',
  `[   12.345679] CPU: 1 PID: 4242 Comm: ${EVIL} Tainted: G    B   W  O      6.1.0-56-amd64 #1 Debian 6.1.192-2`,
  '[   12.345680] Hardware name: <a href="command:workbench.action.openSettings">QEMU</a> <img src=x onerror=alert(1)>',
  `[   12.345681] RIP: 0010:${EVIL}+0x10/0x20 [evil](command:x)`,
  '[   12.345682] Code: 0f 0b <0f> 0b [x](command:y)',
  '[   12.345682] Code: 0f 0b <0f> 0b 90 90 cc cc[click](command:oopsLens.showDisassembly)` [<ffffffff81000000>] start_kernel+0x1/0x2',
  '[   12.345683] RAX: 0000000000000000 RBX: ffff888100000000 RCX: [x](command:z)',
  '[   12.345684] Call Trace:',
  '[   12.345685]  <TASK>',
  `[   12.345686]  evil_fn+0x1/0x2 [mod\`${EVIL}\`]`,
  '[   12.345687]  ? `x`](command:a)+0x1/0x2',
  '[   12.345688]  do_thing+0x1/0x2 fs/[x](command:b).c:12',
  '[   12.345689]  other+0x3/0x4 ../../command:c.c:1 <command:d>',
  '[   12.345690]  __x64_sys_write+0x1/0x2 javascript:alert(1)//x.c:3',
  '[   12.345691]  </TASK>',
  `[   12.345692] Modules linked in: evil${EVIL}(OE) nfs(POE) <b>bold</b>`,
  '[   12.345693] kernel BUG at [x](command:e).c:42!',
  `[   12.345694] WARNING: CPU: 0 PID: 1 at ${EVIL}/x.c:1 f+0x1/0x2`,
  '[   12.345695] ---[ end trace 0000000000000000 ]---',
  '[   12.345696] kernel BUG at mm/slub.c:4242!',
  '[   12.345700] BUG: kernel NULL pointer dereference, address: 0000000000000010',
  '[   12.345701] CPU: 0 PID: 1 Comm: init Tainted: G   CPU: 0 PID: 1 Comm: `[x](command:workbench.action.terminal.new)` Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2',
  '[   12.345697] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (root@evil.example)',
  '[   12.345698] Oops: 0002 [#2] SMP PTI user@example.org',
  '[   12.345699] CPU: 0 PID: 1 Comm: a@b.cd Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2 (x@y.zz)',
  'crash> bt',
  `PID: 1  TASK: ffff888100000000  CPU: 0  COMMAND: "${EVIL}"`,
  ` #0 [ffffc90000003e38] ${EVIL} at ffffffff8105f4e7`,
  `    KERNEL: /tmp/${EVIL}/vmlinux`,
  `     PANIC: "${EVIL}"`,
].join('\n');

const SAFE = /^(?:https?|file):/i;

describe('links and Markdown from hostile logs', () => {
  for (const [label, settings] of [
    ['default settings', {}],
    ['hostile web templates in settings', { web: { sourceUrl: 'command:workbench.action.terminal.new?${path}', identUrl: 'javascript:alert("${ident}")', commitUrl: 'vscode://x/${sha}', version: '' } }],
  ] as const) {
    it(`${label}: hovers at every position carry no injected link or HTML and are not trusted`, async () => {
      const ctx = fuzzContext(settings as never, { trusted: false, root: '/nonexistent-oops-root' });
      const doc = documentState('file:///hostile.oops', HOSTILE);
      let hovers = 0;
      for (let line = 0; line < doc.lines.length; line++) {
        for (let ch = 0; ch <= doc.lines[line].length; ch += 2) {
          const h = await provideHover(doc, line, ch, ctx);
          if (!h) continue;
          hovers++;
          const c = h.contents as { kind: string; value: string; isTrusted?: boolean };
          assert.equal(c.kind, 'markdown');
          assert.notEqual(c.isTrusted, true);
          checkMarkdown(`hover ${line}:${ch}`, c.value);
        }
      }
      assert.ok(hovers > 20, `only ${hovers} hovers`);
      assert.deepEqual(ctx.failures, []);
    });

    it(`${label}: document links, definitions and code actions target only http(s)/file`, async () => {
      const ctx = fuzzContext(settings as never, { trusted: false, root: '/nonexistent-oops-root' });
      const doc = documentState('file:///hostile.oops', HOSTILE);
      const links = provideDocumentLinks(doc, ctx);
      for (const l of links) assert.match(l.target ?? '', SAFE, JSON.stringify(l));
      for (let line = 0; line < doc.lines.length; line++) {
        for (let ch = 0; ch <= doc.lines[line].length; ch += 4) {
          for (const d of (await provideDefinition(doc, line, ch, ctx)) ?? []) assert.match(d.uri, SAFE);
        }
        const range = { start: { line, character: 0 }, end: { line, character: doc.lines[line].length } };
        const fixes = new FixService(ctx, { showDocument: async () => true, ask: async () => undefined }, () => doc);
        for (const a of [...crashSessionCodeActions(doc, range), ...provideCodeActions(doc, range, ctx, fixes)]) {
          assert.ok(!a.command || a.command.command.startsWith('oopsLens.'), a.command?.command);
          for (const arg of a.command?.arguments ?? []) {
            const url = (arg as { url?: unknown })?.url;
            if (typeof url === 'string') assert.match(url, SAFE);
          }
        }
      }
      if (label === 'default settings') assert.ok(links.length > 0, 'the default templates do produce (https) links');
    });
  }

  it('an e-mail address in a boot banner does not become a mailto: link (found by fuzzing)', async () => {
    const ctx = fuzzContext({}, { trusted: false, root: '/nonexistent-oops-root' });
    // The input the fuzz campaign reduced it to: a banner glued to console noise becomes a report title.
    const doc = documentState('file:///banner.oops', [
      '  SeaBIOS (version 1.16.2-debian-1.16.2-1)',
      '  Booting from ROM...',
      '  Probing EDD (edd=off to disable)... o[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)',
      '  [    0.1] Command line: console=ttyS0,115200 evalscn=mod-bugon oops=panic',
      '  [    0.000000] BIOS-provided physical RAM map:',
      '   panic+0x20/0x85',
    ].join('\n'));
    let hovers = 0;
    for (let line = 0; line < doc.lines.length; line++) {
      for (let ch = 0; ch <= doc.lines[line].length; ch++) {
        const h = await provideHover(doc, line, ch, ctx);
        if (!h) continue;
        hovers++;
        checkMarkdown(`hover ${line}:${ch}`, (h.contents as { value: string }).value);
      }
    }
    assert.ok(hovers > 0);
  });

  it('the Markdown checker itself catches injected links, autolinks and HTML (so the tests above can fail)', () => {
    assert.deepEqual(markdownLinks(`x ${EVIL}`).links, ['command:workbench.action.terminal.new']);
    assert.deepEqual(markdownLinks('<command:x>').links, ['command:x']);
    assert.throws(() => checkMarkdown('t', `\`a\`${EVIL}`), /markdown link/);
    assert.throws(() => checkMarkdown('t', '<a href="command:x">y</a>'), /raw HTML/);
    assert.doesNotThrow(() => checkMarkdown('t', '\\[click\\]\\(command:x\\) [Elixir](https://elixir.bootlin.com/linux/v6.1/source/mm/slub.c#L1)'));
  });
});
