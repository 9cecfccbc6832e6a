// KASAN's "Memory state around the buggy address" dump: what each shadow byte means.
// Source: mm/kasan/kasan.h (shadow values) and mm/kasan/report_generic.c (the bug type each implies).
// Generic KASAN: one shadow byte per 8-byte granule.

/** [value, KASAN_* name (6.1), meaning, bug type report_generic.c derives from it] */
export const KASAN_SHADOW_VALUES: ReadonlyArray<readonly [number, string, string, string]> = [
  [0xff, 'KASAN_PAGE_FREE', 'freed page (older kernels: KASAN_FREE_PAGE)', 'use-after-free'],
  [0xfe, 'KASAN_PAGE_REDZONE', 'redzone of a kmalloc_large / page allocation', 'slab-out-of-bounds'],
  [0xfc, 'KASAN_SLAB_REDZONE', 'redzone around a slab object (older kernels: KASAN_KMALLOC_REDZONE)', 'slab-out-of-bounds'],
  [0xfb, 'KASAN_SLAB_FREE', 'freed slab object (older kernels: KASAN_KMALLOC_FREE)', 'use-after-free'],
  [0xfa, 'KASAN_SLAB_FREETRACK', 'freed slab object whose free stack is stored in it', 'use-after-free'],
  [0xf9, 'KASAN_GLOBAL_REDZONE', 'redzone after a global variable', 'global-out-of-bounds'],
  [0xf8, 'KASAN_VMALLOC_INVALID', 'inaccessible part of a vmalloc area (before 5.5: KASAN_USE_AFTER_SCOPE, a stack variable used after its scope)', 'vmalloc-out-of-bounds'],
  [0xf1, 'KASAN_STACK_LEFT', 'stack redzone left of the frame\'s first variable', 'stack-out-of-bounds'],
  [0xf2, 'KASAN_STACK_MID', 'stack redzone between two variables of a frame', 'stack-out-of-bounds'],
  [0xf3, 'KASAN_STACK_RIGHT', 'stack redzone right of the frame\'s last variable', 'stack-out-of-bounds'],
  [0xf4, 'KASAN_STACK_PARTIAL', 'partially accessible stack granule', 'stack-out-of-bounds'],
  [0xca, 'KASAN_ALLOCA_LEFT', 'redzone left of an alloca() area', 'alloca-out-of-bounds'],
  [0xcb, 'KASAN_ALLOCA_RIGHT', 'redzone right of an alloca() area', 'alloca-out-of-bounds'],
];

export function kasanShadowMeaning(v: number): string {
  if (v === 0) return '`00`: all 8 bytes of this granule are accessible';
  if (v >= 1 && v <= 7) return `\`${v.toString(16).padStart(2, '0')}\`: only the first ${v} byte(s) of this granule are accessible (the object ends inside it)`;
  const row = KASAN_SHADOW_VALUES.find((r) => r[0] === v);
  if (row) return `\`${v.toString(16)}\` \`${row[1]}\`: ${row[2]} — an access here is reported as **${row[3]}**`;
  return `\`${v.toString(16).padStart(2, '0')}\`: not a generic-KASAN shadow value (with tag-based KASAN the bytes are memory tags: the access is bad when the pointer's top-byte tag differs from the tag here; \`fe\` = invalid, \`ff\` = match-all)`;
}

/**
 * A memory-state line (` ffff8801a751e680: 00 00 fc fc ...` or `>ffff...`), with `col` on a byte:
 * what the byte means and which 8 bytes of memory it describes.
 */
export function kasanMemoryStateMarkdown(text: string, col: number): { start: number; end: number; markdown: string } | undefined {
  const m = /^(\s*>?)([0-9a-f]{8,16}): ((?:[0-9a-f]{2}\s*)+)$/.exec(text);
  if (!m) return undefined;
  const base = BigInt('0x' + m[2]);
  const first = m[1].length + m[2].length + 2;
  let i = 0;
  for (const b of m[3].matchAll(/[0-9a-f]{2}/g)) {
    const start = first + b.index!;
    if (col >= start && col <= start + 2) {
      const addr = base + BigInt(8 * i);
      const buggy = m[1].includes('>') ? ' (the `>` row holds the buggy address; the `^` below marks its granule)' : '';
      return {
        start, end: start + 2,
        markdown: `**KASAN shadow byte** for \`0x${addr.toString(16)}\`–\`0x${(addr + 7n).toString(16)}\`${buggy}\n\n${kasanShadowMeaning(parseInt(b[0], 16))}`,
      };
    }
    i++;
  }
  return undefined;
}
