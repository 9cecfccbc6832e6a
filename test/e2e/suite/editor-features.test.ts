// Folding ranges, inlay hints and code actions on the fixture reports.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { fixtureFrameTruth, lineOf, openExample, positionOf, until } from './util';

describe('folding', () => {
  it('folds each report and its call trace', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const ranges = await until('folding ranges',
      () => vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri),
      (r) => Array.isArray(r) && r.length > 0);
    const trace = lineOf(doc, 'Call Trace:');
    const rip = lineOf(doc, 'RIP: 0010:demo_checksum');
    assert.ok(ranges.some((r) => r.start <= rip && r.end >= lineOf(doc, 'end trace')), 'no fold spans the first report');
    assert.ok(ranges.some((r) => r.start === trace && r.end > trace), `no fold starts at "Call Trace:" (line ${trace + 1})`);
  });
});

describe('inlay hints', () => {
  it('show file:line after resolved frames', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const frameLine = positionOf(doc, 'demo_ioctl+').line;
    const frame = doc.lineAt(frameLine).text.trim().split(/\s+/).pop()!;
    const truth = fixtureFrameTruth(frame, false);
    const want = `demo.c:${truth[truth.length - 1].line}`;
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const label = (h: vscode.InlayHint) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''));
    const hints = await until(`an inlay hint "${want}" on line ${frameLine + 1}`,
      () => vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range),
      (hs) => Array.isArray(hs) && hs.some((h) => h.position.line === frameLine && label(h).includes(want)));
    assert.ok(hints.length >= 3, `only ${hints.length} hints`);
  });
});

describe('code actions', () => {
  it('offer actions on the guilty frame', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const pos = positionOf(doc, 'demo_checksum+0x0', 'RIP: 0010:demo_checksum');
    const actions = await until('code actions on the RIP frame',
      () => vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(pos, pos)),
      (a) => Array.isArray(a) && a.length > 0);
    for (const a of actions) assert.ok(a.title.length > 0);
  });
});
