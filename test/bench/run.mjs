// `npm run bench`: runs every bench/*.mjs benchmark (each prints its own numbers and ratios).
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const only = process.argv[2];
let failed = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.mjs') && n !== 'run.mjs').sort()) {
  if (only && !name.includes(only)) continue;
  console.log(`\n=== ${name}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, name)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
