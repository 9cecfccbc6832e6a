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
  // `kernel BUG at f.c:N` / `WARNING: ... at f.c:N` name the file of the function that trapped (the
  // RIP/pc frame), not of the guilty frame up the stack nor of lock `at:` mentions.
  const trapped = report?.frames.find((f) => f.source === 'rip' || f.source === 'pc');
  const addrs = addressesIn(doc);
  return {
    function: fn.symbol,
    file: frame.file ?? (report && trapped && frame.function === trapped.function ? headerFile(report) : undefined),
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
    const find = command(`Find upstream fixes for ${t.function}()`, FixCommands.find, t);
    if (!repo) find.disabled = { reason: reason ?? 'no kernel git clone' };
    actions.push(find, ...openActions(fixes, t), ...searchActions(t, !!repo));
  }
  return actions;
}

function command(title: string, id: string, arg: unknown): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, command: { title, command: id, arguments: [arg] } };
}

/** "Open <sha> <subject>" for the newest finished search of this function. */
function openActions(fixes: FixService, t: FixTarget): CodeAction[] {
  const [latest] = fixes.cached(t.function);
  return (latest?.commits ?? []).slice(0, MAX_OPEN).map((c) => {
    const k = c.contained;
    const label = k.state === 'contained' ? ` (already in ${k.via})` : k.state === 'missing' && k.laterIn ? ` (in ${k.laterIn})` : '';
    return command(`Open ${shortSha(c.sha)} ${c.subject}${label}`, FixCommands.open, { sha: c.sha });
  });
}

/** Web searches: all of them without a usable clone; with one, lore only (patches not merged yet). */
function searchActions(t: FixTarget, haveClone: boolean): CodeAction[] {
  const fn = sourceFunction(t.function)!;
  const name = fn.syscall ? undefined : fn.name;
  if (haveClone) {
    if (!name) return [];
    const [lore] = searchLinks({ function: name });
    return [command(`Search lore: patches changing ${name}() (merged or not)`, FixCommands.openUrl, { url: lore.url })];
  }
  const line = /^v(\d+\.\d+)\.$/.exec(kernelRevision(t.kernel)?.stablePrefix ?? '')?.[1];
  return searchLinks({ function: name, file: t.file, title: t.title, syzbotAddresses: t.syzbotAddresses, stableLine: line }).map((l) =>
    command(`Search ${l.title}`, FixCommands.openUrl, { url: l.url }),
  );
}
