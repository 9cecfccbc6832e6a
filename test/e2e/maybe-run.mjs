// For `npm test`: runs the end-to-end suite (test/e2e/run.mjs; dist/ must be built) when
// code-server and Chromium are installed (test/scripts/install-e2e.sh), and says why when it skips.
// OOPS_E2E=1 makes missing prerequisites an error (CI); OOPS_E2E=0 skips.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, missingPrerequisites } from './lib/harness.mjs';

const mode = process.env.OOPS_E2E;
if (mode === '0') { console.log('e2e: skipped (OOPS_E2E=0)'); process.exit(0); }
const missing = missingPrerequisites();
if (missing.length) {
  for (const m of missing) console.log(`e2e: ${m}`);
  if (mode === '1') { console.error('e2e: OOPS_E2E=1 but prerequisites are missing'); process.exit(1); }
  console.log('e2e: skipped (install with test/scripts/install-e2e.sh, or set OOPS_E2E=1 to require it)');
  process.exit(0);
}
const r = spawnSync(process.execPath, [path.join(ROOT, 'test/e2e/run.mjs')], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
