// The symbolizer features through the real language server (bundled CLI `lsp --stdio`):
// inlay hints, hover, the `oopsLens/decode` request, the status notification, mismatch diagnostics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { handshake, spawnServer, type StdioServer } from '../../lsp/stdio-server';
import { buildFixtures } from './build-fixtures';

const fx = buildFixtures();
let server: StdioServer | undefined;
let conn: MessageConnection;
let caps: Record<string, unknown>;
const statuses: { text: string; tooltip?: string; uri?: string }[] = [];
const diagnostics = new Map<string, { code: string; message: string; range: { start: { line: number } } }[][]>();

const o = DebugObject.open(fx.dwarf5);
const sym = (n: string) => o.symbols.byName(n)[0];
const crash = sym('sysrq_handle_crash'), fsEntry = sym('fs_entry');
o.close();
const hex = (n: bigint | number) => '0x' + n.toString(16);
const report = (release: string) =>
  [
    '[    2.980265] Kernel panic - not syncing: sysrq triggered crash',
    `[    2.980440] CPU: 0 PID: 1 Comm: init Not tainted ${release} #1 SMP PREEMPT_DYNAMIC Fixture 6.1.1-1`,
    '[    2.980812] Call Trace:',
    '[    2.981213]  <TASK>',
    `[    2.981646]  sysrq_handle_crash+${hex(crash.elfSize)}/${hex(crash.kallsymsSize)}`,
    `[    2.982109]  fs_entry+0x9/${hex(fsEntry.kallsymsSize)}`,
    '[    2.982334]  </TASK>',
    '',
  ].join('\n');

before(async () => {
  server = spawnServer();
  conn = server.conn;
  conn.onNotification('oopsLens/status', (p: { text: string; tooltip?: string; uri?: string }) => {
    statuses.push(p);
  });
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: never[] }) => {
    diagnostics.set(p.uri, [...(diagnostics.get(p.uri) ?? []), p.diagnostics]);
  });
  caps = await handshake(conn, { initializationOptions: { trusted: true, settings: { vmlinux: fx.dwarf5, modulePaths: [fx.dir] } } });
});

after(() => {
  server?.stop();
  fx.cleanup();
});

async function open(name: string, text: string): Promise<string> {
  const uri = `file:///test/${name}`;
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
  return uri;
}

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('inlay hints, hover and decode through the server', async () => {
  assert.equal(caps.inlayHintProvider, true);
  const text = report('6.1.0-fixture');
  const uri = await open('ok.oops', text);
  const hints = (await conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } } })) as { label: string; position: { line: number } }[];
  assert.deepEqual(hints.map((h) => h.position.line), [4, 5]);
  for (const h of hints) assert.match(h.label, /core\.c:\d+/);

  const line = text.split('\n')[5];
  const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: line.indexOf('fs_entry') + 1 } })) as { contents: { value: string } };
  assert.match(hover.contents.value, new RegExp(`looked up at \`${hex(fsEntry.address + 8n)}\``));

  const decoded = (await conn.sendRequest('oopsLens/decode', { uri })) as { text: string; problems: string[] };
  assert.match(decoded.text.split('\n').find((l) => l.includes('fs_entry+0x9'))!, /core\.c:\d+$/);
  assert.deepEqual(decoded.problems, []);
  const status = await until(() => statuses.find((s) => s.text.includes('vmlinux-dwarf5')), 'status');
  assert.match(status.text, /\$\(check\)/);
});

test('a report of another release gets a mismatch diagnostic and a warning status', async () => {
  const uri = await open('other.oops', report('6.1.0-56-amd64'));
  const diag = await until(() => diagnostics.get(uri)?.flat().find((d) => d.code === 'vmlinux-mismatch'), 'mismatch diagnostic');
  assert.equal(diag.range.start.line, 1);
  assert.match(diag.message, /6\.1\.0-fixture, the report is 6\.1\.0-56-amd64/);
  const mismatch = await until(() => statuses.find((s) => s.text.includes('mismatch')), 'mismatch status');
  // Each state names its document: the client shows the active editor's.
  assert.equal(mismatch.uri, uri);
  assert.equal(statuses.find((s) => s.text.includes('vmlinux-dwarf5') && s.text.includes('$(check)'))?.uri, 'file:///test/ok.oops');
});

test('a document opened before the pulled settings arrive is answered with them, not with the defaults', async () => {
  const slow = spawnServer();
  try {
    // The client answers workspace/configuration late, as a busy editor (or a restarted server's client) may.
    slow.conn.onRequest('workspace/configuration', async () => {
      await new Promise((r) => setTimeout(r, 700));
      return [{ vmlinux: fx.dwarf5 }];
    });
    const seen: { text: string; uri?: string }[] = [];
    slow.conn.onNotification('oopsLens/status', (p: { text: string; uri?: string }) => void seen.push(p));
    await handshake(slow.conn, { capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: true } });
    const uri = 'file:///test/early.oops';
    const text = report('6.1.0-fixture');
    await slow.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
    const line = text.split('\n')[5];
    const hover = (await slow.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: line.indexOf('fs_entry') + 1 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, new RegExp(`looked up at \`${hex(fsEntry.address + 8n)}\``));
    assert.doesNotMatch(hover.contents.value, /no vmlinux configured/);
    await until(() => seen.find((s) => s.uri === uri), 'status of the early document');
    assert.ok(seen.every((s) => !/vmlinux: none/.test(s.text)), JSON.stringify(seen));
  } finally {
    slow.stop();
  }
});
