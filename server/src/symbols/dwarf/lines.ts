import { DW_FORM as DW_FORM_, DW_LNCT as DW_LNCT_, DW_LNE as DW_LNE_, DW_LNS as DW_LNS_ } from './constants';
import { DwarfError } from './errors';
import { readForm as readForm_, type FormContext } from './forms';
import type { Cursor } from './reader';
import type { Section } from './section';
// Local aliases: imported bindings compile to getter calls under CommonJS; hot loops read plain locals.
const readForm = readForm_;
const DW_FORM = DW_FORM_;
const DW_LNCT = DW_LNCT_;
const DW_LNE = DW_LNE_;
const DW_LNS = DW_LNS_;

/** Resolves string forms that point into other sections. */
export interface StringForms {
  /** Resolves DW_FORM_strp / line_strp / strx* values; undefined when the form is not a string form. */
  resolve(form: number, value: number | bigint | string | undefined): string | undefined;
}

interface FileEntry { name: string; dir: number }

/** One address-contiguous run of rows; addresses are held as offsets from `base` for speed. */
interface Sequence {
  base: bigint;
  /** Lowest address a lookup may hit (raised when an earlier sequence overlaps). */
  low: bigint;
  end: bigint;
  /** Row address minus base; the last row is the end_sequence row. */
  deltas: Float64Array;
  files: Uint32Array;
  lines: Uint32Array;
  columns: Uint32Array;
}

export interface LineRow { file: string; line: number; column: number }

const MAX_ENTRIES = 1 << 20;

/**
 * A CU's line-number program, decoded once into sorted sequences. Lookups follow GNU
 * addr2line: the row with the greatest address <= the address wins; among rows at the same
 * address the last one; sequences that nest inside an earlier one are dropped.
 */
export class LineTable {
  private readonly fileNames = new Map<number, string>();

  private constructor(
    readonly version: number,
    private readonly compDir: string | undefined,
    private readonly dirs: (string | undefined)[],
    private readonly files: FileEntry[],
    private readonly sequences: Sequence[],
    readonly rowCount: number,
    /** Size of the program in .debug_line, header included. */
    readonly byteLength: number,
  ) {}

  /** Decodes the program at `offset` of .debug_line. */
  static parse(section: Section, offset: number, compDir: string | undefined, strings: StringForms, addressSize: number): LineTable {
    const head = section.cursor(offset, Math.min(12, section.size - offset));
    const { length, offsetSize } = head.initialLength();
    const c = section.cursor(offset, head.offset - offset + length);
    c.offset = head.offset;
    const version = c.u16();
    if (version < 2 || version > 5) throw new DwarfError(`.debug_line: unsupported version ${version} at 0x${offset.toString(16)}`);
    let addrSize = addressSize;
    if (version >= 5) {
      addrSize = c.u8();
      c.u8(); // segment selector size
      if (addrSize !== 4 && addrSize !== 8 && addrSize !== 2 && addrSize !== 1) throw new DwarfError(`.debug_line: bad address size ${addrSize}`);
    }
    const headerLength = c.offsetOf(offsetSize);
    const programStart = c.offset + headerLength;
    if (programStart > c.base + c.end) throw new DwarfError(`.debug_line: header at 0x${offset.toString(16)} longer than its unit`);
    const minInst = c.u8();
    const maxOps = version >= 4 ? c.u8() || 1 : 1;
    const defaultIsStmt = c.u8() !== 0;
    void defaultIsStmt;
    const lineBase = c.i8();
    const lineRange = c.u8();
    const opcodeBase = c.u8();
    if (lineRange === 0) throw new DwarfError(`.debug_line: line_range 0 at 0x${offset.toString(16)}`);
    const stdLengths: number[] = [0];
    for (let i = 1; i < opcodeBase; i++) stdLengths.push(c.u8());
    const dirs: (string | undefined)[] = [];
    const files: FileEntry[] = [];
    const formCtx: FormContext = { version, offsetSize, addressSize: addrSize, unitOffset: 0 };
    if (version >= 5) {
      readEntries(c, formCtx, strings, (e) => dirs.push(e.name));
      readEntries(c, formCtx, strings, (e) => files.push({ name: e.name ?? '', dir: e.dir }));
    } else {
      for (;;) {
        const d = c.cstring();
        if (d === '') break;
        dirs.push(d);
        if (dirs.length > MAX_ENTRIES) throw new DwarfError('.debug_line: too many directories');
      }
      for (;;) {
        const name = c.cstring();
        if (name === '') break;
        const dir = c.uleb();
        c.uleb(); c.uleb();
        files.push({ name, dir });
        if (files.length > MAX_ENTRIES) throw new DwarfError('.debug_line: too many files');
      }
    }
    c.offset = programStart;
    const { sequences, rows } = runProgram(c, { version, minInst, maxOps, lineBase, lineRange, opcodeBase, stdLengths, addrSize }, files);
    return new LineTable(version, compDir, dirs, files, sortSequences(sequences), rows, head.offset - offset + length);
  }

  /** The row covering `address`, or undefined. */
  lookup(address: bigint): LineRow | undefined {
    const seqs = this.sequences;
    let lo = 0;
    let hi = seqs.length;
    let seq: Sequence | undefined;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = seqs[mid];
      if (address < s.low) hi = mid;
      else if (address >= s.end) lo = mid + 1;
      else { seq = s; break; }
    }
    if (!seq) return undefined;
    const d = Number(address - seq.base);
    const deltas = seq.deltas;
    // Greatest row index with delta <= d (rows are in address order).
    let l = 0;
    let h = deltas.length - 1; // exclude the end_sequence row
    while (l < h) {
      const m = (l + h) >> 1;
      if (deltas[m + 1] <= d) l = m + 1;
      else h = m;
    }
    if (!(deltas[l] <= d && d < deltas[l + 1])) return undefined;
    return { file: this.fileName(seq.files[l]), line: seq.lines[l], column: seq.columns[l] };
  }

  /**
   * A file index of this table as GNU addr2line prints it: absolute names as is, else joined
   * with the include directory and DW_AT_comp_dir (a relative comp_dir stays relative).
   */
  fileName(index: number): string {
    let name = this.fileNames.get(index);
    if (name === undefined) {
      name = this.joinFileName(index);
      this.fileNames.set(index, name);
    }
    return name;
  }

  private joinFileName(index: number): string {
    const zeroBased = this.version >= 5;
    let i = index;
    if (!zeroBased) {
      if (i === 0) return '<unknown>';
      i--;
    }
    const f = this.files[i];
    if (!f || !f.name) return '<unknown>';
    if (f.name.startsWith('/')) return f.name;
    const d = zeroBased ? f.dir : f.dir - 1;
    let subdir = d >= 0 ? this.dirs[d] : undefined;
    let dir: string | undefined;
    if (!subdir || !subdir.startsWith('/')) dir = this.compDir;
    if (!dir) { dir = subdir; subdir = undefined; }
    if (!dir) return f.name;
    return subdir ? `${dir}/${subdir}/${f.name}` : `${dir}/${f.name}`;
  }
}

interface Params {
  version: number; minInst: number; maxOps: number; lineBase: number; lineRange: number;
  opcodeBase: number; stdLengths: number[]; addrSize: number;
}

interface Building { base: bigint; deltas: number[]; files: number[]; lines: number[]; columns: number[] }

function runProgram(c: Cursor, p: Params, files: FileEntry[]): { sequences: Sequence[]; rows: number } {
  const sequences: Sequence[] = [];
  let rows = 0;
  const bits = p.addrSize * 8;
  // State machine registers; the address is base + delta (a JS number) between set_address ops.
  let base = 0n;
  let delta = 0;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let cur: Building | undefined;

  const reset = (): void => { base = 0n; delta = 0; opIndex = 0; file = 1; line = 1; column = 0; };
  const advance = (operationAdvance: number): void => {
    if (p.maxOps === 1) delta += p.minInst * operationAdvance;
    else {
      const t = opIndex + operationAdvance;
      delta += p.minInst * Math.floor(t / p.maxOps);
      opIndex = t % p.maxOps;
    }
  };
  const emit = (endSequence: boolean): void => {
    if (!cur) cur = { base, deltas: [], files: [], lines: [], columns: [] };
    // Rows of one sequence share the base of its first row.
    const addr = cur.base === base ? delta : Number(BigInt.asUintN(bits, base + BigInt(delta)) - cur.base);
    const n = cur.deltas.length;
    if (n > 0 && !endSequence && cur.deltas[n - 1] === addr) {
      // GNU keeps only the last row at one address.
      cur.files[n - 1] = file; cur.lines[n - 1] = line; cur.columns[n - 1] = column;
    } else {
      cur.deltas.push(addr); cur.files.push(file); cur.lines.push(line >>> 0); cur.columns.push(column);
    }
    rows++;
    if (rows > 50_000_000) throw new DwarfError('.debug_line: too many rows');
    if (endSequence) {
      if (cur.deltas.length >= 2) sequences.push(finish(cur));
      cur = undefined;
      reset();
    }
  };

  while (!c.atEnd()) {
    const op = c.u8();
    if (op >= p.opcodeBase) {
      const adj = op - p.opcodeBase;
      advance(Math.floor(adj / p.lineRange));
      line += p.lineBase + (adj % p.lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const len = c.uleb();
        const next = c.offset + len;
        if (len === 0) break;
        const sub = c.u8();
        if (sub === DW_LNE.end_sequence) emit(true);
        else if (sub === DW_LNE.set_address) {
          const size = len - 1;
          const a = size === 8 || size === 4 || size === 2 || size === 1 ? c.address(size) : c.address(p.addrSize);
          if (cur) {
            // A new address inside an open sequence: keep rows relative to the sequence's base.
            base = cur.base;
            const d = a - cur.base;
            if (d >= 0n && d <= BigInt(Number.MAX_SAFE_INTEGER)) delta = Number(d);
            else { base = a; delta = 0; }
          } else { base = a; delta = 0; }
          opIndex = 0;
        } else if (sub === DW_LNE.define_file) {
          const name = c.cstring();
          const dir = c.uleb();
          files.push({ name, dir });
        }
        c.offset = next;
        break;
      }
      case DW_LNS.copy: emit(false); break;
      case DW_LNS.advance_pc: advance(c.uleb()); break;
      case DW_LNS.advance_line: line += c.sleb(); break;
      case DW_LNS.set_file: file = c.uleb(); break;
      case DW_LNS.set_column: column = c.uleb(); break;
      case DW_LNS.negate_stmt: case DW_LNS.set_basic_block: case DW_LNS.set_prologue_end: case DW_LNS.set_epilogue_begin: break;
      case DW_LNS.const_add_pc: advance(Math.floor((255 - p.opcodeBase) / p.lineRange)); break;
      case DW_LNS.fixed_advance_pc: delta += c.u16(); opIndex = 0; break;
      case DW_LNS.set_isa: c.uleb(); break;
      default:
        for (let i = 0; i < p.stdLengths[op]; i++) c.uleb();
    }
  }
  return { sequences, rows };
}

function finish(b: Building): Sequence {
  const n = b.deltas.length;
  const end = b.base + BigInt(b.deltas[n - 1]);
  return {
    base: b.base,
    low: b.base + BigInt(b.deltas[0]),
    end,
    deltas: Float64Array.from(b.deltas),
    files: Uint32Array.from(b.files),
    lines: Uint32Array.from(b.lines),
    columns: Uint32Array.from(b.columns),
  };
}

/** Sorts by start (longest first on ties), drops nested sequences and trims overlapping ones. */
function sortSequences(seqs: Sequence[]): Sequence[] {
  seqs.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
  const out: Sequence[] = [];
  for (const s of seqs) {
    const last = out[out.length - 1];
    if (last && s.low < last.end) {
      if (s.end <= last.end) continue;
      s.low = last.end;
    }
    if (s.low < s.end) out.push(s);
  }
  return out;
}

/** DWARF 5 directory/file entry tables with their entry formats. */
function readEntries(c: Cursor, ctx: FormContext, strings: StringForms, add: (e: { name: string | undefined; dir: number }) => void): void {
  const formatCount = c.u8();
  const formats: { type: number; form: number }[] = [];
  for (let i = 0; i < formatCount; i++) formats.push({ type: c.uleb(), form: c.uleb() });
  const count = c.uleb();
  if (count > MAX_ENTRIES || (formatCount > 0 && count > c.remaining)) throw new DwarfError(`.debug_line: implausible entry count ${count}`);
  if (formatCount === 0 && count > 0) throw new DwarfError('.debug_line: entries without a format');
  for (let i = 0; i < count; i++) {
    let name: string | undefined;
    let dir = 0;
    for (const f of formats) {
      if (f.form === DW_FORM.data16) { c.skip(16); continue; }
      const v = readForm(c, f.form, 0, ctx);
      if (f.type === DW_LNCT.path) name = strings.resolve(f.form, v);
      else if (f.type === DW_LNCT.directory_index && typeof v === 'number') dir = v;
    }
    add({ name, dir });
  }
}
