// Hover part for a frame: what the debug files say about it (source location, inline chain,
// symbol, lookup address) and why the answer may be wrong.
import type { DocumentState, FeatureContext } from './context';
import { code } from './markdown';
import { frameAt, reportAt } from './positions';
import { contextOf, hex, type FrameResolution } from '../symbols/resolution';
import { treeRelativePath } from '../symbols/display-path';
import { publishSymbolStatus } from './symbol-status';
import type { Frame } from '../model/types';

export async function frameSymbolHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<string | undefined> {
  const f = frameAt(doc, line, character);
  if (!f || !ctx.symbols || f.inline) return undefined;
  const r = await ctx.symbols.resolveFrame(f, contextOf(reportAt(doc, line), doc.model));
  publishSymbolStatus(ctx, doc);
  return resolutionMarkdown(f, r);
}

/** Markdown-escape (a local copy: hover.ts imports this module). */
function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|@]/g, (c) => '\\' + c); // `@`: no e-mail autolink (mailto:)
}

const loc = (file: string, line: number) => (file === '??' ? '`??`' : code(`${treeRelativePath(file)}:${line}`));

export function resolutionMarkdown(f: Frame, r: FrameResolution): string {
  const rows: string[] = [];
  const outer = r.inlines[r.inlines.length - 1];
  if (outer) rows.push(`**${escapeMd(outer.function)}** ${loc(outer.file, outer.line)}`);
  if (r.inlines.length > 1) {
    rows.push('inline chain (innermost first):');
    for (const l of r.inlines.slice(0, -1)) rows.push(`- ${code(l.function)} ${loc(l.file, l.line)} *[inline]*`);
    rows.push(`- ${code(outer.function)} ${loc(outer.file, outer.line)}`);
  }
  if (r.symbol) {
    const s = r.symbol;
    const dup = s.duplicates > 1 ? ` · one of ${s.duplicates} symbols of this name, chosen by size` : '';
    rows.push(`symbol ${code(s.name)} in \`${s.section}\` at \`${hex(s.address)}\`, size \`${hex(s.kallsymsSize)}\`${dup}`);
  }
  if (r.lookupAddress !== undefined) {
    const how = r.returnAddress && r.address !== r.lookupAddress ? ` (return address \`${hex(r.address!)}\` − ${r.address! - r.lookupAddress}: the call site)` : r.returnAddress ? '' : ' (exact PC)';
    rows.push(`looked up at \`${hex(r.lookupAddress)}\`${r.sectionOffset !== undefined ? ` (\`${r.symbol?.section}+${hex(r.sectionOffset - (r.address! - r.lookupAddress))}\`)` : ''}${how}`);
  }
  if (r.derivation) rows.push(escapeMd(r.derivation));
  if (r.object) rows.push(`debug file: ${code(r.object)}`);
  for (const w of r.warnings) rows.push(`⚠ **${escapeMd(w)}**`);
  if (r.error) rows.push(`⚠ ${escapeMd(r.error)}`);
  if (!rows.length) return `no debug information for ${code(f.function)}`;
  return rows.join('  \n');
}
