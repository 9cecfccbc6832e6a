// The fix actions through the real server (bundled CLI `lsp --stdio`), as VS Code drives them:
// code action -> workspace/executeCommand -> window/showMessageRequest -> window/showDocument ->
// workspace/textDocumentContent for the read-only `oops-git:` documents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { spawnServer, type StdioServer } from '../../lsp/stdio-server';
import { buildHistory, type History } from './kernel-history';

let h: History;
let server: StdioServer;
let conn: MessageConnection;
let caps: Record<string, unknown>;
const shown: { uri: string; external?: boolean }[] = [];
const asked: string[] = [];

const OOPS = readFileSync(join(__dirname, '../../fixtures/fixes/nfs-unlock-bug-debian-6.1.oops'), 'utf8');

before(async () => {
  h = buildHistory();
  server = spawnServer();
  conn = server.conn;
  conn.onRequest('window/showMessageRequest', (p: { message: string; actions: { title: string }[] }) => {
    asked.push(p.message);
    return p.actions.find((a) => a.title === 'Show all') ?? null;
  });
  conn.onRequest('window/showDocument', (p: { uri: string; external?: boolean }) => {
    shown.push(p);
    return { success: true };
  });
  conn.listen();
  const init = (await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { showDocument: { support: true }, workDoneProgress: true } },
    initializationOptions: { trusted: true, settings: { kernelRepo: h.repo.dir } },
  })) as { capabilities: Record<string, unknown> };
  caps = init.capabilities;
  await conn.sendNotification('initialized', {});
});

after(() => {
  server?.stop();
  h?.repo.cleanup();
});

test('advertises the commands and the oops-git: content scheme', () => {
  const commands = (caps.executeCommandProvider as { commands: string[] }).commands;
  for (const c of ['oopsLens.findFixes', 'oopsLens.openCommit', 'oopsLens.openUrl']) assert.ok(commands.includes(c), c);
  assert.ok((caps.workspace as { textDocumentContent: { schemes: string[] } }).textDocumentContent.schemes.includes('oops-git'));
});

test('finds upstream fixes from the report header and opens them read-only', async () => {
  const uri = 'file:///test/nfs.oops';
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text: OOPS } });
  const pos = { line: 0, character: 20 };
  const actions = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: pos, end: pos }, context: { diagnostics: [] } })) as {
    title: string;
    command?: { command: string; arguments: unknown[] };
  }[];
  const find = actions.find((a) => a.title === 'Find upstream fixes for nfs_unlock_request()');
  assert.ok(find, actions.map((a) => a.title).join(' | '));
  const result = (await conn.sendRequest('workspace/executeCommand', { command: find.command!.command, arguments: find.command!.arguments })) as {
    base: string;
    commits: { sha: string; contained: string }[];
  };
  assert.equal(result.base, 'v6.1.2');
  assert.equal(result.commits[0].sha, h.fixElsewhere);
  for (let i = 0; i < 50 && !shown.length; i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(asked[0], /may fix nfs_unlock_request\(\)/);
  const summary = (await conn.sendRequest('workspace/textDocumentContent', { uri: shown[0].uri })) as { text: string };
  assert.match(summary.text, /# Upstream commits for nfs_unlock_request\(\)/);

  const again = (await conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: pos, end: pos }, context: { diagnostics: [] } })) as {
    title: string;
    command?: { command: string; arguments: unknown[] };
  }[];
  const open = again.find((a) => a.command?.command === 'oopsLens.openCommit');
  assert.ok(open);
  await conn.sendRequest('workspace/executeCommand', { command: open.command!.command, arguments: open.command!.arguments });
  const patchUri = shown.at(-1)!.uri;
  assert.equal(patchUri, `oops-git:/commit/${h.fixElsewhere}.patch`);
  const show = (await conn.sendRequest('workspace/textDocumentContent', { uri: patchUri })) as { text: string };
  assert.match(show.text, /^commit [0-9a-f]{40}/);
  assert.match(show.text, /Fixes: [0-9a-f]{12} \("NFS: relax barriers in nfs_unlock_request"\)/);
});
