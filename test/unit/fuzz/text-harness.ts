// Fuzz harness for the text side: mutated real logs and random text go through the parser and
// every LSP feature function, called directly as server.ts calls them. Shared by the bounded
// property tests (text.test.ts) and the opt-in campaign (test/bench/fuzz.mjs -> campaign.ts).
// A "crash" is any exception escaping a feature, or a feature logging that it failed; a result that
// breaks an LSP invariant (range outside the document, a link that is not http(s)/file, a markdown
// link injected into a hover) is a failure too.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Range } from 'vscode-languageserver';
import { DocumentCache, documentState } from '../../../server/src/features/documents';
import type { ClientSink, DocumentState, FeatureContext } from '../../../server/src/features/context';
import { defaultSettings, type Settings } from '../../../server/src/settings';
import { provideDocumentSymbols } from '../../../server/src/features/document-symbols';
import { provideFoldingRanges } from '../../../server/src/features/folding';
import { computeDiagnostics } from '../../../server/src/features/diagnostics';
import { hoverParts, provideHover } from '../../../server/src/features/hover';
import { provideDefinition } from '../../../server/src/features/definition';
import { provideDocumentLinks } from '../../../server/src/features/document-links';
import { provideSemanticTokens } from '../../../server/src/features/semantic-tokens';
import { crashSessionCodeActions, crashSessionDiagnostics } from '../../../server/src/features/crash-session';
import { provideCodeActions } from '../../../server/src/features/code-actions';
import { FixCommands, FixService } from '../../../server/src/features/fix-commands';
import { provideInlayHints } from '../../../server/src/features/inlay-hints';
import { codeLines, disassemblyContent, disassemblyUri, provideCodeLenses, DISASSEMBLE_COMMAND } from '../../../server/src/features/code-lens';
import { executeDecode } from '../../../server/src/features/decode-command';
import { parseCrashLog, parseCrashLogAsync } from '../../../server/src/model/parser';
import { SymbolService } from '../../../server/src/symbols/service';

/** The shared corpora, next to the repository (CI clones the repo beside ../shared). */
export const SHARED = join(__dirname, '../../../../shared');

function listFiles(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, keep, out);
    else if (keep(name)) out.push(p);
  }
  return out;
}

/** Seed logs as arrays of lines: every corpus log, crash session and seed report (big ones cut into windows). */
export function loadSeeds(): string[][] {
  const files = [
    ...listFiles(join(SHARED, 'corpus'), (n) => /\.(log|txt)$/.test(n) && !/README/.test(n)),
    ...listFiles(join(SHARED, 'seeds'), (n) => /\.(log|txt|oops)$/.test(n) && !/README/.test(n)),
  ];
  const seeds: string[][] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'latin1').split('\n');
    // Windows of at most 400 lines keep each input small; the campaign wants many inputs.
    for (let i = 0; i < lines.length; i += 400) seeds.push(lines.slice(i, i + 400));
  }
  return seeds;
}

/** Tokens that steer the parser into its interesting states, and hostile ones. */
export const DICTIONARY = [
  'BUG: unable to handle page fault for address: ffffffffffffffff', 'general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP',
  'Oops: 0002 [#1] SMP PTI', 'Internal error: Oops: 0000000096000005 [#1] SMP', 'kernel BUG at mm/slub.c:4242!', 'WARNING: CPU: 3 PID: 1 at fs/nfs/write.c:421 nfs_end_page_writeback+0x6d/0x100 [nfs]',
  'Call Trace:', 'Call trace:', ' <TASK>', ' </TASK>', ' <IRQ>', ' </IRQ>', 'RIP: 0010:put_page+0x1/0x2', 'pc : mod_dispatch+0x3/0x40 [fixture_mod]', 'lr : fs_entry+0x10/0x20',
  ' ? mm_entry+0xffffffffffffffff/0x0', ' fs_entry+0x0/0x0', ' put_page+0x7fffffff/0x1 [fixture_mod 0123456789abcdef0123456789abcdef01234567]', ' [<ffffffff81000000>] start_kernel+0x1/0x2',
  'Code: 0f 0b <0f> 0b 90 90 cc cc', 'Code: d4200000 (d4200000)', 'Code: Unable to access opcode bytes at 0xffffffffffffffd6.', 'Kernel Offset: 0x3a000000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)',
  'Modules linked in: nfs(POE) lockd grace fixture_mod(+)', 'Tainted: G    B D W  O      6.1.0-fixture #1', 'CPU: 0 PID: 1 Comm: `[x](command:workbench.action.terminal.new)` Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2',
  'Hardware name: <a href="command:evil">x</a>', 'RAX: 0000000000000000 RBX: dead000000000122 RCX: 6b6b6b6b6b6b6b6b', 'ESR = 0x0000000096000045', '#PF: error_code(0x0002) - not-present page',
  '---[ end trace 0000000000000000 ]---', 'Kernel panic - not syncing: Fatal exception', 'crash> bt', 'crash> sys', '    KERNEL: /usr/lib/debug/boot/vmlinux-6.1.0-56-amd64', ' #0 [ffffc90000003e38] machine_kexec at ffffffff8105f4e7',
  'PANIC: "Oops: 0002 [#1] SMP"', 'fs/nfs/write.c:421', '../../../../etc/passwd:1', 'command:workbench.action.openSettings', '[click](command:oopsLens.showDisassembly)', '<command:x>', 'javascript:alert(1)',
  '](file:///etc/shadow)', 'https://evil.example/`x`', '\u001b[31m', '\r', '\t', '\u0000', '\u202e', '\ud800', '💥', '0xffffffffffffffffffffffffffff', '99999999999999999999999', '-0x1', '+0x/0x', '[', '`', '*', '\\',
  'INFO: task kworker:1 blocked for more than 120 seconds.', 'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:', 'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [a:1]', 'BUG: KASAN: use-after-free in mm_entry+0x1/0x2',
  'Allocated by task 1:', 'Freed by task 1:', 'WARNING: possible circular locking dependency detected', '-> #1 (&mm->mmap_lock){++++}-{3:3}:', 'BUG: kernel NULL pointer dereference, address: 0000000000000008',
  '[   12.345678][ T1234] ', '<4>[    0.000000] ', 'kern  :warn  : [Mon Jan  1 00:00:00 2024] ', 'Jan  1 00:00:00 host kernel: [  1.000000] ', '2024-01-01T00:00:00.000000+00:00 host kernel: ',
];

/** Function names the text fuzz's vmlinux fixture knows, so frames resolve through DWARF. */
export const FIXTURE_FUNCTIONS = ['put_page', 'panic', 'sysrq_handle_crash', 'fs_entry', 'start_kernel', 'mm_entry', 'mm_warn', 'mod_dispatch', 'mod_store', 'entry_fixture_after_hwframe'];

export type TextOp = [kind: number, a: number, b: number, c: number];

const PREFIXES = ['[    1.234567] ', '<4>', '[  T123] ', 'kern  :warn  : ', 'Jan  1 00:00:00 host kernel: ', '\u001b[0m', '  ', ''];

/** Apply one mutation (all choices come from the numbers, so an input is reproducible from them). */
function applyOp(lines: string[], [kind, a, b, c]: TextOp, seeds: string[][]): void {
  const at = (n: number) => (lines.length ? n % lines.length : 0);
  switch (kind % 15) {
    case 0: { // replace one character
      const i = at(a), s = lines[i] ?? '';
      const ch = DICTIONARY[c % DICTIONARY.length][0] ?? 'x';
      lines[i] = s.slice(0, b % (s.length + 1)) + ch + s.slice((b % (s.length + 1)) + 1);
      break;
    }
    case 1: lines.splice(at(a), 1 + (b % 3)); break;
    case 2: lines.splice(at(a), 0, ...lines.slice(at(a), at(a) + 1 + (b % 5))); break;
    case 3: { const i = at(a), j = at(b); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
    case 4: { // splice lines of another seed
      const other = seeds[c % seeds.length];
      lines.splice(at(a), 0, ...other.slice(b % Math.max(1, other.length), (b % Math.max(1, other.length)) + 1 + (c % 30)));
      break;
    }
    case 5: { // insert a dictionary token inside a line
      const i = at(a), s = lines[i] ?? '', p = b % (s.length + 1);
      lines[i] = s.slice(0, p) + DICTIONARY[c % DICTIONARY.length] + s.slice(p);
      break;
    }
    case 6: { const i = at(a); lines[i] = (lines[i] ?? '').slice(0, b % ((lines[i] ?? '').length + 1)); break; }
    case 7: { const i = at(a); if (i + 1 < lines.length) lines.splice(i, 2, lines[i] + lines[i + 1]); break; }
    case 8: { const p = PREFIXES[b % PREFIXES.length]; for (let i = 0; i < lines.length; i++) lines[i] = p + lines[i]; break; }
    case 9: for (let i = 0; i < lines.length; i++) lines[i] = lines[i] + '\r'; break;
    case 10: { // numbers at the edges
      const i = at(a);
      const edge = ['0', 'ffffffffffffffff', '10000000000000000', '7fffffffffffffff', 'ffffffffffffffffffffffffffffffff', '1'][c % 6];
      lines[i] = (lines[i] ?? '').replace(/(0x)?[0-9a-f]{2,}/, (m) => (m.startsWith('0x') ? '0x' : '') + edge);
      break;
    }
    case 11: lines.splice(at(a), 0, ...Array<string>(1 + (b % 500)).fill(lines[at(a)] ?? DICTIONARY[c % DICTIONARY.length])); break;
    case 12: lines.splice(at(a), 0, DICTIONARY[c % DICTIONARY.length].repeat(1 + (b % 3000))); break;
    case 13: { // a frame naming a function the fixture vmlinux has
      const fn = FIXTURE_FUNCTIONS[c % FIXTURE_FUNCTIONS.length];
      lines.splice(at(a), 0, `${b % 2 ? ' ? ' : ' '}${fn}+0x${(b % 64).toString(16)}/0x${(32 + (c % 200)).toString(16)}${c % 3 === 0 ? ' [fixture_mod]' : ''}`);
      break;
    }
    default: { // a dictionary line
      lines.splice(at(a), 0, DICTIONARY[c % DICTIONARY.length]);
    }
  }
}

export interface TextInput { seed: number; start: number; length: number; ops: TextOp[]; random?: string }

export function textInputArb(seedCount: number): fc.Arbitrary<TextInput> {
  const op = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()) as fc.Arbitrary<TextOp>;
  const mutated = fc.record({ seed: fc.nat({ max: seedCount - 1 }), start: fc.nat({ max: 399 }), length: fc.integer({ min: 1, max: 150 }), ops: fc.array(op, { maxLength: 8 }) });
  const random = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 2000 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 2000 }),
    fc.array(fc.constantFrom(...DICTIONARY, '\n', ' ', '+0x1/0x2', '\n '), { maxLength: 80 }).map((a) => a.join('')),
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1')),
  ).map((random) => ({ seed: 0, start: 0, length: 0, ops: [] as TextOp[], random }));
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: random });
}

export function buildText(input: TextInput, seeds: string[][]): string {
  if (input.random !== undefined) return input.random;
  const seed = seeds[input.seed % seeds.length];
  const start = seed.length ? input.start % seed.length : 0;
  const lines = seed.slice(start, start + input.length);
  for (const op of input.ops) applyOp(lines, op, seeds);
  return lines.join(['\n', '\r\n'][input.ops.length % 7 === 6 ? 1 : 0]);
}

export class FeatureFailure extends Error {
  constructor(readonly feature: string, message: string) {
    super(`${feature}: ${message}`);
    this.name = 'FeatureFailure';
  }
}

/** A context as the server builds it, with a sink that turns "X failed" logs into failures. */
export function fuzzContext(settings: Partial<Settings> = {}, opts: { trusted?: boolean; root?: string } = {}): FeatureContext & { failures: string[] } {
  const failures: string[] = [];
  const s: Settings = { ...defaultSettings, ...settings };
  const client: ClientSink = {
    log: (m) => { if (/failed/.test(m)) failures.push(m); },
    notify: () => undefined,
    status: () => undefined,
    progress: () => ({ report: () => undefined, done: () => undefined }),
  };
  const trusted = opts.trusted ?? true;
  const symbols = new SymbolService(() => s, { trusted: () => trusted, root: opts.root, log: () => undefined });
  return { settings: () => s, trusted: () => trusted, client, symbols, failures };
}

interface MdToken { type: string; content: string; children: MdToken[] | null; attrGet(name: string): string | null }
// markdown-it (CommonMark, as VS Code renders hovers) comes with @vscode/vsce; it has no bundled types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (o: object) => { validateLink: (url: string) => boolean; parse(src: string, env: object): MdToken[] };
const md = new MarkdownIt({ html: true, linkify: true });
// Let every link through so that the check sees what a permissive renderer would.
md.validateLink = () => true;
const SAFE_SCHEME = /^(?:https?|file):/i;

/** Every link a Markdown renderer would make of `markdown`, and any raw HTML. */
export function markdownLinks(markdown: string): { links: string[]; html: string[] } {
  const links: string[] = [];
  const html: string[] = [];
  const walk = (tokens: MdToken[]) => {
    for (const t of tokens) {
      if (t.type === 'link_open' || t.type === 'image') links.push(t.attrGet('href') ?? t.attrGet('src') ?? '');
      if (t.type === 'html_inline' || t.type === 'html_block') html.push(t.content);
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return { links, html };
}

export function checkMarkdown(feature: string, markdown: string): void {
  const { links, html } = markdownLinks(markdown);
  for (const l of links) if (!SAFE_SCHEME.test(l)) throw new FeatureFailure(feature, `markdown link to ${JSON.stringify(l)}`);
  if (html.some((h) => /<\s*[a-z]/i.test(h))) throw new FeatureFailure(feature, `raw HTML in markdown: ${JSON.stringify(html[0])}`);
}

function checkRange(feature: string, doc: DocumentState, r: Range | undefined): void {
  if (!r) return;
  const ok = (p: { line: number; character: number }) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line <= doc.lines.length;
  if (!ok(r.start) || !ok(r.end)) throw new FeatureFailure(feature, `bad range ${JSON.stringify(r)}`);
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) throw new FeatureFailure(feature, `inverted range ${JSON.stringify(r)}`);
}

const KNOWN_COMMANDS = new Set<string>([...Object.values(FixCommands), DISASSEMBLE_COMMAND, 'oopsLens.useVmlinux', 'oopsLens.decodeStackTrace', 'oopsLens.selectVmlinux']);

/** Positions worth hovering: every frame's function, report headers, and pseudo-random spots. */
function positions(doc: DocumentState, pick: number): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  for (const r of doc.model.reports.slice(0, 4)) {
    out.push({ line: r.header.line, character: r.header.start });
    for (const st of r.stacks.slice(0, 3)) for (const f of st.frames.slice(0, 6)) out.push({ line: f.span.line, character: f.span.start });
  }
  let x = pick >>> 0 || 1;
  for (let i = 0; i < 6 && doc.lines.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const line = x % doc.lines.length;
    out.push({ line, character: (x >>> 8) % (doc.lines[line].length + 2) });
  }
  return out.slice(0, 40);
}

/** Run the parser and every feature on `text`; throws FeatureFailure/the feature's own exception on a crash. */
export async function exerciseText(text: string, ctx: FeatureContext & { failures: string[] }, pick = 1, previous?: string): Promise<void> {
  let doc: DocumentState;
  if (previous !== undefined) {
    // Incremental re-parse from the previous version, as an editing session does.
    const cache = new DocumentCache();
    cache.get('file:///fuzz.oops', 1, () => previous);
    doc = cache.get('file:///fuzz.oops', 2, () => text);
    const full = parseCrashLog(text);
    const titles = (m: typeof full) => m.reports.map((r) => r.title).join('\n');
    if (titles(doc.model) !== titles(full)) throw new FeatureFailure('incremental parse', `titles differ from a full parse:\n${titles(doc.model)}\n---\n${titles(full)}`);
  } else doc = documentState('file:///fuzz.oops', text);
  if (pick % 7 === 3) {
    // The language server parses big documents in slices: the same model, whatever the slicing.
    const sliced = await parseCrashLogAsync(text, undefined, { sliceMs: 0 });
    const shape = (m: typeof sliced) => JSON.stringify([m.lines.length, m.truncated, m.reports.map((r) => [r.title, r.startLine, r.endLine]), m.dumps.length, m.frames.map((f) => [f.span.line, f.span.start, f.function])]);
    if (shape(sliced) !== shape(doc.model)) throw new FeatureFailure('sliced parse', 'differs from the one-shot parse');
  }
  const fixes = new FixService(ctx, { showDocument: async () => true, ask: async () => undefined }, () => doc);

  for (const s of provideDocumentSymbols(doc)) checkRange('documentSymbol', doc, s.range);
  for (const f of provideFoldingRanges(doc)) if (f.startLine > f.endLine || f.endLine >= doc.lines.length + 1) throw new FeatureFailure('folding', `bad fold ${JSON.stringify(f)}`);
  for (const d of [...computeDiagnostics(doc), ...crashSessionDiagnostics(doc)]) checkRange('diagnostics', doc, d.range);
  const tokens = provideSemanticTokens(doc).data;
  if (tokens.length % 5 || tokens.some((n) => !Number.isInteger(n) || n < 0)) throw new FeatureFailure('semanticTokens', 'malformed data');
  for (const l of provideDocumentLinks(doc, ctx)) {
    checkRange('documentLinks', doc, l.range);
    if (l.target && !SAFE_SCHEME.test(l.target)) throw new FeatureFailure('documentLinks', `target ${l.target}`);
  }
  const whole: Range = { start: { line: 0, character: 0 }, end: { line: doc.lines.length, character: 0 } };
  const pos = positions(doc, pick);
  const ranges: Range[] = [whole, ...pos.slice(0, 8).map((p) => ({ start: p, end: p }))];
  for (const range of ranges) {
    for (const a of [...crashSessionCodeActions(doc, range), ...provideCodeActions(doc, range, ctx, fixes)]) {
      const cmd = a.command;
      if (cmd && !KNOWN_COMMANDS.has(cmd.command)) throw new FeatureFailure('codeAction', `unknown command ${cmd.command}`);
      for (const arg of cmd?.arguments ?? []) {
        const url = (arg as { url?: unknown } | undefined)?.url;
        if (typeof url === 'string' && !SAFE_SCHEME.test(url)) throw new FeatureFailure('codeAction', `url ${url}`);
      }
    }
  }
  for (const h of await provideInlayHints(doc, whole, ctx)) if (h.position.line < 0 || h.position.line > doc.lines.length) throw new FeatureFailure('inlayHint', JSON.stringify(h.position));
  for (const l of await provideCodeLenses(doc, ctx)) checkRange('codeLens', doc, l.range);
  for (const p of pos) {
    // Each hover contributor directly (provideHover catches and logs their exceptions).
    for (const part of hoverParts) {
      const m = await part(doc, p.line, p.character, ctx);
      if (m) checkMarkdown(`hover part ${part.name || 'anonymous'}`, m);
    }
    const hover = await provideHover(doc, p.line, p.character, ctx);
    if (hover) {
      const c = hover.contents as { kind?: string; value?: string; isTrusted?: boolean };
      if ((c as { isTrusted?: boolean }).isTrusted) throw new FeatureFailure('hover', 'isTrusted markdown');
      checkRange('hover', doc, hover.range);
    }
    const defs = await provideDefinition(doc, p.line, p.character, ctx);
    for (const d of defs ?? []) if (!SAFE_SCHEME.test(d.uri)) throw new FeatureFailure('definition', `uri ${d.uri}`);
  }
  if (pick % 4 === 0) await executeDecode(doc, ctx);
  // `oops-disasm:` documents (disassembly and the comparison with the debug file) of the first Code: lines,
  // and hand-made URIs a client could send.
  const stateOf = (u: string) => (u === doc.uri ? doc : undefined);
  for (const line of codeLines(doc).slice(0, 2)) for (const compare of [false, true]) checkMarkdown('disassembly', (await disassemblyContent(disassemblyUri(doc.uri, line, compare), stateOf, ctx)) ?? '');
  if (pick % 8 === 1) {
    for (const u of [`oops-disasm:/L${pick}/${encodeURIComponent(doc.uri)}.md`, 'oops-disasm:/L0/%E0%A4%A.md', `oops-disasm:/L-1/compare/${encodeURIComponent(doc.uri)}.md`]) await disassemblyContent(u, stateOf, ctx);
  }
  if (ctx.failures.length) throw new FeatureFailure('log', ctx.failures.splice(0).join('\n'));
}
