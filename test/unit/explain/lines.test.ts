// Decoders (x86 #PF error code, arm64 ESR, die header) and the line explainer on real report lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeX86PfError, pfLineMarkdown, decodeEsr, esrMarkdown, parseDieHeader, dieHeaderMarkdown, explainAt,
  explainTaintLetters, explainModuleFlags, taintMarkdown, reportHeaderMarkdown, memAbortLineMarkdown,
} from '../../../server/src/model/explain';
import { documentState } from '../../../server/src/features/documents';
import { explainHover } from '../../../server/src/features/hover-explain';

const CORPUS = join(__dirname, '../../../../shared/corpus');

test('x86 page-fault error codes read like show_fault_oops()', () => {
  assert.equal(decodeX86PfError(0x0002).access, 'supervisor write access');
  assert.equal(decodeX86PfError(0x0002).kind, 'not-present page');
  assert.equal(decodeX86PfError(0x0000).access, 'supervisor read access');
  assert.equal(decodeX86PfError(0x0011).access, 'supervisor instruction fetch');
  assert.equal(decodeX86PfError(0x0011).kind, 'permissions violation');
  assert.equal(decodeX86PfError(0x0009).kind, 'reserved bit violation');
  assert.equal(decodeX86PfError(0x0025).kind, 'protection keys violation');
  assert.equal(decodeX86PfError(0x0007).access, 'user write access');
  assert.deepEqual(decodeX86PfError(0x1000).unknownBits, [12]);
  assert.match(pfLineMarkdown('#PF: error_code(0x0003) - permissions violation')!, /present but read-only/);
  assert.match(pfLineMarkdown('#PF: supervisor instruction fetch in kernel mode')!, /jump\/call to a bad address/);
  assert.equal(pfLineMarkdown('#PF: something else'), undefined);
});

test('arm64 ESR: data abort, instruction abort, BRK, syndrome fields', () => {
  const d = decodeEsr(0x96000046n);
  assert.equal(d.ec, 0x25);
  assert.equal(d.ecName, 'DABT (current EL)');
  assert.equal(d.kind, 'data-abort');
  assert.equal(d.wnr, 1);
  assert.deepEqual(d.fsc && [d.fsc.code, d.fsc.name], [6, 'level 2 translation fault']);
  assert.equal(d.il, 1);
  const r = decodeEsr(0x96000004n);
  assert.equal(r.wnr, 0);
  assert.equal(r.fsc?.name, 'level 0 translation fault');
  const i = decodeEsr(0x8600000fn);
  assert.equal(i.kind, 'instruction-abort');
  assert.equal(i.fsc?.name, 'level 3 permission fault');
  const b = decodeEsr(0xf2000800n);
  assert.equal(b.kind, 'brk');
  assert.equal(b.brk?.imm, 0x800);
  assert.match(b.brk?.meaning ?? '', /BUG_BRK_IMM/);
  const isv = decodeEsr(0x93c08004n); // ISV=1, SAS=3 (8 bytes), SRT=0, SF=1
  assert.ok(isv.fields.some((f) => f.name === 'SAS' && /8 byte/.test(f.meaning)));
  assert.equal(decodeEsr(0xfc000000n).ecName, 'UNRECOGNIZED EC');
  assert.match(esrMarkdown(0x96000046n), /A kernel store to the faulting address failed with a level 2 translation fault/);
});

test('Mem abort info lines are explained field by field', () => {
  assert.match(memAbortLineMarkdown('  EC = 0x25: DABT (current EL), IL = 32 bits')!, /DABT \(current EL\).*\n\nIL = 32 bits/s);
  assert.match(memAbortLineMarkdown('  FSC = 0x06: level 2 translation fault')!, /not mapped/);
  assert.match(memAbortLineMarkdown('  CM = 0, WnR = 1')!, /WnR = 1: \*\*write\*\*/);
  assert.match(memAbortLineMarkdown('  ISV = 0, ISS = 0x00000046')!, /no instruction syndrome/);
  assert.match(memAbortLineMarkdown('  CM = 0, WnR = 0, TnD = 0, TagAccess = 0')!, /TagAccess = 0/);
});

test('die headers: x86 page fault, GPF, invalid opcode, 6.9+ prefix, arm64 ESR, BUG', () => {
  assert.deepEqual(parseDieHeader('Oops: 0002 [#1] PREEMPT SMP NOPTI'), { str: 'Oops', code: '0002', count: 1, words: ['PREEMPT', 'SMP', 'NOPTI'], arch: 'x86' });
  const gpf = parseDieHeader('general protection fault, probably for non-canonical address 0xdffffc0000000002: 0000 [#1] PREEMPT SMP KASAN')!;
  assert.equal(gpf.count, 1);
  assert.deepEqual(gpf.words, ['PREEMPT', 'SMP', 'KASAN']);
  assert.equal(parseDieHeader('Oops: general protection fault, probably for non-canonical address 0xdffffc0000000004: 0000 [#1] SMP KASAN PTI')!.words.at(-1), 'PTI');
  assert.match(dieHeaderMarkdown('invalid opcode: 0000 [#2] SMP PTI')!, /ud2.*\n[\s\S]*oops number 2 since boot/);
  const arm = parseDieHeader('Internal error: Oops: 0000000096000046 [#1] SMP')!;
  assert.equal(arm.arch, 'arm64');
  assert.match(dieHeaderMarkdown('Internal error: Oops: 0000000096000046 [#1] SMP', esrMarkdown)!, /the value is the ESR[\s\S]*DABT \(current EL\)/);
  assert.match(dieHeaderMarkdown('Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP', esrMarkdown)!, /brk #0x800/);
  assert.match(dieHeaderMarkdown('Oops: 0002 [#1] PREEMPT SMP NOPTI')!, /`0002` — page-fault error code: supervisor write access, not-present page/);
  assert.equal(parseDieHeader('Oops something happened'), undefined);
});

test('taint letters and module flags, unknown letters said unknown', () => {
  assert.deepEqual(explainTaintLetters('G           OE').map((e) => e.letter), ['G', 'O', 'E']);
  assert.match(taintMarkdown('P      W  O'), /`P` — a proprietary[\s\S]*`W` — a kernel warning[\s\S]*bit 12/);
  assert.match(taintMarkdown('G    Q'), /`Q` — unknown taint letter/);
  assert.match(taintMarkdown(''), /Not tainted/);
  assert.match(taintMarkdown('G   D'), /value 128/);
  const m = explainModuleFlags('(POE+)');
  assert.deepEqual(m.map((x) => x.letter), ['P', 'O', 'E', '+']);
  assert.match(m[3].state ?? '', /being loaded/);
  assert.equal(explainModuleFlags('W')[0].notPerModule, true);
  assert.equal(explainModuleFlags('Z')[0].flag, undefined);
});

test('report headers get the explanation of their kind; lockdep is not mistaken for WARNING', () => {
  assert.match(reportHeaderMarkdown('BUG: KASAN: slab-use-after-free in foo+0x1/0x2')!, /use-after-free[\s\S]*Freed by task/);
  assert.match(reportHeaderMarkdown('WARNING: possible circular locking dependency detected')!, /lock order inversion/);
  assert.match(reportHeaderMarkdown('WARNING: CPU: 1 PID: 1 at fs/x.c:1 f+0x1/0x2')!, /WARN_ON/);
  assert.match(reportHeaderMarkdown('BUG: soft lockup - CPU#0 stuck for 22s!')!, /Soft lockup/);
  assert.match(reportHeaderMarkdown('INFO: task kworker:1 blocked for more than 120 seconds.')!, /Hung task/);
  assert.match(reportHeaderMarkdown('general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1]')!, /non-canonical/);
  assert.match(reportHeaderMarkdown('something new', 'hung-task')!, /hung task/);
  assert.equal(reportHeaderMarkdown('nothing known'), undefined);
});

test('explainAt picks the token under the column', () => {
  const cpu = 'CPU: 1 PID: 1 Comm: init Tainted: G           OE      6.1.0-56-amd64 #1  Debian 6.1.192-2';
  assert.match(explainAt(cpu, cpu.indexOf('OE'), { arch: 'x86_64' })!.markdown, /Kernel taint/);
  assert.equal(explainAt(cpu, 2, { arch: 'x86_64' }), undefined);
  const mods = 'Modules linked in: evalcrash(OE) nfs(E+) ext4';
  assert.match(explainAt(mods, mods.indexOf('nfs') + 2, { arch: 'x86_64' })!.markdown, /Module `nfs`[\s\S]*being loaded/);
  const regs = 'RAX: 0000000000000000 RBX: dead000000000122 RCX: c0000000ffffefff';
  const hit = explainAt(regs, regs.indexOf('dead') + 3, { arch: 'x86_64' })!;
  assert.match(hit.markdown, /`RBX` = `0xdead000000000122`\*\* — LIST_POISON2/);
  assert.equal(regs.slice(hit.start, hit.end), 'dead000000000122');
  assert.match(explainAt('RSP: 0018:ffffca7e80013ad0 EFLAGS: 00000246', 14, { arch: 'x86_64' })!.markdown, /`RSP`.*vmalloc/);
  assert.match(explainAt('RSP: 0018:ffffca7e80013ad0 EFLAGS: 00000246', 38, { arch: 'x86_64' })!.markdown, /^\*\*EFLAGS/); // flags, not a pointer
  const arm = 'x13: 382074657366666f x12: 2074612065636e65';
  assert.match(explainAt(arm, 8, { arch: 'arm64' })!.markdown, /`x13`/);
  const gpf = 'general protection fault, probably for non-canonical address 0xdffffc0000000002: 0000 [#1] PREEMPT SMP KASAN';
  assert.match(explainAt(gpf, gpf.indexOf('0xdff') + 4, { arch: 'x86_64' })!.markdown, /KASAN shadow of 0x10/);
  assert.match(explainAt(gpf, gpf.indexOf('[#1]'), { arch: 'x86_64', isHeader: true })!.markdown, /oops since boot[\s\S]*General protection fault/);
  assert.match(explainAt('BUG: kernel NULL pointer dereference, address: 0000000000000008', 50, { arch: 'x86_64' })!.markdown, /`address` = `0x8`/);
  assert.match(explainAt('BUG: kernel NULL pointer dereference, address: 0000000000000008', 5, { arch: 'x86_64', isHeader: true })!.markdown, /NULL pointer dereference/);
});

test('hover over the real logs: taint, #PF, Oops, registers, ESR lines', { skip: existsSync(CORPUS) ? false : `corpus not present (${CORPUS})` }, () => {
  const probe = (file: string, needle: string, delta = 1) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const doc = documentState(`file:///${file}`, text);
    const line = doc.lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, `${needle} not in ${file}`);
    return explainHover(doc, line, doc.lines[line].indexOf(needle) + delta);
  };
  assert.match(probe('real-kernel/logs/mod-null-deref.log', '#PF: error_code')!, /supervisor write access, not-present page/);
  assert.match(probe('real-kernel/logs/mod-null-deref.log', 'Oops: 0002')!, /PREEMPT[\s\S]*NOPTI/);
  assert.match(probe('real-kernel/logs/mod-null-deref.log', 'Tainted: G')!, /TAINT_OOT_MODULE/);
  assert.match(probe('real-kernel/logs/mod-null-deref.log', 'evalcrash(OE)')!, /Module `evalcrash`/);
  assert.match(probe('real-kernel/logs/mod-null-deref.log', 'R11: ffffffffbc0d4448', 6)!, /kernel image/);
  assert.match(probe('real-kernel-arm64/logs/mod-null-deref.log', 'ESR = 0x')!, /DABT \(current EL\)/);
  assert.match(probe('real-kernel-arm64/logs/mod-null-deref.log', 'Internal error')!, /ESR[\s\S]*level 2 translation fault/);
  assert.match(probe('real-kernel-arm64/logs/mod-null-deref.log', 'x23: ffff4d93c2b1bf00', 6)!, /linear map/);
  assert.equal(probe('real-kernel/logs/mod-null-deref.log', 'Code: '), undefined); // hover-code.ts handles Code: lines
});

test('selectors, EFLAGS and PSTATE are decoded, not classified as pointers', () => {
  const rip = 'RIP: 0010:evalcrash_null_deref+0x18/0x25 [evalcrash]';
  assert.match(explainAt(rip, 6, { arch: 'x86_64' })!.markdown, /`__KERNEL_CS` \(x86-64\)[\s\S]*privilege level 0 \(kernel\)/);
  assert.match(explainAt('RIP: 0033:0x7f1e2c5d1234', 6, { arch: 'x86_64' })!.markdown, /`__USER_CS`[\s\S]*privilege level 3 \(user\)/);
  const rsp = 'RSP: 0018:ffffca7e80013ad0 EFLAGS: 00000246';
  assert.match(explainAt(rsp, 6, { arch: 'x86_64' })!.markdown, /`__KERNEL_DS`/);
  const fl = explainAt(rsp, rsp.indexOf('EFLAGS') + 9, { arch: 'x86_64' })!.markdown;
  assert.match(fl, /EFLAGS\*\* `0x00000246`: PF ZF IF/);
  assert.match(fl, /IF = 1: interrupts were \*\*enabled\*\*/);
  assert.match(explainAt('RSP: 0018:ffffc90000003e38 EFLAGS: 00000046', 38, { arch: 'x86_64' })!.markdown, /IF = 0: interrupts were \*\*disabled\*\*/);
  const ps = 'pstate: 60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)';
  const md = explainAt(ps, 10, { arch: 'arm64' })!.markdown;
  assert.match(md, /nZCv daif, EL1h/); // the same letters the kernel prints
  assert.match(md, /IRQs were enabled/);
  assert.match(explainAt('pstate: 804000c5 (Nzcv daIF +PAN -UAO -TCO -DIT -SSBS BTYPE=--)', 10, { arch: 'arm64' })!.markdown, /Nzcv daIF[\s\S]*IRQs were masked[\s\S]*PAN = 1/);
  assert.match(explainAt('Mem abort info:', 3, { arch: 'arm64' })!.markdown, /decodes the ESR/);
});

test('KASAN memory-state rows: each shadow byte explained with the 8 bytes it covers', { skip: existsSync(CORPUS) ? false : `corpus not present (${CORPUS})` }, () => {
  const row = '>ffff8801a751e680: 00 00 00 00 00 00 00 00 00 00 00 00 fc fc fc fc';
  const fc = explainAt(row, row.indexOf('fc') + 1, { arch: 'x86_64', kasanShadow: true })!;
  assert.match(fc.markdown, /`0xffff8801a751e6e0`–`0xffff8801a751e6e7`/); // 12th byte: base + 12 * 8
  assert.match(fc.markdown, /KASAN_SLAB_REDZONE[\s\S]*slab-out-of-bounds/);
  assert.match(fc.markdown, /the `>` row holds the buggy address/);
  assert.match(explainAt(' ffff8801a751e580: fb fb 03', 20, { arch: 'x86_64', kasanShadow: true })!.markdown, /KASAN_SLAB_FREE[\s\S]*use-after-free/);
  assert.match(explainAt(' ffff8801a751e580: fb fb 03', 25, { arch: 'x86_64', kasanShadow: true })!.markdown, /only the first 3 byte/);
  // Through the hover, on a real syzbot report: only below `Memory state around the buggy address:`.
  const dir = join(CORPUS, 'syzkaller/reports');
  const name = readdirSync(dir).sort().find((f) => /Memory state around the buggy address:\n.*\n.*\n>/.test(readFileSync(join(dir, f), 'latin1').replace(/^\[[^\]]*\](\[[^\]]*\])? ?/gm, '')))!;
  assert.ok(name, 'a KASAN report with a memory-state dump');
  const doc = documentState(`file:///${name}`, readFileSync(join(dir, name), 'latin1'));
  const l = doc.lines.findIndex((x) => /^(\[[^\]]*\])*\s*>[0-9a-f]{16}: /.test(x));
  const text = doc.model.lines[l].text;
  const md = explainHover(doc, l, doc.model.lines[l].textStart + text.indexOf(': ') + 3)!;
  assert.match(md, /KASAN shadow byte/);
});

test('control registers are decoded from the register dump line', () => {
  const line = 'CR2: 0000000000000008 CR3: 0000000001104000 CR4: 00000000000006e0';
  assert.match(explainAt(line, line.indexOf('CR4') + 8, { arch: 'x86_64' })!.markdown, /CR4\*\* `0x6e0`: PAE MCE PGE OSFXSR OSXMMEXCPT[\s\S]*SMEP \*\*off\*\*, SMAP \*\*off\*\*, 4-level paging/);
  assert.match(explainAt(line, line.indexOf('CR3') + 8, { arch: 'x86_64' })!.markdown, /top-level page table/);
  assert.match(explainAt('CR0: 0000000080050033', 8, { arch: 'x86_64' })!.markdown, /PE MP ET NE WP AM PG/);
  assert.match(explainAt('CR4: 0000000000371ef0', 8, { arch: 'x86_64' })!.markdown, /SMEP on, SMAP on/);
});

test('raw frame addresses are left to the frame hover', () => {
  const l = ' [<ffffffff81058e5d>] do_syscall_64+0x3d/0x90';
  assert.equal(explainAt(l, 8, { arch: 'x86_64' }), undefined);
  assert.match(explainAt(' ? 0xffffffff81058e5d', 8, { arch: 'x86_64' })!.markdown, /kernel image/);
});

test('hover on a 5 MB single line answers quickly', () => {
  const line = 'x'.repeat(5_000_000) + ' RAX: 0000000000000000 ' + 'y'.repeat(1000);
  const doc = documentState('file:///huge.oops', line);
  const t0 = Date.now();
  const md = explainHover(doc, 0, 5_000_000 + 8);
  assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
  assert.match(md ?? '', /`RAX` = `0x0`/);
  assert.equal(explainHover(doc, 0, 10), undefined);
});

test('a GPF / invalid opcode header explains its exception once, not in two sections', () => {
  for (const [line, once] of [
    ['general protection fault, probably for non-canonical address 0x6b6b6b6b6b6b6b6b: 0000 [#1] PREEMPT SMP NOPTI', /corrupted pointer/],
    ['invalid opcode: 0000 [#1] PREEMPT SMP NOPTI', /execute `ud2`/],
  ] as const) {
    const md = explainAt(line, line.indexOf('[#1]'), { arch: 'x86_64', isHeader: true })!.markdown;
    assert.equal(md.split('\n---\n').filter((s) => once.test(s)).length, 1, md);
    assert.match(md, /oops since boot/);
    assert.doesNotMatch(md, /\n---\n\s*$/);
  }
  // Oops headers keep their page-fault meaning: the report explanation is about something else.
  const oops = 'Oops: 0002 [#1] PREEMPT SMP NOPTI';
  assert.match(explainAt(oops, 2, { arch: 'x86_64', isHeader: true })!.markdown, /page fault the kernel could not handle/);
});
