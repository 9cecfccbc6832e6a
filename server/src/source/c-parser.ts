// Loads web-tree-sitter and the C grammar once. The build copies both wasm files next to the bundle
// (dist/); in tests and the CLI from sources they come from node_modules.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

// `require`, not `import`: bundlers pick the package's CommonJS build for require() (the ESM build
// relies on import.meta.url, which a CommonJS bundle does not have).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Language, Parser } = require('web-tree-sitter') as typeof TreeSitter;

let loading: Promise<TreeSitter.Parser> | undefined;

function firstExisting(paths: (string | undefined)[]): string | undefined {
  for (const p of paths) if (p && existsSync(p)) return p;
  return undefined;
}

function resolveModuleFile(spec: string): string | undefined {
  try { return require.resolve(spec); } catch { return undefined; }
}

/** Where the two wasm files are: next to the running script first, then node_modules. */
export function wasmPaths(): { runtime: string; grammar: string } | undefined {
  const here = __dirname;
  const runtime = firstExisting([
    join(here, 'tree-sitter.wasm'),
    join(here, '..', 'tree-sitter.wasm'),
    resolveModuleFile('web-tree-sitter/tree-sitter.wasm'),
    join(here, '..', '..', '..', 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'),
  ]);
  const cPkg = resolveModuleFile('tree-sitter-c/package.json');
  const grammar = firstExisting([
    join(here, 'tree-sitter-c.wasm'),
    join(here, '..', 'tree-sitter-c.wasm'),
    cPkg ? join(dirname(cPkg), 'tree-sitter-c.wasm') : undefined,
    join(here, '..', '..', '..', 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'),
  ]);
  return runtime && grammar ? { runtime, grammar } : undefined;
}

/** A parser for C; rejects with a clear message when the wasm files are missing. */
export function cParser(): Promise<TreeSitter.Parser> {
  loading ??= (async () => {
    const paths = wasmPaths();
    if (!paths) throw new Error('tree-sitter wasm files not found (expected tree-sitter.wasm and tree-sitter-c.wasm next to the server)');
    await Parser.init({ locateFile: () => paths.runtime });
    const lang = await Language.load(paths.grammar);
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  loading.catch(() => { loading = undefined; });
  return loading;
}

/** The parser, or null when the wasm files are missing: the finders then use their textual fallback. */
export async function cParserOrNull(): Promise<TreeSitter.Parser | null> {
  try { return await cParser(); } catch { return null; }
}
