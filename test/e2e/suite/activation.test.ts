// The packaged extension (installed from the .vsix) activates on an .oops file and ships no sources.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { activateExtension, openExample } from './util';

describe('activation', () => {
  it('an .oops file gets the oops language and activates the extension', async () => {
    const doc = await openExample('reports/demo-fixture.oops');
    assert.equal(doc.languageId, 'oops');
    const ext = await activateExtension();
    assert.ok(ext.isActive, 'extension did not activate');
  });

  it('a kernel log with another extension is recognised by its first line', async () => {
    // No extension or files.associations maps *.crash: only contributes.languages[].firstLine (`crash> `) can.
    const doc = await openExample('crash/crash-session-evalcrash-null-deref.crash');
    assert.equal(doc.languageId, 'oops');
  });

  it('runs from the packaged .vsix contents: bundled JS, no sources, tests or node_modules', async () => {
    const ext = await activateExtension();
    const root = ext.extensionPath;
    for (const must of ['package.json', 'dist/client.js', 'dist/server.js', 'syntaxes/oops.tmLanguage.json']) {
      assert.ok(fs.existsSync(path.join(root, must)), `${must} missing from the installed extension at ${root}`);
    }
    for (const mustNot of ['client/src', 'server/src', 'test', 'node_modules', 'examples', 'tsconfig.json']) {
      assert.ok(!fs.existsSync(path.join(root, mustNot)), `${mustNot} shipped in the .vsix (${root})`);
    }
  });
});
