// Where the crashing function lives: its file in the crashing version (given or found by git grep),
// and where file and function went by the upstream tip (renames, moves between files).
import { isCancelled, literalPath } from './git';
import { definitionPattern, findDefinition, type LineRange, type SourceFunction } from './function-locator';
import { cParserOrNull } from '../source/c-parser';
import { guessTreePath, stripKnownPrefix } from '../source/path-map';
import { git, type Run } from './run';

/** A path as git knows it: relative to the top of the tree, forward slashes. */
export function treePath(path: string): string | undefined {
  let p = path.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/^[ab]\//, '');
  if (p.startsWith('/')) {
    // Absolute build paths (`/build/linux-6.1/fs/nfs/write.c`, RHEL's /usr/src/debug/kernel-X/linux-X/...),
    // made tree-relative as web links make them.
    const rel = stripKnownPrefix(p) ?? guessTreePath(p);
    if (!rel) return undefined;
    p = rel;
  }
  if (!p || p.startsWith('-') || p.split('/').includes('..') || /[\x00-\x1f]/.test(p)) return undefined;
  return p;
}

export async function fileAt(run: Run, rev: string, path: string): Promise<string | undefined> {
  try {
    const r = await git(run, ['cat-file', 'blob', `${rev}:${path}`], { maxBytes: 16 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    if (isCancelled(e)) throw e;
    return undefined;
  }
}

/** Files that define `fn` at `rev`, best first (module directory, .c before .h). */
export async function locate(run: Run, fn: SourceFunction, rev: string, module?: string, near?: string): Promise<string[]> {
  const specs: string[][] = [];
  if (near) specs.push([`:(glob)${near.replace(/[*?[\]]/g, '')}/**`]);
  if (module && /^[A-Za-z0-9_-]+$/.test(module)) specs.push([`:(glob)**/${module}/**`, `:(glob)**/${module}*.c`, `:(glob)**/${module.replace(/_/g, '-')}/**`]);
  const whole = [':(glob)**/*.c', ':(glob)**/*.h'];
  for (const spec of specs) {
    const files = await grepDefinitions(run, fn, rev, spec, module);
    if (files.length) return files;
  }
  // The whole tree: reading every blob of a revision takes seconds on a kernel, while the checked-out
  // files are grepped in parallel from the page cache. Candidates found there are checked at `rev`.
  const inWorkTree = await grepDefinitions(run, fn, undefined, whole, module).catch((e) => {
    if (isCancelled(e)) throw e;
    return [] as string[];
  });
  const confirmed: string[] = [];
  const parser = await cParserOrNull();
  for (const f of inWorkTree.slice(0, 12)) {
    const text = await fileAt(run, rev, f);
    if (text !== undefined && findDefinition(text, fn, parser)) confirmed.push(f);
  }
  return confirmed.length ? confirmed : grepDefinitions(run, fn, rev, whole, module);
}

/** `git grep` for definition lines at `rev` (or in the work tree), files ranked. */
async function grepDefinitions(run: Run, fn: SourceFunction, rev: string | undefined, spec: string[], module?: string): Promise<string[]> {
  const args = ['grep', '-n', '-I', '-E', '-e', definitionPattern(fn), ...(rev ? [rev] : []), '--', ...spec];
  const r = await git(run, args, { okCodes: [1], maxBytes: 4 * 1024 * 1024 });
  const files = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    // `<rev>:<path>:<line>:<text>` (no `<rev>:` in the work tree)
    const rest = rev && line.startsWith(rev + ':') ? line.slice(rev.length + 1) : line;
    const m = /^([^:]+):(\d+):(.*)$/.exec(rest);
    if (!m || /;\s*$/.test(m[3]) || m[3].startsWith('#')) continue;
    const score = (m[1].endsWith('.c') ? 2 : 0) + (module && m[1].includes(module) ? 4 : 0);
    files.set(m[1], Math.max(files.get(m[1]) ?? 0, score));
  }
  return [...files.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length).map(([f]) => f);
}

/** Where the file went between the crashing version and the tip (renames). */
export async function followRenames(run: Run, range: string[], path: string, tipSha: string): Promise<string | undefined> {
  let current = path;
  for (let hop = 0; hop < 4; hop++) {
    // The first deletion after the crashing version (git lists newest first).
    const del = await git(run, ['log', '--format=%H', '--diff-filter=D', ...range, '--', literalPath(current)]);
    const sha = del.stdout.trim().split('\n').pop();
    if (!sha) return undefined;
    const show = await git(run, ['show', '-M', '--name-status', '--format=', '--no-ext-diff', '--no-textconv', sha], { maxBytes: 8 * 1024 * 1024 });
    const moved = show.stdout.split('\n').map((l) => l.split('\t')).find((f) => /^R\d*$/.test(f[0]) && f[1] === current);
    if (!moved) return undefined;
    current = moved[2];
    const exists = await git(run, ['cat-file', '-e', `${tipSha}:${current}`], { okCodes: [1, 128] });
    if (exists.code === 0) return current;
  }
  return undefined;
}

export interface FunctionFiles {
  /** File in the crashing version and the definition's lines there. */
  file?: string;
  baseLines?: LineRange;
  /** File at the upstream tip (after renames/moves) and the definition's lines there. */
  tipFile?: string;
  tipLines?: LineRange;
}

/** The function's file and lines in the crashing version and at the tip; notes say what moved. */
export async function resolveFiles(
  run: Run,
  fn: SourceFunction,
  q: { file?: string; module?: string },
  at: { baseRev: string; baseName?: string; tipSha: string; tipName: string; range: string[] },
): Promise<FunctionFiles> {
  const notes = run.notes;
  const where = at.baseName ?? 'the crashing version';
  let file = q.file ? treePath(q.file) : undefined;
  if (q.file && !file) notes.push(`Ignoring the file ${q.file}: not a path inside the kernel tree.`);
  let baseText = file ? await fileAt(run, at.baseRev, file) : undefined;
  if (file && baseText === undefined) {
    notes.push(`${file} does not exist at ${where}; looking for ${fn.name}() elsewhere.`);
    file = undefined;
  }
  if (!file) {
    const found = await locate(run, fn, at.baseRev, q.module);
    if (found.length > 1) notes.push(`${fn.name}() is defined in ${found.length} files; using ${found[0]} (others: ${found.slice(1, 4).join(', ')}).`);
    file = found[0];
    baseText = file ? await fileAt(run, at.baseRev, file) : undefined;
    if (!file) notes.push(`No definition of ${fn.name}() found at ${where}; searching commit messages only.`);
  }
  if (!file) return {};
  const parser = await cParserOrNull();
  const baseLines = baseText !== undefined ? findDefinition(baseText, fn, parser) : undefined;

  let tipText = await fileAt(run, at.tipSha, file);
  let tipFile = tipText !== undefined ? file : await followRenames(run, at.range, file, at.tipSha);
  if (tipFile && tipFile !== file) notes.push(`${file} was renamed to ${tipFile}.`);
  if (tipFile && tipText === undefined) tipText = await fileAt(run, at.tipSha, tipFile);
  let tipLines = tipText !== undefined ? findDefinition(tipText, fn, parser) : undefined;
  if (!tipLines) {
    const dir = (tipFile ?? file).split('/').slice(0, -1).join('/');
    const moved = (await locate(run, fn, at.tipSha, q.module, dir || undefined)).filter((f) => f !== tipFile);
    if (moved.length) {
      notes.push(`${fn.name}() moved to ${moved[0]}.`);
      tipFile = moved[0];
      tipText = await fileAt(run, at.tipSha, tipFile);
      tipLines = tipText !== undefined ? findDefinition(tipText, fn, parser) : undefined;
    } else notes.push(`${fn.name}() no longer exists at ${at.tipName} (renamed or removed); using changes that name it.`);
  }
  return { file, baseLines, tipFile, tipLines };
}
