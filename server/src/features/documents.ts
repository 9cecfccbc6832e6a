// Parse once per document version; every feature reads the same model.
import { parseCrashLog } from '../model/parser';
import { splitLines } from '../model/lines';
import type { DocumentState } from './context';

export class DocumentCache {
  private readonly cache = new Map<string, DocumentState>();

  get(uri: string, version: number, text: () => string): DocumentState {
    const hit = this.cache.get(uri);
    if (hit && hit.version === version) return hit;
    const t = text();
    // The previous version's model lets the parser reuse every line the edit did not touch.
    const state: DocumentState = { uri, version, text: t, lines: splitLines(t), model: parseCrashLog(t, hit?.model) };
    this.cache.set(uri, state);
    return state;
  }

  delete(uri: string): void {
    this.cache.delete(uri);
  }
}

/** Build a DocumentState directly (CLI, tests). */
export function documentState(uri: string, text: string, version = 1): DocumentState {
  return new DocumentCache().get(uri, version, () => text);
}
