// `decode`: the report text with every frame annotated the way syzbot prints symbolized reports:
// inlined callees first (`func file.h:45 [inline]`), then the frame with `path/file.c:123`.
import type { CrashLog, Frame, Report } from '../model/types';
import type { FrameResolution, ResolveContext } from './resolution';
import { contextOf, hex } from './resolution';
import type { SymbolService, Cancellation } from './service';
import { treeRelativePath } from './display-path';

export interface DecodedFrame {
  frame: Frame;
  resolution: FrameResolution;
}

/** Resolve every frame of the document once (reports, stack dumps, crash-session frames). */
export async function resolveLog(log: CrashLog, service: SymbolService, token?: Cancellation): Promise<Map<Frame, FrameResolution>> {
  const out = new Map<Frame, FrameResolution>();
  const groups: { frames: Frame[]; ctx: ResolveContext }[] = [
    ...log.reports.map((r: Report) => ({ frames: r.frames, ctx: contextOf(r, log) })),
    ...(log.dumps ?? []).map((r: Report) => ({ frames: r.frames, ctx: contextOf(r, log) })),
  ];
  const fallback = contextOf(log.reports[0], log);
  groups.push({ frames: (log.frames ?? []).concat(log.session?.frames ?? []), ctx: fallback });
  for (const g of groups)
    for (const f of g.frames) {
      if (token?.isCancellationRequested) return out;
      if (out.has(f) || f.inline) continue;
      out.set(f, await service.resolveFrame(f, g.ctx));
    }
  return out;
}

/** `path/file.c:123` of the outermost function (the frame's own function). */
export function outerLocation(r: FrameResolution): string | undefined {
  const outer = r.inlines[r.inlines.length - 1];
  return outer && outer.file !== '??' ? `${treeRelativePath(outer.file)}:${outer.line}` : undefined;
}

/** Lines to insert before the frame: one per inlined callee, innermost first. */
export function inlineLines(r: FrameResolution): string[] {
  return r.inlines.slice(0, -1).filter((l) => l.file !== '??').map((l) => `${l.function} ${treeRelativePath(l.file)}:${l.line} [inline]`);
}

/** Annotated text: each frame line gets its location appended and its inline chain above it. */
export function annotate(lines: string[], resolutions: Map<Frame, FrameResolution>): string {
  const byLine = new Map<number, FrameResolution[]>();
  const frames = [...resolutions.keys()].sort((a, b) => a.span.line - b.span.line || a.span.start - b.span.start);
  for (const f of frames) {
    const l = byLine.get(f.span.line) ?? [];
    l.push(resolutions.get(f)!);
    byLine.set(f.span.line, l);
  }
  const nameStart = new Map<number, number>();
  for (const f of frames) if (!nameStart.has(f.span.line)) nameStart.set(f.span.line, f.nameSpan.start);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const rs = byLine.get(i);
    if (!rs) return void out.push(line);
    // Inline lines keep the frame's prefix (timestamp, indentation) so they read as part of the trace.
    const prefix = line.slice(0, nameStart.get(i) ?? 0).replace(/\?\s*$/, '');
    for (const r of rs) for (const il of inlineLines(r)) out.push(prefix + il);
    const locs = rs.map((r) => outerLocation(r)).filter((x): x is string => !!x);
    out.push(locs.length ? `${line.trimEnd()} ${locs.join(' ')}` : line);
  });
  return out.join('\n');
}

/** JSON additions for one frame: inline chain (innermost first) and file/line of the outermost function. */
export function resolutionJson(r: FrameResolution | undefined) {
  if (!r) return {};
  const outer = r.inlines[r.inlines.length - 1];
  return {
    inlines: r.inlines.map((l) => ({ function: l.function, file: l.file, path: treeRelativePath(l.file), line: l.line, column: l.column ?? null })),
    ...(outer && outer.file !== '??' ? { file: treeRelativePath(outer.file), line: outer.line } : {}),
    symbolizer: {
      object: r.object ?? null,
      symbol: r.symbol
        ? { name: r.symbol.name, section: r.symbol.section, address: hex(r.symbol.address), kallsymsSize: hex(r.symbol.kallsymsSize), duplicates: r.symbol.duplicates }
        : null,
      address: r.address !== undefined ? hex(r.address) : null,
      sectionOffset: r.sectionOffset !== undefined ? hex(r.sectionOffset) : null,
      lookupAddress: r.lookupAddress !== undefined ? hex(r.lookupAddress) : null,
      returnAddress: r.returnAddress,
      warnings: r.warnings,
      error: r.error ?? null,
    },
  };
}

export interface DecodeCliDeps {
  parse(text: string): CrashLog;
  reportJson(r: Report): { frames: object[] } & Record<string, unknown>;
  frameJson(f: Frame): object;
  createService(vmlinux: string, modulePaths: string[]): SymbolService;
  readInput(file: string): string;
  write(s: string): void;
}

export const DECODE_USAGE = 'oops-lens decode [--json] --vmlinux V [--modules DIR]... FILE|-';

/** `oops-lens decode`: returns the exit code. */
export async function runDecode(args: string[], deps: DecodeCliDeps): Promise<number> {
  let json = false, vmlinux = '', file: string | undefined;
  const modules: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--vmlinux') vmlinux = args[++i] ?? '';
    else if (a.startsWith('--vmlinux=')) vmlinux = a.slice(10);
    else if (a === '--modules') modules.push(args[++i] ?? '');
    else if (a.startsWith('--modules=')) modules.push(a.slice(10));
    else if (a.startsWith('--') && a !== '-') throw new Error(`unknown option ${a}\nusage: ${DECODE_USAGE}`);
    else file = a;
  }
  if (!file) throw new Error(`missing FILE\nusage: ${DECODE_USAGE}`);
  const text = deps.readInput(file);
  const log = deps.parse(text);
  const service = deps.createService(vmlinux, modules.filter(Boolean));
  try {
    const resolutions = await resolveLog(log, service);
    if (json) {
      const frameOut = (f: Frame) => ({ ...deps.frameJson(f), ...resolutionJson(resolutions.get(f)) });
      const reports = log.reports.map((r) => ({ ...deps.reportJson(r), frames: r.frames.map(frameOut) }));
      const dumps = (log.dumps ?? []).map((d) => ({ title: d.title, startLine: d.startLine + 1, endLine: d.endLine + 1, frames: d.frames.map(frameOut) }));
      deps.write(JSON.stringify({ symbolizer: service.status, reports, dumps }, null, 2) + '\n');
    } else {
      deps.write(annotate(text.split(/\r?\n/), resolutions) + (text.endsWith('\n') ? '' : '\n'));
      const errors = new Set([...resolutions.values()].flatMap((r) => [...(r.error ? [r.error] : []), ...r.warnings]));
      for (const e of errors) process.stderr.write(`oops-lens decode: ${e}\n`);
    }
  } finally {
    service.dispose();
  }
  return 0;
}
