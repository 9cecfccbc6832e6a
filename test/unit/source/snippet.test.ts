// Snippets: lines around a target, cut to the enclosing function that tree-sitter finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sourceSnippet } from '../../../server/src/source/snippet';
import { cParser } from '../../../server/src/source/c-parser';
import { definitionAt, enclosingFunction, findDefinitions, headerName, parseC } from '../../../server/src/source/c-functions';

const LINUX = join(__dirname, '../../fixtures/source/linux-6.1');

test('the target line is marked and the window stays inside the function', async () => {
  const s = await sourceSnippet(join(LINUX, 'drivers/tty/sysrq.c'), 10, { before: 10, after: 10 });
  assert.ok(s);
  assert.deepEqual(s.function, { name: 'sysrq_handle_crash', signature: 'static void sysrq_handle_crash(int key)', startLine: 5, endLine: 11 });
  assert.deepEqual(s.lines.map((l) => l.line), [5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(s.lines.filter((l) => l.target).map((l) => l.text), ['\tpanic("sysrq triggered crash\\n");']);
  assert.deepEqual(s.header, [], 'the signature is already in view');
});

test('a window below the signature brings the header lines separately', async () => {
  const s = await sourceSnippet(join(LINUX, 'arch/x86/mm/fault.c'), 9, { before: 0, after: 0 });
  assert.ok(s);
  assert.equal(s.function?.name, 'page_fault_oops');
  assert.deepEqual(s.header.map((l) => l.line), [4, 5, 6], 'the split header, without the lone brace');
  assert.deepEqual(s.lines.map((l) => [l.line, l.target]), [[9, true]]);
});

test('SYSCALL_DEFINE bodies, defining macros and #ifdef blocks are functions', async () => {
  const sc = await sourceSnippet(join(LINUX, 'fs/read_write.c'), 26);
  assert.deepEqual([sc?.function?.name, sc?.function?.startLine, sc?.function?.endLine], ['write', 23, 27]);
  const macro = await sourceSnippet(join(LINUX, 'arch/x86/mm/fault.c'), 14);
  assert.deepEqual([macro?.function?.name, macro?.function?.startLine], ['exc_page_fault', 12]);
  const ifdef = await sourceSnippet(join(LINUX, 'kernel/sched/core.c'), 20);
  assert.equal(ifdef?.function?.name, '__schedule');
  const attrs = await sourceSnippet(join(LINUX, 'kernel/sched/core.c'), 12);
  assert.deepEqual([attrs?.function?.name, attrs?.function?.startLine, attrs?.function?.endLine], ['task_rq_lock', 4, 15]);
});

test('outside any function: a plain window; past the end or unreadable: nothing', async () => {
  const s = await sourceSnippet(join(LINUX, 'drivers/tty/sysrq.c'), 14, { before: 1, after: 1 });
  assert.equal(s?.function, undefined);
  assert.deepEqual(s?.lines.map((l) => l.line), [13, 14, 15]);
  assert.equal(await sourceSnippet(join(LINUX, 'drivers/tty/sysrq.c'), 999), undefined);
  assert.equal(await sourceSnippet(join(LINUX, 'nope.c'), 1), undefined);
  const asm = await sourceSnippet(join(LINUX, 'arch/x86/entry/entry_64.S'), 6, { before: 1, after: 1 });
  assert.deepEqual(asm?.lines.map((l) => l.target), [false, true, false]);
});

test('tree-sitter analysis on tricky headers', async () => {
  const parser = await cParser();
  const text = [
    'static int proto(int);',            // 0 prototype
    'static struct foo bar = { .f = proto, };',
    'void __init',                        // 2
    'split_name(void)',                   // 3
    '{',
    '\tproto(1);',                        // 5 a use
    '}',
    'static int __attribute__((unused)) attributed(int x)', // 7
    '{ return x; }',
  ].join('\n');
  const tree = parseC(parser, text)!;
  try {
    assert.equal(definitionAt(tree, text, text.indexOf('proto'), 5), undefined);
    assert.equal(definitionAt(tree, text, text.indexOf('proto(1)'), 5), undefined);
    const split = definitionAt(tree, text, text.indexOf('split_name'), 10);
    assert.deepEqual([split?.startRow, split?.endRow, split?.name], [2, 6, 'split_name']);
    assert.equal(enclosingFunction(tree, text, 5)?.name, 'split_name');
    assert.equal(enclosingFunction(tree, text, 1), undefined);
  } finally {
    tree.delete();
  }
  assert.deepEqual(findDefinitions(parser, text, 'attributed').map((d) => d.row), [7]);
  assert.deepEqual(findDefinitions(null, text, 'split_name').map((d) => d.row), [3], 'text fallback (huge files): name at column 0, `{` before any `;`');
  assert.deepEqual(findDefinitions(null, text, 'proto'), [], 'text fallback: prototype and indented use');
  assert.deepEqual(findDefinitions(null, 'int plain(void)\n{\n}\n', 'plain').map((d) => [d.row, d.endRow]), [[0, 2]]);
  // fs/read_write.c: a continued `#if` right above SYSCALL_DEFINE5(llseek, ...) is not part of its header.
  const llseek = '#if !defined(CONFIG_64BIT) || \\\n\tdefined(__ARCH_WANT_SYS_LLSEEK)\nSYSCALL_DEFINE5(llseek, unsigned int, fd,\n\t\tunsigned int, whence)\n{\n\treturn 0;\n}\n#endif\n';
  assert.deepEqual(findDefinitions(parser, llseek, 'none', { name: 'llseek', compat: false }).map((d) => [d.startRow, d.endRow]), [[2, 6]]);
  // net/core/dev.c: a body that opens with a #define leaves tree-sitter nothing but an ERROR; loop macros,
  // lock annotations and `#if defined(X)` above a function are no definitions of their names.
  const dev = [
    '#if defined(CONFIG_NET)',
    '',
    'const char *netdev_cmd_to_name(enum netdev_cmd cmd)',
    '{',
    '#define N(val) \\',
    '\tcase NETDEV_##val: return "NETDEV_" #val;',
    '\tswitch (cmd) {',
    '\tN(UP) N(DOWN)',
    '\t}',
    '\treturn "UNKNOWN";',
    '}',
    '',
    'static void walk(struct list_head *head)',
    '\t__acquires(rq->lock)',
    '{',
    '\tstruct item *it;',
    '',
    '\tlist_for_each_entry(it, head, node) {',
    '\t\tit->n++;',
    '\t}',
    '}',
    '#endif',
  ].join('\n');
  assert.deepEqual(findDefinitions(parser, dev, 'netdev_cmd_to_name').map((d) => [d.startRow, d.endRow]), [[2, 10]]);
  for (const name of ['defined', '__acquires', 'list_for_each_entry']) assert.deepEqual(findDefinitions(parser, dev, name), [], name);
  assert.equal(headerName('COMPAT_SYSCALL_DEFINE3(write, unsigned int, fd)'), 'write');
  assert.equal(headerName('DEFINE_IDTENTRY(exc_int3)'), 'exc_int3');
  assert.equal(headerName('static __printf(1, 2) void foo(const char *f, ...)'), '__printf');
});
