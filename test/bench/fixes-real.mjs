// Opt-in: the fix finder on a real Linux clone (no clone can be downloaded here; point at yours):
//   OOPS_KERNEL_REPO=~/linux npm run bench fixes-real
// The clone needs mainline tags and, for the containment check, the 4.19.y stable tags
// (git fetch https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git 'refs/tags/v4.19*:refs/tags/v4.19*').
// Case from the seeds (004): `kernel BUG at fs/nfs/pagelist.c:382` in nfs_unlock_request on 4.19; the
// user's `git log -L:nfs_unlock_request:fs/nfs/pagelist.c` found 43d20e80e288 (v5.16-rc1).
import { execFileSync } from 'node:child_process';
import { findFixes, hasCommitGraph } from '../../server/src/fixes/finder.ts';

const repo = process.env.OOPS_KERNEL_REPO?.replace(/^~(?=\/)/, process.env.HOME ?? '~');
if (!repo) {
  console.log('skipped: set OOPS_KERNEL_REPO to a Linux git clone');
  process.exit(0);
}
const git = (...a) => execFileSync('git', a, { cwd: repo, encoding: 'utf8' });
console.log(`clone: ${repo} at ${git('describe', '--tags', 'HEAD').trim()}, ${git('rev-list', '--count', 'HEAD').trim()} commits, commit-graph: ${await hasCommitGraph({ cwd: repo })}`);

const cases = [
  {
    name: 'seed 004: nfs_unlock_request on 4.19.90',
    query: { repo, function: 'nfs_unlock_request', file: 'fs/nfs/pagelist.c', title: 'kernel BUG in nfs_unlock_request', kernel: { release: '4.19.90' } },
    expect: '43d20e80e288',
  },
];
let failed = 0;
for (const c of cases) {
  const s = performance.now();
  const r = await findFixes(c.query, { onProgress: () => undefined });
  const t = performance.now() - s;
  const hit = r.commits.findIndex((x) => x.sha.startsWith(c.expect));
  const anchorStart = performance.now();
  git('log', `-L:${c.query.function}:${c.query.file}`, '--no-patch', '--format=%h', `${r.baseSha}..HEAD`);
  const anchor = performance.now() - anchorStart;
  console.log(`${c.name}: ${t.toFixed(0)} ms [${Object.entries(r.timings ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}], base ${r.base}, ${r.total} candidates; git log -L alone ${anchor.toFixed(0)} ms`);
  for (const x of r.commits.slice(0, 10)) console.log(`  ${x.sha.slice(0, 12)} ${x.subject} [${x.contained.state}] ${x.reasons.join('; ')}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
  if (hit < 0) {
    console.log(`  MISSING expected ${c.expect}`);
    failed++;
  } else console.log(`  expected ${c.expect} at rank ${hit + 1}`);
}
process.exit(failed ? 1 : 0);
