// "Compare with vmlinux" against real objects that gcc builds here: an ET_REL object (like a module,
// with relocation sites) and a linked executable (like vmlinux).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugObject } from '../../../server/src/symbols/debug-object';
import { referenceBytes, pickSymbol } from '../../../server/src/symbols/disasm/vmlinux-bytes';
import { compareBytes, renderComparison, type ReferenceBytes } from '../../../server/src/symbols/disasm/compare';
import { findTool } from './corpus-code-lines';
import { documentState } from '../../../server/src/features/documents';
import { provideCodeLenses, disassemblyContent, disassemblyUri } from '../../../server/src/features/code-lens';
import { SymbolService } from '../../../server/src/symbols/service';
import { defaultSettings } from '../../../server/src/settings';
import { silentSink, type FeatureContext } from '../../../server/src/features/context';

const SOURCE = `
extern void helper(int);
struct s { long a; long b; };
long victim(struct s *p) { helper(1); p->b = 0x1234; return p->a + 7; }
`;
const OTHER = 'void helper(int x) { (void)x; }\nint main(void) { return 0; }\n';

const skip = findTool('gcc') ? false : 'gcc not installed';

function build(): { dir: string; obj: string; exe: string } {
  const dir = mkdtempSync(join(tmpdir(), 'oops-compare-'));
  writeFileSync(join(dir, 'v.c'), SOURCE);
  writeFileSync(join(dir, 'h.c'), OTHER);
  execFileSync('gcc', ['-g', '-O1', '-fno-pie', '-c', 'v.c', '-o', 'v.o'], { cwd: dir });
  execFileSync('gcc', ['-g', '-O1', '-no-pie', 'v.c', 'h.c', '-o', 'v'], { cwd: dir });
  return { dir, obj: join(dir, 'v.o'), exe: join(dir, 'v') };
}

/** A "Code:" dump of `victim`: bytes from the file itself, trapping 8 bytes into the function. */
function dumpOf(o: DebugObject, before: number, length: number): { bytes: Uint8Array; trap: number; offset: number } {
  const ref = referenceBytes(o, { name: 'victim', offset: 8 }, before, length);
  assert.ok(!('error' in ref), 'victim not found');
  const bytes = new Uint8Array(length);
  bytes.set(ref.bytes, ref.start);
  return { bytes, trap: before, offset: 8 };
}

test('an executable: the same bytes match; a patched byte is runtime patching; other bytes a different build', { skip }, () => {
  const { dir, exe } = build();
  const o = DebugObject.open(exe);
  try {
    const d = dumpOf(o, 8, 24);
    const ref = referenceBytes(o, { name: 'victim', offset: d.offset }, d.trap, d.bytes.length) as ReferenceBytes;
    assert.equal(ref.start, 0);
    assert.equal(ref.relocated.size, 0);
    // The bytes read agree with objdump's view of the function.
    const sym = pickSymbol(o, 'victim')!;
    const od = execFileSync('objdump', ['-d', `--start-address=0x${sym.address.toString(16)}`, `--stop-address=0x${(sym.address + 16n).toString(16)}`, exe], { encoding: 'utf8' });
    const first = /^\s*[0-9a-f]+:\t((?:[0-9a-f]{2} )+)/m.exec(od)![1].trim().split(' ').map((x) => parseInt(x, 16));
    assert.deepEqual([...ref.bytes.subarray(0, first.length)], first); // the dump starts at victim+0
    const same = compareBytes(d.bytes, ref);
    assert.equal(same.verdict, 'match');
    assert.equal(same.equal, 24);
    const patched = d.bytes.slice();
    patched[10] ^= 0xff;
    const p = compareBytes(patched, ref);
    assert.equal(p.verdict, 'patched');
    assert.deepEqual(p.differing, [10]);
    const md = renderComparison(patched, d.trap, ref, p);
    assert.match(md, /Mostly equal\*\* \(23\/24 bytes\)/);
    assert.match(md, /\^\^/);
    const other = d.bytes.map((b) => b ^ 0x5a);
    assert.equal(compareBytes(other, ref).verdict, 'different-build');
  } finally {
    o.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a relocatable object (like a module): call/data relocation sites are marked and excused', { skip }, () => {
  const { dir, obj } = build();
  const o = DebugObject.open(obj);
  try {
    // victim starts the .text section: bytes before it are outside the section in the file.
    const ref = referenceBytes(o, { name: 'victim', offset: 8 }, 12, 32) as ReferenceBytes;
    assert.ok(!('error' in ref));
    assert.equal(ref.start, 4, 'dump starts 4 bytes before the section');
    assert.ok(ref.relocated.size >= 4, 'the call to helper is relocated');
    // A "runtime" dump: the file bytes with the relocation sites filled in differently.
    const dump = new Uint8Array(32);
    dump.set(ref.bytes, ref.start);
    for (const i of ref.relocated) dump[i] = 0xee;
    const c = compareBytes(dump, ref);
    assert.equal(c.verdict, 'match');
    assert.equal(c.relocatedDiffering.length, ref.relocated.size);
    assert.match(renderComparison(dump, 12, ref, c), /module relocations filled in at load time[\s\S]* rr /);
    assert.match(renderComparison(dump, 12, ref, c), /file +\.\. +\.\. +\.\. +\.\./);
    const missing = referenceBytes(o, { name: 'no_such_function', offset: 0 }, 0, 8);
    assert.ok('error' in missing && /not in the symbol table of v\.o/.test(missing.error));
  } finally {
    o.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Compare lens and document with a configured vmlinux (a gcc-built executable standing in)', { skip }, async () => {
  const { dir, exe } = build();
  const o = DebugObject.open(exe);
  const symbols = new SymbolService(() => ({ ...defaultSettings, vmlinux: exe }), { trusted: () => true });
  try {
    const d = dumpOf(o, 8, 24);
    const hexes = [...d.bytes].map((b, i) => (i === d.trap ? `<${b.toString(16).padStart(2, '0')}>` : b.toString(16).padStart(2, '0')));
    const text = ['BUG: unable to handle page fault for address: 0000000000000008', 'RIP: 0010:victim+0x8/0x20', `Code: ${hexes.join(' ')}`, 'RAX: 0000000000000000 RBX: 0000000000000000 RCX: 0000000000000000', 'RDI: 0000000000000000'].join('\n');
    const doc = documentState('file:///cmp.oops', text);
    const ctx = { settings: () => ({ ...defaultSettings, vmlinux: exe }), trusted: () => true, client: silentSink, symbols } as unknown as FeatureContext;
    const lenses = await provideCodeLenses(doc, ctx);
    const cmp = lenses.find((l) => l.command!.title === 'Compare with vmlinux');
    assert.ok(cmp, lenses.map((l) => l.command!.title).join(' | '));
    assert.deepEqual(cmp.command!.arguments, ['file:///cmp.oops', 2, 'compare']);
    const content = await disassemblyContent(disassemblyUri(doc.uri, 2, true), (u) => (u === doc.uri ? doc : undefined), ctx);
    assert.match(content!, /The dump matches v \(\.text\+0x[0-9a-f]+\)\*\*: 24 of 24 bytes equal/);
    // Without a symbolizer there is no compare lens.
    assert.equal((await provideCodeLenses(doc)).some((l) => /Compare/.test(l.command!.title)), false);
  } finally {
    o.close();
    symbols.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
