// Go to definition/source: a code reference (`fs/nfs/pagelist.c:382`, crash `path: 582`) opens that
// line in the local tree; a frame opens the line the symbolizer gives (innermost inline level), else
// the function's definition found by name in the source roots. Only local files are Locations: web
// fallbacks are document links (features/document-links.ts), which open only when clicked.
import type { Location } from 'vscode-languageserver';
import type { Frame, Report } from '../model/types';
import { contextOf, type FrameResolution, type ResolveContext } from '../symbols/resolution';
import { findCodeRefs } from '../source/code-refs';
import { cancelIndexing, type DefinitionSite } from '../source/source-roots';
import { CancelledError } from '../source/tree-index';
import type { DocumentState, FeatureContext } from './context';
import { frameAt, reportAt } from './positions';
import { fileUriAt, sourceRoots } from './source-snippet';

/** The part of the symbol service the definition provider uses (ctx.symbols by default). */
export interface FrameResolver {
  resolveFrame(frame: Frame, context: ResolveContext): Promise<FrameResolution>;
}

export interface DefinitionOptions {
  /** The request's cancellation. */
  signal?: AbortSignal;
  /** Overrides ctx.symbols (tests). */
  symbols?: FrameResolver;
}

const MAX_LOCATIONS = 10;

function location(absPath: string, line: number, column = 0, endColumn = column): Location {
  const uri = fileUriAt(absPath);
  const l = Math.max(0, line - 1);
  return { uri, range: { start: { line: l, character: column }, end: { line: l, character: endColumn } } };
}

/** A function name with an offset under the cursor outside frames: crash `dis` `<down_read_trylock+9>`, `sym` `panic+745`. */
function symbolWithOffsetAt(text: string, character: number): string | undefined {
  const re = /(?<![\w.])([A-Za-z_][\w.]*)\+(?:0x[0-9a-f]+|\d+)\b/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (character >= m.index && character <= m.index + m[1].length) return m[1];
  }
  return undefined;
}

async function byName(name: string, doc: DocumentState, line: number, ctx: FeatureContext, opts: DefinitionOptions, module?: string): Promise<Location[] | null> {
  const roots = sourceRoots(ctx);
  if (roots.empty) return null;
  const report = reportAt(doc, line);
  const progress = roots.indexed ? undefined : ctx.client.progress('Oops Lens: indexing kernel sources', { cancellable: true });
  // Cancelling the progress stops the index build itself; cancelling the request only stops waiting.
  progress?.signal?.addEventListener('abort', () => { for (const r of roots.roots) cancelIndexing(r.dir); }, { once: true });
  let defs: DefinitionSite[];
  try {
    defs = await roots.definitions(name, {
      signal: opts.signal,
      arch: report?.arch,
      module,
      onProgress: (m, p) => progress?.report(m, p),
    });
  } catch (e) {
    if (e instanceof CancelledError) return null;
    throw e;
  } finally {
    progress?.done();
  }
  if (!defs.length) return null;
  return defs.slice(0, MAX_LOCATIONS).map((d) => location(d.absPath, d.line, d.column));
}

async function fromSymbolizer(frame: Frame, report: Report | undefined, doc: DocumentState, ctx: FeatureContext, opts: DefinitionOptions): Promise<Location[] | null> {
  const symbols = opts.symbols ?? ctx.symbols;
  if (!symbols) return null;
  let res: FrameResolution;
  try { res = await symbols.resolveFrame(frame, contextOf(report, doc.model)); } catch { return null; }
  const inner = res.inlines[0];
  if (!inner || !inner.file || !(inner.line > 0)) return null;
  const local = sourceRoots(ctx).resolve(inner.file);
  return local ? [location(local.absPath, inner.line)] : null;
}

export async function provideDefinition(doc: DocumentState, line: number, character: number, ctx: FeatureContext, opts: DefinitionOptions = {}): Promise<Location[] | null> {
  const text = doc.lines[line] ?? '';
  // 1. A printed file:line.
  for (const ref of findCodeRefs(text)) {
    if (character < ref.start || character > ref.end) continue;
    const local = sourceRoots(ctx).resolve(ref.path);
    return local ? [location(local.absPath, ref.line ?? 1)] : null;
  }
  // 2. A frame: symbolizer's file:line, else the definition by name.
  const frame = frameAt(doc, line, character);
  if (frame) {
    const report = reportAt(doc, line);
    if (frame.file && frame.fileLine) {
      const local = sourceRoots(ctx).resolve(frame.file);
      if (local) return [location(local.absPath, frame.fileLine)];
    }
    const sym = await fromSymbolizer(frame, report, doc, ctx, opts);
    if (sym) return sym;
    return byName(frame.function, doc, line, ctx, opts, frame.module);
  }
  // 3. `name+off` elsewhere (crash `dis`, `sym`, prose).
  const name = symbolWithOffsetAt(text, character);
  return name ? byName(name, doc, line, ctx, opts) : null;
}
