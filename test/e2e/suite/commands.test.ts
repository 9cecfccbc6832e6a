// Commands and code lenses a user clicks: "Decode stack trace" (decode_stacktrace.sh in the editor)
// and the Disassemble lens above each Code: line.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { fixtureFrameTruth, lineOf, openExample, positionOf, until } from './util';

describe('commands', () => {
  it('"Decode stack trace" opens the log with file:line after each resolved frame', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const frame = doc.lineAt(positionOf(doc, 'demo_ioctl+').line).text.trim().split(/\s+/).pop()!;
    const truth = fixtureFrameTruth(frame, false);
    await vscode.commands.executeCommand('oopsLens.decodeStackTrace');
    const out = vscode.window.activeTextEditor?.document;
    assert.ok(out && out !== doc, 'no decoded document was opened');
    const line = out.getText().split('\n').find((l) => l.includes(frame));
    assert.ok(line, `decoded text lacks ${frame}`);
    assert.ok(line.includes(`demo.c:${truth[truth.length - 1].line}`), `decoded line: ${line}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

describe('code lens', () => {
  it('"Disassemble" above a Code: line shows the trapping instruction', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const codeLine = lineOf(doc, 'Code: ');
    const lenses = await until('code lenses on demo-fixture.oops',
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10),
      (ls) => Array.isArray(ls) && ls.some((l) => l.range.start.line === codeLine && !!l.command));
    const lens = lenses.find((l) => l.range.start.line === codeLine && /disassembl/i.test(l.command?.title ?? ''));
    assert.ok(lens?.command, `no Disassemble lens on line ${codeLine + 1}: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const shown = await until('the disassembly document', () => vscode.window.activeTextEditor?.document,
      (d) => !!d && d.uri.toString() !== doc.uri.toString());
    const text = shown!.getText();
    // objdump: the trapping byte <8b> starts `mov 0x8(%rdi),%eax`.
    assert.match(text, /mov\s+(0x8\(%rdi\),%eax|eax,\s*(dword ptr )?\[rdi\+(0x)?8\])/i, text.slice(0, 800));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
