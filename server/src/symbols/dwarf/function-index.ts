import type { FunctionDie } from './unit-dies';

/**
 * A unit's function DIEs indexed for address lookups. DIEs are in preorder, so the subtree of a
 * top-level function is a contiguous index range; lookups find the top-level functions whose
 * ranges contain the address and search only their subtrees.
 */
export class FunctionIndex {
  /** Ranges of top-level functions (their own, or their subtree's hull when they have none), by start. */
  private readonly lows: bigint[] = [];
  private readonly highs: bigint[] = [];
  private readonly maxHigh: bigint[] = [];
  private readonly owners: number[] = [];
  /** subtreeEnd[i]: one past the last descendant of function i. */
  private readonly subtreeEnd: Int32Array;

  constructor(readonly functions: FunctionDie[]) {
    const n = functions.length;
    const end = new Int32Array(n);
    const hullLo: (bigint | undefined)[] = new Array(n);
    const hullHi: (bigint | undefined)[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) {
      if (end[i] < i + 1) end[i] = i + 1;
      const r = functions[i].ranges;
      for (let j = 0; j < r.length; j += 2) {
        if (hullLo[i] === undefined || r[j] < hullLo[i]!) hullLo[i] = r[j];
        if (hullHi[i] === undefined || r[j + 1] > hullHi[i]!) hullHi[i] = r[j + 1];
      }
      const p = functions[i].parent;
      if (p >= 0 && p < i) {
        if (end[p] < end[i]) end[p] = end[i];
        if (hullLo[i] !== undefined && (hullLo[p] === undefined || hullLo[i]! < hullLo[p]!)) hullLo[p] = hullLo[i];
        if (hullHi[i] !== undefined && (hullHi[p] === undefined || hullHi[i]! > hullHi[p]!)) hullHi[p] = hullHi[i];
      }
    }
    this.subtreeEnd = end;
    const entries: { lo: bigint; hi: bigint; owner: number }[] = [];
    for (let i = 0; i < n; i++) {
      const f = functions[i];
      if (f.parent >= 0 && f.parent < i) continue;
      if (f.ranges.length > 0) for (let j = 0; j < f.ranges.length; j += 2) entries.push({ lo: f.ranges[j], hi: f.ranges[j + 1], owner: i });
      else if (hullLo[i] !== undefined) entries.push({ lo: hullLo[i]!, hi: hullHi[i]!, owner: i });
    }
    entries.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    let m = 0n;
    for (const e of entries) {
      this.lows.push(e.lo);
      this.highs.push(e.hi);
      this.owners.push(e.owner);
      if (e.hi > m) m = e.hi;
      this.maxHigh.push(m);
    }
  }

  /**
   * GNU addr2line's choice: among functions whose single range containing `address` is the
   * shortest; on ties the later DIE (the deeper one). If a function nested in that one also
   * contains the address (possible only when a caller's range is split into pieces shorter than
   * the inlined call, which compilers do not emit), the innermost such one, as llvm-symbolizer
   * answers. -1 when none.
   */
  bestFit(address: bigint): number {
    const lows = this.lows;
    let lo = 0;
    let hi = lows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lows[mid] <= address) lo = mid + 1;
      else hi = mid;
    }
    const fns = this.functions;
    let best = -1;
    let bestLen = 0n;
    const searched = new Set<number>();
    for (let k = lo - 1; k >= 0 && this.maxHigh[k] > address; k--) {
      if (this.highs[k] <= address) continue;
      const root = this.owners[k];
      if (searched.has(root)) continue;
      searched.add(root);
      for (let i = root, e = this.subtreeEnd[root]; i < e; i++) {
        const r = fns[i].ranges;
        for (let j = 0; j < r.length; j += 2) {
          if (address < r[j] || address >= r[j + 1]) continue;
          const len = r[j + 1] - r[j];
          if (best < 0 || len < bestLen || (len === bestLen && i > best)) { best = i; bestLen = len; }
        }
      }
    }
    if (best < 0) return best;
    // Preorder: the last containing function of the subtree is the innermost one.
    for (let i = this.subtreeEnd[best] - 1; i > best; i--) {
      const r = fns[i].ranges;
      for (let j = 0; j < r.length; j += 2) if (address >= r[j] && address < r[j + 1]) return i;
    }
    return best;
  }
}
