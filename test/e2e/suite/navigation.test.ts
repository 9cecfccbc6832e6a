// Go-to-source and document links: frames jump into the local tree (sourceRoots + pathMap),
// `kernel BUG at file:line` is a link to that line.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { examplePath, fixtureFrameTruth, lineOf, openExample, positionOf, until } from './util';

type Loc = vscode.Location | vscode.LocationLink;
const target = (l: Loc) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range });

describe('definition', () => {
  it('a fixture frame goes to its call site in the local source tree', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const truth = fixtureFrameTruth(doc.lineAt(positionOf(doc, '__x64_sys_ioctl+').line).text.trim().split(/\s+/).pop()!, false);
    const want = truth[truth.length - 1];
    const locs = await until('definition of __x64_sys_ioctl+...',
      () => vscode.commands.executeCommand<Loc[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, '__x64_sys_ioctl+')),
      (l) => Array.isArray(l) && l.length > 0);
    const t = target(locs[0]);
    assert.equal(t.uri.fsPath, examplePath('fixture/src/drivers/demo/demo.c'));
    assert.equal(t.range.start.line, want.line - 1);
  });
});

describe('document links', () => {
  it('`kernel BUG at drivers/demo/demo.c:NN!` links to that file and line', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const line = lineOf(doc, 'kernel BUG at drivers/demo/demo.c:');
    const bugLine = Number(doc.lineAt(line).text.match(/demo\.c:(\d+)!/)![1]);
    const links = await until('links on the kernel BUG line',
      () => vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri),
      (ls) => Array.isArray(ls) && ls.some((l) => l.range.start.line === line));
    const link = links.find((l) => l.range.start.line === line)!;
    assert.match(doc.getText(link.range), /drivers\/demo\/demo\.c(:\d+)?/);
    let uri = link.target;
    if (!uri) {
      const [resolved] = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri, 100);
      uri = resolved?.target;
    }
    assert.ok(uri, 'link has no target');
    assert.equal(uri.scheme, 'file');
    assert.equal(uri.fsPath, examplePath('fixture/src/drivers/demo/demo.c'));
    assert.match(uri.fragment, new RegExp(`^L?${bugLine}\\b`), `fragment ${uri.fragment} should name line ${bugLine}`);
  });
});
