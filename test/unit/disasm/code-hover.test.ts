// The Code: hover and code lens on real logs: addresses relative to RIP/pc, the trap explained from
// the register dump, and the computed address checked against what the kernel printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentState } from '../../../server/src/features/documents';
import { codeSiteAt, describeCodeLine, codeHover } from '../../../server/src/features/hover-code';
import { provideCodeLenses, codeLines, disassemblyContent, disassemblyUri } from '../../../server/src/features/code-lens';
import { disassemble, explainTrap } from '../../../server/src/symbols/disasm/index';
import { silentSink, type FeatureContext } from '../../../server/src/features/context';
import { defaultSettings } from '../../../server/src/settings';
import { CORPUS } from './corpus-code-lines';

const REAL = join(CORPUS, 'real-kernel/logs');
const ARM = join(CORPUS, 'real-kernel-arm64/logs');
const SYZ = join(CORPUS, 'syzkaller/reports');
const skip = existsSync(REAL) && existsSync(ARM) && existsSync(SYZ) ? false : `shared corpus not present (${CORPUS})`;
const ctx = { settings: () => defaultSettings, trusted: () => false, client: silentSink } as unknown as FeatureContext;

function load(path: string) {
  return documentState(`file://${path}`, readFileSync(path, 'latin1'));
}

function firstCodeLine(doc: ReturnType<typeof load>): number {
  const l = codeLines(doc)[0];
  assert.ok(l !== undefined, 'no Code: line');
  return l;
}

test('x86-64 NULL dereference: movq into 0x8(%rax) with RAX = 0 is NULL + 0x8 = CR2', { skip }, async () => {
  const doc = load(join(REAL, 'mod-null-deref.log'));
  const line = firstCodeLine(doc);
  const info = codeSiteAt(doc, line)!;
  assert.deepEqual(info.site?.symbol, { name: 'evalcrash_null_deref', offset: 0x18, size: 0x25, module: 'evalcrash' });
  assert.equal(info.trap.registers.get('rax'), 0n);
  assert.equal(info.trap.faultAddress, 8n);
  assert.equal(info.trap.faultAddressSource, 'CR2');
  const md = (await codeHover(doc, line, 30, ctx))!;
  assert.match(md, /=> evalcrash_null_deref\+0x18 +48 c7 40 08 34 12 00 00 +movq \$0x1234,0x8\(%rax\)/);
  assert.match(md, /evalcrash_null_deref-0x7 +0f 0b +ud2/);
  assert.match(md, /Effective address = `0x8` — \*\*NULL \+ 0x8\*\*/);
  assert.match(md, /matches CR2/);
});

test('x86-64 BUG_ON and WARN_ON trap on ud2, told apart by the header', { skip }, async () => {
  const bug = load(join(REAL, 'mod-bug-on.log'));
  const lens = (await provideCodeLenses(bug, ctx))[0];
  assert.match(lens.command!.title, /^Disassemble \(\d+ instructions, trap: ud2 \(BUG\/WARN\)\)$/);
  assert.match((await describeCodeLine(bug, lens.range.start.line))!.markdown, /BUG\(\)\/BUG_ON\(\) trap: the assertion named in `kernel BUG at` failed/);
  const warn = load(join(REAL, 'mod-warn-multi.log'));
  const titles = (await provideCodeLenses(warn, ctx)).map((l) => l.command!.title);
  assert.ok(titles.length >= 1);
  assert.ok(titles.some((t) => /trap: ud2 \(WARN\)/.test(t)), titles.join('\n'));
});

test('arm64 NULL dereference: str x1, [x0, #8] with x0 = 0 matches the virtual address in the header', { skip }, async () => {
  const doc = load(join(ARM, 'mod-null-deref.log'));
  const line = firstCodeLine(doc);
  const d = (await describeCodeLine(doc, line))!;
  assert.equal(d.summary, 'Disassemble (5 instructions, trap: str x1, [x0, #8])');
  assert.match(d.markdown, /=> evalcrash_null_deref\+0x2c +f9000401 +str x1, \[x0, #8\]/);
  assert.match(d.markdown, /evalcrash_null_deref\+0x1c +9483c019 +bl /);
  assert.match(d.markdown, /x0 = `0x0`/);
  assert.match(d.markdown, /matches the fault address in the header \(`0x8`\)/);
});

test('arm64 BUG traps on brk #0x800; other brk immediates are named', async () => {
  const doc = documentState('file:///bug.oops', [
    '[    2.1] kernel BUG at fs/foo.c:12!',
    '[    2.1] Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP',
    '[    2.1] pc : foo_bar+0x10/0x40',
    '[    2.1] x1 : 0000000000000000 x0 : 0000000000000001',
    '[    2.1] Code: f9400260 b4000040 d65f03c0 (d4210000)',
    '[    2.2] Code: f9400260 (d4200080)',
  ].join('\n'));
  const bug = (await describeCodeLine(doc, 4))!;
  assert.equal(bug.summary, 'Disassemble (4 instructions, trap: brk #0x800 (BUG/WARN))');
  assert.match(bug.markdown, /=> foo_bar\+0x10 +d4210000 +brk #0x800/);
  assert.match(bug.markdown, /foo_bar\+0x8 +b4000040 +cbz x0/);
  assert.match(bug.markdown, /arm64 BUG\(\)\/BUG_ON\(\) trap: the assertion named in `kernel BUG at` failed/);
  assert.match((await describeCodeLine(doc, 5))!.markdown, /brk #0x4`: kprobe \(KPROBES_BRK_IMM\)/);
});

test('GPFs over the syzkaller corpus: the trapping operand computes to a non-canonical address, equal to the printed one', { skip }, async () => {
  let reports = 0;
  let computed = 0;
  let nonCanonical = 0;
  let printed = 0;
  let equal = 0;
  const misses: string[] = [];
  for (const name of readdirSync(SYZ).sort()) {
    const text = readFileSync(join(SYZ, name), 'latin1');
    if (!/general protection fault/.test(text)) continue;
    const doc = documentState(`file:///${name}`, text);
    const line = codeLines(doc)[0];
    const info = line === undefined ? undefined : codeSiteAt(doc, line);
    if (!info?.site) continue;
    reports++;
    const out = await disassemble(info.site);
    if (!('disassembly' in out)) continue;
    const t = explainTrap(out.disassembly, info.trap);
    if (t?.effectiveAddress === undefined) continue;
    computed++;
    const top = t.effectiveAddress >> 47n;
    if (top !== 0n && top !== 0x1ffffn) nonCanonical++;
    else misses.push(`${name}: ${t.short}`);
    if (info.trap.faultAddress !== undefined) {
      printed++;
      if (info.trap.faultAddress === t.effectiveAddress) equal++;
      else misses.push(`${name}: ${t.short} vs printed 0x${info.trap.faultAddress.toString(16)}`);
    }
  }
  console.log(`GPF reports with a decodable Code: line: ${reports}; address computed from registers: ${computed}; non-canonical: ${nonCanonical}; printed address: ${printed}, equal: ${equal}`);
  assert.ok(reports >= 15, `only ${reports} GPF reports found`);
  assert.ok(computed >= reports * 0.7, `computed only ${computed}/${reports}`);
  assert.ok(nonCanonical >= computed * 0.9, `non-canonical ${nonCanonical}/${computed}:\n${misses.join('\n')}`);
  assert.ok(printed >= 3 && equal === printed, `equal ${equal}/${printed}:\n${misses.join('\n')}`);
});

test('every Code: line of the real logs gets a lens, and the command document shows the same Markdown', { skip }, async () => {
  for (const dir of [REAL, ARM]) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.log'))) {
      const doc = load(join(dir, name));
      const expected = doc.lines.filter((l) => /\bCode: /.test(l)).length;
      const lenses = await provideCodeLenses(doc, ctx);
      assert.equal(lenses.length, expected, name);
      for (const l of lenses) assert.match(l.command!.title, /^(Disassemble (user code )?\(\d+ instructions?, trap: .+\)|Code: not disassembled)$/, `${name}: ${l.command!.title}`);
      // x86 prints a second Code: line for the user-mode registers (RIP: 0033:) after the trace.
      if (/RIP: 0033:.*\n.*Code: /.test(doc.text)) assert.ok(lenses.some((l) => /^Disassemble user code /.test(l.command!.title)), name);
      if (lenses[0]) {
        const line = lenses[0].range.start.line;
        const content = await disassemblyContent(disassemblyUri(doc.uri, line), (u) => (u === doc.uri ? doc : undefined));
        assert.ok(content?.includes((await describeCodeLine(doc, line))!.markdown), name);
      }
    }
  }
});

test('a garbled Code: line in a document gets a clear message, not a crash', async () => {
  const doc = documentState('file:///x.oops', [
    'BUG: kernel NULL pointer dereference, address: 0000000000000008',
    'RIP: 0010:foo+0x10/0x20',
    'Code: 48 8b zz <07>',
    'Code: Bad RIP value.',
  ].join('\n'));
  assert.match((await describeCodeLine(doc, 2))!.markdown, /Token 3 of the `Code:` line, `zz`, is not hexadecimal/);
  assert.match((await describeCodeLine(doc, 3))!.markdown, /Bad RIP value/);
  assert.equal(await describeCodeLine(doc, 1), undefined);
});

test('32-bit ARM syzbot reports: arm words found from `PC is at`/`psr:`, block stores explained', { skip }, async () => {
  let n = 0;
  let matched = 0;
  for (const name of readdirSync(SYZ).sort()) {
    const text = readFileSync(join(SYZ, name), 'latin1');
    if (!/\bPC is at /.test(text) || !/Code: (\(?[0-9a-f]{8}\)? )+/.test(text)) continue;
    const doc = documentState(`file:///${name}`, text);
    for (const line of codeLines(doc)) {
      const info = codeSiteAt(doc, line)!;
      if (!info.site) continue;
      assert.equal(info.site.arch, 'arm', `${name}: decoded as ${info.site.arch}`);
      assert.ok(info.site.symbol, `${name}: PC is at ... gives the symbol`);
      n++;
      const out = await disassemble(info.site);
      assert.ok('disassembly' in out);
      const t = explainTrap(out.disassembly, info.trap);
      if (t?.effectiveAddress !== undefined && t.effectiveAddress === info.trap.faultAddress) matched++;
    }
  }
  console.log(`arm Code: lines: ${n}; trapping access computed equal to the reported fault address: ${matched}`);
  assert.ok(n >= 3);
  assert.ok(matched >= 1);
});

test('old x86 layout `RIP: 0010:[<addr>]  [<addr>] func+off/size` gives both the address and the symbol', async () => {
  const doc = documentState('file:///old.oops', [
    'BUG: unable to handle kernel NULL pointer dereference at 0000000000000010',
    'IP: [<ffffffff810c2a8e>] foo+0x1e/0x60',
    'Oops: 0000 [#1] SMP',
    'RIP: 0010:[<ffffffff810c2a8e>]  [<ffffffff810c2a8e>] foo+0x1e/0x60',
    'RSP: 0018:ffff88003f3fbd98  EFLAGS: 00010246',
    'RAX: 0000000000000000 RBX: ffff88003d2a2000 RCX: 0000000000000000',
    'Code: 48 89 e5 53 48 89 fb <48> 8b 40 10 c3',
    'CR2: 0000000000000010',
  ].join('\n'));
  const info = codeSiteAt(doc, 6)!;
  assert.equal(info.site?.pc, 0xffffffff810c2a8en);
  assert.deepEqual(info.site?.symbol, { name: 'foo', offset: 0x1e, size: 0x60, module: undefined });
  const md = (await describeCodeLine(doc, 6))!.markdown;
  assert.match(md, /=> foo\+0x1e +48 8b 40 10 +mov 0x10\(%rax\),%rax/);
  assert.match(md, /matches CR2 \(`0x10`\)/);
});

test('without an absolute RIP/pc, branch targets are named relative to the function', async () => {
  const doc = documentState('file:///branches.oops', [
    'kernel BUG at fs/foo.c:12!',
    'RIP: 0010:foo+0x10/0x40',
    'Code: 48 85 c0 74 02 eb 00 <0f> 0b e8 00 00 00 00 c3',
  ].join('\n'));
  const arm = documentState('file:///branches-arm64.oops', [
    'kernel BUG at fs/bar.c:3!',
    'Internal error: Oops - BUG: 00000000f2000800 [#1] SMP',
    'pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)',
    'pc : bar+0x8/0x40',
    'Code: b4000040 (d4210000) 97ffffff 17fffffe',
  ].join('\n'));
  const x = (await describeCodeLine(doc, 2))!.markdown;
  assert.match(x, /foo\+0xc +74 02 +je foo\+0x10\n/);
  assert.match(x, /foo\+0xe +eb 00 +jmp foo\+0x10\n/);
  assert.match(x, /foo\+0x12 +e8 00 00 00 00 +call foo\+0x17\n/);
  assert.match(x, /=> foo\+0x10 +0f 0b +ud2/);
  const a = (await describeCodeLine(arm, 4))!.markdown;
  assert.match(a, /bar\+0x4 +b4000040 +cbz x0, bar\+0xc\n/);
  assert.match(a, /=> bar\+0x8 +d4210000 +brk #0x800/);
  assert.match(a, /bar\+0xc +97ffffff +bl bar\+0x8\n/);
  assert.match(a, /bar\+0x10 +17fffffe +b bar\+0x8\n/);
});
