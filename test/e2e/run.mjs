// `npm run test:e2e`: the whole end-to-end check in a real VS Code (code-server), after `npm run build`:
//   1. package the .vsix with vsce (bundled dist/ only) and check its contents and size budget;
//   2. build the example workspace's fixture vmlinux (gcc -g) and the extension-host suite;
//   3. install the .vsix into fresh code-server dirs and run the mocha suite inside the real
//      extension host through @vscode/test-electron's runTests (vscodeExecutablePath = code-shim.mjs);
//   4. run the workbench (DOM) test in headless Chromium: grammar scopes, hover widget, outline,
//      links, lightbulb; screenshots go to test/e2e/.run/screenshots/.
// Options: --only=vsix|exttests|restricted|workbench (repeatable)  --keep (keep run dirs)
// Env: OOPS_E2E_CACHE (code-server install), CHROMIUM, OOPS_E2E_GREP (mocha grep for step 3).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, RUNS, clock, installVsix, makeRun, missingPrerequisites } from './lib/harness.mjs';
import { VSIX_BUDGET, checkVsix } from './check-vsix.mjs';
import { packageVsix } from './lib/package-vsix.mjs';
import { buildSuite } from './build-suite.mjs';
import { buildFixture } from '../../examples/fixture/build.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => a.startsWith('--only=')).map((a) => a.slice(7));
const want = (step) => only.length === 0 || only.includes(step);
const t = clock();
const results = [];
const record = (name, ok, detail = '') => { results.push({ name, ok, detail }); console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`); };

const missing = missingPrerequisites();
if (missing.length && (want('exttests') || want('restricted') || want('workbench'))) {
  for (const m of missing) console.error(`test:e2e: ${m}`);
  process.exit(1);
}
fs.mkdirSync(RUNS, { recursive: true });

// 1. package
const vsix = path.join(RUNS, 'oops-lens.vsix');
try {
  packageVsix(vsix);
} catch (e) {
  record('vsce package', false, String(e.message));
  process.exit(1);
}
{
  const c = checkVsix(vsix);
  t.mark(`packaged ${path.relative(ROOT, vsix)}: ${(c.size / 1024).toFixed(1)} KiB, ${c.files.length} files`);
  record('vsix contents and size budget', c.problems.length === 0, c.problems.join('; ') || `${(c.size / 1024).toFixed(1)} KiB of ${VSIX_BUDGET / 1024} KiB`);
}

// 2. fixture kernel + suite bundle
const fixture = buildFixture();
t.mark(`fixture vmlinux ${fixture.rebuilt ? 'built' : 'up to date'}`);
const suiteIndex = await buildSuite();
t.mark('extension-host suite bundled');
const examples = path.join(ROOT, 'examples');

// 3. mocha suite in the real extension host, through @vscode/test-electron; then the Restricted
//    Mode suite (restricted-*.test.ts) in an untrusted copy of examples/ that asks for addr2line.
const { runTests } = createRequire(path.join(ROOT, 'package.json'))('@vscode/test-electron');
async function hostSuite(name, tag, { folder, userSettings = {}, env = {} }) {
  const run = makeRun(tag, { userSettings });
  const installed = installVsix(run, vsix);
  t.mark(`vsix installed into ${path.relative(ROOT, installed)}`);
  let ok = true; let detail = '';
  const resultFile = path.join(run.dir, 'mocha-result.json');
  try {
    await runTests({
      vscodeExecutablePath: path.join(ROOT, 'test/e2e/code-shim.mjs'),
      // the installed copy of the .vsix is the development path: the suite tests the packaged bits
      extensionDevelopmentPath: installed,
      extensionTestsPath: suiteIndex,
      launchArgs: [`--user-data-dir=${run.userData}`, `--extensions-dir=${run.extensions}`, folder(run)],
      reuseMachineInstall: true,
      extensionTestsEnv: { OOPS_E2E_RESULT: resultFile, ...env },
    });
  } catch (e) { ok = false; detail = String(e?.message ?? e); }
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    detail = `${r.passed.length} passed, ${r.failed.length} failed${r.failed.length ? `: ${r.failed.map((f) => f.title).join('; ')}` : ''}`;
    if (r.passed.length === 0) ok = false;
  }
  t.mark(`${name} done`);
  record(name, ok, detail);
}

if (want('exttests')) {
  await hostSuite('extension-host suite (@vscode/test-electron runTests -> code-server)', 'exttests', { folder: () => examples });
}
if (want('restricted')) {
  await hostSuite('Restricted Mode suite (untrusted workspace, trust enabled)', 'restricted', {
    folder: (run) => untrustedExamples(run.dir),
    userSettings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' },
    env: { OOPS_E2E_TRUST: 'on', OOPS_E2E_SUITE: 'restricted' },
  });
}

/** A copy of examples/ whose workspace settings also ask for tools (addr2line, a git clone). */
function untrustedExamples(runDir) {
  const dir = path.join(runDir, 'untrusted-examples');
  fs.cpSync(examples, dir, { recursive: true });
  const settings = path.join(dir, '.vscode', 'settings.json');
  const text = fs.readFileSync(settings, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const s = JSON.parse(text);
  s['oopsLens.symbolizer'] = 'addr2line';
  s['oopsLens.kernelRepo'] = 'fixture/src';
  fs.writeFileSync(settings, JSON.stringify(s, null, 2));
  return dir;
}

// 4. workbench DOM test
if (want('workbench')) {
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', path.join(ROOT, 'test/e2e/workbench.e2e.mjs')],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, OOPS_E2E_VSIX: vsix } });
  t.mark('workbench test done');
  record('workbench (DOM) test', r.status === 0, r.status === 0 ? '' : `exit ${r.status}`);
}

console.log(`\ne2e summary (${(t.marks[Object.keys(t.marks).pop()] / 1000).toFixed(1)} s):`);
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'} ${r.name}${r.detail ? ` — ${r.detail}` : ''}`);
if (!args.includes('--keep')) pruneRuns();
process.exit(results.every((r) => r.ok) ? 0 : 1);

/** Keep the last few run dirs (logs, screenshots) for inspection; remove older ones. */
function pruneRuns(keep = 4) {
  const dirs = fs.readdirSync(RUNS).filter((d) => /^(exttests|restricted|workbench|start)-/.test(d)).sort();
  const byTag = new Map();
  for (const d of dirs) { const tag = d.split('-')[0]; byTag.set(tag, [...(byTag.get(tag) ?? []), d]); }
  for (const list of byTag.values()) for (const d of list.slice(0, -keep)) fs.rmSync(path.join(RUNS, d), { recursive: true, force: true });
}
