// The facts source/kernel-version.ts reads from release and version strings (both the web tag and the
// fix finder's revisions are built from them; their own tests are version.test.ts and fixes/parts.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backportingDistro, buildDate, debianUpstream, describedCommit, laterRc, parseUpstream, ubuntuUpstream } from '../../../server/src/source/kernel-version';

test('leading upstream numbers and the suffix after them', () => {
  assert.deepEqual(parseUpstream('6.1.0-56-amd64'), { u: { major: 6, minor: 1, patch: 0 }, rest: '-56-amd64' });
  assert.deepEqual(parseUpstream('2.6.32.71'), { u: { major: 2, minor: 6, patch: 32, sub: 71 }, rest: '' });
  assert.deepEqual(parseUpstream('6.8.0-rc3+'), { u: { major: 6, minor: 8, patch: 0, rc: 3 }, rest: '+' });
  assert.equal(parseUpstream('garbage'), undefined);
  assert.equal(laterRc('-foo-rc7'), 7);
  assert.equal(laterRc('-56-amd64'), undefined);
});

test('upstream versions printed by Debian and Ubuntu', () => {
  assert.deepEqual(debianUpstream('#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-03-01)'), { text: '6.1.192', u: { major: 6, minor: 1, patch: 192 } });
  assert.equal(debianUpstream('#1 SMP Debian 6.1.192')?.text, '6.1.192');
  assert.equal(debianUpstream('#1 SMP PREEMPT_DYNAMIC'), undefined);
  assert.equal(ubuntuUpstream('Ubuntu 5.15.0-91.101-generic 5.15.131')?.text, '5.15.131');
  assert.equal(ubuntuUpstream('#1 Debian 6.1.192-2'), undefined);
});

test('git describe suffixes', () => {
  assert.deepEqual(describedCommit('-rc4-syzkaller-00123-gdeadbeef1234'), { commit: 'deadbeef1234', after: '00123' });
  assert.deepEqual(describedCommit('-gabcdef0-dirty'), { commit: 'abcdef0' });
  assert.equal(describedCommit('-56-amd64'), undefined);
});

test('distributions that carry backports', () => {
  assert.equal(backportingDistro('3.10.0-327.el7.x86_64'), 'el7');
  assert.equal(backportingDistro('5.15.0-91-generic'), 'ubuntu');
  assert.equal(backportingDistro('6.5.6-300.fc39.x86_64'), 'vendor');
  assert.equal(backportingDistro('6.1.0-56-amd64', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2'), undefined);
});

test('build dates in both spellings', () => {
  assert.equal(buildDate('#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-03-01)'), '2025-03-01');
  assert.equal(buildDate('#1 SMP Thu Nov 9 22:10:57 UTC 2015'), '2015-11-09');
  assert.equal(buildDate('#1 SMP'), undefined);
});
