// A bug in one feature fails that request alone and is logged; the server keeps answering.
// The server runs from source over stdio with a test-only fault (OOPS_LENS_TEST_FAULT) in one
// feature; the client's restart policy and status bar states are checked with a fake clock.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createMessageConnection, ErrorCodes, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { restartPolicy, stateStatus } from '../../../client/src/server-health';

const ROOT = join(__dirname, '../../..');
const REPORT = 'BUG: kernel NULL pointer dereference, address: 0000000000000008\nCall Trace:\n <TASK>\n foo+0x1/0x2\n bar+0x10/0x20\n </TASK>\n';

interface Server { proc: ChildProcess; conn: MessageConnection; logs: string[]; waitLog(re: RegExp): Promise<string> }

function startServer(fault: string): Server {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli.ts'), 'lsp', '--stdio'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OOPS_LENS_TEST_FAULT: fault },
  });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const logs: string[] = [];
  const waiters: (() => void)[] = [];
  conn.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
    waiters.splice(0).forEach((w) => w());
  });
  conn.onRequest('workspace/configuration', () => [{}]);
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  const waitLog = (re: RegExp) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const hit = logs.find((l) => re.test(l));
        if (hit) resolve(hit);
        else waiters.push(check);
      };
      check();
    });
  return { proc, conn, logs, waitLog };
}

async function initialize(s: Server): Promise<string> {
  await s.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: false } });
  await s.conn.sendNotification('initialized', {});
  const uri = 'file:///guard/report.oops';
  await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text: REPORT } });
  return uri;
}

function stop(s: Server): void {
  s.conn.dispose();
  s.proc.kill();
}

describe('a failing feature does not take the server down', { timeout: 60_000 }, () => {
  const servers: Server[] = [];
  after(() => servers.forEach(stop));

  it('hover throws: that request gets an error answer, a logged error and one notice; other requests and later hovers are answered', async () => {
    const s = startServer('hover');
    servers.push(s);
    const notices: string[] = [];
    s.conn.onRequest('window/showMessageRequest', (p: { message: string }) => {
      notices.push(p.message);
      return null;
    });
    const uri = await initialize(s);
    const position = { line: 3, character: 2 };
    const hoverError = () => s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position }).then(() => undefined, (e: { code: number; message: string }) => e);
    const first = await hoverError();
    assert.equal(first?.code, ErrorCodes.InternalError);
    assert.match(first?.message ?? '', /hover failed: injected fault in hover/);
    assert.match(await s.waitLog(/hover failed/), /injected fault in hover/);
    const symbols = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as { name: string }[];
    assert.equal(symbols.length, 1);
    assert.match(symbols[0].name, /NULL pointer dereference/);
    const folds = (await s.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } })) as unknown[];
    assert.ok(Array.isArray(folds));
    assert.equal((await hoverError())?.code, ErrorCodes.InternalError);
    await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }); // a round trip after both failures
    assert.deepEqual(notices.filter((n) => /hover failed/.test(n)).length, 1, `told once: ${JSON.stringify(notices)}`);
    assert.equal(s.proc.exitCode, null, 'server still running');
  });

  it('without the fault the same hover answers (the check above can fail)', async () => {
    const s = startServer('');
    servers.push(s);
    const uri = await initialize(s);
    const hover = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } })) as { contents: { value: string } } | null;
    assert.ok(hover);
    assert.match(hover.contents.value, /return address/);
  });

  it('a throwing timer and an unhandled rejection are logged, and the server keeps answering', async () => {
    const s = startServer('documentSymbol:async');
    servers.push(s);
    const uri = await initialize(s);
    await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    await s.waitLog(/uncaught exception: .*injected timer fault/s);
    await s.waitLog(/unhandled rejection: .*injected rejection/s);
    const symbols = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as unknown[];
    assert.equal(symbols.length, 1);
    assert.equal(s.proc.exitCode, null);
  });
});

describe('client restart policy and status', () => {
  it('restarts a dying server up to 5 times in 3 minutes, then gives up and says so', () => {
    let t = 0;
    const gaveUp: string[] = [];
    const p = restartPolicy({ now: () => t, onGiveUp: (m) => gaveUp.push(m) });
    for (let i = 0; i < 5; i++) {
      t += 1000;
      assert.equal((p.closed() as { action: number }).action, 2, `restart ${i + 1}`);
    }
    t += 1000;
    const last = p.closed() as { action: number; message?: string };
    assert.equal(last.action, 1);
    assert.match(last.message ?? '', /stopped 6 times/);
    assert.equal(gaveUp.length, 1);
    t += 4 * 60_000; // crashes long ago do not count
    assert.equal((p.closed() as { action: number }).action, 2);
    assert.equal(p.restarts(), 6);
  });

  it('keeps the connection on isolated errors, shuts down after three in a row', () => {
    const p = restartPolicy();
    assert.equal((p.error(new Error('x'), undefined, 1) as { action: number }).action, 1);
    assert.equal((p.error(new Error('x'), undefined, 3) as { action: number }).action, 2);
  });

  it('status bar: starting, restarting, stopped for good, and the server status when running', () => {
    assert.match(stateStatus(3, 0, false)!.text, /starting/);
    assert.match(stateStatus(3, 2, false)!.tooltip, /restart 2/);
    assert.match(stateStatus(1, 1, false)!.text, /restarting/);
    assert.match(stateStatus(1, 6, true)!.text, /stopped/);
    assert.equal(stateStatus(2, 1, false), undefined);
  });
});
