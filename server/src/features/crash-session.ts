// crash(8) transcripts in the editor: hovers on kernel addresses (symbol+offset and source through
// the session's KASLR slide), the `sys` header, the faulting `dis` instruction, "use this vmlinux".
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import { code } from './markdown';
import type { CrashSession } from '../model/types';
import type { DocumentState, FeatureContext } from './context';
import { inSpan, toRange } from './positions';
import { vmlinuxSlide } from '../symbols/session-addresses';
import { contextOf, parseHex } from '../symbols/resolution';
import { escapeMd } from './hover';
import { treeRelativePath } from '../symbols/display-path';
import { SOURCE } from './diagnostics';

/** Hover part: a kernel address anywhere in a session, or a `sys` header value. */
export async function crashSessionHover(doc: DocumentState, line: number, character: number, ctx: FeatureContext): Promise<string | undefined> {
  const session = doc.model.session;
  if (!session) return undefined;
  const sys = sysHover(session, line, character);
  if (sys) return sys;
  const addr = session.addresses.find((a) => inSpan(a.span, line, character));
  // Addresses inside a bt frame line are the frame's business (frame hover).
  if (!addr || doc.model.frames.some((f) => f.span.line === line && f.source === 'crash-bt')) return undefined;
  return addressHover(doc, addr.value, ctx);
}

function sysHover(session: CrashSession, line: number, character: number): string | undefined {
  for (const [key, v] of Object.entries(session.sys)) {
    if (v.span.line !== line || character > v.span.end) continue;
    if (key === 'KERNEL') return `**vmlinux of this dump**: ${code(v.value)}  \nUse the code action *Use this vmlinux* to resolve frames with it.`;
    if (key === 'RELEASE' || key === 'VERSION')
      return `Kernel ${key.toLowerCase()} of the dump: used to find the vmlinux and module debug files and the source version for links.`;
    if (key === 'PANIC') return `Why the kernel went down: ${code(v.value)}`;
  }
  return undefined;
}

async function addressHover(doc: DocumentState, value: string, ctx: FeatureContext): Promise<string | undefined> {
  const runtime = parseHex(value);
  if (runtime === undefined) return undefined;
  const head = `\`${value}\``;
  const module = moduleOf(doc.model.session!, runtime);
  if (module) return `${head}: inside module \`${module.name}\` (base \`${module.base}\` from \`mod\`).`;
  const symbols = ctx.symbols;
  if (!symbols) return undefined;
  const rctx = contextOf(undefined, doc.model);
  const v = symbols.vmlinux(rctx);
  if (!v.object) return `${head}: ${escapeMd(v.error ?? 'no vmlinux')}`;
  const slide = vmlinuxSlide(doc.model, v.object);
  const link = runtime - (slide?.value ?? 0n);
  const sym = v.object.symbols.at(link);
  if (!sym) return `${head}: not in kernel text of ${code(v.object.path)} (data, stack or heap address)${slide ? `  \n${escapeMd(slide.how)}` : ''}`;
  const off = link - sym.address;
  const src = v.object.lookup(link);
  const chain = src.inlines.map((l, i) => `${i === 0 ? '' : 'inlined into '}${code(l.function)} ${code(`${treeRelativePath(l.file)}:${l.line}`)}`).join('  \n');
  return [
    `${head} = \`${sym.name}+0x${off.toString(16)}/0x${sym.kallsymsSize.toString(16)}\` (link-time \`${link.toString(16)}\`)`,
    chain || escapeMd(src.error ?? 'no line information'),
    slide ? `_${escapeMd(slide.how)}_` : '',
    ...v.warnings.map((w) => `⚠ ${escapeMd(w)}`),
  ].filter(Boolean).join('  \n');
}

/** The loaded module whose address range holds a runtime address (bases from `mod`, sizes unknown: nearest base below). */
function moduleOf(session: CrashSession, addr: bigint): { name: string; base: string } | undefined {
  let best: { name: string; base: string; b: bigint } | undefined;
  for (const [name, base] of Object.entries(session.modules)) {
    const b = parseHex(base);
    if (b === undefined || b > addr || addr - b > 0x400000n) continue;
    if (!best || b > best.b) best = { name, base, b };
  }
  return best;
}

/** Diagnostics: the faulting instruction of `dis` output, crash's own errors. */
export function crashSessionDiagnostics(doc: DocumentState): Diagnostic[] {
  const s = doc.model.session;
  if (!s) return [];
  const out: Diagnostic[] = [];
  for (const ins of s.instructions) {
    if (!ins.faulting) continue;
    out.push(Diagnostic.create(toRange(ins.span), `Faulting instruction: the exception RIP of \`bt\` (${ins.function}+${ins.offset})`, DiagnosticSeverity.Information, 'faulting-instruction', SOURCE));
  }
  for (const e of s.errors) {
    const text = doc.lines[e.line] ?? '';
    out.push(Diagnostic.create({ start: { line: e.line, character: 0 }, end: { line: e.line, character: text.length } }, `crash: ${e.text}`, DiagnosticSeverity.Warning, 'crash-error', SOURCE));
  }
  return out;
}

/** Code action on the `KERNEL:` line: use that file as oopsLens.vmlinux. */
export function crashSessionCodeActions(doc: DocumentState, range: Range): CodeAction[] {
  const k = doc.model.session?.sys.KERNEL;
  if (!k || range.start.line > k.span.line || range.end.line < k.span.line) return [];
  const action = CodeAction.create(`Use this vmlinux: ${k.value}`, { title: 'Use this vmlinux', command: 'oopsLens.useVmlinux', arguments: [k.value] }, CodeActionKind.QuickFix);
  return [action];
}
