// Opt-in check of go-to-source against Debian's real linux-source-6.1 (6.1.192-2), never run by `npm test`.
//
//   node --import tsx scripts/test-real-source.ts [--install] [--tree DIR] [--corpus DIR]
//
// --install   apt-get install linux-source-6.1 when /usr/src/linux-source-6.1.tar.xz is missing (root)
// --tree DIR  an already unpacked tree (else the tarball is unpacked once under the temp dir)
//
// Checks: drivers/tty/sysrq.c:155 is `panic("sysrq triggered crash\n");`; every source location in
// the real-kernel truth files (addr2line's, DWARF paths with Debian's build prefixes) maps to a file
// of the tree, the line exists and lies in the function the truth names (tree-sitter extent); each
// distinct function is found by name where its DWARF file says. With linux-image-6.1.0-56-amd64-dbg
// installed, go to definition on every truth frame (symbolizer + tree) opens the truth's file:line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSnippet } from '../../server/src/source/snippet';
import { SourceRoots } from '../../server/src/source/source-roots';
import { webTreePath } from '../../server/src/source/path-map';
import { nameQuery } from '../../server/src/source/symbol-names';
import { pathToFileURL } from 'node:url';
import { documentState } from '../../server/src/features/documents';
import { provideDefinition } from '../../server/src/features/definition';
import { silentSink, type FeatureContext } from '../../server/src/features/context';
import { defaultSettings, type Settings } from '../../server/src/settings';
import { SymbolService } from '../../server/src/symbols/service';

const VMLINUX = '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const corpus = opt('--corpus') ?? join(__dirname, '../../../shared/corpus/real-kernel');

function tree(): string {
  const given = opt('--tree');
  if (given) return given;
  if (!existsSync(TARBALL)) {
    if (!args.includes('--install')) {
      console.error(`${TARBALL} missing: run with --install (apt-get install linux-source-6.1) or pass --tree DIR`);
      process.exit(2);
    }
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'linux-source-6.1'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const dir = join(tmpdir(), 'oops-lens-linux-source-6.1');
  if (!existsSync(join(dir, 'linux-source-6.1', 'init', 'main.c'))) {
    mkdirSync(dir, { recursive: true });
    console.log(`unpacking ${TARBALL} into ${dir} ...`);
    execFileSync('tar', ['-xJf', TARBALL, '-C', dir], { stdio: 'inherit' });
  }
  return dir;
}

interface Loc { function: string; file: string; line: number }
interface Truth { file: string; lineInLog: number; symbol: string; tool: string; isReturnAddress: boolean; inlines: Loc[]; callsite?: { inlines: Loc[] } }

async function main(): Promise<void> {
  const roots = new SourceRoots([tree(), join(corpus, 'module')]);
  const kernelRoot = roots.roots.find((r) => r.kernel);
  if (!kernelRoot) throw new Error('no kernel tree (init/main.c) under the given directory');
  console.log(`tree: ${kernelRoot.dir}`);
  let failures = 0;
  const fail = (m: string) => { failures++; console.log(`FAIL ${m}`); };

  const sysrq = readFileSync(join(kernelRoot.dir, 'drivers/tty/sysrq.c'), 'utf8').split('\n')[154];
  if (sysrq.trim() !== 'panic("sysrq triggered crash\\n");') fail(`sysrq.c:155 is ${JSON.stringify(sysrq)}`);
  else console.log('ok   sysrq.c:155 is panic("sysrq triggered crash\\n");');

  const locs = new Map<string, Loc>();
  const functions = new Map<string, Loc>();
  for (const name of readdirSync(join(corpus, 'truth')).filter((n) => n.endsWith('.jsonl'))) {
    for (const raw of readFileSync(join(corpus, 'truth', name), 'utf8').split('\n')) {
      if (!raw.trim()) continue;
      const t = JSON.parse(raw) as Truth;
      if (t.tool !== 'addr2line') continue;
      const landing = (t.isReturnAddress && t.callsite ? t.callsite.inlines : t.inlines).filter((l) => l.file && l.line > 0);
      for (const l of landing) locs.set(`${l.file}:${l.line}:${l.function}`, l);
      const outer = t.inlines.at(-1);
      if (outer?.file && outer.line > 0) functions.set(t.symbol, outer);
    }
  }

  let mapped = 0;
  let inRange = 0;
  let inFunction = 0;
  let checkedFunction = 0;
  let webMapped = 0;
  for (const l of locs.values()) {
    const r = roots.resolve(l.file);
    if (webTreePath(l.file) || l.file.startsWith('/usr/src/evalmod/')) webMapped++;
    else fail(`no web path for ${l.file}`);
    if (!r) { fail(`not found in the tree: ${l.file}`); continue; }
    mapped++;
    const snippet = await sourceSnippet(r.absPath, l.line, { before: 0, after: 0 });
    if (!snippet) { fail(`${r.relPath}:${l.line} past the end of the file`); continue; }
    inRange++;
    if (!/\.(c|h)$/.test(l.file)) continue;
    checkedFunction++;
    const name = snippet.function?.name;
    const q = nameQuery(l.function);
    if (name === q.name || (q.syscall && name === q.syscall.name)) inFunction++;
    else console.log(`note ${r.relPath}:${l.line}: truth says ${l.function}, enclosing function is ${name ?? '(none)'}`);
  }
  console.log(`locations: ${locs.size}; mapped to a tree file ${mapped}; line exists ${inRange}; web path ${webMapped}; enclosing function = truth ${inFunction}/${checkedFunction} C locations`);

  let found = 0;
  let first = 0;
  const t0 = performance.now();
  for (const [symbol, outer] of functions) {
    const want = roots.resolve(outer.file)?.absPath;
    const defs = await roots.definitions(symbol, { arch: 'x86_64' });
    if (defs.some((d) => d.absPath === want)) found++;
    else console.log(`note definition of ${symbol}: ${defs.map((d) => `${d.relPath}:${d.line}`).join(', ') || 'none'}; DWARF says ${outer.file}`);
    if (defs[0]?.absPath === want) first++;
  }
  console.log(`definition by name: ${found}/${functions.size} found in the DWARF file (${first} ranked first), ${(performance.now() - t0).toFixed(0)} ms incl. indexing`);
  if (mapped !== locs.size || inRange !== locs.size) fail('some locations did not land in the tree');

  if (existsSync(VMLINUX)) {
    const settings: Settings = { ...defaultSettings, vmlinux: VMLINUX, modulePaths: [join(corpus, 'module')], sourceRoots: [kernelRoot.dir, join(corpus, 'module')] };
    const symbols = new SymbolService(() => settings, { trusted: () => true });
    const ctx: FeatureContext = { settings: () => settings, trusted: () => true, client: silentSink, symbols };
    let frames = 0;
    let landed = 0;
    const t1 = performance.now();
    for (const name of readdirSync(join(corpus, 'truth')).filter((n) => n.endsWith('.jsonl') && !n.includes('.unique.'))) {
      const logName = name.replace(/\.jsonl$/, '.log');
      const doc = documentState(pathToFileURL(join(corpus, 'logs', logName)).toString(), readFileSync(join(corpus, 'logs', logName), 'utf8'));
      for (const raw of readFileSync(join(corpus, 'truth', name), 'utf8').split('\n')) {
        if (!raw.trim()) continue;
        const t = JSON.parse(raw) as Truth;
        if (t.tool !== 'addr2line') continue;
        const want = (t.isReturnAddress && t.callsite ? t.callsite.inlines : t.inlines)[0];
        if (!want?.file || !(want.line > 0)) continue;
        const frame = doc.model.frames.find((f) => f.span.line === t.lineInLog - 1 && f.function === t.symbol);
        if (!frame) { console.log(`note ${logName}:${t.lineInLog}: no parsed frame ${t.symbol}`); continue; }
        frames++;
        const locs = await provideDefinition(doc, frame.nameSpan.line, frame.nameSpan.start, ctx);
        const wantFile = roots.resolve(want.file)?.absPath;
        const got = locs?.[0];
        if (got && wantFile && got.uri === pathToFileURL(wantFile).toString() && got.range.start.line === want.line - 1) landed++;
        else console.log(`note ${logName}:${t.lineInLog} ${t.symbol}: went to ${got ? `${got.uri}:${got.range.start.line + 1}` : 'nowhere'}, truth ${want.file}:${want.line}`);
      }
    }
    console.log(`go to definition with ${VMLINUX}: ${landed}/${frames} truth frames land on the truth line (${(performance.now() - t1).toFixed(0)} ms)`);
    if (landed !== frames) fail('some frames did not land on the truth line');
  } else {
    console.log(`skip go-to-definition through the symbolizer: ${VMLINUX} not installed (apt-get install linux-image-6.1.0-56-amd64-dbg)`);
  }
  console.log(failures ? `${failures} failure(s)` : 'all checks passed');
  process.exit(failures ? 1 : 0);
}

void main();
