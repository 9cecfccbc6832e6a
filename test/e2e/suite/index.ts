// Mocha runner loaded by VS Code's extension host (extensionTestsPath): runs every *.test.js next
// to it (bundled from test/e2e/suite/*.test.ts by test/e2e/build-suite.mjs) against the real
// VS Code API, and writes a JSON summary to $OOPS_E2E_RESULT for the driver.
import * as fs from 'fs';
import * as path from 'path';

interface Outcome { title: string; ms?: number; error?: string }

// The extension host prints console.log through its log service; the marker lets the driver pick
// the suite's lines out of the workbench console.
const say = (line: string) => console.log(`[oops-e2e] ${line}`);

export async function run(): Promise<void> {
  // mocha 12's main entry is ESM; its CommonJS build is the same Mocha class.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha/lib/mocha.cjs') as typeof import('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, reporter: 'base', color: false });
  const grep = process.env.OOPS_E2E_GREP;
  if (grep) mocha.grep(grep);
  // restricted-*.test.js run alone, in a Restricted Mode (untrusted) workspace: OOPS_E2E_SUITE=restricted.
  const restricted = process.env.OOPS_E2E_SUITE === 'restricted';
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js') && n.startsWith('restricted-') === restricted).sort()) mocha.addFile(path.join(__dirname, f));

  const passed: Outcome[] = [];
  const failed: Outcome[] = [];
  const pending: Outcome[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('pass', (t) => { passed.push({ title: t.fullTitle(), ms: t.duration }); say(`ok   ${t.fullTitle()} (${t.duration} ms)`); });
    runner.on('fail', (t, err: Error) => {
      const error = String(err?.stack ?? err).split('\n').slice(0, 6).join('\n');
      failed.push({ title: t.fullTitle(), error });
      say(`FAIL ${t.fullTitle()}\n${error}`);
    });
    runner.on('pending', (t) => { pending.push({ title: t.fullTitle() }); say(`skip ${t.fullTitle()}`); });
  });
  say(`${passed.length} passed, ${failed.length} failed, ${pending.length} skipped`);
  const out = process.env.OOPS_E2E_RESULT;
  if (out) fs.writeFileSync(out, JSON.stringify({ pid: process.pid, passed, failed, pending }, null, 2));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
