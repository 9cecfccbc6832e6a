// The bundled language server (dist/cli.js lsp --stdio, with the wasm files copied next to it) over a
// real stdio connection: Code: hover, code lenses, and the lens command opening an oops-disasm: document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { CLI, handshake, spawnServer, type StdioServer } from '../../lsp/stdio-server';
import { CORPUS } from './corpus-code-lines';

const ROOT = join(__dirname, '../../..');
const SOURCE = join(ROOT, 'server/src/symbols/disasm/index.ts');

function why(): string | false {
  if (!existsSync(CLI)) return 'dist/cli.js not built (npm run build)';
  if (statSync(CLI).mtimeMs < statSync(SOURCE).mtimeMs) return 'dist/ is older than the sources (npm run build)';
  if (!existsSync(join(CORPUS, 'real-kernel-arm64'))) return `corpus not present (${CORPUS})`;
  return false;
}
const skip = why();

let server: StdioServer | undefined;
let conn: MessageConnection | undefined;
const shown: string[] = [];

before(async () => {
  if (skip) return;
  server = spawnServer({ cwd: '/' });
  conn = server.conn;
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest('window/showDocument', (p: { uri: string }) => { shown.push(p.uri); return { success: true }; });
  const caps = (await handshake(conn, { capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: false } })) as { codeLensProvider?: unknown; executeCommandProvider?: { commands: string[] } };
  assert.ok(caps.codeLensProvider, 'codeLensProvider advertised');
  assert.ok(caps.executeCommandProvider?.commands.includes('oopsLens.showDisassembly'));
});

after(() => {
  server?.stop();
});

test('arm64 Oops over LSP: Code: hover, lens, and the lens command document', { skip }, async () => {
  const c = conn!;
  const text = readFileSync(join(CORPUS, 'real-kernel-arm64/logs/mod-null-deref.log'), 'utf8');
  const uri = 'file:///test/arm64-null.oops';
  await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
  const lines = text.split('\n');
  const codeLine = lines.findIndex((l) => l.includes('Code: '));
  const hover = (await c.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: codeLine, character: lines[codeLine].indexOf('Code:') + 8 } })) as { contents: { value: string } };
  assert.match(hover.contents.value, /=> evalcrash_null_deref\+0x2c +f9000401 +str x1, \[x0, #8\]/);
  const esrLine = lines.findIndex((l) => l.includes('ESR = 0x'));
  const esr = (await c.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: esrLine, character: lines[esrLine].indexOf('ESR') + 2 } })) as { contents: { value: string } };
  assert.match(esr.contents.value, /DABT \(current EL\)[\s\S]*WnR = 1/);

  const lenses = (await c.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }[];
  const lens = lenses.find((l) => l.range.start.line === codeLine);
  assert.ok(lens, 'lens above the Code: line');
  assert.equal(lens.command.title, 'Disassemble (5 instructions, trap: str x1, [x0, #8])');
  const ok = await c.sendRequest('workspace/executeCommand', { command: lens.command.command, arguments: lens.command.arguments });
  assert.equal(ok, true);
  const docUri = shown.at(-1)!;
  assert.match(docUri, /^oops-disasm:\/L\d+\//);
  const content = (await c.sendRequest('workspace/textDocumentContent', { uri: docUri })) as { text: string };
  assert.match(content.text, /matches the fault address in the header/);
});
