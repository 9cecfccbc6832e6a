// The language server dies (killed, as by the OOM killer): the client restarts it, the status bar
// says so meanwhile, and the open document is served again. Runs last: it replaces the server.
import * as assert from 'assert';
import { activateExtension, hoverAt, openExample, positionOf, until } from './util';

interface OopsLensApi {
  serverPid(): Promise<number | undefined>;
  restarts(): number;
  statusHistory(): string[];
}

describe('server restart', () => {
  it('a killed server is restarted, shown while it is down, and hovers work again', async () => {
    const api = (await activateExtension()).exports as OopsLensApi;
    const doc = await openExample('reports/x86-64-evalcrash-bug-on.oops');
    const hover = () => hoverAt(doc, positionOf(doc, 'OE', 'Tainted: G           OE'));
    await until('hover before the kill', hover, (t) => /out-of-tree/i.test(t));
    const pid = await until('the server pid', () => api.serverPid(), (p) => typeof p === 'number' && p > 0);
    const restartsBefore = api.restarts();
    const shownBefore = api.statusHistory().length;

    process.kill(pid!, 'SIGKILL');
    const next = await until('a new server process', () => api.serverPid().catch(() => undefined), (p) => typeof p === 'number' && p !== pid, 30000);
    assert.equal(api.restarts(), restartsBefore + 1);
    const shown = api.statusHistory().slice(shownBefore);
    assert.ok(shown.some((t) => /restarting|starting/.test(t)), `status bar while the server was down: ${JSON.stringify(shown)}`);
    await until('hover after the restart', hover, (t) => /out-of-tree/i.test(t), 30000);
    console.log(`[oops-e2e] server ${pid} killed; restarted as ${next}; status bar showed ${JSON.stringify(shown)}`);
  });
});
