// The thin VS Code side: start the language client, pass workspace trust, show the status.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { RESTRICTED_NOTICE, restartPolicy, stateStatus } from './server-health';

let client: LanguageClient | undefined;

interface Shown {
  text: string;
  tooltip?: string;
}

/** What activate() returns: enough for another extension or a test to see the server's health. */
export interface OopsLensApi {
  /** The language server's process id, or undefined while it is not running. */
  serverPid(): Promise<number | undefined>;
  /** Times the server was restarted after it died. */
  restarts(): number;
  /** Status bar texts shown so far (newest last, at most 50); the last is the one shown now. */
  statusHistory(): string[];
}

export async function activate(context: vscode.ExtensionContext): Promise<OopsLensApi> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  let gaveUp = false;
  const health = restartPolicy({
    onGiveUp: (m) => {
      gaveUp = true;
      void vscode.window.showErrorMessage(m);
    },
  });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'oops' }],
    synchronize: { configurationSection: 'oopsLens' },
    // A function: a restarted server must learn the trust granted since activation.
    initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
    // If the server dies, restart it (up to 5 times in 3 minutes); the status bar shows each state.
    errorHandler: health,
    // A failed request is logged in Output › Oops Lens; the server itself tells the user once per
    // feature (a popup per failed hover would bury the editor).
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient('oopsLens', 'Oops Lens', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.name = 'Oops Lens';
  status.command = 'oopsLens.selectVmlinux';
  context.subscriptions.push(status);
  const history: string[] = [];
  // What the item says: while the server is down, that; else the active document's symbolizer
  // state (the server sends one per document); else a neutral note, or Restricted Mode's.
  const byDocument = new Map<string, Shown>();
  let serverDown: Shown | undefined;
  const neutral = (): Shown => (vscode.workspace.isTrusted
    ? { text: '$(bug) Oops Lens', tooltip: 'Oops Lens: no vmlinux in use' }
    : { text: '$(shield) Oops Lens: restricted', tooltip: RESTRICTED_NOTICE });
  const refresh = () => {
    const doc = vscode.window.activeTextEditor?.document;
    const shown = serverDown ?? (doc && byDocument.get(doc.uri.toString())) ?? neutral();
    status.text = shown.text;
    status.tooltip = shown.tooltip;
    if (history[history.length - 1] !== shown.text) history.push(shown.text);
    if (history.length > 50) history.shift();
    if (doc?.languageId === 'oops') status.show();
    else status.hide();
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(refresh),
    vscode.workspace.onDidCloseTextDocument((d) => byDocument.delete(d.uri.toString())),
  );
  refresh();
  // In Restricted Mode say so where the vmlinux would be, and once per workspace in a notification.
  if (!vscode.workspace.isTrusted && !context.workspaceState.get('oopsLens.restrictedNoticeShown')) {
    void context.workspaceState.update('oopsLens.restrictedNoticeShown', true);
    void vscode.window.showInformationMessage(RESTRICTED_NOTICE, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }

  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification('oopsLens/trust', { trusted: true });
      // The server starts over with the workspace's settings; its states come again.
      byDocument.clear();
      refresh();
    }),
  );
  context.subscriptions.push(
    client.onDidChangeState((e) => {
      serverDown = stateStatus(e.newState, health.restarts(), gaveUp);
      refresh();
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('oopsLens.useVmlinux', async (file: string) => {
      try {
        const st = await vscode.workspace.fs.stat(vscode.Uri.file(file));
        if (st.type !== vscode.FileType.File) throw new Error('not a file');
      } catch {
        void vscode.window.showErrorMessage(`Oops Lens: ${file} does not exist on this machine; install the matching debug package or pick the file with "Oops Lens: Select vmlinux".`);
        return;
      }
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration('oopsLens').update('vmlinux', file, target);
      void vscode.window.showInformationMessage(`Oops Lens: using ${file}; the status bar says whether it matches the report.`);
    }),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand('oopsLens.selectVmlinux', async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Use this vmlinux',
        title: 'Oops Lens: select a vmlinux with debug info (e.g. /usr/lib/debug/boot/vmlinux-RELEASE)',
        defaultUri: vscode.Uri.file('/usr/lib/debug/boot'),
      });
      if (picked?.[0]) await vscode.commands.executeCommand('oopsLens.useVmlinux', picked[0].fsPath);
    }),
    vscode.commands.registerCommand('oopsLens.decodeStackTrace', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      if (!client || doc.languageId !== 'oops') return;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Oops Lens: decoding stack traces', cancellable: true },
        (_p, token) => client!.sendRequest<{ text: string; problems: string[] } | null>('oopsLens/decode', { uri: doc.uri.toString() }, token),
      );
      if (!result) return;
      const out = await vscode.workspace.openTextDocument({ content: result.text, language: 'oops' });
      await vscode.window.showTextDocument(out, { preview: false });
      if (result.problems.length) void vscode.window.showWarningMessage(`Oops Lens: ${result.problems.slice(0, 3).join('; ')}${result.problems.length > 3 ? ` (+${result.problems.length - 3} more)` : ''}`);
    }),
  );

  await client.start();
  client.onNotification('oopsLens/status', (p: { text: string; tooltip?: string; uri?: string }) => {
    const uri = p.uri ?? vscode.window.activeTextEditor?.document.uri.toString();
    if (!uri) return;
    byDocument.set(uri, { text: p.text, tooltip: vscode.workspace.isTrusted ? p.tooltip : `${p.tooltip ?? ''}\n\n${RESTRICTED_NOTICE}`.trim() });
    refresh();
  });
  // Readiness signal for the end-to-end tests (forwarded to the workbench console).
  console.log('[oops-lens] language client started');
  return {
    serverPid: async () => (client?.isRunning() ? (await client.sendRequest<{ pid: number }>('oopsLens/serverInfo')).pid : undefined),
    restarts: () => health.restarts(),
    statusHistory: () => [...history],
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
