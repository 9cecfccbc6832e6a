// Hover: each contributor adds a Markdown part for the position; they are joined with rules.
import type { Hover } from 'vscode-languageserver';
import type { DocumentState, FeatureContext } from './context';
import { frameAt, reportAt, toRange } from './positions';
import type { Frame, Report } from '../model/types';
import { crashSessionHover } from './crash-session';
import { frameSymbolHover } from './frame-hover';
import { explainHover } from './hover-explain';
import { codeHover } from './hover-code';
import { code } from './markdown';
import { codeRefHover, frameSourceHover } from './source-snippet';
import { contextOf } from '../symbols/resolution';

export type HoverPart = (doc: DocumentState, line: number, character: number, ctx: FeatureContext) => Promise<string | undefined> | string | undefined;

/** Contributors, in display order. Features add themselves here. */
export const hoverParts: HoverPart[] = [reportHeaderHover, frameSymbolHover, frameSourceHover, codeRefHover, frameBasicsHover, (d, l, c, x) => crashSessionHover(d, l, c, x), explainHover, codeHover];

export async function provideHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<Hover | null> {
  const parts: string[] = [];
  for (const part of hoverParts) {
    try {
      const md = await part(doc, line, character, ctx);
      if (md) parts.push(md);
    } catch (e) {
      ctx.client.log(`hover part ${part.name} failed: ${(e as Error).stack ?? e}`);
    }
  }
  if (parts.length === 0) return null;
  const f = frameAt(doc, line, character);
  // (An arm32 `from caller+off/size` part hovers the caller's frame of the next line: no range there.)
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: f && f.span.line === line ? toRange(f.span) : undefined };
}

function reportHeaderHover(doc: DocumentState, line: number, character: number): string | undefined {
  const r = reportAt(doc, line);
  if (!r || r.header.line !== line || character < r.header.start) return undefined;
  return reportSummary(r);
}

export function reportSummary(r: Report): string {
  const rows = [`**${escapeMd(r.title)}**`, ''];
  if (r.kind !== 'dump') rows.push(`type ${code(r.type)} · ${r.kind}${r.corrupted ? ` · **corrupted**${r.corruptedReason ? `: ${escapeMd(r.corruptedReason)}` : ''}` : ''}`);
  if (r.guiltyFrame) rows.push(`guilty frame: ${code(r.guiltyFrame)}`);
  const who = [r.cpu !== undefined ? `CPU ${r.cpu}` : '', r.pid !== undefined ? `PID ${r.pid}` : '', r.comm ? `comm ${code(r.comm)}` : ''].filter(Boolean).join(' · ');
  if (who) rows.push(who);
  if (r.kernel.release) rows.push(`kernel ${code(r.kernel.release)}${r.kernel.version ? ` ${escapeMd(r.kernel.version)}` : ''}`);
  if (r.hardware) rows.push(`hardware: ${escapeMd(r.hardware)}`);
  return rows.join('  \n');
}

async function frameBasicsHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<string | undefined> {
  const f = frameAt(doc, line, character);
  if (!f) return undefined;
  // With a symbolizer the frame hover above already names the function and offset, and when it
  // found the address it already said where it looked (exact PC or call site).
  let resolved = false;
  if (ctx.symbols && !f.inline) {
    try {
      const r = await ctx.symbols.resolveFrame(f, contextOf(reportAt(doc, line), doc.model));
      resolved = r.lookupAddress !== undefined && (!r.returnAddress || r.address !== r.lookupAddress);
    } catch { /* say it here then */ }
  }
  return frameSummary(f, !ctx.symbols, !resolved) || undefined;
}

export function frameSummary(f: Frame, withName = true, withLookup = true): string {
  const where = f.module ? ` in module \`${f.module}\`` : '';
  const off = f.offset !== undefined ? ` at offset \`0x${f.offset.toString(16)}\`${f.size !== undefined ? ` of \`0x${f.size.toString(16)}\` bytes` : ''}` : '';
  const what = f.exact
    ? 'exact PC (the instruction that was executing): looked up at the address itself'
    : 'return address: the source line is the call site, looked up at address − 1';
  const rows = [...(withName ? [`${code(f.function)}${off}${where}`] : []), ...(withLookup ? [what] : [])];
  if (f.unreliable) rows.push('`?` unreliable: a stale address found on the stack, maybe not part of the call chain');
  if (f.file) rows.push(`printed location: \`${f.file}:${f.fileLine}\`${f.inline ? ' (inlined)' : ''}`);
  return rows.join('  \n');
}

export function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|@]/g, (c) => '\\' + c); // `@`: no e-mail autolink (mailto:)
}
