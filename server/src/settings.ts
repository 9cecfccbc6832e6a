// One typed schema for every `oopsLens.*` setting, with defaults.
// Mirrored by package.json `contributes.configuration` (test/unit/settings.test.ts keeps them equal).
import { homedir } from 'node:os';

export interface Settings {
  /** Path to a vmlinux with DWARF; empty = discover by the report's kernel release. */
  vmlinux: string;
  /** Directories searched recursively for `<module>.ko*` debug files. */
  modulePaths: string[];
  /** Which engine resolves addresses. */
  symbolizer: 'builtin' | 'llvm-symbolizer' | 'addr2line';
  /** Show `file:line` inlay hints after frames. */
  inlayHints: boolean;
  /** Local kernel source trees. */
  sourceRoots: string[];
  /** User path rewrite rules: { "from prefix": "to prefix" }. */
  pathMap: Record<string, string>;
  web: {
    /** Template with ${version} ${path} ${line}. */
    sourceUrl: string;
    /** Template with ${version} ${ident}. */
    identUrl: string;
    /** Template with ${sha}. */
    commitUrl: string;
    /** Force the version used in web links (e.g. `v6.1.192`); empty = from the report. */
    version: string;
  };
  /** Local kernel git clone used to find fix commits; empty = discover from sourceRoots. */
  kernelRepo: string;
}

export const defaultSettings: Settings = {
  vmlinux: '',
  modulePaths: [],
  symbolizer: 'builtin',
  inlayHints: true,
  sourceRoots: [],
  pathMap: {},
  web: {
    sourceUrl: 'https://elixir.bootlin.com/linux/${version}/source/${path}#L${line}',
    identUrl: 'https://elixir.bootlin.com/linux/${version}/A/ident/${ident}',
    commitUrl: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${sha}',
    version: '',
  },
  kernelRepo: '',
};

/** Merge a (possibly partial, possibly ill-typed) client configuration over the defaults. */
export function resolveSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const web = (r.web && typeof r.web === 'object' ? r.web : {}) as Record<string, unknown>;
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const map = (v: unknown) => {
    const out: Record<string, string> = {};
    if (v && typeof v === 'object' && !Array.isArray(v))
      for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
    return out;
  };
  const sym = r.symbolizer;
  return {
    vmlinux: str(r.vmlinux, defaultSettings.vmlinux),
    modulePaths: strs(r.modulePaths),
    symbolizer: sym === 'llvm-symbolizer' || sym === 'addr2line' ? sym : 'builtin',
    inlayHints: bool(r.inlayHints, defaultSettings.inlayHints),
    sourceRoots: strs(r.sourceRoots),
    pathMap: map(r.pathMap),
    web: {
      sourceUrl: str(web.sourceUrl, defaultSettings.web.sourceUrl),
      identUrl: str(web.identUrl, defaultSettings.web.identUrl),
      commitUrl: str(web.commitUrl, defaultSettings.web.commitUrl),
      version: str(web.version, defaultSettings.web.version),
    },
    kernelRepo: str(r.kernelRepo, defaultSettings.kernelRepo),
  };
}

/**
 * Settings paths as the user wrote them are relative to the workspace folder (or say
 * `${workspaceFolder}`, `~`): make vmlinux, modulePaths, sourceRoots, kernelRepo and the targets of
 * pathMap absolute. `root` = the first workspace folder's path; without one, relative paths stay.
 */
export function resolveSettingPaths(s: Settings, root: string | undefined, home = homedir()): Settings {
  const abs = (written: string): string => {
    const p = written.trim();
    if (!p) return p;
    const base = root?.replace(/[\\/]+$/, '');
    let q = base ? p.replace(/\$\{workspaceFolder\}/g, base) : p;
    if (home && (q === '~' || q.startsWith('~/'))) q = home + q.slice(1);
    if (q.startsWith('/') || /^[A-Za-z]:[\\/]/.test(q) || !base) return q;
    return `${base}/${q.replace(/^\.\//, '')}`;
  };
  const pathMap: Record<string, string> = {};
  for (const [from, to] of Object.entries(s.pathMap)) pathMap[from] = abs(to);
  return { ...s, vmlinux: abs(s.vmlinux), modulePaths: s.modulePaths.map(abs), sourceRoots: s.sourceRoots.map(abs), kernelRepo: abs(s.kernelRepo), pathMap };
}
