// Bundles the extension-host suite (test/e2e/suite/*.ts) into test/e2e/.run/suite/: index.js (the
// mocha runner VS Code loads as extensionTestsPath) and one *.test.js per test file. `vscode` is
// provided by the extension host; mocha is loaded from the repository's node_modules at run time.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/harness.mjs';

export const SUITE_OUT = path.join(ROOT, 'test/e2e/.run/suite');

export async function buildSuite() {
  const dir = path.join(ROOT, 'test/e2e/suite');
  const entryPoints = fs.readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  fs.rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints, outdir: SUITE_OUT, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    sourcemap: 'inline', external: ['vscode', 'mocha', 'mocha/*'], logLevel: 'warning',
    // the bundles live under test/e2e/.run/suite; mocha resolves from the repository root
    nodePaths: [path.join(ROOT, 'node_modules')],
  });
  return path.join(SUITE_OUT, 'index.js');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  console.log(await buildSuite());
}
