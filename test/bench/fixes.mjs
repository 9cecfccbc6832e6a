// Fix-finder query time on the largest history this machine builds quickly (git fast-import):
// a mainline of COMMITS commits over FILES C files with a tagged 6.1.y stable line of cherry-picks,
// the crashing function changed by dozens of commits with Fixes:/Cc: stable trailers.
// Anchors measured in the same run: the hand archaeology (`git log -L`, `git log --grep`,
// `git log -- file`) on the same range. Run with and without a commit-graph (changed-path filters).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFixes } from '../../server/src/fixes/finder.ts';
import { FixFinder } from '../../server/src/fixes/fix-finder.ts';

const COMMITS = Number(process.env.FIXES_BENCH_COMMITS ?? 40000);
const FILES = Number(process.env.FIXES_BENCH_FILES ?? 6000);
const FUNCS = 6;
const TARGET = 'fs/nfs/pagelist.c';
const TARGET_FN = 'nfs_unlock_request';

const dir = mkdtempSync(join(tmpdir(), 'oops-fixes-bench-'));
const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
const ms = (t) => `${t.toFixed(0)} ms`;

// Deterministic pseudo-random numbers.
let seed = 12345;
const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;

const paths = [];
const subsystems = ['fs', 'mm', 'net', 'kernel', 'drivers/gpu', 'drivers/net', 'drivers/usb', 'sound', 'block', 'security'];
for (let i = 0; i < FILES - 1; i++) paths.push(`${subsystems[i % subsystems.length]}/d${i % 97}/f${i}.c`);
paths.push(TARGET);
const T = paths.length - 1;
const fname = (f, k) => (f === T && k === 2 ? TARGET_FN : `fn_${f}_${k}`);
const fileText = (f, vals) => {
  let s = '// SPDX-License-Identifier: GPL-2.0\n#include <linux/kernel.h>\n\n';
  for (let k = 0; k < FUNCS; k++) s += `static int\n${fname(f, k)}(int x)\n{\n\tint y = x;\n\n\ty += ${vals[k]};\n\treturn y;\n}\n\n`;
  return s;
};

function stream(write, commits) {
  // commits: { mark, msg, changes: [[f, text]], date }
  for (const c of commits) {
    write(`commit ${c.ref}\nmark :${c.mark}\nauthor Dev <dev@example.org> ${c.date} +0000\ncommitter Dev <dev@example.org> ${c.date} +0000\n`);
    const msg = Buffer.from(c.msg);
    write(`data ${msg.length}\n`);
    write(msg);
    write('\n');
    if (c.from) write(`from ${c.from}\n`);
    for (const [f, text] of c.changes) {
      const b = Buffer.from(text);
      write(`M 100644 inline ${paths[f]}\ndata ${b.length}\n`);
      write(b);
      write('\n');
    }
    write('\n');
    if (c.tag) write(`reset refs/tags/${c.tag}\nfrom :${c.mark}\n\n`);
  }
}

function fastImport(commits, extra = []) {
  const chunks = [];
  stream((s) => chunks.push(typeof s === 'string' ? Buffer.from(s) : s), commits);
  const input = Buffer.concat(chunks);
  const r = spawnSync('git', ['fast-import', '--quiet', ...extra], { cwd: dir, input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import: ${r.stderr}`);
  return input.length;
}

const t0 = performance.now();
git('init', '-q', '-b', 'master');
const vals = paths.map(() => new Array(FUNCS).fill(0));
const base = 1_600_000_000;
const main = [];
main.push({ ref: 'refs/heads/master', mark: 1, msg: 'initial tree\n', date: base, changes: paths.map((_, f) => [f, fileText(f, vals[f])]) });
const TAG_AT = Math.floor(COMMITS / 2);
const targetTouches = []; // marks of commits that changed the target function
const history = []; // [mark, f, k] after v6.1, for cherry-picks
let atTag; // every function's value at v6.1: where the stable line starts
for (let i = 2; i <= COMMITS; i++) {
  const touchTarget = i % Math.floor(COMMITS / 60) === 0;
  const f = touchTarget ? T : rnd(FILES - 1);
  const k = touchTarget ? 2 : rnd(FUNCS);
  vals[f][k]++;
  let msg = `${paths[f].split('/')[0]}: tweak ${fname(f, k)}\n\nBody text for commit ${i}.\n\nSigned-off-by: Dev <dev@example.org>\n`;
  if (touchTarget && targetTouches.length && i > TAG_AT && targetTouches.length % 3 === 0)
    msg = `NFS: fix ${TARGET_FN} race\n\nFixes: :FIXES${targetTouches[targetTouches.length - 2]}:\nCc: stable@vger.kernel.org\nSigned-off-by: Dev <dev@example.org>\n`;
  const c = { ref: 'refs/heads/master', mark: i, msg, date: base + i * 600, changes: [[f, fileText(f, vals[f])]] };
  if (i === TAG_AT) {
    c.tag = 'v6.1';
    atTag = vals.map((v) => [...v]);
  }
  if (i === COMMITS) c.tag = 'v6.2';
  main.push(c);
  if (touchTarget) targetTouches.push(i);
  if (i > TAG_AT) history.push([i, f, k]);
}
// Fixes: needs the sha of an earlier commit, which fast-import only tells through marks:
// import up to v6.1 first, then name the last change to the function before v6.1 (a bug the crashing kernel has).
const marksFile = join(dir, 'marks');
const prefix = main.filter((c) => c.mark <= TAG_AT);
let bytes = fastImport(prefix, [`--export-marks=${marksFile}`]);
const marks = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([m, s]) => [Number(m.slice(1)), s]));
const rest = main.filter((c) => c.mark > TAG_AT);
rest[0].from = marks.get(TAG_AT);
const beforeTag = targetTouches.filter((m) => m <= TAG_AT);
for (const c of rest) c.msg = c.msg.replace(/:FIXES(\d+):/, () => `${marks.get(beforeTag[beforeTag.length - 1]).slice(0, 12)} ("NFS: tweak ${TARGET_FN}")`);
bytes += fastImport(rest, [`--import-marks=${marksFile}`, `--export-marks=${marksFile}`]);
const allMarks = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([m, s]) => [Number(m.slice(1)), s]));

// The 6.1.y stable line: every 20th mainline commit after v6.1 (and every Cc: stable one) as a cherry-pick.
const svals = atTag;
const stable = [];
let sub = 0;
let n = 0;
let mark = COMMITS + 1;
for (const [m, f, k] of history) {
  const upstream = main[m - 1];
  if (!(m % 20 === 0 || upstream.msg.includes('Cc: stable'))) continue;
  svals[f][k]++;
  const [subject, ...body] = upstream.msg.split('\n');
  const msg = `${subject}\n\ncommit ${allMarks.get(m)} upstream.\n${body.join('\n')}Signed-off-by: Stable <stable@example.org>\n`;
  const c = { ref: 'refs/heads/linux-6.1.y', mark: mark++, msg, date: upstream.date + 86400 * 30, changes: [[f, fileText(f, svals[f])]] };
  if (n === 0) c.from = allMarks.get(TAG_AT);
  if (++n % 25 === 0) c.tag = `v6.1.${++sub}`;
  stable.push(c);
}
bytes += fastImport(stable, [`--import-marks=${marksFile}`]);
git('checkout', '-q', '-f', 'master');
const buildMs = performance.now() - t0;
const crashSub = Math.max(1, Math.floor(sub / 2));
console.log(`repo: ${COMMITS} mainline commits, ${stable.length} stable commits (v6.1.1..v6.1.${sub}), ${FILES} files, ${(bytes / 1e6).toFixed(0)} MB imported in ${ms(buildMs)}; crash at v6.1.${crashSub}`);

const query = {
  repo: dir,
  function: TARGET_FN,
  file: TARGET,
  title: `kernel BUG in ${TARGET_FN}`,
  kernel: { release: '6.1.0-9-amd64', version: `#1 SMP PREEMPT_DYNAMIC Debian 6.1.${crashSub}-1 (2023-05-01)` },
};
const time = async (f) => {
  const s = performance.now();
  const r = await f();
  return [performance.now() - s, r];
};
const anchor = (args) => time(async () => git(...args).length);

async function measure(label) {
  const range = `v6.1.${crashSub}..master`;
  const [tL] = await anchor(['log', `-L:${TARGET_FN}:${TARGET}`, '--no-patch', '--format=%H', range]);
  const [tFile] = await anchor(['log', '--format=%H %s', range, '--', TARGET]);
  const [tGrep] = await anchor(['log', '--format=%H %s', `--grep=${TARGET_FN}`, range]);
  const [tq, r] = await time(() => findFixes(query));
  const [tseq] = await time(() => findFixes(query, { sequential: true }));
  const finder = new FixFinder();
  await finder.find(query);
  const [tc] = await time(() => finder.find(query));
  const hand = tL + tFile + tGrep;
  const contained = r.commits.filter((c) => c.contained.state === 'contained').length;
  const phases = Object.entries(r.timings ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(
    `${label}: findFixes ${ms(tq)} [${phases}] (${r.total} candidates, ${contained} already in v6.1.${crashSub}, top: ${r.commits[0]?.subject}); cached ${tc.toFixed(1)} ms; walks one at a time ${ms(tseq)}\n` +
      `  anchors: git log -L ${ms(tL)}, git log -- file ${ms(tFile)}, git log --grep ${ms(tGrep)}; ` +
      `findFixes / (sum of the three hand commands) = ${(tq / hand).toFixed(2)}x; goal < 5 s: ${tq < 5000 ? 'OK' : 'MISS'}`,
  );
}

try {
  await measure('no commit-graph');
  const [tg] = await time(async () => git('commit-graph', 'write', '--reachable', '--changed-paths'));
  console.log(`(commit-graph --changed-paths written in ${ms(tg)})`);
  await measure('with commit-graph');
} finally {
  if (process.env.FIXES_BENCH_KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
