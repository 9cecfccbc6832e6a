// Links used when there is no clone: right places, right syntax, nothing unsafe passed through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { commitUrl, searchLinks } from '../../../server/src/fixes/web-search';
import { defaultSettings } from '../../../server/src/settings';

describe('searchLinks', () => {
  it('searches lore by diff hunk header, file and title, syzbot by extid, git.kernel.org by grep', () => {
    const links = searchLinks({
      function: 'nfs_unlock_request',
      file: 'fs/nfs/pagelist.c',
      title: 'kernel BUG in nfs_unlock_request',
      syzbotAddresses: ['syzbot+0fb18a8d3ef8c4f2c2a4@syzkaller.appspotmail.com'],
      stableLine: '4.19',
    });
    const urls = links.map((l) => l.url);
    assert.ok(urls.includes('https://lore.kernel.org/all/?q=dfhh%3Anfs_unlock_request'));
    assert.ok(urls.includes('https://lore.kernel.org/all/?q=dfn%3Afs%2Fnfs%2Fpagelist.c%20AND%20dfhh%3Anfs_unlock_request'));
    assert.ok(urls.includes('https://lore.kernel.org/all/?q=%22kernel%20BUG%20in%20nfs_unlock_request%22'));
    assert.ok(urls.includes('https://syzkaller.appspot.com/bug?extid=0fb18a8d3ef8c4f2c2a4'));
    assert.ok(urls.includes('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/log/?qt=grep&q=nfs_unlock_request'));
    assert.ok(urls.includes('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/log/fs/nfs/pagelist.c'));
    assert.ok(urls.includes('https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git/log/?h=linux-4.19.y&qt=grep&q=nfs_unlock_request'));
    for (const u of urls) assert.doesNotThrow(() => new URL(u));
  });
  it('drops values that are not identifiers or tree paths', () => {
    const links = searchLinks({ function: 'a b"c', file: '../x', title: 'WARNING in "quoted" thing' });
    assert.ok(links.every((l) => !l.url.includes('..')));
    assert.ok(links.some((l) => l.url.endsWith(encodeURIComponent('"WARNING in quoted thing"'))));
    assert.ok(!links.some((l) => l.url.includes('dfhh')));
  });
});

describe('commitUrl', () => {
  it('fills the template and refuses non-shas and non-http templates', () => {
    assert.equal(commitUrl(defaultSettings.web.commitUrl, 'c999a22'), 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=c999a22');
    assert.equal(commitUrl(defaultSettings.web.commitUrl, 'HEAD;rm'), undefined);
    assert.equal(commitUrl('file:///etc/${sha}', 'c999a22'), undefined);
  });
});
