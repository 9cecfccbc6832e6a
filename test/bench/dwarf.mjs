// DWARF reader benchmark: parse throughput, cold first lookup, warm lookups and RSS of the built-in
// DwarfIndex, against GNU addr2line and llvm-symbolizer in the same run, on a gcc-built fixture
// (always) and on Debian's 6.1 vmlinux when installed (see ../shared/corpus/real-kernel/README.md).
// Also reports agreement with the anchors. Not a test: numbers are printed, nothing asserted.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugObject } from '../../server/src/symbols/debug-object.ts';
import { DwarfIndex } from '../../server/src/symbols/dwarf/index.ts';

const HERE = new URL('.', import.meta.url).pathname;
const VMLINUX = '/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64';
const CORPUS = join(HERE, '../../../shared/corpus/real-kernel');
const hex = (a) => '0x' + a.toString(16);
const ms = (t) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;
const rss = () => `${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`;
const has = (tool) => { try { execFileSync(tool, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } };

/** One persistent tool process answering addresses on stdin; resolves when `marker` output arrives. */
class Persistent {
  constructor(cmd, args, endOf) {
    this.p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    this.buf = '';
    this.endOf = endOf;
    this.p.stdout.on('data', (d) => { this.buf += d; this.check(); });
  }
  check() { if (this.pending && this.endOf(this.buf, this.pending.n)) { const r = this.pending.resolve; const out = this.buf; this.buf = ''; this.pending = undefined; r(out); } }
  ask(addrs) { return new Promise((resolve) => { this.pending = { resolve, n: addrs.length }; this.p.stdin.write(addrs.map(hex).join('\n') + '\n'); }); }
  close() { this.p.stdin.end(); this.p.kill(); }
}
// addr2line -a echoes each address; a sentinel address after the batch marks the end of its answer.
const SENTINEL = 0n;
function addr2lineProc(file) {
  const p = new Persistent('addr2line', ['-a', '-i', '-f', '-e', file], (buf) => /\n0x0+\n[^\n]*\n[^\n]*\n$/.test(buf));
  const ask = p.ask.bind(p);
  p.ask = (addrs) => ask([...addrs, SENTINEL]);
  return p;
}
function llvmProc(file) {
  return new Persistent('llvm-symbolizer', [`--obj=${file}`, '--output-style=JSON'], (buf, n) => buf.split('\n').filter((l) => l.startsWith('{')).length >= n);
}

async function timeTool(make, addrs, rounds = 3) {
  const t0 = performance.now();
  const proc = make();
  await proc.ask(addrs.slice(0, 1));
  const cold = performance.now() - t0;
  const warm = [];
  for (let r = 0; r < rounds; r++) { const s = performance.now(); await proc.ask(addrs); warm.push(performance.now() - s); }
  proc.close();
  warm.sort((a, b) => a - b);
  return { cold, warm: warm[Math.floor(warm.length / 2)] };
}

function timeOurs(open, addrs, rounds = 5) {
  const t0 = performance.now();
  const index = open();
  index.lookup(addrs[0]);
  const cold = performance.now() - t0;
  for (const a of addrs) index.lookup(a); // first touch of every unit
  const warm = [];
  for (let r = 0; r < rounds; r++) { const s = performance.now(); for (const a of addrs) index.lookup(a); warm.push(performance.now() - s); }
  warm.sort((a, b) => a - b);
  return { cold, warm: warm[Math.floor(warm.length / 2)], index };
}

async function compare(label, file, open, addrs) {
  const ours = timeOurs(open, addrs);
  console.log(`${label}: ${addrs.length} addresses`);
  console.log(`  built-in  cold first lookup ${ms(ours.cold)}, warm ${ms(ours.warm)} for all = ${(ours.warm / addrs.length * 1000).toFixed(1)} us/address, rss ${rss()}`);
  for (const [name, make] of [['addr2line', () => addr2lineProc(file)], ['llvm-symbolizer', () => llvmProc(file)]]) {
    const tool = name.split(' ')[0];
    if (!has(tool)) { console.log(`  ${name}: not installed`); continue; }
    const t = await timeTool(make, addrs);
    console.log(`  ${name.padEnd(16)} cold first answer ${ms(t.cold)}, warm ${ms(t.warm)} for all; built-in is ${(t.warm / ours.warm).toFixed(1)}x faster warm, ${(t.cold / ours.cold).toFixed(1)}x cold`);
  }
  return ours.index;
}

function parseThroughput(label, index, budgetMs) {
  global.gc?.();
  const s = performance.now();
  const r = index.parseAll(budgetMs);
  const t = performance.now() - s;
  const peak = rss();
  global.gc?.();
  const mb = r.bytes / 1e6;
  console.log(`  parse ${label}: ${r.units} units${r.complete ? '' : ` (of ${index.unitCount}, time budget)`}, ${mb.toFixed(1)} MB of .debug_info+.debug_line`
    + ` = ${r.functions} function DIEs + ${r.rows} line rows in ${ms(t)}: ${(mb / (t / 1000)).toFixed(1)} MB/s, ${(r.functions / t).toFixed(0)}k DIEs/s;`
    + ` rss ${peak} (${rss()} after gc; parsed units beyond the cache are dropped)`);
}

function symbols(file) {
  const out = execFileSync('nm', ['-S', '--defined-only', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').map((l) => /^([0-9a-f]+) ([0-9a-f]+) [tTwW] (\S+)$/.exec(l)).filter(Boolean).map((m) => ({ address: BigInt('0x' + m[1]), size: parseInt(m[2], 16), name: m[3] }));
}

// ---- gcc fixture: a generated unit set big enough to time -------------------------------------
async function fixture() {
  if (!has('gcc')) { console.log('gcc not installed: fixture numbers skipped'); return; }
  const dir = mkdtempSync(join(tmpdir(), 'oops-bench-dwarf-'));
  try {
    cpSync(join(HERE, '../fixtures/dwarf'), dir, { recursive: true });
    const files = [];
    for (let f = 0; f < 8; f++) {
      let src = '#include "inline_chain.h"\n';
      for (let i = 0; i < 150; i++) {
        src += `static inline int f${f}_${i}_in(int x) { return level1(x + ${i}) ^ level3(x); }\n`;
        src += `__attribute__((noinline)) int f${f}_${i}(int x) { if (x > ${i}) return f${f}_${i}_in(x) + ${i}; return level2(x); }\n`;
      }
      writeFileSync(join(dir, `gen${f}.c`), src);
      files.push(`gen${f}.c`);
    }
    const out = join(dir, 'bench-fixture');
    execFileSync('gcc', ['-g', '-O2', '-gdwarf-5', '-Iinclude', '-o', out, 'main.c', 'dup_a.c', 'dup_b.c', 'asm_add_one.s', ...files], { cwd: dir });
    const addrs = symbols(out).flatMap((s) => [s.address, s.address + BigInt(s.size >> 1), s.address + BigInt(Math.max(0, s.size - 1))]);
    const open = () => new DwarfIndex(DebugObject.open(out).sections);
    await compare('gcc fixture (DWARF 5, -O2, 1,200 generated functions)', out, open, addrs);
    open().parseAll(); // JIT warm-up: the vmlinux parse below is long enough to warm up by itself
    parseThroughput('all units', open(), Infinity);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- Debian vmlinux --------------------------------------------------------------------------
function truthAddresses(log) {
  const recs = readFileSync(join(CORPUS, 'truth', log), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.tool === 'addr2line' && !r.module);
  return [...new Set(recs.map((r) => (r.callsite ? r.callsite.address : r.address)))].map((a) => BigInt(a));
}

function truthAgreement(vmlinux) {
  const same = (a, b) => a.length === b.length && a.every((f, i) => f.function === b[i].function && f.file === b[i].file && f.line === b[i].line);
  let agree = 0, total = 0, symtabOnly = 0;
  const objects = new Map();
  const obj = (mod) => {
    if (!objects.has(mod)) objects.set(mod, mod ? DebugObject.open(join(CORPUS, 'module', `${mod}.ko`)) : vmlinux);
    return objects.get(mod);
  };
  const seen = new Set();
  for (const f of readdirSync(join(CORPUS, 'truth'))) {
    for (const line of readFileSync(join(CORPUS, 'truth', f), 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (r.tool !== 'addr2line') continue;
      const o = obj(r.module);
      const idx = o.dwarf;
      for (const [a, expected] of [[r.address, r.inlines], ...(r.callsite ? [[r.callsite.address, r.callsite.inlines]] : [])]) {
        const key = `${r.module}:${r.section}:${a}`;
        if (seen.has(key)) continue;
        seen.add(key);
        total++;
        const addr = r.module ? o.layout.address(r.section, BigInt(a)) : BigInt(a);
        const got = idx.lookup(addr);
        if (same(got, expected)) agree++;
        // No DWARF function (assembly, or a return address just past a noreturn call): addr2line
        // names the ELF symbol there, which is the symbol service's part, not DWARF's.
        else if (got.length === 0 && expected.length === 1 && expected[0].line === 0) symtabOnly++;
        else if (got.length === 1 && got[0].function === '??' && same([{ ...got[0], function: expected[0].function }], expected)) symtabOnly++;
        else console.log(`    differs ${r.module ?? 'vmlinux'} ${a}: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
      }
    }
  }
  console.log(`  truth files: ${agree}/${total} distinct lookups equal addr2line's inline chain; ${symtabOnly} more equal it but for the function name addr2line took from the symbol table (no DWARF function there)`);
}

async function sampleAgreement(n) {
  if (!has('addr2line')) return;
  const syms = symbols(VMLINUX).filter((s) => s.size > 0);
  let seed = 42;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const addrs = [];
  for (let i = 0; i < n; i++) { const s = syms[Math.floor(rnd() * syms.length)]; addrs.push(s.address + BigInt(Math.floor(rnd() * s.size))); }
  const parse = (out) => {
    const res = [];
    let cur;
    const lines = out.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (/^0x[0-9a-f]+$/.test(lines[i])) { cur = []; res.push(cur); continue; }
      if (!cur || !lines[i]) continue;
      const loc = lines[++i].replace(/ \(discriminator \d+\)$/, '');
      const c = loc.lastIndexOf(':');
      cur.push({ function: lines[i - 1], file: loc.slice(0, c), line: loc.slice(c + 1) === '?' ? 0 : Number(loc.slice(c + 1)) });
    }
    return res;
  };
  const truth = parse(execFileSync('addr2line', ['-a', '-i', '-f', '-e', VMLINUX], { input: addrs.map(hex).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 28 }));
  const index = new DwarfIndex(DebugObject.open(VMLINUX).sections);
  let agree = 0, fallback = 0, fileZero = 0;
  const other = [];
  for (let i = 0; i < addrs.length; i++) {
    const ours = index.lookup(addrs[i]);
    const exp = truth[i];
    const eq = (a, b) => a.length === b.length && a.every((f, j) => (f.function === b[j].function || (j === 0 && f.function === '??')) && f.file === b[j].file && f.line === b[j].line);
    if (eq(ours, exp)) agree++;
    else if (ours.length === 0 && exp.length === 1 && exp[0].line === 0) fallback++;
    // binutils 2.40 starts a DWARF 5 sequence with file 0 instead of 1 (see test/unit/symbols/dwarf-addr2line.test.ts).
    else if (ours.length === exp.length && ours.every((f, j) => f.line === exp[j].line && f.function === exp[j].function) && ours[0].file !== exp[0].file && exp[0].file.endsWith('.c')) fileZero++;
    else other.push(`${hex(addrs[i])}: ${JSON.stringify(ours)} vs ${JSON.stringify(exp)}`);
  }
  console.log(`  ${n} random function addresses: ${agree} equal to addr2line, ${fallback} symbol-table-only, ${fileZero} differ by the binutils 2.40 DWARF 5 default-file slip, ${other.length} other`);
  for (const o of other.slice(0, 5)) console.log('    ' + o);
}

/** Every byte of every function of the out-of-tree ET_REL module against `addr2line -j SECTION`. */
function moduleSweep() {
  const ko = join(CORPUS, 'module/evalcrash.ko');
  if (!existsSync(ko) || !has('addr2line')) return;
  const obj = DebugObject.open(ko);
  const index = new DwarfIndex(obj.sections);
  const names = new Map([...execFileSync('readelf', ['-SW', ko], { encoding: 'utf8' }).matchAll(/\[\s*(\d+)\]\s+(\S+)/g)].map((m) => [Number(m[1]), m[2]]));
  let agree = 0, total = 0;
  const other = [];
  for (const line of execFileSync('readelf', ['-sW', ko], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+FUNC\s+\S+\s+\S+\s+(\d+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const [value, size, section, name] = [parseInt(m[1], 16), Number(m[2]), names.get(Number(m[3])), m[4]];
    const offsets = Array.from({ length: size }, (_, i) => value + i);
    const out = execFileSync('addr2line', ['-a', '-i', '-f', '-j', section, '-e', ko], { input: offsets.map((o) => hex(o)).join('\n') + '\n', encoding: 'utf8' });
    const answers = out.split(/^0x[0-9a-f]+\n/m).slice(1);
    offsets.forEach((o, i) => {
      const l = answers[i].trim().split('\n');
      const expected = [];
      for (let k = 0; k < l.length; k += 2) expected.push(`${l[k]}@${l[k + 1].replace(/ \(discriminator \d+\)$/, '').replace(/:\?$/, ':0')}`);
      const got = index.lookup(obj.layout.address(section, BigInt(o))).map((f, j) => `${j === 0 && f.function === '??' ? name : f.function}@${f.file}:${f.line}`);
      total++;
      if (JSON.stringify(got) === JSON.stringify(expected)) agree++;
      else other.push(`${section}+${hex(o)} (${name}): ${got.join(' <- ')} vs ${expected.join(' <- ')}`);
    });
  }
  console.log(`  evalcrash.ko (ET_REL, relocated by the ELF reader): ${agree}/${total} function bytes equal to addr2line -j SECTION`);
  for (const o of other.slice(0, 5)) console.log('    ' + o);
}

await fixture();
if (existsSync(VMLINUX)) {
  console.log(`\nvmlinux: ${VMLINUX}`);
  const vm = DebugObject.open(VMLINUX);
  const addrs = truthAddresses('sysrq-c-kaslr.jsonl');
  await compare('decode of sysrq-c-kaslr.log frames (call sites)', VMLINUX, () => new DwarfIndex(DebugObject.open(VMLINUX).sections), addrs);
  truthAgreement(vm);
  moduleSweep();
  await sampleAgreement(Number(process.env.DWARF_BENCH_SAMPLE ?? 500));
  parseThroughput('vmlinux', new DwarfIndex(DebugObject.open(VMLINUX).sections), Number(process.env.DWARF_BENCH_PARSE_MS ?? 20000));
} else {
  console.log(`\n${VMLINUX} not installed: real-kernel numbers skipped (apt-get install linux-image-6.1.0-56-amd64-dbg)`);
}
