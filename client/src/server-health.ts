// What the client does when the language server dies, and what the status bar says meanwhile.
// Pure (no `vscode` import) so that tests can drive it with a fake clock.
import type { CloseHandlerResult, ErrorHandler, ErrorHandlerResult } from 'vscode-languageclient';

// vscode-languageclient's ErrorAction / CloseAction values (the enums live in a module that needs `vscode`).
const ErrorAction = { Continue: 1, Shutdown: 2 } as const;
const CloseAction = { DoNotRestart: 1, Restart: 2 } as const;

export interface RestartPolicyOptions {
  /** Restarts allowed within `windowMs` before giving up (a server that dies on start would loop). */
  maxRestarts?: number;
  windowMs?: number;
  now?: () => number;
  /** Told about each restart and about giving up, for the status bar and the output channel. */
  onRestart?: (count: number) => void;
  onGiveUp?: (message: string) => void;
}

/**
 * Restart a server that exited, unless it exited `maxRestarts` times within `windowMs`; connection
 * errors keep the connection (a bad message is not a reason to kill the server) until three in a row.
 */
export function restartPolicy(o: RestartPolicyOptions = {}): ErrorHandler & { restarts(): number } {
  const max = o.maxRestarts ?? 5;
  const windowMs = o.windowMs ?? 3 * 60_000;
  const now = o.now ?? Date.now;
  const recent: number[] = [];
  let total = 0;
  return {
    error(_e, _m, count): ErrorHandlerResult {
      return { action: count !== undefined && count >= 3 ? ErrorAction.Shutdown : ErrorAction.Continue, handled: true };
    },
    closed(): CloseHandlerResult {
      const t = now();
      recent.push(t);
      while (recent.length && recent[0] < t - windowMs) recent.shift();
      if (recent.length > max) {
        const message = `The Oops Lens language server stopped ${recent.length} times in ${Math.round(windowMs / 60_000)} minutes and will not be restarted. See Output › Oops Lens; reload the window to try again.`;
        o.onGiveUp?.(message);
        return { action: CloseAction.DoNotRestart, message, handled: true };
      }
      total++;
      o.onRestart?.(total);
      return { action: CloseAction.Restart, handled: true };
    },
    restarts: () => total,
  };
}

/** Status bar text for a client state (vscode-languageclient State: 1 stopped, 2 running, 3 starting, 4 start failed). */
export function stateStatus(state: number, restarts: number, gaveUp: boolean): { text: string; tooltip: string } | undefined {
  if (state === 3) return { text: '$(sync~spin) Oops Lens starting', tooltip: restarts ? `Oops Lens: restarting the language server (restart ${restarts}).` : 'Oops Lens: starting the language server.' };
  if (state === 1 || state === 4) {
    return gaveUp
      ? { text: '$(error) Oops Lens stopped', tooltip: 'Oops Lens: the language server kept stopping and was not restarted. See Output › Oops Lens; reload the window to try again.' }
      : { text: '$(warning) Oops Lens restarting', tooltip: 'Oops Lens: the language server stopped; it restarts automatically. See Output › Oops Lens.' };
  }
  return undefined; // running: the server's own status (vmlinux in use) is shown
}

/** What an untrusted workspace limits, for the status bar tooltip and the one-time notice. */
export const RESTRICTED_NOTICE =
  'Oops Lens runs in Restricted Mode: this workspace is not trusted, so it starts no symbolizer or git process and ignores the workspace\'s vmlinux, module, source and kernel-clone paths. Reports are still parsed, highlighted, explained and linked to the web. Trust the workspace to resolve frames.';
