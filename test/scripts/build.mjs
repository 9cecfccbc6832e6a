// Bundles the client, the server and the CLI with esbuild; copies the wasm files they load.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, existsSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', sourcemap: true, logLevel: 'warning' };
mkdirSync('dist', { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server-main.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // fzstd's worker thread (server/src/symbols/zstd.ts loads it from next to the bundle)
  build({ ...common, entryPoints: ['server/src/symbols/zstd-worker.ts'], outfile: 'dist/zstd-worker.js' }),
]);
chmodSync('dist/cli.js', 0o755);
// wasm assets loaded at run time by web-tree-sitter / disassemblers
const wasm = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  ['node_modules/tree-sitter-c/tree-sitter-c.wasm', 'dist/tree-sitter-c.wasm'],
  // iced-x86 reads iced_x86_bg.wasm from __dirname (= dist/ once bundled); capstone.wasm is read by symbols/disasm/arm.ts
  ['node_modules/iced-x86/iced_x86_bg.wasm', 'dist/iced_x86_bg.wasm'],
  ['node_modules/capstone-wasm/dist/capstone.wasm', 'dist/capstone.wasm'],
];
for (const [from, to] of wasm) if (existsSync(from)) copyFileSync(from, to);
