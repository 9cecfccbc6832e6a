// Code actions on a report header, its guilty frame or any frame: "Find upstream fixes for f()",
// then "Open <sha> <subject>" for what the search found; without a usable clone, links that search
// lore.kernel.org, syzbot and git.kernel.org (opened by the user's browser, nothing fetched).
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver';
import type { Frame, KernelInfo, Report } from '../model/types';
import { syzbotAddresses } from '../fixes/commit-message';
import { sourceFunction } from '../fixes/function-locator';
import { kernelRevision } from '../fixes/kernel-version';
import { shortSha } from '../fixes/render';
import { searchLinks } from '../fixes/web-search';
import type { DocumentState, FeatureContext } from './context';
import { FixCommands, kernelRepo, type FixService, type FixTarget } from './fix-commands';
import { reportAt } from './positions';

/** How many "Open <sha>" actions one search contributes. */
const MAX_OPEN = 8;

const syzbotCache = new WeakMap<DocumentState, string[]>();
function addressesIn(doc: DocumentState): string[] {
  let a = syzbotCache.get(doc);
  if (!a) syzbotCache.set(doc, (a = syzbotAddresses(doc.text.length > 4_000_000 ? doc.text.slice(0, 4_000_000) : doc.text)));
  return a;
}

/** `kernel BUG at fs/nfs/pagelist.c:382!`, `WARNING: CPU: 0 PID: 1 at mm/slub.c:123 f+0x1/0x2`. */
function headerFile(r: Report): string | undefined {
  return / at ((?:[\w.+-]+\/)+[\w.+-]+\.[chS]):\d+/.exec(r.headerText)?.[1];
}

function kernelOf(doc: DocumentState, r: Report | undefined): KernelInfo | undefined {
  if (r?.kernel.release) return r.kernel;
  if (doc.model.banner?.release) return doc.model.banner;
  const sys = doc.model.session?.sys;
  if (sys?.RELEASE) return { release: sys.RELEASE.value, version: sys.VERSION?.value };
  return undefined;
}

/** Frames the cursor/selection is on: the guilty frame on a report header, else frames on the line. */
function framesAt(doc: DocumentState, range: Range, report: Report | undefined): Frame[] {
  const line = range.start.line;
  if (report && report.header.line === line) {
    const guilty = report.guilty ?? report.frames.find((f) => f.function === report.guiltyFrame);
    return guilty ? [guilty] : [];
  }
  const onLine = doc.model.frames.filter((f) => f.span.line === line);
  const under = onLine.filter((f) => range.start.character >= f.span.start && range.start.character <= f.span.end);
  return under.length ? under : onLine;
}

export function targetFor(doc: DocumentState, frame: Frame, report: Report | undefined): FixTarget | undefined {
  const fn = sourceFunction(frame.function);
  if (!fn) return undefined;
  const guiltyLike = !!report && (frame === report.guilty || frame.function === report.guiltyFrame || frame.exact);
  const addrs = addressesIn(doc);
  return {
    function: fn.symbol,
    file: frame.file ?? (guiltyLike && report ? headerFile(report) : undefined),
    module: frame.module,
    // A stack dump's "title" is its context line, not a crash title anyone would write in a commit.
    title: report && !report.corrupted && report.kind !== 'dump' ? report.title : undefined,
    kernel: kernelOf(doc, report),
    syzbotAddresses: addrs.length ? addrs : undefined,
    uri: doc.uri,
    line: frame.nameSpan.line,
    character: frame.nameSpan.start,
  };
}

export function provideCodeActions(doc: DocumentState, range: Range, ctx: FeatureContext, fixes: FixService): CodeAction[] {
  const report = reportAt(doc, range.start.line);
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  const { repo, reason } = kernelRepo(ctx);
  for (const frame of framesAt(doc, range, report)) {
    const t = targetFor(doc, frame, report);
    if (!t || seen.has(t.function)) continue;
    seen.add(t.function);
    const find: CodeAction = {
      title: `Find upstream fixes for ${t.function}()`,
      kind: CodeActionKind.QuickFix,
      command: { title: `Find upstream fixes for ${t.function}()`, command: FixCommands.find, arguments: [t] },
    };
    if (!repo) find.disabled = { reason: reason ?? 'no kernel git clone' };
    actions.push(find);
    for (const r of fixes.cached(sourceFunction(t.function)!.symbol).slice(0, 1)) {
      for (const c of r.commits.slice(0, MAX_OPEN)) {
        const label = c.contained.state === 'contained' ? ` (already in ${c.contained.via})` : c.contained.state === 'missing' && c.contained.laterIn ? ` (in ${c.contained.laterIn})` : '';
        actions.push({
          title: `Open ${shortSha(c.sha)} ${c.subject}${label}`,
          kind: CodeActionKind.QuickFix,
          command: { title: 'Open commit', command: FixCommands.open, arguments: [{ sha: c.sha }] },
        });
      }
    }
    const fn = sourceFunction(t.function)!;
    if (repo && !fn.syscall) {
      // Fixes under review are on the lists before they are in any clone.
      const [lore] = searchLinks({ function: fn.name });
      actions.push({
        title: `Search lore: patches changing ${fn.name}() (merged or not)`,
        kind: CodeActionKind.QuickFix,
        command: { title: lore.title, command: FixCommands.openUrl, arguments: [{ url: lore.url }] },
      });
    }
    if (!repo) {
      const rev = kernelRevision(t.kernel);
      const line = rev?.stablePrefix && /^v(\d+\.\d+)\.$/.exec(rev.stablePrefix)?.[1];
      for (const l of searchLinks({ function: fn.syscall ? undefined : fn.name, file: t.file, title: t.title, syzbotAddresses: t.syzbotAddresses, stableLine: line || undefined })) {
        actions.push({
          title: `Search ${l.title}`,
          kind: CodeActionKind.QuickFix,
          command: { title: l.title, command: FixCommands.openUrl, arguments: [{ url: l.url }] },
        });
      }
    }
  }
  return actions;
}
