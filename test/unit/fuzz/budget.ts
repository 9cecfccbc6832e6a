// Per-input time and memory accounting for fuzzing: an input that takes far longer than its size
// explains (a near-hang: a quadratic loop, a runaway count) fails the run, as does heap growth.
// The budget is on CPU time (user + system of this process), so a loaded machine does not make
// inputs look slow; wall time is reported too (real hangs are caught by the campaign's watchdog).

export class Budget {
  count = 0;
  totalMs = 0;
  /** Largest CPU time of one input. */
  maxMs = 0;
  maxWallMs = 0;
  maxBytes = 0;
  maxHeap = 0;
  readonly outliers: { ms: number; bytes: number; limit: number; detail?: string }[] = [];

  /**
   * @param baseMs   allowance of any input (generous: the machine is shared, GC pauses happen)
   * @param msPerMB  extra allowance per megabyte of input
   */
  constructor(readonly name: string, readonly baseMs = 3000, readonly msPerMB = 200, readonly maxHeapBytes = 1536 * 1024 * 1024) {}

  limitFor(bytes: number): number {
    return this.baseMs + (bytes / (1024 * 1024)) * this.msPerMB;
  }

  async time<T>(bytes: number, fn: () => Promise<T> | T, detail?: () => string): Promise<T> {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await fn();
    } finally {
      this.record(c0, performance.now() - t0, bytes, detail);
    }
  }

  timeSync<T>(bytes: number, fn: () => T, detail?: () => string): T {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return fn();
    } finally {
      this.record(c0, performance.now() - t0, bytes, detail);
    }
  }

  private record(c0: NodeJS.CpuUsage, wallMs: number, bytes: number, detail?: () => string): void {
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000;
    this.maxWallMs = Math.max(this.maxWallMs, wallMs);
    this.count++;
    this.totalMs += ms;
    if (ms > this.maxMs) { this.maxMs = ms; this.maxBytes = bytes; }
    const limit = this.limitFor(bytes);
    if (ms > limit) this.outliers.push({ ms, bytes, limit, detail: detail?.() });
    if ((this.count & 63) === 0) this.maxHeap = Math.max(this.maxHeap, process.memoryUsage().heapUsed);
  }

  assertNoOutliers(): void {
    this.maxHeap = Math.max(this.maxHeap, process.memoryUsage().heapUsed);
    if (this.outliers.length) {
      const o = this.outliers[0];
      throw new Error(`${this.name}: ${this.outliers.length} inputs over their time budget; first ${o.ms.toFixed(0)} ms CPU for ${o.bytes} bytes (limit ${o.limit.toFixed(0)} ms)${o.detail ? `: ${o.detail}` : ''}`);
    }
    if (this.maxHeap > this.maxHeapBytes) throw new Error(`${this.name}: heap reached ${(this.maxHeap / 2 ** 20).toFixed(0)} MB`);
  }

  summary(): string {
    const mean = this.count ? this.totalMs / this.count : 0;
    return `  fuzz ${this.name}: ${this.count} inputs, CPU mean ${mean.toFixed(2)} ms, max ${this.maxMs.toFixed(1)} ms (${this.maxBytes} bytes; slowest wall ${this.maxWallMs.toFixed(0)} ms), outliers ${this.outliers.length}, peak heap ${(this.maxHeap / 2 ** 20).toFixed(0)} MB`;
  }
}
