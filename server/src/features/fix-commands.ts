// Commands behind the fix code actions: run the finder with progress and cancellation, open a
// commit (`git show` as a read-only `oops-git:` document, or the web page without a clone), open a
// search link. Never runs git when the workspace is untrusted.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { FixFinder } from '../fixes/fix-finder';
import { isCancelled, runGit } from '../fixes/git';
import { containmentLabel, renderFixReport, shortSha } from '../fixes/render';
import type { FixQuery, FixResult } from '../fixes/types';
import { commitUrl } from '../fixes/web-search';
import type { DocumentState, FeatureContext } from './context';
import { frameAt, reportAt } from './positions';

export const FixCommands = {
  find: 'oopsLens.findFixes',
  open: 'oopsLens.openCommit',
  openUrl: 'oopsLens.openUrl',
} as const;

/** Read-only documents served by `workspace/textDocumentContent`. */
export const GIT_SCHEME = 'oops-git';

/** What a "Find upstream fixes" action carries (JSON, through the client and back): the finder's question without the clone. */
export interface FixTarget extends Pick<FixQuery, 'function' | 'file' | 'module' | 'title' | 'kernel' | 'syzbotAddresses'> {
  /** Where the frame is, so the symbolizer can say its file when the text does not. */
  uri?: string;
  line?: number;
  character?: number;
}

/** The client operations the commands need, as an interface so tests need no wire. */
export interface FixHost {
  /** `window/showDocument`: external = the user's browser. */
  showDocument(uri: string, options: { external?: boolean }): Promise<boolean>;
  /** A message with buttons; resolves to the chosen button. */
  ask(message: string, items: string[]): Promise<string | undefined>;
}

function isGitRepo(p: string): boolean {
  try {
    if (existsSync(join(p, '.git'))) return true;
    return statSync(join(p, 'objects')).isDirectory() && existsSync(join(p, 'HEAD'));
  } catch {
    return false;
  }
}

/** The kernel clone to search, or why there is none. */
export function kernelRepo(ctx: FeatureContext): { repo?: string; reason?: string } {
  if (!ctx.trusted()) return { reason: 'the workspace is not trusted, so Oops Lens does not run git on paths from its settings' };
  const s = ctx.settings();
  if (s.kernelRepo.trim()) {
    const p = s.kernelRepo.trim();
    if (!isAbsolute(p)) return { reason: `oopsLens.kernelRepo must be an absolute path (${s.kernelRepo})` };
    return isGitRepo(p) ? { repo: p } : { reason: `oopsLens.kernelRepo (${s.kernelRepo}) is not a git clone` };
  }
  for (const root of s.sourceRoots) {
    const p = root.trim();
    if (isAbsolute(p) && isGitRepo(p)) return { repo: p };
  }
  return { reason: 'no kernel git clone: set oopsLens.kernelRepo (or add a git tree to oopsLens.sourceRoots)' };
}

function asTarget(v: unknown): FixTarget | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.function !== 'string') return undefined;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const k = o.kernel && typeof o.kernel === 'object' ? (o.kernel as Record<string, unknown>) : undefined;
  return {
    function: o.function,
    file: str(o.file),
    module: str(o.module),
    title: str(o.title),
    kernel: k ? { release: str(k.release), version: str(k.version) } : undefined,
    syzbotAddresses: Array.isArray(o.syzbotAddresses) ? o.syzbotAddresses.filter((a): a is string => typeof a === 'string') : undefined,
    uri: str(o.uri),
    line: typeof o.line === 'number' ? o.line : undefined,
    character: typeof o.character === 'number' ? o.character : undefined,
  };
}

const SHA = /^[0-9a-f]{7,40}$/i;

export class FixService {
  readonly finder = new FixFinder();
  /** Results shown as `oops-git:/fixes/<id>/…` documents, by a never-reused id. */
  private readonly summaries = new Map<number, FixResult>();
  private nextSummary = 0;

  constructor(
    private readonly ctx: FeatureContext,
    private readonly host: FixHost,
    /** Open documents by uri, for asking the symbolizer where a frame's function lives. */
    private readonly documents?: (uri: string) => DocumentState | undefined,
  ) {}

  /** `workspace/executeCommand` for the three commands; undefined for others. */
  async execute(command: string, args: unknown[] = [], signal?: AbortSignal): Promise<unknown> {
    if (command === FixCommands.find) {
      const t = asTarget(args[0]);
      if (!t) throw new Error(`${command}: bad arguments`);
      return summarize(await this.find(t, signal));
    }
    if (command === FixCommands.open) {
      const a = args[0] as { sha?: unknown } | undefined;
      if (typeof a?.sha !== 'string' || !SHA.test(a.sha)) throw new Error(`${command}: bad arguments`);
      return this.open(a.sha);
    }
    if (command === FixCommands.openUrl) {
      const a = args[0] as { url?: unknown } | undefined;
      if (typeof a?.url !== 'string' || !/^https:\/\//.test(a.url)) throw new Error(`${command}: bad arguments`);
      return this.host.showDocument(a.url, { external: true });
    }
    return undefined;
  }

  /** Finished searches for a function (any clone/version), newest first. */
  cached(fn: string): FixResult[] {
    const { repo } = kernelRepo(this.ctx);
    return repo ? this.finder.resultsFor(fn, repo) : [];
  }

  async find(t: FixTarget, signal?: AbortSignal): Promise<FixResult | undefined> {
    const { repo, reason } = kernelRepo(this.ctx);
    if (!repo) {
      this.ctx.client.notify('warning', `Cannot search upstream fixes for ${t.function}(): ${reason}.`);
      return undefined;
    }
    const progress = this.ctx.client.progress(`Upstream fixes for ${t.function}()`, { cancellable: true });
    const ac = new AbortController();
    const cancel = () => ac.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    progress.signal?.addEventListener('abort', cancel, { once: true });
    let result: FixResult;
    try {
      const file = t.file ?? (await this.symbolizedFile(t));
      const { uri: _u, line: _l, character: _c, ...query } = t;
      result = await this.finder.find({ repo, ...query, file }, { signal: ac.signal, onProgress: (m, p) => progress.report(m, p) });
    } catch (e) {
      if (isCancelled(e)) this.ctx.client.notify('info', `Search for upstream fixes of ${t.function}() cancelled.`);
      else this.ctx.client.notify('error', `Search for upstream fixes of ${t.function}() failed: ${(e as Error).message}`);
      return undefined;
    } finally {
      progress.done();
      signal?.removeEventListener('abort', cancel);
      progress.signal?.removeEventListener('abort', cancel);
    }
    // Not awaited: the command returns while the message waits for the user; a failing client must not take the server down.
    this.announce(result).catch((e) => this.ctx.client.log(`fix search announcement failed: ${(e as Error).message}`));
    return result;
  }

  /** The function's source file from the debug info (the outermost entry of the frame's inline chain). */
  private async symbolizedFile(t: FixTarget): Promise<string | undefined> {
    if (!this.documents || !this.ctx.symbols || !t.uri || t.line === undefined) return undefined;
    const doc = this.documents(t.uri);
    const frame = doc && frameAt(doc, t.line, t.character ?? 0);
    if (!doc || !frame) return undefined;
    try {
      const res = await this.ctx.symbols.resolveFrame(frame, reportAt(doc, t.line) ?? {});
      return res.inlines[res.inlines.length - 1]?.file;
    } catch {
      return undefined;
    }
  }

  /** One message with the best candidate and the full list a click away. */
  private async announce(r: FixResult): Promise<void> {
    const index = this.remember(r);
    const missing = r.commits.filter((c) => c.contained.state !== 'contained');
    const after = r.base ? ` after ${r.base}` : '';
    if (!r.commits.length) {
      this.ctx.client.notify('info', `No upstream commit${after} changed or fixed ${r.function}().${r.notes.length ? ' ' + r.notes.join(' ') : ''}`);
      return;
    }
    const top = missing[0] ?? r.commits[0];
    const open = `Open ${shortSha(top.sha)}`;
    const all = 'Show all';
    const contained = r.commits.length - missing.length;
    const msg =
      `${missing.length} upstream commit(s)${after} may fix ${r.function}()` +
      (contained ? ` (${contained} already in the crashing kernel)` : '') +
      `. First: ${shortSha(top.sha)} ${top.subject} — ${containmentLabel(top)}.`;
    const choice = await this.host.ask(msg, [open, all]);
    if (choice === open) await this.open(top.sha);
    else if (choice === all) await this.host.showDocument(`${GIT_SCHEME}:/fixes/${index}/${r.function}.md`, {});
  }

  private remember(r: FixResult): number {
    const id = this.nextSummary++;
    this.summaries.set(id, r);
    for (const old of this.summaries.keys()) if (this.summaries.size > 32) this.summaries.delete(old);
    return id;
  }

  /** `git show` in a read-only editor with a clone; the commit web page otherwise. */
  async open(sha: string): Promise<boolean> {
    const { repo } = kernelRepo(this.ctx);
    if (repo) return this.host.showDocument(`${GIT_SCHEME}:/commit/${sha.toLowerCase()}.patch`, {});
    const url = commitUrl(this.ctx.settings().web.commitUrl, sha);
    if (!url) {
      this.ctx.client.notify('warning', `oopsLens.web.commitUrl does not give an https link for ${sha}.`);
      return false;
    }
    return this.host.showDocument(url, { external: true });
  }

  /** Content of `oops-git:` documents (`workspace/textDocumentContent`). */
  async content(uri: string, signal?: AbortSignal): Promise<string> {
    const commit = /^oops-git:\/commit\/([0-9a-f]{7,40})\.patch$/i.exec(uri);
    if (commit) {
      const { repo, reason } = kernelRepo(this.ctx);
      if (!repo) return `Cannot show ${commit[1]}: ${reason}.\n`;
      try {
        const r = await runGit(['show', '--stat', '--patch', '--format=fuller', '--no-ext-diff', '--no-textconv', '--no-color', commit[1]], {
          cwd: repo,
          signal,
          maxBytes: 4 * 1024 * 1024,
          timeoutMs: 30000,
        });
        return r.truncated ? `${r.stdout}\n\n[truncated at 4 MB: run git show ${commit[1]} for the rest]\n` : r.stdout;
      } catch (e) {
        return `git show ${commit[1]} failed: ${(e as Error).message}\n`;
      }
    }
    const fixes = /^oops-git:\/fixes\/(\d+)\//.exec(uri);
    if (fixes) {
      const r = this.summaries.get(Number(fixes[1]));
      return r ? renderFixReport(r, this.ctx.settings().web.commitUrl) : 'This search result is no longer available; run the search again.\n';
    }
    return `Unknown Oops Lens document: ${uri}\n`;
  }
}

/** The command's return value: small and JSON-safe (tests and other extensions read it). */
function summarize(r: FixResult | undefined) {
  if (!r) return null;
  return {
    function: r.function,
    base: r.base,
    total: r.total,
    notes: r.notes,
    commits: r.commits.map((c) => ({ sha: c.sha, subject: c.subject, contained: c.contained.state, reasons: c.reasons })),
  };
}
