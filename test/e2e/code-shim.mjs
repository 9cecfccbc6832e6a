#!/usr/bin/env node
// A `code` executable for @vscode/test-electron's runTests({ vscodeExecutablePath }): it takes
// VS Code's CLI shape and runs the extension test suite inside code-server's real (Node)
// extension host, with a headless Chromium as the workbench client.
//
//   code-shim.mjs --extensionDevelopmentPath=<dir> --extensionTestsPath=<file|dir>
//                 [--user-data-dir=<dir>] [--extensions-dir=<dir>] [other --flags ignored] [folder]
//
// Why a browser: code-server's CLI rejects --extensionDevelopmentPath/--extensionTestsPath and the
// bare VS Code server ignores them; the extension host is spawned only when a workbench connects.
// So they travel the way VS Code web passes them, in the workbench URL `payload`, and the exit code
// comes back through window.codeAutomationExit(code) (as in @vscode/test-web). That payload is
// honoured by code-server <= 4.132 (the pinned 4.100.3 is fine).
//
// The suite reports through the file named by $OOPS_E2E_RESULT (inherited by the extension host).
import fs from 'node:fs';
import path from 'node:path';
import { clock, launchBrowser, makeRun, openRun, remoteUri, startCodeServer, workbenchUrl } from './lib/harness.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? undefined : a.slice(name.length + 3);
};
const devPath = opt('extensionDevelopmentPath');
const testsPath = opt('extensionTestsPath');
if (!devPath || !testsPath) {
  console.error('code-shim: --extensionDevelopmentPath=<dir> and --extensionTestsPath=<path> are required');
  process.exit(2);
}
const folder = argv.find((x) => !x.startsWith('--'));
const timeoutMs = Number(process.env.OOPS_E2E_TIMEOUT_MS || 240000);
const t = clock();

const userDataArg = opt('user-data-dir');
const run = userDataArg
  ? openRun(path.dirname(path.resolve(userDataArg)), path.resolve(userDataArg),
    path.resolve(opt('extensions-dir') || path.join(path.dirname(path.resolve(userDataArg)), 'extensions')))
  : makeRun('exttests');
const resultFile = process.env.OOPS_E2E_RESULT || path.join(run.dir, 'mocha-result.json');
run.env.OOPS_E2E_RESULT = resultFile;
fs.rmSync(resultFile, { force: true });

let server; let browser; let code = 1;
const cleanup = async () => {
  try { await browser?.close(); } catch { /* gone */ }
  server?.stop();
};
process.on('SIGINT', async () => { await cleanup(); process.exit(130); });
process.on('SIGTERM', async () => { await cleanup(); process.exit(143); });

try {
  server = await startCodeServer(run, { folder, trust: process.env.OOPS_E2E_TRUST === 'on' });
  t.mark(`code-server listening at ${server.base}`);
  browser = await launchBrowser(run);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Extension-host console output reaches the page console; the suite marks its lines.
  page.on('console', (m) => {
    const text = m.text();
    const k = text.indexOf('[oops-e2e] ');
    if (k >= 0) console.log(`  ${text.slice(k + 11)}`);
    else if (process.env.OOPS_E2E_DEBUG) console.log(`  | ${text}`);
  });
  let exit;
  const exited = new Promise((resolve) => { exit = resolve; });
  await page.exposeFunction('codeAutomationExit', (c) => exit(c)); // before the workbench loads
  const payload = [
    ['extensionDevelopmentPath', remoteUri(server, path.resolve(devPath))],
    ['extensionTestsPath', remoteUri(server, path.resolve(testsPath))],
  ];
  await page.goto(workbenchUrl(server, folder ? path.resolve(folder) : run.dir, payload));
  t.mark('workbench loading; waiting for the suite to finish');
  let timer;
  code = await Promise.race([exited, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`extension tests did not finish within ${timeoutMs} ms`)), timeoutMs);
  })]);
  clearTimeout(timer);
  t.mark(`codeAutomationExit(${code})`);
  if (!fs.existsSync(resultFile)) { console.error(`code-shim: the suite wrote no ${resultFile}`); code = code || 1; }
  if (code !== 0) await page.screenshot({ path: path.join(run.dir, 'exttests-failure.png') }).catch(() => {});
} catch (e) {
  console.error('code-shim:', e?.message ?? e);
  code = 1;
} finally {
  await cleanup();
  console.log(`code-shim: run dir ${run.dir}`);
}
process.exit(code === 0 ? 0 : 1);
