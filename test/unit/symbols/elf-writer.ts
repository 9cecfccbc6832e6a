// A tiny ELF writer for tests: ELF32/ELF64, little or big endian, with .text sections, a symbol
// table and a .note.gnu.build-id. Real toolchains here only make little-endian x86 files.
export interface WSymbol { name: string; value: number; size: number; type: number; bind: number; section: string }
export interface WSection { name: string; size: number; addr: number; flags: number }

export function writeElf(opts: { is64: boolean; le: boolean; machine: number; type: number; sections: WSection[]; symbols: WSymbol[]; buildId?: Uint8Array }): Uint8Array {
  const { is64, le } = opts;
  const chunks: { name: string; type: number; flags: number; addr: number; data: Uint8Array; link: number; info: number; entsize: number; align: number }[] = [];
  const strtab = new StringTable();
  const shstr = new StringTable();
  for (const s of opts.sections) chunks.push({ name: s.name, type: 1, flags: s.flags, addr: s.addr, data: new Uint8Array(s.size).fill(0x90), link: 0, info: 0, entsize: 0, align: 16 });
  if (opts.buildId) {
    const note = new DataView(new ArrayBuffer(16 + opts.buildId.length));
    note.setUint32(0, 4, le); note.setUint32(4, opts.buildId.length, le); note.setUint32(8, 3, le);
    new Uint8Array(note.buffer).set([0x47, 0x4e, 0x55, 0], 12);
    new Uint8Array(note.buffer).set(opts.buildId, 16);
    chunks.push({ name: '.note.gnu.build-id', type: 7, flags: 2, addr: 0, data: new Uint8Array(note.buffer), link: 0, info: 0, entsize: 0, align: 4 });
  }
  const ent = is64 ? 24 : 16;
  const symData = new DataView(new ArrayBuffer(ent * (opts.symbols.length + 1)));
  opts.symbols.forEach((s, i) => {
    const o = (i + 1) * ent;
    const shndx = opts.sections.findIndex((x) => x.name === s.section) + 1;
    const info = (s.bind << 4) | s.type;
    symData.setUint32(o, strtab.add(s.name), le);
    if (is64) {
      symData.setUint8(o + 4, info); symData.setUint16(o + 6, shndx, le);
      symData.setBigUint64(o + 8, BigInt(s.value), le); symData.setBigUint64(o + 16, BigInt(s.size), le);
    } else {
      symData.setUint32(o + 4, s.value, le); symData.setUint32(o + 8, s.size, le);
      symData.setUint8(o + 12, info); symData.setUint16(o + 14, shndx, le);
    }
  });
  const symIndex = chunks.length + 1;
  chunks.push({ name: '.symtab', type: 2, flags: 0, addr: 0, data: new Uint8Array(symData.buffer), link: symIndex + 1, info: 1, entsize: ent, align: 8 });
  chunks.push({ name: '.strtab', type: 3, flags: 0, addr: 0, data: strtab.bytes(), link: 0, info: 0, entsize: 0, align: 1 });
  const names = chunks.map((c) => shstr.add(c.name));
  const shstrName = shstr.add('.shstrtab');
  chunks.push({ name: '.shstrtab', type: 3, flags: 0, addr: 0, data: shstr.bytes(), link: 0, info: 0, entsize: 0, align: 1 });
  names.push(shstrName);

  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  let off = ehsize;
  const offsets = chunks.map((c) => {
    off = (off + 15) & ~15;
    const at = off;
    off += c.data.length;
    return at;
  });
  const shoff = (off + 15) & ~15;
  const total = shoff + shentsize * (chunks.length + 1);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1]);
  v.setUint16(16, opts.type, le);
  v.setUint16(18, opts.machine, le);
  v.setUint32(20, 1, le);
  if (is64) {
    v.setBigUint64(40, BigInt(shoff), le); v.setUint16(52, ehsize, le); v.setUint16(58, shentsize, le);
    v.setUint16(60, chunks.length + 1, le); v.setUint16(62, chunks.length, le);
  } else {
    v.setUint32(32, shoff, le); v.setUint16(40, ehsize, le); v.setUint16(46, shentsize, le);
    v.setUint16(48, chunks.length + 1, le); v.setUint16(50, chunks.length, le);
  }
  chunks.forEach((c, i) => {
    out.set(c.data, offsets[i]);
    const o = shoff + (i + 1) * shentsize;
    v.setUint32(o, names[i], le); v.setUint32(o + 4, c.type, le);
    if (is64) {
      v.setBigUint64(o + 8, BigInt(c.flags), le); v.setBigUint64(o + 16, BigInt(c.addr), le); v.setBigUint64(o + 24, BigInt(offsets[i]), le);
      v.setBigUint64(o + 32, BigInt(c.data.length), le); v.setUint32(o + 40, c.link, le); v.setUint32(o + 44, c.info, le);
      v.setBigUint64(o + 48, BigInt(c.align), le); v.setBigUint64(o + 56, BigInt(c.entsize), le);
    } else {
      v.setUint32(o + 8, c.flags, le); v.setUint32(o + 12, c.addr, le); v.setUint32(o + 16, offsets[i], le); v.setUint32(o + 20, c.data.length, le);
      v.setUint32(o + 24, c.link, le); v.setUint32(o + 28, c.info, le); v.setUint32(o + 32, c.align, le); v.setUint32(o + 36, c.entsize, le);
    }
  });
  return out;
}

class StringTable {
  private readonly parts: number[] = [0];
  private readonly seen = new Map<string, number>();
  add(s: string): number {
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    const at = this.parts.length;
    for (const c of Buffer.from(s)) this.parts.push(c);
    this.parts.push(0);
    this.seen.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
