// Outline (document symbols): one entry per report, named by its syzkaller-compatible title.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { lineOf, openExample, until } from './util';

async function outline(rel: string): Promise<{ doc: vscode.TextDocument; symbols: vscode.DocumentSymbol[] }> {
  const doc = await openExample(rel);
  const symbols = await until(`document symbols of ${rel}`,
    () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri),
    (s) => Array.isArray(s) && s.length > 0);
  return { doc, symbols };
}

describe('outline', () => {
  it('lists both reports of the fixture log by title, each starting at its report', async () => {
    const { doc, symbols } = await outline('reports/demo-fixture.oops');
    const names = symbols.map((s) => s.name);
    assert.deepEqual(names.slice(0, 2), [
      'BUG: unable to handle kernel NULL pointer dereference in demo_checksum',
      'kernel BUG in demo_release',
    ]);
    const first = symbols[0].range;
    assert.ok(first.contains(new vscode.Position(lineOf(doc, 'RIP: 0010:demo_checksum'), 0)), 'first report range misses its RIP line');
    assert.ok(symbols[1].range.contains(new vscode.Position(lineOf(doc, 'kernel BUG at drivers/demo/demo.c'), 5)), 'second report range misses its header');
    assert.ok(!first.intersection(symbols[1].range) || first.intersection(symbols[1].range)!.isEmpty, 'report ranges overlap');
  });

  // Expected titles: the corpus' syzkaller expectations (pkg/report/testdata/linux/report/<N>).
  const syzkaller: [string, string][] = [
    ['syzkaller/147-kasan-use-after-free.oops', 'KASAN: use-after-free Read in remove_wait_queue'],
    ['syzkaller/439-task-hung.oops', 'INFO: task hung in synchronize_rcu'],
    ['syzkaller/648-possible-deadlock.oops', 'possible deadlock in tick_handler'],
    ['syzkaller/640-warning.oops', 'WARNING in packet_release'],
  ];
  for (const [rel, title] of syzkaller) {
    it(`titles ${rel} as syzkaller does`, async () => {
      const { symbols } = await outline(rel);
      assert.equal(symbols[0].name, title);
    });
  }

  it('a pasted crash(8) session lists its commands, with the report from `log` inside', async () => {
    const { symbols } = await outline('crash/crash-session-evalcrash-null-deref.crash');
    const all = (ss: vscode.DocumentSymbol[]): vscode.DocumentSymbol[] => ss.flatMap((s) => [s, ...all(s.children ?? [])]);
    const names = all(symbols).map((s) => s.name);
    assert.ok(names.includes('crash> bt'), `outline: ${names.join(' | ')}`);
    assert.ok(names.includes('BUG: unable to handle kernel NULL pointer dereference in evalcrash_null_deref'), `outline: ${names.join(' | ')}`);
  });

  it('titles an arm64 report', async () => {
    const { symbols } = await outline('reports/arm64-evalcrash-null-deref.oops');
    assert.equal(symbols[0].name, 'BUG: unable to handle kernel NULL pointer dereference in evalcrash_null_deref');
  });
});
