// What zstd.ts and its worker (zstd-worker.ts) exchange.
import type { MessagePort } from 'node:worker_threads';

/** States of the shared flag: the caller sets POSTED, the worker STARTED then DONE. */
export const POSTED = 0;
export const STARTED = 1;
export const DONE = 2;

export interface ZstdWorkerData {
  port: MessagePort;
  /** One Int32 on a SharedArrayBuffer. */
  flag: Int32Array;
}

export interface ZstdRequest {
  id: number;
  input: ArrayBuffer;
  size?: number;
  cap: number;
}

export type ZstdReply =
  | { id: number; buffer: ArrayBuffer; offset: number; length: number; error?: undefined }
  | { id: number; error: string; code?: number };
