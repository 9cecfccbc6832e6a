// zstd frames to bytes, synchronously. Node's native decoder when the runtime has it
// (zlib.zstdDecompressSync, Node >= 22.15, as in current VS Code): it rejects corrupt input.
// Otherwise fzstd, which can loop forever on some corrupt data (found by the fuzz campaign), so it
// runs in a worker thread (zstd-worker.ts) under a deadline: the caller blocks on a shared flag
// (Atomics.wait) and takes the reply with receiveMessageOnPort; a worker past its deadline is
// terminated (the next call starts a new one) and the call throws.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as zlib from 'node:zlib';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DONE, POSTED, STARTED, type ZstdReply, type ZstdRequest, type ZstdWorkerData } from './zstd-protocol';

type NativeZstd = (data: Uint8Array, options?: { maxOutputLength?: number }) => Buffer;
const native = (zlib as unknown as { zstdDecompressSync?: NativeZstd }).zstdDecompressSync;

/** Output limit when the container does not state the size (debug modules are tens of MB). */
export const ZSTD_UNKNOWN_SIZE_CAP = 2 ** 30;
/**
 * fzstd decodes 60-100+ MB/s (test/bench/zstd.mjs); the deadline allows 10 MB/s, plus a base for a busy
 * machine: cutting off valid data is worse than waiting longer on hostile data.
 */
const BASE_DEADLINE_MS = 5000;
const MS_PER_10MB = 1000;
/** Ratio assumed when the size is unknown: twice the usual 3-10x of debug data, erring long. */
const ASSUMED_RATIO = 20;
/** Starting the worker is not decoding: a slow start has its own, separate allowance. */
const START_ALLOWANCE_MS = 15_000;

const options: { forceWorker: boolean; deadlineMs?: number } = { forceWorker: false };

/**
 * Test hooks: `forceWorker` uses the worker even where the runtime has native zstd (so that tests
 * mean the same on every runtime); `deadlineMs` replaces the computed deadline (undefined: computed,
 * or OOPS_LENS_ZSTD_DEADLINE_MS when set).
 */
export function setZstdOptions(o: { forceWorker?: boolean; deadlineMs?: number }): void {
  if (o.forceWorker !== undefined) options.forceWorker = o.forceWorker;
  if ('deadlineMs' in o) options.deadlineMs = o.deadlineMs;
}

/** Decompress `data`; `size` (when the container states it) bounds the output, else ZSTD_UNKNOWN_SIZE_CAP. */
export function zstdDecompress(data: Uint8Array, size?: number): Uint8Array {
  if (native && !options.forceWorker) return nativeDecompress(data, size);
  return workerDecompress(data, size);
}

function nativeDecompress(data: Uint8Array, size: number | undefined): Uint8Array {
  let out: Buffer;
  try {
    out = native!(data, { maxOutputLength: Math.max(size ?? ZSTD_UNKNOWN_SIZE_CAP, 1) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw e;
    throw new Error(size !== undefined ? `zstd: output exceeds the ${size} bytes the container states` : `zstd: output exceeds the ${ZSTD_UNKNOWN_SIZE_CAP}-byte limit`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** How long fzstd may take for `inputLength` compressed bytes expected to make `size`. */
export function zstdDeadlineMs(inputLength: number, size: number | undefined): number {
  if (options.deadlineMs !== undefined) return options.deadlineMs;
  const env = Number(process.env.OOPS_LENS_ZSTD_DEADLINE_MS);
  if (env > 0) return env;
  const expected = size ?? Math.min(ZSTD_UNKNOWN_SIZE_CAP, inputLength * ASSUMED_RATIO);
  return BASE_DEADLINE_MS + Math.ceil((expected / (10 * 2 ** 20)) * MS_PER_10MB);
}

interface Running {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let running: Running | undefined;
let nextId = 1;

/** The worker's file: next to this one (dist/zstd-worker.js in the bundle; from sources, a starter for zstd-worker.ts). */
function workerFile(): string {
  // __filename, not __dirname: tsx, loading this file for an ES module (the benchmarks), sets only the former.
  const here = dirname(__filename);
  for (const name of ['zstd-worker.js', 'zstd-worker-from-sources.cjs']) {
    const p = join(here, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`zstd: the decompression worker is missing from ${here}`);
}

function start(): Running {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const data: ZstdWorkerData = { port: port2, flag };
  const worker = new Worker(workerFile(), { workerData: data, transferList: [port2] });
  worker.unref();
  // An exit or error is seen by the deadline; without a listener it would be an uncaught exception.
  worker.on('error', () => undefined);
  return { worker, port: port1, flag };
}

/** Stop the worker (tests, shutdown); the next call starts a new one. */
export function stopZstdWorker(): void {
  if (!running) return;
  void running.worker.terminate();
  running.port.close();
  running = undefined;
}

function workerDecompress(data: Uint8Array, size: number | undefined): Uint8Array {
  const deadline = zstdDeadlineMs(data.length, size);
  const w = (running ??= start());
  const id = nextId++;
  // A private copy to transfer: `data` is often a view of a larger buffer the caller keeps (and a
  // Buffer's slice() would share it).
  const input = new Uint8Array(data).buffer;
  const req: ZstdRequest = { id, input, size, cap: ZSTD_UNKNOWN_SIZE_CAP };
  Atomics.store(w.flag, 0, POSTED);
  w.port.postMessage(req, [input]);
  const posted = performance.now();
  let startedAt: number | undefined;
  for (;;) {
    const state = Atomics.load(w.flag, 0);
    if (state === DONE) break;
    if (state === STARTED) startedAt ??= performance.now();
    const left = startedAt === undefined ? posted + START_ALLOWANCE_MS - performance.now() : startedAt + deadline - performance.now();
    if (left <= 0) {
      stopZstdWorker();
      throw new Error(
        startedAt === undefined
          ? `zstd: the decompression worker did not start within ${START_ALLOWANCE_MS / 1000} s`
          : `zstd: decompression did not finish within ${seconds(deadline)}; the data is corrupt or hostile`,
      );
    }
    Atomics.wait(w.flag, 0, state, left);
  }
  let reply: ZstdReply | undefined;
  for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
    reply = m.message as ZstdReply;
    if (reply.id === id) break;
  }
  if (!reply || reply.id !== id) {
    stopZstdWorker();
    throw new Error('zstd: the decompression worker did not reply');
  }
  if (reply.error !== undefined) {
    const e = new Error(reply.error) as Error & { code?: number };
    if (reply.code !== undefined) e.code = reply.code;
    throw e;
  }
  return new Uint8Array(reply.buffer, reply.offset, reply.length);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
