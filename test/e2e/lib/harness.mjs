// Shared pieces of the end-to-end runs: where code-server lives, an isolated run directory per run,
// starting/stopping code-server on a free loopback port, and the headless Chromium that hosts the
// workbench. Every run gets fresh user-data, extensions and XDG dirs under test/e2e/.run/, so
// nothing is read from or written to the home directory and no state leaks between runs.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CS_VERSION = '4.100.3';
export const RUNS = path.join(ROOT, 'test/e2e/.run');
const require = createRequire(path.join(ROOT, 'package.json'));

/** code-server's JS entry (run with this node; no shell wrapper). */
export function codeServerEntry() {
  if (process.env.CODE_SERVER) return path.resolve(process.env.CODE_SERVER);
  const cache = process.env.OOPS_E2E_CACHE || path.join(ROOT, 'test/e2e/.cache');
  return path.join(cache, `code-server-${CS_VERSION}`, 'node_modules/code-server/out/node/entry.js');
}

export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/** What is missing to run the e2e tests, as human-readable lines (empty = ready). */
export function missingPrerequisites() {
  const out = [];
  if (!fs.existsSync(codeServerEntry())) out.push(`code-server ${CS_VERSION} not installed (${codeServerEntry()}): run test/scripts/install-e2e.sh`);
  if (!fs.existsSync(chromiumPath())) out.push(`no Chromium at ${chromiumPath()}: apt-get install chromium (or set CHROMIUM)`);
  return out;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');

/** Deterministic user settings: nothing opens at start, nothing phones home, no trust prompt. */
export const baseUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'editor.lightbulb.enabled': 'on',
};

/**
 * A new run directory test/e2e/.run/<tag>-<time>-XXXX holding the user-data dir, the extensions
 * dir, code-server's config and the XDG homes; `env` keeps code-server, the extension host and
 * Chromium from writing into ~/.config, ~/.local/share and ~/.cache.
 */
export function makeRun(tag, { userSettings = {} } = {}) {
  fs.mkdirSync(RUNS, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(RUNS, `${tag}-${stamp()}-`));
  const run = openRun(runDir, path.join(runDir, 'user-data'), path.join(runDir, 'extensions'));
  fs.writeFileSync(path.join(run.userData, 'User', 'settings.json'),
    JSON.stringify({ ...baseUserSettings, ...userSettings }, null, 2));
  return run;
}

/** A run over given directories (the shim gets them as --user-data-dir/--extensions-dir). */
export function openRun(runDir, userData, extensions) {
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  const settings = path.join(userData, 'User', 'settings.json');
  if (!fs.existsSync(settings)) fs.writeFileSync(settings, JSON.stringify(baseUserSettings, null, 2));
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(runDir, 'xdg/config'),
    XDG_DATA_HOME: path.join(runDir, 'xdg/data'),
    XDG_CACHE_HOME: path.join(runDir, 'xdg/cache'),
  };
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  return { dir: runDir, userData, extensions, config, env, common };
}

/** `code-server --install-extension <vsix>` into the run's extensions dir; returns the installed folder. */
export function installVsix(run, vsix) {
  const r = spawnSync(process.execPath, [codeServerEntry(), ...run.common, '--install-extension', vsix],
    { env: run.env, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0 || !/successfully installed/.test(r.stdout)) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`.toLowerCase();
  const dir = fs.readdirSync(run.extensions).find((d) => d.toLowerCase().startsWith(`${id}-`));
  if (!dir) throw new Error(`installed ${vsix} but found no ${id}-* in ${run.extensions}`);
  return path.join(run.extensions, dir);
}

/**
 * Start code-server on 127.0.0.1 with a kernel-chosen port and no auth; resolves once it prints
 * its URL. The process group is ours: stop() kills it with the extension host and the language
 * server under it.
 */
export async function startCodeServer(run, { folder, port = 0, extraArgs = [], timeoutMs = 60000, trust = false } = {}) {
  // trust: workspace trust on (the run's settings must enable it too), for the Restricted Mode suite.
  const args = [codeServerEntry(), ...run.common,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened', ...extraArgs, ...(folder ? [folder] : [])];
  const proc = spawn(process.execPath, args, { env: run.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(run.dir, 'code-server.log'));
  proc.stdout.pipe(log); proc.stderr.pipe(log);
  let stopped = false;
  const stop = () => {
    if (stopped) return; stopped = true;
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* already gone */ }
  };
  const base = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${buf}`)); }, timeoutMs);
    const onData = (d) => {
      buf += d;
      const m = buf.match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on('data', onData); proc.stderr.on('data', onData);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited with ${code}:\n${buf}`)); });
  });
  return { base, authority: new URL(base).host, proc, stop };
}

/** Headless Debian Chromium through playwright-core, with the run's XDG homes. */
export async function launchBrowser(run) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(), headless: true, env: run.env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The workbench URL opening `folder`, with extra VS Code web payload entries (openFile, extensionTestsPath, ...). */
export function workbenchUrl(server, folder, payload = []) {
  const q = `folder=${encodeURIComponent(folder)}`;
  return payload.length ? `${server.base}/?${q}&payload=${encodeURIComponent(JSON.stringify(payload))}` : `${server.base}/?${q}`;
}

export const remoteUri = (server, p) => `vscode-remote://${server.authority}${p}`;

/** The console line the client logs once `client.start()` resolved (see client/src/extension.ts). */
export const READY_LINE = '[oops-lens] language client started';

/** ms since `t0`, for the timing lines every script prints. */
export function clock() {
  const t0 = Date.now();
  const marks = {};
  return {
    marks,
    mark(name) { marks[name] = Date.now() - t0; console.log(`[e2e t+${String(marks[name]).padStart(6)} ms] ${name}`); },
  };
}
