// Web URL templates: variables, encoding, and only http(s)/file links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandTemplate, identUrl, safeUrl, sourceUrl } from '../../../server/src/source/web-url';
import { defaultSettings } from '../../../server/src/settings';

test('default Elixir templates', () => {
  assert.equal(sourceUrl(defaultSettings.web.sourceUrl, 'v4.19', 'fs/nfs/pagelist.c', 382), 'https://elixir.bootlin.com/linux/v4.19/source/fs/nfs/pagelist.c#L382');
  assert.equal(identUrl(defaultSettings.web.identUrl, 'v6.1.192', 'sysrq_handle_crash'), 'https://elixir.bootlin.com/linux/v6.1.192/A/ident/sysrq_handle_crash');
});

test('git.kernel.org, GitHub and a company Elixir work the same way', () => {
  assert.equal(
    sourceUrl('https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/${path}?h=${version}#n${line}', 'v6.1.76', 'mm/memory.c', 5293),
    'https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/tree/mm/memory.c?h=v6.1.76#n5293',
  );
  assert.equal(sourceUrl('https://github.com/torvalds/linux/blob/${version}/${path}#L${line}', 'v6.8-rc3', 'kernel/panic.c', 9), 'https://github.com/torvalds/linux/blob/v6.8-rc3/kernel/panic.c#L9');
  assert.equal(sourceUrl('http://elixir.corp.example:8080/linux/${version}/source/${path}#L${line}', 'v3.10', 'a/b.c', 1), 'http://elixir.corp.example:8080/linux/v3.10/source/a/b.c#L1');
});

test('no line: the fragment with ${line} is dropped', () => {
  assert.equal(sourceUrl(defaultSettings.web.sourceUrl, 'v6.1', 'arch/x86/include/asm/rwsem.h'), 'https://elixir.bootlin.com/linux/v6.1/source/arch/x86/include/asm/rwsem.h');
});

test('only http, https and file URLs come out', () => {
  assert.equal(expandTemplate('command:workbench.action.terminal.new?${path}', { path: 'x' }), undefined);
  assert.equal(expandTemplate('javascript:alert(${line})', { line: 1 }), undefined);
  assert.equal(safeUrl('vscode://file/etc/passwd'), undefined);
  assert.equal(safeUrl('file:///src/linux/init/main.c'), 'file:///src/linux/init/main.c');
  assert.equal(expandTemplate('not a url ${path}', { path: 'a.c' }), undefined);
});

test('variables are encoded; missing variables give no link', () => {
  assert.equal(expandTemplate('https://x/${version}/${path}', { version: 'v6.1', path: 'a b/c#d.c' }), 'https://x/v6.1/a%20b/c%23d.c');
  assert.equal(expandTemplate('https://x/${ident}', { ident: '../../etc' }), 'https://x/..%2F..%2Fetc');
  assert.equal(expandTemplate('https://x/${version}/${ident}', { ident: 'foo' }), undefined);
  assert.equal(expandTemplate('https://x/${sha}', { sha: 'zz' }), undefined);
});
