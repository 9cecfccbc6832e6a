// The bundled server (dist/cli.js `lsp --stdio`) on a real stdio connection, started as an editor starts it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const ROOT = join(__dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface StdioServer {
  proc: ChildProcess;
  conn: MessageConnection;
  stop(): void;
}

/**
 * Spawns the server. Its connection already answers capability registration and progress creation
 * and ignores diagnostics and progress; it is not listening yet: add the test's handlers, then listen().
 */
export function spawnServer(options: { cwd?: string; fromSource?: boolean } = {}): StdioServer {
  // fromSource: server/src/cli.ts through tsx, for tests that must not depend on a fresh build.
  if (!options.fromSource) assert.ok(existsSync(CLI), 'dist/cli.js: run `npm run build` first');
  const entry = options.fromSource ? ['--import', 'tsx', join(ROOT, 'server/src/cli.ts')] : [CLI];
  const proc = spawn(process.execPath, [...entry, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: options.cwd ?? (options.fromSource ? ROOT : undefined) });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('textDocument/publishDiagnostics', () => undefined);
  conn.onNotification('$/progress', () => undefined);
  return { proc, conn, stop: () => { conn.dispose(); proc.kill(); } };
}

/**
 * Starts listening (add the test's handlers first), then the LSP handshake: `initialize` with these
 * params (processId, rootUri and capabilities default), then `initialized`. Resolves to the server's capabilities.
 */
export async function handshake(conn: MessageConnection, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  conn.listen();
  const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, ...params })) as { capabilities: Record<string, unknown> };
  await conn.sendNotification('initialized', {});
  return init.capabilities;
}
