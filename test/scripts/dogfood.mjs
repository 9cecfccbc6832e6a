#!/usr/bin/env node
// Opt-in dogfooding: drive the real language server (dist/cli.js lsp --stdio) over every real log of
// ../shared (real-kernel, real-kernel-arm64, seeds, a syzkaller sample) with Debian's 6.1 debug vmlinux,
// exercise every feature, and print a per-file summary plus every anomaly a kernel engineer would see:
// server errors, frames without hover, wrong or missing file:line (checked against truth/*.jsonl),
// escaped characters inside code spans, `undefined`/`NaN`/`[object Object]`, build prefixes in paths,
// repeated hover sections, slow requests, links that are not http(s)/file.
//
//   npm run dogfood [-- --sample 40 --only substring --verbose --slow 500]
//   (OOPS_VMLINUX, OOPS_VMLINUX_ARM64, OOPS_KSRC pick the debug files and tree; OOPS_LENS_CLI another build)
// Needs linux-image-6.1.0-56-amd64-dbg (see scripts/test-real-kernel.mjs) and optionally an unpacked
// linux-source-6.1 (OOPS_KSRC, default <tmpdir>/ksrc/linux-source-6.1). Never part of `npm test`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = join(ROOT, '../shared');
const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : d; };
const SAMPLE = Number(opt('--sample', '40'));
const ONLY = opt('--only', '');
const VERBOSE = args.includes('--verbose');
const SLOW_MS = Number(opt('--slow', '500'));
const MAX_HOVERS = Number(opt('--max-hovers', '2500'));

const VMLINUX = process.env.OOPS_VMLINUX ?? '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64';
const KSRC = process.env.OOPS_KSRC ?? join(tmpdir(), 'ksrc', 'linux-source-6.1');
const ARM64_VMLINUX = process.env.OOPS_VMLINUX_ARM64 ?? '';
let settings;
const amd64Settings = {
  vmlinux: VMLINUX,
  modulePaths: ['/usr/lib/debug/lib/modules/6.1.0-56-amd64', join(SHARED, 'corpus/real-kernel/module')].filter(existsSync),
  sourceRoots: [KSRC].filter(existsSync),
  symbolizer: 'builtin',
  inlayHints: true,
};
// The arm64 logs get their own debug files (the arm64 evalcrash.ko; a vmlinux only if given).
const arm64Settings = { ...amd64Settings, vmlinux: ARM64_VMLINUX, modulePaths: [join(SHARED, 'corpus/real-kernel-arm64/module')] };
settings = amd64Settings;
if (!existsSync(VMLINUX)) console.error(`note: ${VMLINUX} missing: symbolization anomalies will be many`);

// ---- files -------------------------------------------------------------------------------------
const listDir = (d, filter = () => true) => (existsSync(d) ? readdirSync(d).filter(filter).sort().map((f) => join(d, f)) : []);
const syz = listDir(join(SHARED, 'corpus/syzkaller/reports'), (f) => f.endsWith('.log'));
const step = Math.max(1, Math.floor(syz.length / SAMPLE));
const files = [
  ...listDir(join(SHARED, 'corpus/real-kernel/logs')),
  ...listDir(join(SHARED, 'corpus/real-kernel-arm64/logs')),
  ...listDir(join(SHARED, 'seeds')),
  ...syz.filter((_, i) => i % step === 0).slice(0, SAMPLE),
].filter((f) => f.includes(ONLY));

// ---- truth ---------------------------------------------------------------------------------------
/** log path -> Map<1-based line, {frameText, inlines}> (addr2line records; call site for return addresses). */
function loadTruth(log) {
  const out = new Map();
  const dir = join(dirname(dirname(log)), 'truth');
  const stem = basename(log).replace(/\.log$/, '');
  for (const name of [`${stem}.jsonl`, `${stem}.unique.jsonl`]) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    for (const l of readFileSync(p, 'utf8').split('\n')) {
      if (!l.trim()) continue;
      const r = JSON.parse(l);
      if (r.tool !== 'addr2line' || r.file !== basename(log)) continue;
      const inl = (r.callsite ?? r).inlines;
      if (!inl?.length || inl.every((x) => !x.line)) continue;
      if (log.includes('real-kernel-arm64') && !ARM64_VMLINUX && !r.module) continue;
      for (const n of r.linesInLog ?? [r.lineInLog]) if (!out.has(n)) out.set(n, { frameText: r.frameText, inlines: inl });
    }
  }
  return out;
}
const treeRel = (p) => p.replace(/^.*?debian\/build\/build_[^/]+\//, '').replace(/^\/usr\/src\/linux-headers-[^/]+\//, '').replace(/^\/build\/reproducible-path\/linux-[^/]+\//, '');

// ---- server --------------------------------------------------------------------------------------
const proc = spawn(process.execPath, [process.env.OOPS_LENS_CLI ?? join(ROOT, 'dist/cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const serverLog = [];
proc.stderr.on('data', (d) => serverLog.push({ type: 'stderr', message: String(d) }));
const diags = new Map();
const diagWaiters = new Map();
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  diags.set(p.uri, p.diagnostics);
  diagWaiters.get(p.uri)?.();
  diagWaiters.delete(p.uri);
});
conn.onNotification('window/logMessage', (p) => serverLog.push({ type: p.type, message: p.message }));
conn.onNotification('window/showMessage', (p) => serverLog.push({ type: p.type, message: `showMessage: ${p.message}` }));
conn.onNotification(() => undefined);
conn.onRequest('workspace/configuration', (p) => p.items.map(() => settings));
conn.onRequest('client/registerCapability', () => null);
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('workspace/inlayHint/refresh', () => null);
conn.onRequest('workspace/semanticTokens/refresh', () => null);
conn.onRequest('workspace/codeLens/refresh', () => null);
conn.listen();

const anomalies = [];
const counts = new Map();
let currentFile = '';
function anomaly(kind, where, detail) {
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
  anomalies.push({ kind, file: currentFile, where, detail });
}
const seenKinds = new Set();
const timings = [];
async function req(method, params, where = '') {
  const t0 = performance.now();
  let res;
  try {
    res = await conn.sendRequest(method, params);
  } catch (e) {
    anomaly('request-error', `${method} ${where}`, String(e?.message ?? e));
    return undefined;
  }
  const ms = performance.now() - t0;
  const warm = seenKinds.has(method);
  seenKinds.add(method);
  timings.push({ method, ms });
  if (warm && ms > SLOW_MS) anomaly('slow', `${method} ${where}`, `${ms.toFixed(0)} ms`);
  return res;
}

// ---- text checks -----------------------------------------------------------------------------------
function checkText(text, where) {
  if (typeof text !== 'string') return;
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    if (/\\[\\_*[\]()#+\-.!<>{}|`]/.test(m[1])) anomaly('escaped-in-code-span', where, m[0].slice(0, 120));
  }
  for (const bad of ['undefined', 'NaN', '[object Object]', 'null:', ':null']) {
    const re = new RegExp(`(^|[^A-Za-z_])${bad.replace(/[[\]]/g, '\\$&')}($|[^A-Za-z_])`);
    if (re.test(text)) anomaly('bad-literal', where, `${bad}: …${text.slice(Math.max(0, text.indexOf(bad) - 60), text.indexOf(bad) + 40).replace(/\n/g, '⏎')}…`);
  }
  // A quote of what the log printed may carry the prefix; everything the extension says may not.
  const own = text.split('\n').filter((l) => !/^printed location:/.test(l)).join('\n');
  for (const m of own.matchAll(/(debian\/build\/build_\w+\/|\/build\/reproducible-path\/|\/usr\/src\/linux-headers-[^/\s`]+\/)[^\s`)]*/g)) anomaly('build-prefix', where, m[0].slice(0, 120));
  const sections = text.split(/\n\s*(?:---+|\*\*\*+)\s*\n|\n\n/).map((s) => s.trim()).filter((s) => s.length > 20);
  const seen = new Set();
  for (const s of sections) {
    if (seen.has(s)) anomaly('duplicate-section', where, s.slice(0, 120).replace(/\n/g, '⏎'));
    seen.add(s);
  }
  const rows = text.split(/ {2}\n|\n/).map((s) => s.trim()).filter((s) => s.length > 30 && !/^[-|`\s]*$/.test(s) && !s.startsWith('```') && !/^\d|^[0-9a-f]{4,}/.test(s));
  const rseen = new Set();
  for (const s of rows) {
    if (rseen.has(s)) anomaly('duplicate-row', where, s.slice(0, 120));
    rseen.add(s);
  }
}
/** Frame-hover consistency: the source excerpt marks a line the symbolizer section names; each fact said once. */
function checkFrameHover(md, where) {
  const parts = md.split('\n\n---\n\n');
  const named = new Set([...parts[0].matchAll(/`([^`\s]+\.[chS]:\d+)`/g)].map((m) => m[1]));
  const excerpt = md.match(/^`([^`\s]+:\d+)`(?: in `[^`]*`)?\n```c/m);
  if (named.size && excerpt && !named.has(excerpt[1])) anomaly('excerpt-line-mismatch', where, `excerpt at ${excerpt[1]}, hover names ${[...named].join(', ')}`);
  for (const phrase of ['call site', 'exact PC']) {
    const n = md.split(phrase).length - 1;
    if (n > 1) anomaly('said-twice', where, `"${phrase}" ×${n}`);
  }
}
const mdOf = (h) => {
  if (!h) return '';
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n\n');
  return c.value ?? '';
};

// ---- hover targets -----------------------------------------------------------------------------------
const FRAME = /(?<![\w.])([A-Za-z_][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+(?: \[[\w-]+\])?/g;
/** Positions to hover on a line: [kind, character]. */
function targets(line) {
  const t = [];
  for (const m of line.matchAll(FRAME)) t.push(['frame', m.index + 1, m[0]]);
  for (const m of line.matchAll(/\b(R[A-Z0-9]{2}|EFLAGS|CR[0234]|[CDEFG]S|x\d{1,2}|pc|lr|sp|pstate|ORIG_RAX): ?(?:[0-9a-f]{4}:)?([0-9a-f]{8,16})\b/g)) t.push(['register', m.index + m[0].length - 2, m[0]]);
  const taint = line.match(/Tainted: ([A-Z ]+?)(?= \d| ?$)/);
  if (taint) t.push(['taint', line.indexOf(taint[0]) + 'Tainted: '.length, taint[0]]);
  const code = line.indexOf('Code: ');
  if (code >= 0) {
    t.push(['code', code + 1, 'Code:']);
    const trap = line.search(/[<(][0-9a-f]{2,8}[>)]/);
    if (trap >= 0) t.push(['code-trap', trap + 1, line.slice(trap, trap + 4)]);
  }
  return t;
}

async function runFile(path) {
  currentFile = path.replace(SHARED + '/', '');
  const text = readFileSync(path, 'latin1').includes('\uFFFD') ? readFileSync(path, 'latin1') : readFileSync(path, 'utf8');
  const lines = text.split(/\r?\n/);
  const uri = pathToFileURL(path).href.replace(/\.(txt|log)$/, '.$1.oops');
  const logStart = serverLog.length;
  const anomStart = anomalies.length;
  const got = new Promise((r) => diagWaiters.set(uri, r));
  const t0 = performance.now();
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'oops', version: 1, text } });
  await Promise.race([got, new Promise((r) => setTimeout(r, 30000))]);
  const openMs = performance.now() - t0;
  const td = { textDocument: { uri } };

  const symbols = (await req('textDocument/documentSymbol', td)) ?? [];
  const walk = (ss, f) => ss.forEach((s) => (f(s), walk(s.children ?? [], f)));
  walk(symbols, (s) => checkText(s.name + ' ' + (s.detail ?? ''), `symbol "${s.name}"`));
  const folds = (await req('textDocument/foldingRange', td)) ?? [];
  const tokens = (await req('textDocument/semanticTokens/full', td))?.data ?? [];
  const links = (await req('textDocument/documentLink', td)) ?? [];
  for (const l of links) {
    if (!/^(https?|file):/.test(l.target ?? '')) anomaly('bad-link', `line ${l.range.start.line + 1}`, String(l.target));
    checkText(l.tooltip, `link tooltip line ${l.range.start.line + 1}`);
    if (/\/(undefined|null|NaN)(\/|#|$)|\$\{/.test(l.target ?? '')) anomaly('bad-link', `line ${l.range.start.line + 1}`, l.target);
  }
  const lenses = (await req('textDocument/codeLens', td)) ?? [];
  if (VERBOSE) {
    for (const l of links) console.log(`--- link ${l.range.start.line + 1}: ${l.target} ${l.tooltip ?? ''}`);
    for (const l of lenses) console.log(`--- lens ${l.range.start.line + 1}: ${l.command?.title}`);
  }
  for (const l of lenses) checkText(l.command?.title, `lens line ${l.range.start.line + 1}`);
  // An editor asks for the visible range: windows of 500 lines.
  const hints = [];
  for (let w = 0; w < lines.length; w += 500) hints.push(...((await req('textDocument/inlayHint', { ...td, range: { start: { line: w, character: 0 }, end: { line: Math.min(lines.length, w + 500), character: 0 } } }, `lines ${w + 1}-${w + 500}`)) ?? []));
  const hintByLine = new Map();
  for (const h of hints) {
    const label = typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('');
    hintByLine.set(h.position.line, (hintByLine.get(h.position.line) ?? '') + label);
    checkText('`' + label + '`', `inlay line ${h.position.line + 1}`);
    checkText(label, `inlay line ${h.position.line + 1}`);
  }
  // Symbol diagnostics arrive later than the parse ones: give them a moment.
  await new Promise((r) => setTimeout(r, 300));
  const ds = diags.get(uri) ?? [];
  for (const d of ds) checkText(typeof d.message === 'string' ? d.message : d.message.value, `diagnostic ${d.code} line ${d.range.start.line + 1}`);

  // Hovers / definitions / code actions on every target; frames deduplicated by text in huge logs.
  const truth = path.includes('real-kernel') ? loadTruth(path) : new Map();
  const seenFrameText = new Set();
  let hovers = 0, frames = 0, frameHoverless = 0, defs = 0, actions = 0, checked = 0, wrong = 0;
  const headerLines = new Set();
  // Report headers: the top-level outline entries (children are labels such as `Call Trace:`).
  for (const s of symbols.slice(0, 80)) headerLines.add(s.selectionRange.start.line);
  const hoverAt = async (kind, line, ch, what) => {
    hovers++;
    const h = await req('textDocument/hover', { ...td, position: { line, character: ch } }, `${kind} line ${line + 1}`);
    const md = mdOf(h);
    checkText(md, `hover ${kind} line ${line + 1} (${what.slice(0, 50)})`);
    if (VERBOSE) console.log(`--- hover ${kind} ${line + 1}: ${what}\n${md}`);
    return md;
  };
  for (const hl of headerLines) {
    if (hovers >= MAX_HOVERS) break;
    if (/^\s*(crash|gdb)[\w-]*> /.test(lines[hl])) continue;
    const pre = lines[hl].match(/^\s*(\[[^\]]*\]\s*)*/)[0].length;
    const ch = pre + 1;
    const md = await hoverAt('header', hl, ch, lines[hl].trim());
    for (const phrase of ['corrupted pointer', 'execute `ud2`']) if (md.split(phrase).length > 2) anomaly('said-twice', `header line ${hl + 1}`, `"${phrase}"`);
    if (!md) anomaly('no-hover', `header line ${hl + 1}`, lines[hl].trim().slice(0, 100));
  }
  const isCrash = /crash-session/.test(path) || /^crash> /m.test(text);
  for (let i = 0; i < lines.length && hovers < MAX_HOVERS; i++) {
    const line = lines[i];
    const ts = targets(line);
    if (isCrash) for (const m of line.matchAll(/\b(ffff[0-9a-f]{12})\b/g)) ts.push(['crash-address', m.index + 2, m[0]]);
    for (const [kind, ch, what] of ts) {
      // In huge logs (sysrq-t of 857 tasks) each distinct register value / frame text is hovered once.
      if (kind !== 'frame' && lines.length > 5000) {
        if (seenFrameText.has(kind + what) || hovers > MAX_HOVERS / 5) continue;
        seenFrameText.add(kind + what);
      }
      if (kind === 'frame') {
        const key = what.replace(/^\s+/, '');
        const tr = truth.get(i + 1);
        if (seenFrameText.has(key) && !tr) continue;
        if (seenFrameText.has(key) && lines.length > 5000) continue;
        seenFrameText.add(key);
        frames++;
      }
      const md = await hoverAt(kind, i, ch, what);
      if (!md) {
        if (kind === 'frame') frameHoverless++;
        anomaly('no-hover', `${kind} line ${i + 1}`, what);
        continue;
      }
      if (kind === 'frame' || kind === 'crash-address') checkFrameHover(md, `${kind} line ${i + 1} ${what}`);
      if (kind === 'frame') {
        const tr = truth.get(i + 1);
        if (tr && tr.frameText && line.includes(tr.frameText.replace(/^RIP: \w+:/, ''))) {
          checked++;
          const wants = tr.inlines.map((x) => `${treeRel(x.file)}:${x.line}`);
          const missing = wants.filter((w) => !md.includes(w));
          if (missing.length) {
            wrong++;
            const gotLocs = [...md.matchAll(/`([\w./-]+\.[chS]:\d+)`/g)].map((m) => m[1]);
            anomaly(gotLocs.length ? 'wrong-file-line' : 'no-file-line', `frame line ${i + 1} ${tr.frameText}`, `want ${wants.join(' < ')}; hover has ${gotLocs.join(', ') || 'none'}`);
          }
          const hint = hintByLine.get(i);
          const outer = tr.inlines[tr.inlines.length - 1];
          if (!hint) anomaly('no-inlay-hint', `frame line ${i + 1}`, tr.frameText);
          else if (!hint.includes(`:${outer.line}`) && !hint.includes(`:${tr.inlines[0].line}`)) anomaly('inlay-line-mismatch', `frame line ${i + 1}`, `${hint} vs ${wants.join(' < ')}`);
        }
        const def = await req('textDocument/definition', { ...td, position: { line: i, character: ch } }, `frame line ${i + 1}`);
        const locs = Array.isArray(def) ? def : def ? [def] : [];
        defs += locs.length;
        for (const l of locs) {
          const u = l.uri ?? l.targetUri;
          if (!/^(https?|file):/.test(u ?? '')) anomaly('bad-definition', `frame line ${i + 1}`, String(u));
          if (u?.startsWith('file:') && !existsSync(fileURLToPath(u))) anomaly('definition-missing-file', `frame line ${i + 1}`, u);
        }
        if (tr && settings.sourceRoots.length && locs.length) {
          const u = locs[0].uri ?? locs[0].targetUri;
          const r = locs[0].range ?? locs[0].targetSelectionRange;
          const ok = tr.inlines.some((x) => u.endsWith('/' + treeRel(x.file)) && r.start.line + 1 === x.line);
          const inTree = tr.inlines.some((x) => existsSync(join(KSRC, treeRel(x.file))));
          if (!ok && inTree) anomaly('definition-mismatch', `frame line ${i + 1} ${tr.frameText}`, `${u.replace(/^file:\/\/.*?linux-source-6\.1\//, '')}:${r.start.line + 1} vs ${tr.inlines.map((x) => `${treeRel(x.file)}:${x.line}`).join(' < ')}`);
        }
        if (tr && !locs.length && settings.sourceRoots.length && tr.inlines.some((x) => existsSync(join(KSRC, treeRel(x.file))))) anomaly('no-definition', `frame line ${i + 1}`, tr.frameText);
        const ca = (await req('textDocument/codeAction', { ...td, range: { start: { line: i, character: ch }, end: { line: i, character: ch } }, context: { diagnostics: [] } }, `frame line ${i + 1}`)) ?? [];
        actions += ca.length;
        for (const a of ca) checkText(a.title, `code action line ${i + 1}`);
        // `patches to F.c changing fn()`: the file must be the frame's own (RIP/pc line or a printed file:line).
        const own = /\b(RIP|pc)\s*:|\.[chS]:\d+/.test(line);
        for (const a of ca) if (!own && / patches to \S+ changing /.test(a.title)) anomaly('action-file-mismatch', `frame line ${i + 1}`, a.title);
        if (VERBOSE) for (const a of ca) console.log(`--- action ${i + 1}: ${a.title}`);
      }
    }
  }
  // Truth frames the hover loop never reached (dedup or cap) are not counted; frames in truth that the
  // regex missed mean the log line had a frame we could not find.
  for (const [n, tr] of truth) if (!lines[n - 1]?.includes(tr.frameText.replace(/^RIP: \w+:/, '').split('+')[0])) anomaly('truth-line-mismatch', `line ${n}`, tr.frameText);

  for (const e of serverLog.slice(logStart)) if (e.type === 1 || e.type === 2 || e.type === 'stderr' || /\b(failed|exception|TypeError|RangeError|ReferenceError)\b/i.test(e.message)) anomaly('server-log', `type ${e.type}`, e.message.slice(0, 400));
  await conn.sendNotification('textDocument/didClose', td);
  const mine = anomalies.length - anomStart;
  console.log(`${currentFile}: ${lines.length} lines, open ${openMs.toFixed(0)} ms, ${symbols.length} reports, ${folds.length} folds, ${tokens.length / 5} tokens, ${links.length} links, ${lenses.length} lenses, ${hints.length} hints, ${ds.length} diags, ${hovers} hovers (${frames} frames, ${frameHoverless} without), ${defs} defs, ${actions} actions, truth ${checked - wrong}/${checked} -> ${mine} anomalies`);
}

await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, initializationOptions: { trusted: true, settings } });
await conn.sendNotification('initialized', {});
await new Promise((r) => setTimeout(r, 200));
for (const f of files) {
  const want = f.includes('real-kernel-arm64') ? arm64Settings : amd64Settings;
  if (want !== settings) {
    settings = want;
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: { oopsLens: settings } });
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    await runFile(f);
  } catch (e) {
    anomaly('driver-error', f, String(e?.stack ?? e));
  }
}
console.log('\n== anomalies ==');
for (const a of anomalies) console.log(`[${a.kind}] ${a.file} ${a.where}: ${a.detail}`);
console.log('\n== counts ==');
for (const [k, n] of [...counts].sort()) console.log(`${k}: ${n}`);
const by = new Map();
for (const t of timings) by.set(t.method, [...(by.get(t.method) ?? []), t.ms]);
console.log('\n== timings (ms: n, median, p95, max) ==');
for (const [m, v] of by) {
  v.sort((a, b) => a - b);
  console.log(`${m}: ${v.length}, ${v[v.length >> 1].toFixed(1)}, ${v[Math.floor(v.length * 0.95)].toFixed(1)}, ${v[v.length - 1].toFixed(1)}`);
}
conn.dispose();
proc.kill();
// --strict: a non-zero exit when anything was found (for a nightly job on a machine with the debug files).
process.exit(args.includes('--strict') && anomalies.length ? 1 : 0);
