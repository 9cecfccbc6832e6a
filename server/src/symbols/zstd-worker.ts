// The zstd worker thread (started by zstd.ts): decodes one request at a time from its port with
// fzstd, replies with the output (transferred, not copied) or the error's message, and tells the
// waiting caller through the shared flag: STARTED when it takes a request, DONE after replying.
import { workerData, type MessagePort } from 'node:worker_threads';
import { decodeZstd } from './zstd-decode';
import { DONE, STARTED, type ZstdReply, type ZstdRequest, type ZstdWorkerData } from './zstd-protocol';

const { port, flag } = workerData as ZstdWorkerData;

function signal(state: number): void {
  Atomics.store(flag, 0, state);
  Atomics.notify(flag, 0);
}

(port as MessagePort).on('message', (req: ZstdRequest) => {
  signal(STARTED);
  let reply: ZstdReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const out = decodeZstd(new Uint8Array(req.input), req.size, req.cap);
    reply = { id: req.id, buffer: out.buffer as ArrayBuffer, offset: out.byteOffset, length: out.byteLength };
    transfer = [reply.buffer];
  } catch (e) {
    const err = e as Error & { code?: unknown };
    reply = { id: req.id, error: String(err?.message ?? e), code: typeof err?.code === 'number' ? err.code : undefined };
  }
  port.postMessage(reply, transfer);
  signal(DONE);
});
