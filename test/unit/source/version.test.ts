// Kernel version -> web tag: one case per row of the mapping table (issue 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guessKernelFromText, upstreamTag, webVersion } from '../../../server/src/source/version';

test('mainline and stable releases map to their tags; x.y.0 has no .0', () => {
  assert.equal(webVersion({ release: '6.1.76' }).tag, 'v6.1.76');
  assert.equal(webVersion({ release: '6.1.76' }).exact, true);
  assert.equal(webVersion({ release: '6.1.0' }).tag, 'v6.1');
  assert.equal(webVersion({ release: '4.19.0' }).tag, 'v4.19');
  assert.equal(webVersion({ release: '2.6.32.71' }).tag, 'v2.6.32.71');
});

test('release candidates: 6.8.0-rc3 -> v6.8-rc3', () => {
  const v = webVersion({ release: '6.8.0-rc3' });
  assert.equal(v.tag, 'v6.8-rc3');
  assert.equal(v.exact, true);
});

test('Debian: the version string beats the ABI release', () => {
  const v = webVersion({ release: '6.1.0-56-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)' });
  assert.equal(v.tag, 'v6.1.192');
  assert.equal(v.from, 'version');
  assert.equal(v.exact, true);
  // as the CPU line prints it (KernelInfo.version is everything after the release)
  assert.equal(webVersion({ release: '6.1.0-56-amd64', version: '#1  Debian 6.1.192-2' }).tag, 'v6.1.192');
  assert.equal(webVersion({ release: '4.19.0-13-amd64', version: '#1 SMP Debian 4.19.160-2 (2020-11-28)' }).tag, 'v4.19.160');
});

test('Debian ABI release alone is not enough: base tag with a note', () => {
  const v = webVersion({ release: '6.1.0-56-amd64' });
  assert.equal(v.tag, 'v6.1');
  assert.equal(v.exact, false);
  assert.match(v.note ?? '', /ABI/);
});

test('Ubuntu ABI release and version_signature', () => {
  assert.equal(webVersion({ release: '5.15.0-91-generic' }).tag, 'v5.15');
  assert.match(webVersion({ release: '5.15.0-91-generic' }).note ?? '', /Ubuntu/);
  const v = webVersion({ release: '5.15.0-91-generic', version: 'Ubuntu 5.15.0-91.101-generic 5.15.131' });
  assert.equal(v.tag, 'v5.15.131');
  assert.ok(v.warning);
});

test('Fedora and Arch releases carry the upstream stable version', () => {
  for (const [rel, tag] of [['6.5.6-300.fc39.x86_64', 'v6.5.6'], ['6.7.4-arch1-1', 'v6.7.4'], ['5.10.205-195.807.amzn2.x86_64', 'v5.10.205']]) {
    const v = webVersion({ release: rel });
    assert.equal(v.tag, tag, rel);
    assert.equal(v.exact, true, rel);
    assert.equal(v.warning, undefined, rel);
  }
});

test('linux-next, +, -dirty and syzkaller builds: the base tag with a note', () => {
  const next = webVersion({ release: '6.7.0-rc1-next-20231120' });
  assert.equal(next.tag, 'v6.7-rc1');
  assert.match(next.note ?? '', /linux-next 20231120/);
  const plus = webVersion({ release: '6.1.0+' });
  assert.equal(plus.tag, 'v6.1');
  assert.match(plus.note ?? '', /\+/);
  const dirty = webVersion({ release: '6.6.0-rc2-dirty' });
  assert.equal(dirty.tag, 'v6.6-rc2');
  assert.match(dirty.note ?? '', /dirty/);
  const syz = webVersion({ release: '6.6.0-rc4-syzkaller-00123-gdeadbeef1234' });
  assert.equal(syz.tag, 'v6.6-rc4');
  assert.match(syz.note ?? '', /syzkaller.*deadbeef1234/);
  for (const v of [next, plus, dirty, syz]) assert.equal(v.exact, false);
});

test('RHEL/CentOS: base tag with a visible backports warning', () => {
  const v = webVersion({ release: '3.10.0-327.el7.x86_64' });
  assert.equal(v.tag, 'v3.10');
  assert.equal(v.exact, false);
  assert.match(v.warning ?? '', /backports/);
  assert.equal(webVersion({ release: '4.18.0-305.el8.x86_64' }).tag, 'v4.18');
  assert.equal(webVersion({ release: '5.14.0-70.13.1.el9_0.x86_64' }).tag, 'v5.14');
  assert.equal(webVersion({ release: '2.6.32-754.el6.x86_64' }).tag, 'v2.6.32');
  assert.match(webVersion({ release: '5.14.21-150500.55.39-default' }).warning ?? '', /SUSE/);
});

test('the setting overrides everything; nothing known -> latest', () => {
  const v = webVersion({ release: '6.1.0-56-amd64', version: 'Debian 6.1.192-2' }, 'v6.1.190');
  assert.equal(v.tag, 'v6.1.190');
  assert.equal(v.from, 'setting');
  const none = webVersion({});
  assert.equal(none.tag, 'latest');
  assert.equal(none.from, 'none');
  assert.equal(webVersion({ release: 'garbage' }).tag, 'latest');
});

test('upstreamTag naming', () => {
  assert.equal(upstreamTag({ major: 5, minor: 10, patch: 0 }), 'v5.10');
  assert.equal(upstreamTag({ major: 5, minor: 10, patch: 0, rc: 7 }), 'v5.10-rc7');
  assert.equal(upstreamTag({ major: 2, minor: 6, patch: 39 }), 'v2.6.39');
});

test('a kernel named in free text: crash sys values, banners, debuginfo package names', () => {
  const flat = 'crash ../vmcore KERNEL: /usr/lib/debug/lib/modules/3.10.0-327.el7.x86_64/vmlinux DUMPFILE: ../vmcore RELEASE: 3.10.0-327.el7.x86_64 VERSION: #1 SMP Thu Nov 19 22:10:57 UTC 2015 MACHINE: x86_64';
  assert.equal(guessKernelFromText(flat)?.release, '3.10.0-327.el7.x86_64');
  assert.equal(webVersion(guessKernelFromText(flat)).tag, 'v3.10');
  assert.equal(guessKernelFromText('- kernel-debuginfo-common-x86_64-3.10.0-327.el7.x86_64.rpm')?.release, '3.10.0-327.el7.x86_64');
  assert.equal(guessKernelFromText('[    0.000000] Linux version 6.1.0-56-amd64 (x) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)')?.release, '6.1.0-56-amd64');
  assert.equal(webVersion(guessKernelFromText('[    0.000000] Linux version 6.1.0-56-amd64 (x) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)')).tag, 'v6.1.192');
  assert.equal(guessKernelFromText('nothing here but kernel BUG at fs/nfs/pagelist.c:382!'), undefined);
});
