// Parse once per document version; every feature reads the same model.
import { parseCrashLog, parseCrashLogAsync } from '../model/parser';
import type { CrashLog } from '../model/types';
import type { DocumentState } from './context';

/** Below this size a document is parsed at once (a few ms); above it, in slices off the request path. */
export const SYNC_PARSE_MAX = 512 * 1024;
/** Parses of documents above this size (a second or more) are shown as progress. */
export const SHOWN_PARSE_MIN = 8 * 2 ** 20;

/** Shows a long parse to the user: called when it starts; `report` gets 0..1, `done` ends it. */
export type ParseProgress = (uri: string, chars: number) => { report(fraction: number): void; done(): void };

interface Pending {
  version: number;
  promise: Promise<DocumentState>;
  abort: AbortController;
}

export class DocumentCache {
  private readonly cache = new Map<string, DocumentState>();
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly showProgress?: ParseProgress) {}

  /** The state of `version`, parsed now if it is not cached (CLI, tests, rare commands). */
  get(uri: string, version: number, text: () => string): DocumentState {
    const hit = this.cache.get(uri);
    if (hit && hit.version === version) return hit;
    const t = text();
    // The previous version's model lets the parser reuse every line the edit did not touch.
    return this.store(uri, version, t, parseCrashLog(t, hit?.model));
  }

  /**
   * The state of `version`, parsed in slices if the document is big. Every request for the same
   * version shares one parse; a newer version abandons it. `signal` abandons only this caller's wait.
   */
  async load(uri: string, version: number, text: () => string, signal?: AbortSignal): Promise<DocumentState> {
    const hit = this.cache.get(uri);
    if (hit && hit.version === version) return hit;
    let job = this.pending.get(uri);
    if (!job || job.version !== version) {
      job?.abort.abort();
      const t = text();
      if (t.length <= SYNC_PARSE_MAX) return this.get(uri, version, () => t);
      job = this.start(uri, version, t, hit?.model);
    }
    return signal ? abortable(job.promise, signal) : job.promise;
  }

  delete(uri: string): void {
    this.pending.get(uri)?.abort.abort();
    this.pending.delete(uri);
    this.cache.delete(uri);
  }

  private start(uri: string, version: number, text: string, previous: CrashLog | undefined): Pending {
    const abort = new AbortController();
    const shown = text.length >= SHOWN_PARSE_MIN ? this.showProgress?.(uri, text.length) : undefined;
    const parsing = parseCrashLogAsync(text, previous, { signal: abort.signal, onProgress: shown && ((f) => shown.report(f)) });
    if (shown) void parsing.finally(() => shown.done()).catch(() => undefined);
    const job: Pending = {
      version,
      abort,
      promise: parsing.then((model) => {
        if (this.pending.get(uri) === job) this.pending.delete(uri);
        // A synchronous get() may have stored this or a later version meanwhile: keep the newer.
        const now = this.cache.get(uri);
        return now && now.version >= version ? now : this.store(uri, version, text, model);
      }),
      // An abandoned parse rejects only for callers still waiting on it.
    };
    job.promise.catch(() => undefined);
    this.pending.set(uri, job);
    return job;
  }

  private store(uri: string, version: number, text: string, model: CrashLog): DocumentState {
    const state = documentOf(uri, version, text, model);
    this.cache.set(uri, state);
    return state;
  }
}

function documentOf(uri: string, version: number, text: string, model: CrashLog): DocumentState {
  // The parser's line objects already hold every line's text: no second copy of a 50 MB log.
  const lines = new Array<string>(model.lines.length);
  for (let i = 0; i < lines.length; i++) lines[i] = model.lines[i].raw;
  return { uri, version, text, lines, model };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Build a DocumentState directly (CLI, tests). */
export function documentState(uri: string, text: string, version = 1): DocumentState {
  return new DocumentCache().get(uri, version, () => text);
}
