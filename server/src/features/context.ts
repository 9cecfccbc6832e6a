// What every feature receives: the parsed document and the server's services.
// Features are functions `(doc, ..., ctx) => result`; server.ts only routes requests to them.
import type { CrashLog } from '../model/types';
import type { Settings } from '../settings';
import type { SymbolService } from '../symbols/service';

/** One open document, parsed once per version. */
export interface DocumentState {
  uri: string;
  version: number;
  text: string;
  /** Document lines (same indexing as LogLine.line). */
  lines: string[];
  model: CrashLog;
}

/** Things a feature may send to the client, as an interface so tests need no wire. */
export interface ClientSink {
  log(message: string): void;
  /** A user-visible notification (rare; prefer diagnostics/hover lines). */
  notify(kind: 'info' | 'warning' | 'error', message: string): void;
  /** Status bar text for the symbolizer state of document `uri` (the client shows the active editor's). */
  status(text: string, tooltip?: string, uri?: string): void;
  /** Work progress; returns an object to report and end it. `signal` aborts when the user cancels it. */
  progress(title: string, options?: { cancellable?: boolean }): { report(message: string, percentage?: number): void; done(): void; signal?: AbortSignal };
}

export interface FeatureContext {
  settings(): Settings;
  /** VS Code workspace trust, as told by the client; false = never run tools/git with paths from settings. */
  trusted(): boolean;
  client: ClientSink;
  /** The symbolizer (vmlinux/module debug files); absent in contexts that have none (some tests). */
  symbols?: SymbolService;
}

/** A ClientSink that drops everything (CLI, tests). */
export const silentSink: ClientSink = {
  log: () => undefined,
  notify: () => undefined,
  status: () => undefined,
  progress: () => ({ report: () => undefined, done: () => undefined }),
};
