// Diagnostics: the guilty frame of each report is marked with the report title; `?` frames are dimmed.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { lineOf, openExample, until } from './util';

describe('diagnostics', () => {
  it('marks the guilty frame of the fixture reports with their titles', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    const diags = await until('diagnostics on demo-fixture.oops', () => vscode.languages.getDiagnostics(doc.uri), (d) => d.length >= 2);
    const guilty = diags.find((d) => d.message.includes('NULL pointer dereference in demo_checksum'));
    assert.ok(guilty, `no guilty-frame diagnostic; got: ${diags.map((d) => d.message).join(' | ')}`);
    assert.equal(guilty.range.start.line, lineOf(doc, 'RIP: 0010:demo_checksum'));
    assert.ok(doc.getText(guilty.range).includes('demo_checksum'), `range text: ${doc.getText(guilty.range)}`);
    const second = diags.find((d) => d.message.includes('kernel BUG in demo_release'));
    assert.ok(second, 'no diagnostic for the second report');
    assert.equal(second.range.start.line, lineOf(doc, 'RIP: 0010:demo_release'));
  });

  it('dims unreliable `?` frames', async () => {
    const doc = await openExample('reports/x86-64-evalcrash-bug-on.oops');
    const diags = await until('diagnostics on x86-64-evalcrash-bug-on.oops', () => vscode.languages.getDiagnostics(doc.uri), (d) => d.length > 0);
    const line = lineOf(doc, '? exit_to_user_mode_prepare+0x44/0x240');
    const dim = diags.find((d) => d.range.start.line === line);
    assert.ok(dim, `no diagnostic on the ? frame at line ${line + 1}`);
    assert.ok(dim.tags?.includes(vscode.DiagnosticTag.Unnecessary), 'the ? frame is not tagged Unnecessary');
  });
});
