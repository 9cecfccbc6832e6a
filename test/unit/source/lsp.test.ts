// Go to source over a real stdio connection to the bundled server (dist/cli.js `lsp --stdio`):
// definition and document links, with tree-sitter loaded from the wasm files the build copies to dist/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { spawnServer, type StdioServer } from '../../lsp/stdio-server';

const ROOT = join(__dirname, '../../..');
const FIX = join(ROOT, 'test/fixtures/source');
const LINUX = join(FIX, 'linux-6.1');
let server: StdioServer;
let conn: MessageConnection;
const progress: string[] = [];

interface Loc { uri: string; range: { start: { line: number; character: number } } }
interface Link { target?: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }

before(async () => {
  server = spawnServer();
  conn = server.conn;
  conn.onRequest('workspace/configuration', () => [{ sourceRoots: [LINUX, join(FIX, 'evalmod')] }]);
  conn.onNotification('$/progress', (p: { value: { kind: string; title?: string } }) => { if (p.value.kind === 'begin') progress.push(p.value.title ?? ''); });
  conn.onNotification('window/logMessage', () => undefined);
  conn.onNotification('oopsLens/status', () => undefined);
  conn.listen();
  const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true }, window: { workDoneProgress: true } }, initializationOptions: { trusted: true } })) as { capabilities: Record<string, unknown> };
  assert.equal(init.capabilities.definitionProvider, true);
  assert.ok(init.capabilities.documentLinkProvider);
  await conn.sendNotification('initialized', {});
});

after(() => {
  server?.stop();
});

test('document links and go to definition over LSP', async () => {
  const text = readFileSync(join(FIX, 'crash-bt-l.txt'), 'utf8') + [
    '[   12.345680] CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2',
    '[   12.345682] Call Trace:',
    '[   12.345683]  <TASK>',
    '[   12.345686]  sysrq_handle_crash+0x16/0x20',
    '[   12.345690]  ksys_write+0x6b/0xf0',
    '[   12.345691]  __x64_sys_write+0x19/0x20',
    '[   12.345693]  </TASK>',
  ].join('\n');
  const uri = 'file:///test/source-links.oops';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
  const lines = text.split('\n');

  // Settings are pulled after `initialized`; ask until the local tree is in effect.
  const rw = lines.findIndex((l) => l.includes('fs/read_write.c: 582'));
  let links: Link[] = [];
  for (let i = 0; i < 100; i++) {
    links = (await conn.sendRequest('textDocument/documentLink', { textDocument: { uri } })) as Link[];
    if (links.some((l) => l.target?.startsWith('file:'))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(links.find((l) => l.range.start.line === rw)?.target, `${pathToFileURL(join(LINUX, 'fs/read_write.c'))}#L582`);
  assert.ok(links.every((l) => /^(https?|file):/.test(l.target ?? '')));

  const def = async (needle: string, offset = 1) => {
    const line = lines.findIndex((l) => l.includes(needle));
    return (await conn.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line, character: lines[line].indexOf(needle) + offset } })) as Loc[] | null;
  };
  const crash = await def('sysrq_handle_crash+');
  assert.deepEqual(crash?.map((l) => [l.uri, l.range.start.line]), [[pathToFileURL(join(LINUX, 'drivers/tty/sysrq.c')).toString(), 4]]);
  assert.ok(progress.some((t) => /indexing/i.test(t)), `progress shown: ${progress.join(', ')}`);
  const sc = await def('__x64_sys_write+');
  assert.deepEqual(sc?.map((l) => l.range.start.line), [22], 'SYSCALL_DEFINE3(write');
  const fileRef = await def('fs/read_write.c: 582', 5);
  assert.deepEqual(fileRef?.map((l) => l.range.start.line), [581]);
  const mod = await def('/usr/src/evalmod/evalcrash.c: 46', 5);
  assert.deepEqual(mod?.map((l) => l.uri), [pathToFileURL(join(FIX, 'evalmod/evalcrash.c')).toString()]);
});
