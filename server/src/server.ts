// LSP wiring only: documents in, feature results out. Every handler is guarded so a bug in
// one feature fails that request alone and is logged; the server keeps running.
import {
  type Connection,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  type CancellationToken,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver/node';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentCache, SYNC_PARSE_MAX } from './features/documents';
import type { ClientSink, DocumentState, FeatureContext } from './features/context';
import { defaultSettings, resolveSettingPaths, resolveSettings as parseSettings, type Settings } from './settings';
import { fileURLToPath } from 'url';
import { provideDocumentSymbols } from './features/document-symbols';
import { provideFoldingRanges } from './features/folding';
import { computeDiagnostics } from './features/diagnostics';
import { provideHover } from './features/hover';
import { provideDefinition } from './features/definition';
import { provideDocumentLinks } from './features/document-links';
import { legend, provideSemanticTokens } from './features/semantic-tokens';
import { SymbolService } from './symbols/service';
import { crashSessionCodeActions } from './features/crash-session';
import { provideCodeActions } from './features/code-actions';
import { FixCommands, FixService, GIT_SCHEME } from './features/fix-commands';
import { provideInlayHints } from './features/inlay-hints';
import { symbolDiagnostics } from './features/symbol-diagnostics';
import { DECODE_REQUEST, executeDecode } from './features/decode-command';
import { DISASM_SCHEME, DISASSEMBLE_COMMAND, disassemblyContent, disassemblyUri, provideCodeLenses } from './features/code-lens';

/** Custom notifications/requests between client and server. */
export const Protocol = {
  trust: 'oopsLens/trust',
  status: 'oopsLens/status',
  /** Which process answers (the client's health checks and the end-to-end restart test). */
  serverInfo: 'oopsLens/serverInfo',
};

/** Quiet time after an edit of a big document before its diagnostics are computed. */
const BIG_EDIT_PAUSE_MS = 250;

/** Longest wait for the client's answer to the first workspace/configuration request. */
const SETTINGS_WAIT_MS = 5000;

/** Test-only: OOPS_LENS_TEST_FAULT=<request name> makes that feature throw (test/unit/hardening/lsp-guard.test.ts). */
const injectedFault = process.env.OOPS_LENS_TEST_FAULT;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  // A parse long enough to notice (tens of MB) is shown as progress in the editor.
  const cache = new DocumentCache((uri, chars) => {
    const p = client.progress(`Oops Lens: reading ${decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1))} (${Math.round(chars / 2 ** 20)} MB)`);
    return { report: (f) => p.report(`${Math.round(f * 100)}%`, Math.round(f * 100)), done: () => p.done() };
  });
  let settings: Settings = defaultSettings;
  // Relative / ${workspaceFolder} paths in settings resolve against the first workspace folder.
  let workspaceRoot: string | undefined;
  const resolveSettings = (raw: unknown): Settings => resolveSettingPaths(parseSettings(raw), workspaceRoot);
  let trusted = false;
  let canPullConfig = false;
  let foldingLimit = Infinity;
  let progressTokens = 0;
  // Documents arrive right after `initialized`, pulled settings a round trip later: nothing is
  // answered from the defaults meanwhile (a restarted server would use the wrong vmlinux).
  let settingsArrived: () => void = () => undefined;
  const settingsReady = new Promise<void>((resolve) => (settingsArrived = resolve));

  const client: ClientSink = {
    log: (m) => connection.console.log(m),
    notify: (kind, m) => {
      if (kind === 'error') void connection.window.showErrorMessage(m);
      else if (kind === 'warning') void connection.window.showWarningMessage(m);
      else void connection.window.showInformationMessage(m);
    },
    status: (text, tooltip, uri) => void connection.sendNotification(Protocol.status, { text, tooltip, uri }),
    progress: (title, options) => {
      const token = `oops-lens-${++progressTokens}`;
      const cancelled = new AbortController();
      let reporter: { report(m: string, p?: number): void; done(): void } | undefined;
      let finished = false;
      void connection.window.createWorkDoneProgress().then((p) => {
        p.begin(title, 0, undefined, !!options?.cancellable);
        p.token.onCancellationRequested(() => cancelled.abort());
        reporter = { report: (m, pct) => p.report(pct ?? 0, m), done: () => p.done() };
        if (finished) p.done();
      }, () => undefined);
      void token;
      return {
        report: (m, p) => reporter?.report(m, p),
        done: () => {
          finished = true;
          reporter?.done();
        },
        signal: cancelled.signal,
      };
    },
  };
  const symbols = new SymbolService(() => settings, { trusted: () => trusted, log: (m) => connection.console.log(m), progress: (t) => client.progress(t) });
  const ctx: FeatureContext = { settings: () => settings, trusted: () => trusted, client, symbols };

  const stateOf = (uri: string): DocumentState | undefined => {
    const doc = documents.get(uri);
    return doc ? cache.get(uri, doc.version, () => doc.getText()) : undefined;
  };
  const fixes = new FixService(
    ctx,
    {
      showDocument: async (uri, o) => (await connection.window.showDocument({ uri, external: o.external, takeFocus: true })).success,
      ask: async (message, items) => (await connection.window.showInformationMessage(message, ...items.map((title) => ({ title }))))?.title,
    },
    stateOf,
  );

  // A bug in a timer or an un-awaited promise is logged, never the end of the server.
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${(e as Error)?.stack ?? e}`));
  process.on('uncaughtException', (e) => connection.console.error(`uncaught exception: ${e?.stack ?? e}`));

  /** The parsed document, from the cache or a parse this request waits for (off the request path). */
  const loadState = async (uri: string, signal?: AbortSignal): Promise<DocumentState | undefined> => {
    await settingsReady;
    const doc = documents.get(uri);
    return doc ? cache.load(uri, doc.version, () => doc.getText(), signal) : undefined;
  };

  /** Features that failed this session: the user is told once per feature, the log has each. */
  const failedFeatures = new Set<string>();
  function reportBug(name: string, e: unknown): ResponseError<void> {
    const message = (e as Error)?.message ?? String(e);
    connection.console.error(`${name} failed: ${(e as Error)?.stack ?? e}`);
    if (!failedFeatures.has(name)) {
      failedFeatures.add(name);
      client.notify('warning', `Oops Lens: ${name} failed (${message}). That request got no answer; everything else keeps working. Details in Output › Oops Lens.`);
    }
    return new ResponseError(ErrorCodes.InternalError, `${name} failed: ${message}`);
  }

  /**
   * Run a feature; a bug fails this request alone (an error answer, logged). A request the client
   * cancels (it scrolled on, typed) while the document is still being parsed is answered as cancelled.
   */
  function guard<P extends { textDocument: { uri: string } }, R>(name: string, fallback: R, fn: (doc: DocumentState, params: P, signal: AbortSignal) => R | Promise<R>) {
    return async (params: P, token?: CancellationToken): Promise<R> => {
      const cancel = abortOn(token);
      try {
        if (injectedFault === `${name}:async`) {
          setTimeout(() => { throw new Error(`injected timer fault in ${name}`); }, 0);
          void Promise.reject(new Error(`injected rejection in ${name}`));
        }
        if (injectedFault === name) throw new Error(`injected fault in ${name} (OOPS_LENS_TEST_FAULT)`);
        const doc = await loadState(params.textDocument.uri, cancel.signal);
        return doc ? await fn(doc, params, cancel.signal) : fallback;
      } catch (e) {
        if (cancel.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${name} cancelled`);
        throw reportBug(name, e);
      }
    };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as { trusted?: boolean; settings?: unknown };
    // Standalone editors (Neovim, Helix...) have no workspace trust: they trust what the user opened.
    trusted = opts.trusted ?? true;
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (rootUri?.startsWith('file:')) workspaceRoot = fileURLToPath(rootUri);
    if (opts.settings) settings = resolveSettings(opts.settings);
    canPullConfig = !!params.capabilities.workspace?.configuration;
    // Settings come with initialize or later by push; a client that never answers the pull must
    // not stall the server either: after a while the defaults hold.
    if (!canPullConfig) settingsArrived();
    else setTimeout(settingsArrived, SETTINGS_WAIT_MS).unref?.();
    foldingLimit = params.capabilities.textDocument?.foldingRange?.rangeLimit ?? Infinity;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        hoverProvider: true,
        definitionProvider: true,
        documentLinkProvider: { resolveProvider: false },
        semanticTokensProvider: { legend, full: true },
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor'] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        executeCommandProvider: { commands: [...Object.values(FixCommands), DISASSEMBLE_COMMAND] },
        workspace: { textDocumentContent: { schemes: [GIT_SCHEME, DISASM_SCHEME] } },
      },
      serverInfo: { name: 'oops-lens' },
    };
  });

  async function pullSettings(): Promise<void> {
    if (!canPullConfig) return;
    try {
      const [raw] = await connection.workspace.getConfiguration([{ section: 'oopsLens' }]);
      settings = resolveSettings(raw);
    } catch (e) {
      connection.console.warn(`could not read settings: ${e}`);
    }
  }

  connection.onInitialized(() => {
    if (canPullConfig) void connection.client.register(DidChangeConfigurationNotification.type, undefined);
    void pullSettings().finally(settingsArrived);
  });
  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfig) await pullSettings();
    else settings = resolveSettings((change.settings as { oopsLens?: unknown })?.oopsLens);
    symbols.reset();
    void connection.languages.inlayHint.refresh().catch(() => undefined);
    for (const d of documents.all()) void publishDiagnostics(d.uri);
  });
  connection.onNotification(Protocol.trust, (p: { trusted: boolean }) => {
    trusted = !!p?.trusted;
    symbols.reset();
  });
  connection.onShutdown(() => symbols.dispose());
  connection.onRequest(Protocol.serverInfo, () => ({ pid: process.pid, uptimeMs: Math.round(process.uptime() * 1000) }));

  const symbolChecks = new Map<string, AbortController>();
  async function publishDiagnostics(uri: string): Promise<void> {
    // Superseded by the next edit: the parse of a big document and the debug-file checks after it.
    symbolChecks.get(uri)?.abort();
    const cancel = new AbortController();
    symbolChecks.set(uri, cancel);
    try {
      // A big document being typed in: wait for a pause before parsing it for diagnostics (requests
      // still parse at once); each keystroke would otherwise start a parse of the whole log.
      if ((documents.get(uri)?.getText().length ?? 0) > SYNC_PARSE_MAX) await pause(BIG_EDIT_PAUSE_MS, cancel.signal);
      const doc = await loadState(uri, cancel.signal);
      if (!doc || cancel.signal.aborted) return;
      const base = computeDiagnostics(doc);
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: base });
      // Debug-file checks may read a vmlinux: in the background.
      const extra = await symbolDiagnostics(doc, ctx, cancel.signal);
      if (!cancel.signal.aborted && extra.length && documents.get(uri)?.version === doc.version)
        void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [...base, ...extra] });
    } catch (e) {
      if (!cancel.signal.aborted && !isAbort(e)) connection.console.error(`diagnostics failed: ${(e as Error).stack ?? e}`);
    }
  }

  documents.onDidChangeContent((e) => void publishDiagnostics(e.document.uri));
  documents.onDidClose((e) => {
    symbolChecks.get(e.document.uri)?.abort();
    symbolChecks.delete(e.document.uri);
    cache.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDocumentSymbol(guard('documentSymbol', [], (doc) => provideDocumentSymbols(doc)));
  connection.onFoldingRanges(guard('foldingRange', [], (doc) => provideFoldingRanges(doc, foldingLimit)));
  connection.onHover(guard('hover', null, (doc, p) => provideHover(doc, p.position.line, p.position.character, ctx)));
  connection.onDefinition(guard('definition', null, (doc, p, signal) => provideDefinition(doc, p.position.line, p.position.character, ctx, { signal })));
  connection.onDocumentLinks(guard('documentLinks', [], (doc) => provideDocumentLinks(doc, ctx)));
  connection.onCodeAction(guard('codeAction', [], (doc, p) => [...crashSessionCodeActions(doc, p.range), ...provideCodeActions(doc, p.range, ctx, fixes)]));
  connection.onExecuteCommand(async (p, token) => {
    const cancel = abortOn(token);
    try {
      if (p.command === DISASSEMBLE_COMMAND) {
        const uri = disassemblyUri(String(p.arguments?.[0] ?? ''), Number(p.arguments?.[1] ?? 0), p.arguments?.[2] === 'compare');
        return (await connection.window.showDocument({ uri, takeFocus: true })).success;
      }
      return await fixes.execute(p.command, p.arguments ?? [], cancel.signal);
    } catch (e) {
      if (cancel.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${p.command} cancelled`);
      throw reportBug(p.command, e);
    }
  });
  connection.workspace.textDocumentContent.on(async (p, token) => {
    const cancel = abortOn(token);
    try {
      const disasm = await disassemblyContent(p.uri, stateOf, ctx);
      if (disasm !== undefined) return { text: disasm };
      return { text: await fixes.content(p.uri, cancel.signal) };
    } catch (e) {
      if (cancel.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'content cancelled');
      throw reportBug('textDocumentContent', e);
    }
  });
  connection.onCodeLens(guard('codeLens', [], (doc) => provideCodeLenses(doc, ctx)));
  connection.languages.inlayHint.on(guard('inlayHint', [], (doc, p, signal) => provideInlayHints(doc, p.range, ctx, signal)));
  connection.onRequest(DECODE_REQUEST, async (p: { uri: string }, token: CancellationToken) => {
    const cancel = abortOn(token);
    try {
      const doc = await loadState(String(p?.uri ?? ''), cancel.signal);
      return doc ? await executeDecode(doc, ctx, cancel.signal) : null;
    } catch (e) {
      if (cancel.signal.aborted || isAbort(e)) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'decode cancelled');
      throw reportBug('decode', e);
    }
  });
  connection.languages.semanticTokens.on(guard('semanticTokens', { data: [] }, (doc) => provideSemanticTokens(doc)));

  documents.listen(connection);
  connection.listen();
}

function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

/** An AbortSignal for an LSP token; a request cancelled before it was dispatched is aborted at once. */
function abortOn(token: CancellationToken | undefined): AbortController {
  const cancel = new AbortController();
  if (token?.isCancellationRequested) cancel.abort();
  else token?.onCancellationRequested(() => cancel.abort());
  return cancel;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}
