// What a 32/64-bit value seen in a crash (a register, a faulting address) most likely is: NULL+offset,
// a poison pattern, an ERR_PTR, a KASAN shadow address, a user or non-canonical address, or which kernel
// region it falls in. Sources: include/linux/poison.h, include/linux/err.h, mm/kasan (shadow offset),
// Documentation/arch/x86/x86_64/mm.rst and Documentation/arch/arm64/memory.rst (6.1 layouts).
import type { Arch } from './types';
import { errnoByNumber, MAX_ERRNO } from './explain-errno';

export type ValueKind =
  | 'null' | 'null-offset' | 'list-poison' | 'pointer-poison' | 'slab-poison' | 'redzone' | 'err-ptr'
  | 'kasan-shadow' | 'non-canonical' | 'user' | 'kernel' | 'small' | 'unknown';

export interface ValueClass {
  kind: ValueKind;
  /** One line, e.g. `NULL + 0x8`, `LIST_POISON2 (list_del'd entry)`. */
  summary: string;
  /** Markdown paragraph(s) with what it usually means. */
  detail: string;
  /** For kasan-shadow: the address whose shadow this is (x86-64 generic KASAN). */
  shadowOf?: bigint;
}

const U64 = (1n << 64n) - 1n;
/** CONFIG_ILLEGAL_POINTER_VALUE on x86-64 and arm64: POISON_POINTER_DELTA. */
export const POISON_POINTER_DELTA = 0xdead000000000000n;
/** Below mmap_min_addr (default 64 KiB on x86 and arm64) nothing is ever mapped. */
const NULL_LIMIT = 0x10000n;

/** Pointer poisons of poison.h, as offsets from POISON_POINTER_DELTA. */
export const POINTER_POISONS: ReadonlyArray<readonly [bigint, string, string]> = [
  [0x100n, 'LIST_POISON1', 'the `next` pointer of a list entry removed with list_del(): the entry was used after being removed from its list (use-after-free or double list_del)'],
  [0x122n, 'LIST_POISON2', 'the `prev` pointer of a list entry removed with list_del() (or hlist `pprev`): the entry was used after being removed from its list (use-after-free or double list_del)'],
  [0x300n, 'TIMER_ENTRY_STATIC', 'a statically initialised timer that was never armed'],
  [0x400n, 'TAIL_MAPPING', 'the mapping field of a compound tail page'],
  [0x500n, 'MUTEX_POISON_WW_CTX', 'a poisoned ww_mutex acquire context'],
  [0x40n, 'PP_SIGNATURE', 'page_pool page signature'],
  [0xeb9fn, 'BPF_PTR_POISON', 'a poisoned BPF pointer'],
  [0xf5n, 'VFS_PTR_POISON', 'a poisoned VFS pointer'],
];

/** Byte patterns of poison.h used to fill memory. */
export const BYTE_POISONS: ReadonlyArray<readonly [number, string, ValueKind, string]> = [
  [0x6b, 'POISON_FREE', 'slab-poison', 'slab debugging filled this freed object with 0x6b: a pointer read from **freed memory** (use-after-free)'],
  [0x5a, 'POISON_INUSE', 'slab-poison', 'slab debugging filled this newly allocated object with 0x5a: a pointer read from **allocated but never initialised** memory'],
  [0xa5, 'POISON_END', 'slab-poison', 'the end byte of a slab poison area: a read just past the poisoned object'],
  [0xcc, 'SLUB_RED_ACTIVE / POISON_FREE_INITMEM', 'redzone', 'SLUB red zone of an allocated object (an out-of-bounds read into the red zone), or freed init memory (`__init` code/data used after boot); 0xcc is also x86 `int3` padding'],
  [0xbb, 'SLUB_RED_INACTIVE', 'redzone', 'SLUB red zone of a free object'],
  [0xaa, 'PAGE_POISON', 'slab-poison', 'page poisoning of a freed page (page_poison), or the pattern of `-ftrivial-auto-var-init=pattern` (uninitialised stack variable)'],
  [0xa7, 'POOL_POISON_FREED', 'slab-poison', 'dma_pool poison of a freed block'],
  [0xa9, 'POOL_POISON_ALLOCATED', 'slab-poison', 'dma_pool poison of an allocated, uninitialised block'],
];

/** SLAB's 64-bit red zone words. */
const RED_WORDS: ReadonlyArray<readonly [bigint, string]> = [
  [0x09f911029d74e35bn, 'RED_INACTIVE (SLAB red zone of a free object)'],
  [0xd84156c5635688c0n, 'RED_ACTIVE (SLAB red zone of an allocated object)'],
];

/** Generic KASAN shadow offsets: shadow = (addr >> 3) + offset. */
const KASAN_OFFSETS: Partial<Record<Arch, bigint>> = { x86_64: 0xdffffc0000000000n, arm64: 0xdfff800000000000n };

const hex = (v: bigint) => '0x' + v.toString(16);

function is64(arch: Arch): boolean {
  return arch !== 'i386' && arch !== 'arm';
}

/** Parses `0000000000000008`, `0x8`, `ffff...`; undefined when not hex. */
export function parseHexValue(text: string): bigint | undefined {
  const t = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,16}$/.test(t)) return undefined;
  return BigInt('0x' + t);
}

function bytePoison(v: bigint, width: number): { byte: number; offset: bigint } | undefined {
  // The pattern with a small field offset added (a pointer loaded from poisoned memory, then + offset).
  for (const [b] of BYTE_POISONS) {
    let pattern = 0n;
    for (let i = 0; i < width; i++) pattern = (pattern << 8n) | BigInt(b);
    const off = v - pattern;
    if (off >= -0x1000n && off < 0x1000n) return { byte: b, offset: off };
  }
  return undefined;
}

function regionX86_64(v: bigint): string | undefined {
  const R: ReadonlyArray<readonly [bigint, bigint, string]> = [
    [0xffff800000000000n, 0xffff87ffffffffffn, 'guard hole (reserved for the hypervisor): never a valid kernel pointer'],
    [0xffff880000000000n, 0xffff887fffffffffn, 'LDT remap for PTI'],
    [0xffff888000000000n, 0xffffc87fffffffffn, 'direct map of physical memory (page_offset_base): slab objects, page-allocator memory, per-CPU data'],
    [0xffffc90000000000n, 0xffffe8ffffffffffn, 'vmalloc/ioremap space (vmalloc_base): vmalloc memory, kernel stacks (VMAP_STACK), MMIO'],
    [0xffffea0000000000n, 0xffffeaffffffffffn, 'vmemmap (vmemmap_base): a `struct page`'],
    [0xffffec0000000000n, 0xfffffbffffffffffn, 'KASAN shadow memory'],
    [0xfffffe0000000000n, 0xfffffe7fffffffffn, 'cpu_entry_area (entry stacks, GDT, TSS)'],
    [0xffffff0000000000n, 0xffffff7fffffffffn, '%esp fixup stacks'],
    [0xffffffef00000000n, 0xfffffffeffffffffn, 'EFI runtime services mapping'],
    [0xffffffff80000000n, 0xffffffff9fffffffn, 'kernel image (text, rodata, data, bss)'],
    [0xffffffffa0000000n, 0xffffffffbfffffffn, 'kernel image with KASLR (up to 1 GiB), or the module area of a kernel without KASLR'],
    [0xffffffffc0000000n, 0xfffffffffeffffffn, 'module area (loaded modules\' text and data)'],
    [0xffffffffff600000n, 0xffffffffff600fffn, 'legacy vsyscall page'],
    [0xffffffffff000000n, 0xffffffffffffffffn, 'fixmap area'],
  ];
  for (const [lo, hi, name] of R) if (v >= lo && v <= hi) return name;
  if (v >= 0xff00000000000000n && v < 0xffff800000000000n) return 'kernel address that exists only with 5-level paging (la57: direct map ff11..., vmalloc ffa0..., vmemmap ffd4...)';
  return undefined;
}

function regionArm64(v: bigint): string | undefined {
  const R: ReadonlyArray<readonly [bigint, bigint, string]> = [
    [0xffff000000000000n, 0xffff5fffffffffffn, 'linear map of physical memory: slab objects, page-allocator memory, per-CPU data'],
    [0xffff600000000000n, 0xffff7fffffffffffn, 'linear map (or the KASAN shadow region on KASAN kernels)'],
    [0xffff800000000000n, 0xffff800007ffffffn, 'module area (6.1 layout; 6.5+ uses up to ffff80007fffffff)'],
    [0xffff800008000000n, 0xfffffbffefffffffn, 'vmalloc area: vmalloc memory, kernel stacks (VMAP_STACK), and with KASLR also the kernel image and modules'],
    [0xfffffbfff0000000n, 0xfffffbfffdffffffn, 'fixed mappings'],
    [0xfffffbfffe800000n, 0xfffffbffff7fffffn, 'PCI I/O space'],
    [0xfffffc0000000000n, 0xfffffdffffffffffn, 'vmemmap: a `struct page`'],
    [0xfffffe0000000000n, 0xffffffffffffffffn, 'guard region (48-bit layout) — or kernel space of a 39-bit VA kernel'],
  ];
  for (const [lo, hi, name] of R) if (v >= lo && v <= hi) return name;
  return undefined;
}

const KASLR_NOTE = 'Regions are those of the default layout; KASLR moves the bases, so take the region as a strong hint, not proof.';

export function classifyValue(value: bigint, arch: Arch): ValueClass {
  const wide = is64(arch);
  const v = value & (wide ? U64 : 0xffffffffn);
  const width = wide ? 8 : 4;
  const top = wide ? U64 : 0xffffffffn;

  if (v === 0n) return { kind: 'null', summary: 'NULL (zero)', detail: 'Zero: as a pointer, NULL. A fault at a small address near 0 is a NULL pointer dereference.' };

  // ERR_PTR: the last MAX_ERRNO values.
  if (v > top - BigInt(MAX_ERRNO)) {
    const n = Number(top - v + 1n);
    const e = errnoByNumber(n);
    const name = e ? `-${e.name}` : `-${n}`;
    return {
      kind: 'err-ptr', summary: `ERR_PTR(${name}) (= -${n})`,
      detail: `An error code stored in a pointer (ERR_PTR(${name})${e?.description ? `: ${e.description}` : ''}). ` +
        'Dereferencing it means a caller did not check the return value with IS_ERR().',
    };
  }

  if (v < NULL_LIMIT) {
    if (!wide) {
      for (const [off, name, meaning] of POINTER_POISONS) {
        if (v === off) return { kind: 'list-poison', summary: `${name} (32-bit: POISON_POINTER_DELTA is 0)`, detail: `${name}: ${meaning}.` };
      }
    }
    const zsp = v === 0x10n ? ' It is also ZERO_SIZE_PTR, what kmalloc(0) returns: a zero-length allocation was dereferenced.' : '';
    return {
      kind: 'null-offset', summary: `NULL + ${hex(v)}`,
      detail: `A small value: as an address it is NULL + ${hex(v)}, i.e. a field at offset ${hex(v)} (${v}) of a structure whose pointer was NULL.${zsp} ` +
        'Nothing is ever mapped below mmap_min_addr (64 KiB), so this always faults. Find the member at that offset (pahole / `ptype /o`).',
    };
  }

  if (wide) {
    // The nearest poison wins: LIST_POISON2 (0x122) is only 0x22 above LIST_POISON1.
    const abs = (x: bigint) => (x < 0n ? -x : x);
    const dist = (off: bigint) => abs(v - (POISON_POINTER_DELTA + off));
    const nearest = POINTER_POISONS.filter(([off]) => dist(off) <= 0x40n).sort((a, b) => (dist(a[0]) < dist(b[0]) ? -1 : 1))[0];
    if (nearest) {
      const [off, name, meaning] = nearest;
      const d = v - (POISON_POINTER_DELTA + off);
      const plus = d === 0n ? '' : d > 0n ? ` + ${hex(d)}` : ` - ${hex(-d)}`;
      return {
        kind: name.startsWith('LIST_POISON') ? 'list-poison' : 'pointer-poison', summary: `${name}${plus} (${hex(POISON_POINTER_DELTA)} + ${hex(off)})`,
        detail: `${name}${plus}: ${meaning}. POISON_POINTER_DELTA (${hex(POISON_POINTER_DELTA)}) makes it non-canonical, so on x86-64 it shows up as a general protection fault rather than a page fault.`,
      };
    }
    if ((v >> 48n) === 0xdeadn) {
      return { kind: 'pointer-poison', summary: `POISON_POINTER_DELTA + ${hex(v - POISON_POINTER_DELTA)}`, detail: 'A value in the poison-pointer range (0xdead000000000000 + small): a poisoned pointer from include/linux/poison.h, used after the object was torn down.' };
    }
    for (const [w, name] of RED_WORDS) if (v === w) return { kind: 'redzone', summary: name, detail: `${name}: a SLAB red-zone word read as data — an out-of-bounds access or a corrupted object.` };
  }

  const poison = bytePoison(v, width);
  if (poison) {
    const [b, name, kind, meaning] = BYTE_POISONS.find((p) => p[0] === poison.byte)!;
    const plus = poison.offset === 0n ? '' : poison.offset > 0n ? ` + ${hex(poison.offset)}` : ` - ${hex(-poison.offset)}`;
    return {
      kind, summary: `${name} pattern 0x${b.toString(16)}${plus}`,
      detail: `Every byte is 0x${b.toString(16)} (${name})${plus ? `, plus an offset of ${plus.slice(3)}` : ''}: ${meaning}.`,
    };
  }

  if (!wide) {
    if (v >= 0xc0000000n) return { kind: 'kernel', summary: 'kernel address (above PAGE_OFFSET 0xc0000000 with the default 3G/1G split)', detail: 'A 32-bit kernel-space address (lowmem, vmalloc, modules or the kernel image).' };
    return { kind: 'user', summary: 'user-space address (below PAGE_OFFSET with the default 3G/1G split)', detail: USER_DETAIL };
  }

  const kasanOff = KASAN_OFFSETS[arch];
  if (kasanOff !== undefined && v >= kasanOff && v < kasanOff + (1n << 45n)) {
    const addr = ((v - kasanOff) << 3n) & U64;
    const range = `[${hex(addr)}-${hex(addr + 7n)}]`;
    const what = addr < NULL_LIMIT ? `a NULL pointer dereference (address range ${range}, NULL + ${hex(addr)})` : addr >= 0xffff000000000000n ? `an access to ${range}` : `a wild access to ${range}`;
    return {
      kind: 'kasan-shadow', summary: `KASAN shadow of ${hex(addr)}`, shadowOf: addr,
      detail: `Looks like a generic KASAN shadow address (shadow = (addr >> 3) + ${hex(kasanOff)}): KASAN checked ${what} and the shadow lookup itself faulted. The real bad pointer is ${hex(addr)}.`,
    };
  }

  if (arch === 'arm64') {
    if (v <= 0x0000ffffffffffffn) return { kind: 'user', summary: 'user-space address (TTBR0, below 0x0001000000000000)', detail: USER_DETAIL };
    const tag = v >> 56n;
    const untagged = v | 0xff00000000000000n;
    if (tag !== 0xffn && (untagged >> 48n) === 0xffffn) {
      return { kind: 'kernel', summary: `tagged kernel pointer (top byte 0x${tag.toString(16)}) → ${hex(untagged)}`, detail: `The top byte holds a tag (MTE / software tag-based KASAN, ignored by TBI). Untagged: ${hex(untagged)} — ${regionArm64(untagged) ?? 'kernel space'}.` };
    }
    const region = regionArm64(v);
    if (region) return { kind: 'kernel', summary: `kernel address: ${region.split(':')[0]}`, detail: `arm64 kernel space (48-bit VA layout of Linux 6.1): ${region}. ${KASLR_NOTE}` };
    return { kind: 'non-canonical', summary: 'address between user and kernel ranges (invalid on arm64)', detail: 'Neither a user (0000...) nor a kernel (ffff...) address: a corrupted pointer. The kernel prints `address between user and kernel address ranges` for it.' };
  }

  // x86-64 (and unknown 64-bit arches, treated like x86-64 for canonicality).
  const hi17 = v >> 47n;
  if (hi17 === 0n) return { kind: 'user', summary: 'user-space address (canonical lower half)', detail: USER_DETAIL };
  if (hi17 !== 0x1ffffn) {
    const la57 = (v >> 56n) === 0n || (v >> 56n) === 0xffn;
    return {
      kind: 'non-canonical', summary: la57 ? 'non-canonical with 4-level paging (canonical only with 5-level paging)' : 'non-canonical address',
      detail: 'Bits 63..47 are not all equal, so the CPU refuses the access with a **general protection fault** (not a page fault, so CR2 is not set). ' +
        'This is a corrupted pointer: typical sources are poison values (0x6b6b..., 0xdead...), KASAN shadow addresses (0xdffffc...), or garbage/uninitialised data.',
    };
  }
  const region = regionX86_64(v);
  return { kind: 'kernel', summary: `kernel address: ${region ? region.split(/[:(]/)[0].trim() : 'kernel half'}`, detail: `x86-64 kernel space: ${region ?? 'an unused part of the kernel half'}. ${KASLR_NOTE}` };
}

const USER_DETAIL = 'A user-space address. In a kernel-mode fault it means the kernel dereferenced a `__user` pointer directly ' +
  '(missing copy_from_user), used a user-controlled value as a pointer, or followed garbage; SMAP (x86) / PAN (arm64) make such accesses fault. ' +
  'In a register of a task that was in user mode it is simply a user pointer.';

/** Markdown for a register (or any) value hover. */
export function valueMarkdown(name: string | undefined, hexText: string, arch: Arch): string | undefined {
  const v = parseHexValue(hexText);
  if (v === undefined) return undefined;
  const c = classifyValue(v, arch);
  const label = name ? `\`${name}\` = ` : '';
  const dec = v < 0x100000n ? ` (${v})` : '';
  // A general register holding a small number is usually just a number; say so before the pointer reading.
  const register = name !== undefined && !/^(address|CR2|FAR|far)$/.test(name);
  const summary = register && c.kind === 'null-offset' ? `a small value: an integer, or as a pointer ${c.summary}` : c.summary;
  const text = register && c.kind === 'non-canonical' ? asciiText(v) : undefined;
  if (text !== undefined) {
    return `**${label}\`${hex(v)}\`** — ASCII text \`${text}\` (bytes in memory order), not a pointer\n\nEvery byte is printable ASCII: the register holds string data (a name, a message being formatted), so the non-canonical value says nothing by itself. As an address it would be ${c.summary}.`;
  }
  return `**${label}\`${hex(v)}\`${dec}** — ${summary}\n\n${c.detail}`;
}

/** The 8 bytes of a little-endian word as text when all are printable ASCII and not one repeated byte (poison). */
function asciiText(v: bigint): string | undefined {
  const bytes = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
  if (bytes.some((b) => b < 0x20 || b > 0x7e) || bytes.every((b) => b === bytes[0])) return undefined;
  // A code span cannot hold a backtick; show it as a quote.
  return String.fromCharCode(...bytes).replace(/`/g, "'");
}
