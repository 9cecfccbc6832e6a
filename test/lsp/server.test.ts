// The language server over a real stdio connection (the bundled CLI `lsp --stdio`), as an editor talks to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { handshake, spawnServer, type StdioServer } from './stdio-server';

const ROOT = join(__dirname, '../..');
const SHARED = join(ROOT, '../shared/corpus');
let server: StdioServer | undefined;
let conn: MessageConnection;
const diagnostics = new Map<string, unknown[]>();
const diagWaiters: ((uri: string) => void)[] = [];

before(async () => {
  server = spawnServer();
  conn = server.conn;
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: unknown[] }) => {
    diagnostics.set(p.uri, p.diagnostics);
    diagWaiters.splice(0).forEach((w) => w(p.uri));
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  await handshake(conn, { capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: false } });
});

after(() => {
  server?.stop();
});

async function open(name: string, text: string): Promise<string> {
  const uri = `file:///test/${name}`;
  const got = new Promise<void>((resolve) => diagWaiters.push((u) => u === uri && resolve()));
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
  await got;
  return uri;
}

test('outline, diagnostics, hover and folding for a real Oops', async () => {
  const text = readFileSync(join(SHARED, 'real-kernel/logs/mod-null-deref.log'), 'utf8');
  const uri = await open('null.oops', text);
  const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string; children?: unknown[] }[];
  const oops = symbols.find((s) => s.name.includes('NULL pointer dereference'));
  assert.ok(oops, `no outline entry for the Oops: ${symbols.map((s) => s.name).join(' | ')}`);
  assert.ok((oops.children ?? []).length > 0);

  const diags = diagnostics.get(uri) as { code: string; message: string; range: { start: { line: number } } }[];
  const guilty = diags.find((d) => d.code === 'guilty-frame');
  assert.ok(guilty, 'guilty frame diagnostic');
  assert.match(text.split('\n')[guilty.range.start.line], /evalcrash_null_deref/);
  assert.ok(diags.some((d) => d.code === 'unreliable-frame'));

  const frameLine = text.split('\n').findIndex((l) => l.includes(' vfs_write+0xc7/0x3f0'));
  const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: frameLine, character: text.split('\n')[frameLine].indexOf('vfs_write') + 2 } })) as { contents: { value: string } };
  assert.match(hover.contents.value, /vfs_write/);
  assert.match(hover.contents.value, /return address/);

  const folds = (await conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as { startLine: number; endLine: number }[];
  assert.ok(folds.length >= 3);
});

test('garbage and a huge single line do not take the server down', async () => {
  const bytes = Buffer.alloc(200_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  await open('garbage.oops', bytes.toString('latin1'));
  await open('long.oops', 'BUG: ' + 'x+0x1/0x2 '.repeat(500_000));
  const uri = await open('after.oops', 'BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n foo+0x1/0x2\n');
  const symbols = (await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as unknown[];
  assert.equal(symbols.length, 1);
});
