// Checks the packaged .vsix: prints its size and file list summary, fails over the size budget or
// when it ships what it must not (sources, tests, fixtures, examples, node_modules, maps of
// sources are fine only under dist/). Usage: node test/e2e/check-vsix.mjs <file.vsix> [budgetBytes]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export const VSIX_BUDGET = 5 * 1024 * 1024;

/** Entries of a zip file via `unzip -Z1`, or by reading the central directory when unzip is absent. */
export function zipEntries(file) {
  try {
    return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    const buf = fs.readFileSync(file);
    const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${file} is not a zip file`);
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    const names = [];
    for (let i = 0; i < count; i++) {
      const nameLen = buf.readUInt16LE(p + 28); const extra = buf.readUInt16LE(p + 30); const comment = buf.readUInt16LE(p + 32);
      names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
      p += 46 + nameLen + extra + comment;
    }
    return names;
  }
}

export function checkVsix(file, budget = VSIX_BUDGET) {
  const size = fs.statSync(file).size;
  const entries = zipEntries(file);
  const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
  const problems = [];
  if (size > budget) problems.push(`size ${size} bytes is over the budget of ${budget} bytes`);
  const forbidden = [/^node_modules\//, /^(client|server)\/src\//, /^test\//, /^examples\//, /^bench\//, /^scripts\//,
    /(^|\/)tsconfig\.json$/, /\.ts$/, /^\.vscode/, /\.vsix$/];
  for (const f of files) if (forbidden.some((r) => r.test(f))) problems.push(`ships ${f}`);
  for (const must of ['package.json', 'dist/client.js', 'dist/server.js', 'dist/zstd-worker.js', 'syntaxes/oops.tmLanguage.json', 'syntaxes/language-configuration.json']) {
    if (!files.includes(must)) problems.push(`missing ${must}`);
  }
  return { size, files, problems };
}

if (process.argv[1] && process.argv[1].endsWith('check-vsix.mjs')) {
  const [file, budget] = process.argv.slice(2);
  if (!file) { console.error('usage: node test/e2e/check-vsix.mjs <file.vsix> [budgetBytes]'); process.exit(2); }
  const r = checkVsix(file, budget ? Number(budget) : VSIX_BUDGET);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`vsix: ${file}: ${kb(r.size)} (budget ${kb(budget ? Number(budget) : VSIX_BUDGET)}), ${r.files.length} files`);
  for (const f of r.files) console.log(`  ${f}`);
  if (r.problems.length) { for (const p of r.problems) console.error(`vsix: ${p}`); process.exit(1); }
}
