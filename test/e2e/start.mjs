// `npm start`: after `npm run build`, package the extension, install the .vsix into a fresh
// code-server (VS Code 1.100.3 in the browser) and open the examples/ workspace on 127.0.0.1
// with no auth. Prints the URL and keeps running until Ctrl+C.
// Env: OOPS_PORT (default 0 = any free port), OOPS_E2E_CACHE (where test/scripts/install-e2e.sh put code-server).
import path from 'node:path';
import { ROOT, clock, codeServerEntry, installVsix, makeRun, startCodeServer, workbenchUrl } from './lib/harness.mjs';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { packageVsix } from './lib/package-vsix.mjs';
import { buildFixture } from '../../examples/fixture/build.mjs';

const t = clock();
if (!fs.existsSync(codeServerEntry())) {
  // First run: install code-server (npm) and its Debian prerequisites, about a minute.
  console.log('code-server is not installed yet: running test/scripts/install-e2e.sh');
  const r = spawnSync(path.join(ROOT, 'test/scripts/install-e2e.sh'), [], { stdio: 'inherit' });
  if (r.status !== 0 || !fs.existsSync(codeServerEntry())) {
    console.error(`could not install code-server (${codeServerEntry()}); see the messages above`);
    process.exit(1);
  }
}
const examples = path.join(ROOT, 'examples');
buildFixture();
t.mark('fixture vmlinux ready');
const vsix = packageVsix();
t.mark('packaged .vsix');
const run = makeRun('start', { userSettings: { 'workbench.startupEditor': 'none', 'workbench.colorTheme': 'Default Dark Modern' } });
installVsix(run, vsix);
t.mark('installed into a fresh code-server profile');
const server = await startCodeServer(run, { folder: examples, port: Number(process.env.OOPS_PORT || 0) });
const url = workbenchUrl(server, examples);
const stop = () => { server.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.proc.on('exit', (code) => { console.error(`code-server exited (${code}); logs in ${run.dir}`); process.exit(code ?? 1); });
console.log(`\nOops Lens is running in VS Code (code-server) with the examples workspace:\n\n    ${url}\n\nOpen it in a browser (try reports/demo-fixture.oops). Logs: ${run.dir}\nPress Ctrl+C to stop.`);
