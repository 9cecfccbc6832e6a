// The status bar item follows the active editor: each document shows the state of the vmlinux
// that serves it (examples/ configures the fixture vmlinux: it matches demo-fixture.oops and not
// the Debian 6.1 report).
import { activateExtension, hoverAt, openExample, positionOf, until } from './util';

interface OopsLensApi {
  statusHistory(): string[];
}

describe('status bar', () => {
  it('shows the active document\'s vmlinux state, and switches with the editor', async () => {
    const api = (await activateExtension()).exports as OopsLensApi;
    const shown = () => api.statusHistory().at(-1) ?? '';
    const fixture = await openExample('reports/demo-fixture.oops');
    await until('hover on demo_ioctl', () => hoverAt(fixture, positionOf(fixture, 'demo_ioctl+')), (t) => t.includes('demo.c:'));
    const ok = await until('the fixture report\'s state', shown, (t) => /\$\(check\) vmlinux: vmlinux$/.test(t));

    const debian = await openExample('reports/x86-64-evalcrash-bug-on.oops');
    await hoverAt(debian, positionOf(debian, 'OE', 'Tainted: G           OE'));
    await until('the Debian report\'s state (the fixture vmlinux is not its build)', shown, (t) => /mismatch/.test(t));

    await openExample('reports/demo-fixture.oops');
    await until('the fixture report\'s state again, on switching back', shown, (t) => t === ok);
  });
});
