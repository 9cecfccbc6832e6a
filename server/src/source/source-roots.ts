// The user's local source trees (oopsLens.sourceRoots): where a printed path lives on disk, and where a
// function is defined. Indexes are cached per tree and shared by callers; they follow the tree as it
// changes: a file's definitions are re-read when its mtime or size changes, and the whole index is
// rebuilt in the background when the tree's git index or HEAD changes (a checkout, a pull).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { findAsmDefinitions } from './asm-defs';
import { cParserOrNull } from './c-parser';
import { findDefinitions, type DefinitionHit } from './c-functions';
import { applyPathMap, normalisePath, pathSuffixes, stripKnownPrefix } from './path-map';
import { nameQuery } from './symbol-names';
import { CancelledError, TreeIndex } from './tree-index';

export interface ResolvedFile {
  absPath: string;
  /** The root it was found in (undefined: an absolute path that exists as printed or after pathMap). */
  root?: string;
  /** Path relative to the root. */
  relPath?: string;
}

export interface DefinitionSite {
  name: string;
  absPath: string;
  root: string;
  relPath: string;
  /** 1-based line of the name. */
  line: number;
  column: number;
  /** 1-based first signature line and closing brace line. */
  startLine: number;
  endLine: number;
  signature: string;
  kind: DefinitionHit['kind'];
}

export interface LookupOptions {
  signal?: AbortSignal;
  /** Index-building progress (the first lookup in a tree reads every source file). */
  onProgress?: (message: string, percentage: number) => void;
  /** Report architecture (`x86_64`, `arm64` ...): definitions under other arch/ dirs rank last. */
  arch?: string;
  /** Module the frame belongs to (`nfs`): files in a directory of that name rank first. */
  module?: string;
}

export interface SourceRoot {
  /** As configured. */
  configured: string;
  /** The directory lookups use: the kernel tree root if one was found (init/main.c), else the configured dir. */
  dir: string;
  kernel: boolean;
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/** The kernel's own trick: a tree root is where `init/main.c` is. Looks at dir, its children, its parents. */
export function detectKernelRoot(dir: string): string | undefined {
  const d = resolvePath(dir);
  if (isFile(join(d, 'init', 'main.c'))) return d;
  try {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory() && isFile(join(d, e.name, 'init', 'main.c'))) return join(d, e.name);
    }
  } catch { /* not a directory */ }
  let up = dirname(d);
  for (let i = 0; i < 8 && up !== dirname(up); i++, up = dirname(up)) {
    if (isFile(join(up, 'init', 'main.c'))) return up;
  }
  return undefined;
}

const ARCH_DIR: Record<string, string> = { x86_64: 'x86', i386: 'x86', arm64: 'arm64', arm: 'arm', riscv: 'riscv', powerpc: 'powerpc' };

/** Shared per-tree state: index (built once) and answers already found. */
interface TreeState {
  index?: TreeIndex;
  building?: Promise<TreeIndex>;
  controller?: AbortController;
  /** Progress callbacks of the callers waiting for the build. */
  listeners?: Set<(message: string, percentage: number) => void>;
  /** Definitions per name: the candidate files the index gave, re-checked against each file's state. */
  answers: Map<string, string[]>;
  /** What each file defines, valid while the file keeps its mtime and size. */
  files: Map<string, { stamp: string; hits: Map<string, DefinitionSite[]> }>;
  /** The tree's git state when the index was built; `checkedAt` limits how often it is looked at. */
  gitStamp?: string;
  checkedAt?: number;
}
const trees = new Map<string, TreeState>();

function treeState(dir: string): TreeState {
  let s = trees.get(dir);
  if (!s) { s = { answers: new Map(), files: new Map() }; trees.set(dir, s); }
  return s;
}

/** mtime and size of a file ('' when it is gone): an edit changes one or the other. */
function fileStamp(abs: string): string {
  try {
    const st = statSync(abs);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return '';
  }
}

/** The git index and HEAD of a tree: what a checkout, pull, rebase or `git add` changes. */
function gitStamp(dir: string): string {
  return `${fileStamp(join(dir, '.git', 'index'))}|${fileStamp(join(dir, '.git', 'HEAD'))}`;
}

/** Time between two looks at a tree's git state (a stat of two files). */
let gitCheckMs = 5000;

/** Test hook: look at the git state on every lookup (0) or at another interval. */
export function setGitCheckInterval(ms: number): void {
  gitCheckMs = ms;
}

/** Forget cached indexes and answers (a tree was updated, or tests); stops builds in progress. */
export function clearSourceCaches(dir?: string): void {
  for (const [d, st] of trees) {
    if (dir && d !== resolvePath(dir)) continue;
    st.controller?.abort();
    trees.delete(d);
  }
}

/** Stop an index build in progress (the user cancelled it); the next lookup starts again. */
export function cancelIndexing(dir: string): void {
  trees.get(resolvePath(dir))?.controller?.abort();
}

/**
 * Build the tree's index in the background; callers that wait add their progress listener to
 * `st.listeners`. The finished index replaces the tree's old one (and the answers taken from it).
 */
function startBuild(root: SourceRoot, st: TreeState): void {
  st.controller = new AbortController();
  const label = root.kernel ? `Indexing kernel tree ${root.dir}` : `Indexing ${root.dir}`;
  const listeners = (st.listeners = new Set());
  st.building = TreeIndex.build(root.dir, {
    signal: st.controller.signal,
    onProgress: (done, total) => {
      const pct = total ? Math.floor((100 * done) / total) : 0;
      for (const l of listeners) l(`${label}: ${done}/${total} files`, pct);
    },
  }).then((ix) => { st.index = ix; st.answers.clear(); return ix; }).finally(() => { st.building = undefined; st.controller = undefined; st.listeners = undefined; });
  st.building.catch(() => undefined);
}

let memo: { key: string; roots: SourceRoots } | undefined;
/** One SourceRoots per settings value, so per-instance caches survive between requests. */
export function sourceRootsFor(roots: string[], pathMap: Record<string, string>): SourceRoots {
  const key = JSON.stringify([roots, pathMap]);
  if (memo?.key !== key) memo = { key, roots: new SourceRoots(roots, pathMap) };
  return memo.roots;
}

export class SourceRoots {
  readonly roots: SourceRoot[];
  private readonly existsCache = new Map<string, boolean>();

  constructor(configured: string[], private readonly pathMap: Record<string, string> = {}) {
    const seen = new Set<string>();
    this.roots = [];
    for (const c of configured) {
      if (!c || !isAbsolute(c)) continue;
      const kernelDir = detectKernelRoot(c);
      const dir = kernelDir ?? resolvePath(c);
      if (seen.has(dir)) continue;
      seen.add(dir);
      this.roots.push({ configured: c, dir, kernel: !!kernelDir });
    }
  }

  get empty(): boolean { return this.roots.length === 0; }

  private exists(p: string): boolean {
    let v = this.existsCache.get(p);
    if (v === undefined) {
      v = isFile(p);
      if (this.existsCache.size > 50_000) this.existsCache.clear();
      this.existsCache.set(p, v);
    }
    return v;
  }

  private inRoots(rel: string, kernelOnly: boolean): ResolvedFile | undefined {
    for (const r of this.roots) {
      if (kernelOnly && !r.kernel) continue;
      const abs = join(r.dir, rel);
      if (this.exists(abs)) return { absPath: abs, root: r.dir, relPath: rel };
    }
    return undefined;
  }

  /**
   * Where a printed path is on disk: pathMap rules, then the path with its build prefix stripped,
   * then the longest suffix that exists in a root, then the path itself if it exists.
   */
  resolve(printed: string): ResolvedFile | undefined {
    const mapped = applyPathMap(printed, this.pathMap);
    if (mapped) {
      if (isAbsolute(mapped) && this.exists(mapped)) return { absPath: normalisePath(mapped) };
      if (!isAbsolute(mapped)) {
        const hit = this.inRoots(normalisePath(mapped), false);
        if (hit) return hit;
      }
    }
    const p = mapped ?? printed;
    const known = stripKnownPrefix(p);
    if (known) {
      const hit = this.inRoots(known, true) ?? this.inRoots(known, false);
      if (hit) return hit;
    }
    for (const suffix of pathSuffixes(p)) {
      const hit = this.inRoots(suffix, false);
      if (hit) return hit;
    }
    if (isAbsolute(p) && this.exists(p)) return { absPath: normalisePath(p) };
    return undefined;
  }

  /**
   * Index of one root, building it on first use. Concurrent callers share one build. A caller whose
   * signal aborts stops waiting, but the build goes on in the background (it is time-sliced) so the
   * next request finds it done; `cancelIndexing` stops a build for good.
   */
  private async indexOf(root: SourceRoot, opts: LookupOptions): Promise<TreeIndex> {
    const st = treeState(root.dir);
    if (st.index) {
      this.refreshIfMoved(root, st);
      return st.index;
    }
    if (!st.building) {
      st.gitStamp = gitStamp(root.dir);
      st.checkedAt = Date.now();
      startBuild(root, st);
    }
    const building = st.building!;
    const listener = opts.onProgress;
    if (listener) st.listeners?.add(listener);
    try {
      if (!opts.signal) return await building;
      return await new Promise<TreeIndex>((res, rej) => {
        const onAbort = () => rej(new CancelledError());
        if (opts.signal!.aborted) return onAbort();
        opts.signal!.addEventListener('abort', onAbort, { once: true });
        building.then(res, rej).finally(() => opts.signal!.removeEventListener('abort', onAbort));
      });
    } finally {
      if (listener) st.listeners?.delete(listener);
    }
  }

  /**
   * A tree whose git state moved (checkout, pull) gets a new index built in the background; the old
   * one answers meanwhile (files it names are re-read if they changed), the new one replaces it.
   */
  private refreshIfMoved(root: SourceRoot, st: TreeState): void {
    const now = Date.now();
    if (st.building || (st.checkedAt !== undefined && now - st.checkedAt < gitCheckMs)) return;
    st.checkedAt = now;
    const stamp = gitStamp(root.dir);
    if (stamp === st.gitStamp) return;
    st.gitStamp = stamp;
    startBuild(root, st);
  }

  /** True once every root has its index (later lookups answer without reading the whole tree). */
  get indexed(): boolean {
    return this.roots.every((r) => !!trees.get(r.dir)?.index);
  }

  /**
   * Where `symbol` (as printed in a trace: clone suffixes and syscall wrappers allowed) is defined,
   * best first. Throws CancelledError when `opts.signal` aborts.
   */
  async definitions(symbol: string, opts: LookupOptions = {}): Promise<DefinitionSite[]> {
    const q = nameQuery(symbol);
    if (!/^[A-Za-z_]\w*$/.test(q.name)) return [];
    const parser = await cParserOrNull();
    const all: DefinitionSite[] = [];
    const key = `${q.name}\0${q.syscall?.name ?? ''}`;
    for (const root of this.roots) {
      const index = await this.indexOf(root, opts);
      const st = treeState(root.dir);
      let files = st.answers.get(key);
      if (!files) {
        const names = [q.name, ...(q.syscall ? [q.syscall.name] : [])];
        files = [...new Set(names.flatMap((n) => index.candidates(n)))];
        st.answers.set(key, files);
      }
      for (const rel of files) {
        if (opts.signal?.aborted) throw new CancelledError();
        all.push(...this.fileDefinitions(root, st, rel, key, q, parser));
      }
    }
    return rankDefinitions(all, opts);
  }

  /** Definitions of `q` in one file: from the cache while the file is unchanged, else read again. */
  private fileDefinitions(root: SourceRoot, st: TreeState, rel: string, key: string, q: ReturnType<typeof nameQuery>, parser: Parser | null): DefinitionSite[] {
    const abs = join(root.dir, rel);
    const stamp = fileStamp(abs);
    let entry = st.files.get(abs);
    if (!entry || entry.stamp !== stamp) {
      if (st.files.size > 20_000) st.files.clear();
      st.files.set(abs, (entry = { stamp, hits: new Map() }));
    }
    let hits = entry.hits.get(key);
    if (!hits) entry.hits.set(key, (hits = stamp ? this.definitionsInFile(root, rel, q, parser) : []));
    return hits;
  }

  private definitionsInFile(root: SourceRoot, rel: string, q: ReturnType<typeof nameQuery>, parser: Parser | null): DefinitionSite[] {
    let text: string;
    const abs = join(root.dir, rel);
    try { text = readFileSync(abs, 'utf8'); } catch { return []; }
    const hits = rel.endsWith('.S')
      ? findAsmDefinitions(text, q.name)
      : findDefinitions(parser, text, q.name, q.syscall);
    return hits.map((h) => ({
      name: q.name,
      absPath: abs,
      root: root.dir,
      relPath: rel,
      line: h.row + 1,
      column: h.column,
      startLine: h.startRow + 1,
      endLine: h.endRow + 1,
      signature: h.signature,
      kind: h.kind,
    }));
  }
}

/** Best first: the report's arch over other arches, the module's directory, .c over .h, exact name over syscall. */
export function rankDefinitions(defs: DefinitionSite[], opts: { arch?: string; module?: string }): DefinitionSite[] {
  const archDir = opts.arch ? ARCH_DIR[opts.arch] : undefined;
  const score = (d: DefinitionSite) => {
    let s = 0;
    const m = /^arch\/([^/]+)\//.exec(d.relPath);
    if (m && archDir && m[1] !== archDir) s += 100;
    if (m && !archDir) s += 10;
    if (opts.module && !d.relPath.split('/').slice(0, -1).includes(opts.module)) s += 5;
    if (d.relPath.endsWith('.h')) s += 2;
    if (/^(drivers|sound)\//.test(d.relPath)) s += 1;
    if (d.relPath.startsWith('tools/') || d.relPath.startsWith('scripts/') || d.relPath.startsWith('samples/')) s += 50;
    return s;
  };
  return defs
    .map((d, i) => ({ d, i, s: score(d) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.d);
}
