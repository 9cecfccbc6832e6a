// Recognises stack frames in one message line, for every architecture's printing style.
// Columns returned are relative to the message text (LogLine.text); the parser shifts them.
import type { Frame, FrameSource } from './types';

/** A frame found in a message line: the model's Frame with columns relative to the text. */
export type FrameMatch = Omit<Frame, 'span' | 'nameSpan' | 'exact'> & { start: number; end: number; nameStart: number; nameEnd: number };

// A kernel symbol as printed by %pS/%pB: names may carry `.isra.0`, `.cold`, `.constprop.0`, `$x`...
const SYM = String.raw`[A-Za-z_.$][\w.$]*`;
const OFFSIZE = String.raw`\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)`;
const MODULE = String.raw`(?: \[([\w-]+)(?: ([0-9a-f]{20,64}))?\])?`;
const TAG = String.raw`(?: \(([PC])\))?`;
// syzbot-symbolized suffix: ` fs/file.c:123` and optional ` [inline]`
const SRC = String.raw`(?: ((?:[\w.+-]+\/)*[\w.+-]+\.[chS]):(\d+)(?::\d+)?)?( \[inline\])?`;

// ` ? func+0x1/0x2 [mod] (P) path.c:12`, optionally after `[<ffffffff8100>] `
const TRACE = new RegExp(
  String.raw`^(\s*)(?:\[<([0-9a-f]+)>\] )?(\? )?(${SYM})${OFFSIZE}${MODULE}${TAG}${SRC}\s*$`,
);
// syzbot `[inline]` line without an offset: ` __dump_stack lib/dump_stack.c:77 [inline]`
const INLINE_ONLY = new RegExp(String.raw`^(\s*)(${SYM}) ((?:[\w.+-]+\/)*[\w.+-]+\.[chS]):(\d+)(?::\d+)?( \[inline\])?\s*$`);
// arm32: `[<c0108fac>] (dump_backtrace) from [<c01092a4>] (show_stack+0x20/0x24)`
const ARM32 = new RegExp(String.raw`^\s*\[<([0-9a-f]+)>\] \((${SYM})(?:${OFFSIZE})?${MODULE}\) from \[<[0-9a-f]+>\]`);
// arm32 since 5.16 without addresses: ` unwind_backtrace from show_stack+0x10/0x14`
const ARM32_PLAIN = new RegExp(String.raw`^(\s*)(${SYM})(?:${OFFSIZE})?${MODULE} from ${SYM}\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+`);
// powerpc: `[c0000000fe7ff9e0] [c0000000001c4b6c] func+0x1c/0x40 (unreliable)`
const PPC = new RegExp(String.raw`^\s*\[([0-9a-f]{8,16})\] \[([0-9a-f]{8,16})\] \.?(${SYM})${OFFSIZE}${MODULE}( \(unreliable\))?\s*$`);
// x86 RIP / IP / EIP lines, old and new: `RIP: 0010:func+0x1/0x2 [mod]`, `RIP: 0010:[<ffff>]  [<ffff>] func+0x1/0x2`,
// `IP: [<ffffffff81058e5d>] task_rq_lock+0x4d/0xa8`, `EIP is at func+0x1/0x2`
const RIP = new RegExp(
  String.raw`^\s*(?:RIP|IP|EIP|NIP|PC is at|EIP is at|RIP is at|IP is at)(?::)?\s*(?:[0-9a-f]{4}:)?(?:\[<([0-9a-f]+)>\]\s*)*(?:\[<[0-9a-f]+>\]\s*)?(${SYM})${OFFSIZE}${MODULE}`,
);
// arm64/riscv: `pc : func+0x1/0x2 [mod]`, `lr : ...`, `epc : ...`, ` ra : ...`, old arm `LR is at func+...`
const PCLR = new RegExp(String.raw`^\s*(pc|lr|epc|ra|LR is at)\s*:?\s*(${SYM})${OFFSIZE}${MODULE}`);
// Any %pS mention inside a message.
const MENTION = new RegExp(String.raw`(${SYM})${OFFSIZE}${MODULE}`, 'g');

const hex = (s: string | undefined) => (s === undefined ? undefined : parseInt(s, 16));

/** What every printed `func+0xOFF/0xSIZE [mod]` match holds; callers add their extras. */
function symbolMatch(fn: string, off: string | undefined, size: string | undefined, mod: string | undefined,
  cols: { start: number; end: number; nameStart: number }, source: FrameSource): FrameMatch {
  return { ...cols, nameEnd: cols.nameStart + fn.length, function: fn, offset: hex(off), size: hex(size), module: mod, unreliable: false, source };
}

/** A frame line of a call trace (trace/inline/arm32/ppc), or undefined. */
export function matchTraceFrame(text: string): FrameMatch | undefined {
  // Cheap prefilter: every frame form carries `+0x`, `[<`, `[inline]` or a `.c:` reference.
  if (!text.includes('+0x') && !text.includes('[<') && !text.includes(':')) return undefined;
  let m = TRACE.exec(text);
  if (m) {
    const [, indent, addr, q, fn, off, size, mod, bid, tag, file, fline, inl] = m;
    let start = indent.length;
    const nameStart = start + (addr ? addr.length + 5 : 0) + (q ? 2 : 0);
    if (q && !addr) start = indent.length;
    return {
      start,
      end: m[0].trimEnd().length,
      nameStart,
      nameEnd: nameStart + fn.length,
      function: fn,
      offset: hex(off),
      size: hex(size),
      module: mod,
      buildId: bid,
      unreliable: !!q,
      source: 'trace',
      address: addr,
      tag,
      file,
      fileLine: fline ? Number(fline) : undefined,
      inline: inl ? true : undefined,
    };
  }
  m = INLINE_ONLY.exec(text);
  if (m) {
    const [, indent, fn, file, fline, inl] = m;
    if (!inl && !/^[a-z_]/.test(fn)) return undefined;
    return {
      start: indent.length,
      end: m[0].trimEnd().length,
      nameStart: indent.length,
      nameEnd: indent.length + fn.length,
      function: fn,
      unreliable: false,
      source: 'trace',
      file,
      fileLine: Number(fline),
      inline: inl ? true : undefined,
    };
  }
  m = ARM32.exec(text);
  if (m) {
    const [, addr, fn, off, size, mod] = m;
    const cols = { start: text.indexOf('['), end: m[0].length, nameStart: m[0].indexOf('(' + fn) + 1 };
    return { ...symbolMatch(fn, off, size, mod, cols, 'trace'), address: addr };
  }
  m = text.includes(' from ') ? ARM32_PLAIN.exec(text) : null;
  if (m) {
    const [, indent, fn, off, size, mod] = m;
    return symbolMatch(fn, off, size, mod, { start: indent.length, end: m[0].length, nameStart: indent.length }, 'trace');
  }
  m = PPC.exec(text);
  if (m) {
    const [, , addr, fn, off, size, mod, , unrel] = m;
    const cols = { start: text.indexOf('['), end: m[0].trimEnd().length, nameStart: text.indexOf(fn, text.indexOf(addr) + addr.length) };
    return { ...symbolMatch(fn, off, size, mod, cols, 'trace'), unreliable: !!unrel, address: addr };
  }
  return undefined;
}

/** `RIP:`/`pc :`/`lr :` style lines naming the current PC or link register. */
export function matchPcFrame(text: string): FrameMatch | undefined {
  if (!text.includes('+0x')) return undefined;
  let m = RIP.exec(text);
  if (m) {
    const [, addr, fn, off, size, mod] = m;
    const cols = { start: text.search(/\S/), end: m[0].length, nameStart: text.indexOf(fn + '+0x') };
    return { ...symbolMatch(fn, off, size, mod, cols, 'rip'), address: addr };
  }
  m = PCLR.exec(text);
  if (m) {
    const [, reg, fn, off, size, mod] = m;
    const isLr = reg === 'lr' || reg === 'ra' || reg === 'LR is at';
    const cols = { start: text.search(/\S/), end: m[0].length, nameStart: text.indexOf(fn + '+0x') };
    return symbolMatch(fn, off, size, mod, cols, isLr ? 'lr' : 'pc');
  }
  return undefined;
}

/** Every `func+0xOFF/0xSIZE` mentioned inside a message line (`%pS`). */
export function matchMentions(text: string): FrameMatch[] {
  if (!text.includes('+0x')) return [];
  const out: FrameMatch[] = [];
  MENTION.lastIndex = 0;
  for (let m = MENTION.exec(text); m; m = MENTION.exec(text)) {
    const [all, fn, off, size, mod, bid] = m;
    out.push({ ...symbolMatch(fn, off, size, mod, { start: m.index, end: m.index + all.length, nameStart: m.index }, 'mention'), buildId: bid });
  }
  return out;
}
