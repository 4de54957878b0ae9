import * as vscode from 'vscode';
import {
  TERMINAL_STATUSES,
  ViewIds,
  type DashboardPersistedState,
  type HostToWebview,
  type MetricRow,
  type WebviewToHost,
} from '../../../server/src/protocol';
import type { TrainingServer } from '../client';
import { DisposableStore } from '../disposables';
import { UpdateBatcher } from './batcher';
import { dashboardHtml, makeNonce } from './html';
import { newerState, parsePersistedState, parseWebviewMessage, PNG_DATA_URL } from './messages';
import { ROWS_PER_PART, runMetricsMessages } from './parts';

/** Workspace-storage key of the dashboard's state (see `DashboardPersistedState.savedAt`). */
export const DASHBOARD_STATE_KEY = 'rlLab.dashboardState';

/**
 * The dashboard: at most one panel, revived by a serializer after a window reload. Opening it
 * for a run while it is open just focuses that run.
 *
 * The page's state (focused and compared runs, hidden charts, chart settings) is kept twice:
 * by the page (`setState`, which VS Code stores with the editor layout) and, through
 * `saveState` messages, in workspace storage here. A browser-hosted VS Code (code-server)
 * stores the editor layout only now and then, so a reload right after a change would bring
 * back an older state; on revival the newer of the two is used.
 */
export class Dashboard implements vscode.Disposable {
  private panel: DashboardPanel | undefined;
  private readonly scope = new DisposableStore();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly server: TrainingServer,
    private readonly output: vscode.LogOutputChannel,
    private readonly storage?: vscode.Memento,
  ) {
    this.scope.add(
      vscode.window.registerWebviewPanelSerializer(ViewIds.dashboard, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const stored = parsePersistedState(this.storage?.get(DASHBOARD_STATE_KEY));
          const restored = newerState(parsePersistedState(state), stored);
          this.adopt(panel, restored.selected, restored);
        },
      }),
    );
  }

  /** Opens (or focuses) the dashboard comparing exactly these runs. */
  compare(runIds: string[]): void {
    if (runIds.length === 0) return;
    this.show(runIds[0]);
    this.panel?.compare(runIds);
  }

  show(runId?: string): void {
    if (this.panel) {
      this.panel.reveal(runId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      ViewIds.dashboard,
      'RL Lab Dashboard',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.extensionUri),
    );
    this.adopt(panel, runId);
  }

  private adopt(panel: vscode.WebviewPanel, focus: string | undefined, restored?: DashboardPersistedState): void {
    this.panel?.dispose();
    const controller = new DashboardPanel(panel, this.extensionUri, this.server, this.output, focus, this.storage, restored);
    this.panel = controller;
    controller.onDidDispose(() => {
      if (this.panel === controller) this.panel = undefined;
    });
  }

  dispose(): void {
    this.panel?.dispose();
    this.scope.dispose();
  }
}

/** Asks where to save an export (suggesting the workspace folder) and writes it. */
async function saveExport(fileName: string, label: string, extensions: string[], bytes: Uint8Array): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const safeName = fileName.replace(/[\\/:*?"<>|]/g, '_');
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, safeName) : undefined,
    filters: { [label]: extensions },
    saveLabel: 'Export',
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`RL Lab: exported ${vscode.workspace.asRelativePath(target)}`);
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the bundle and the media folder are reachable from the page.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * One live panel. Protocol: the page posts `ready` whenever it (re)loads (first open, shown
 * again after being hidden, reload); the panel answers with a `snapshot` (every run, the
 * series of the focused and the live runs), then streams increments through `UpdateBatcher`.
 */
class DashboardPanel {
  private readonly scope = new DisposableStore();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly batcher: UpdateBatcher;
  /** The page has announced itself and received its snapshot; increments may flow. */
  private ready = false;
  private disposed = false;
  /** Runs to compare, from the `compareRuns` command, until the page can take them. */
  private pendingCompare: string[] | undefined;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly server: TrainingServer,
    private readonly output: vscode.LogOutputChannel,
    private focus: string | undefined,
    private readonly storage?: vscode.Memento,
    restored?: DashboardPersistedState,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    this.batcher = new UpdateBatcher((messages) => {
      for (const m of messages) this.post(m);
    });
    this.scope.add(this.batcher);
    this.scope.add(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.scope.add(
      server.onRunMetrics((n) => {
        if (this.ready) this.batcher.addMetrics(n.runId, n.rows);
      }),
    );
    this.scope.add(
      server.onRunStatus((run) => {
        if (this.ready) this.batcher.addStatus(run);
      }),
    );
    this.scope.add(
      panel.onDidChangeViewState(() => {
        // A hidden panel's page is torn down; it posts `ready` again when shown.
        if (!panel.visible) this.notReady();
      }),
    );
    this.scope.add(panel.onDidDispose(() => this.dispose()));
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'dashboard.css')).toString(),
      restoredState: restored,
    });
  }

  /** Sent once the page is ready (now, or with the snapshot). */
  compare(runIds: string[]): void {
    this.pendingCompare = runIds;
    if (this.ready) this.sendCompare();
  }

  private sendCompare(): void {
    if (!this.pendingCompare) return;
    this.post({ type: 'compare', payload: { runIds: this.pendingCompare } });
    this.pendingCompare = undefined;
  }

  reveal(runId: string | undefined): void {
    this.panel.reveal(undefined, true);
    if (runId === undefined) return;
    this.focus = runId;
    if (this.ready) this.post({ type: 'focus', payload: { runId } });
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.output.warn(`Dashboard: ignored a malformed message ${JSON.stringify(raw)}`);
      return;
    }
    void this.handle(message).catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      this.output.error(`Dashboard: ${message.type} failed: ${text}`);
      void vscode.window.showErrorMessage(`RL Lab: ${text}`);
    });
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.sendSnapshot();
        return;
      case 'selectRun': {
        const { runId } = message.payload;
        this.focus = runId;
        const rows = await this.server.runMetrics(runId);
        for (const m of runMetricsMessages(runId, rows)) this.post(m);
        this.post({ type: 'runConfig', payload: { runId, config: await this.server.runConfig(runId) } });
        return;
      }
      case 'requestRun': {
        const { runId, metrics } = message.payload;
        if (metrics) for (const m of runMetricsMessages(runId, await this.server.runMetrics(runId))) this.post(m);
        this.post({ type: 'runConfig', payload: { runId, config: await this.server.runConfig(runId) } });
        return;
      }
      case 'exportCsv':
        await saveExport(message.payload.fileName, 'CSV', ['csv'], new TextEncoder().encode(message.payload.csv));
        return;
      case 'exportPng':
        await saveExport(
          message.payload.fileName,
          'PNG image',
          ['png'],
          Buffer.from(message.payload.dataUrl.slice(PNG_DATA_URL.length), 'base64'),
        );
        return;
      case 'requestPlayback': {
        const { runId } = message.payload;
        const episode = await this.server.runPlayback(runId);
        this.post({ type: 'playback', payload: { runId, episode } });
        return;
      }
      case 'requestValueTable': {
        const { runId } = message.payload;
        const table = await this.server.runValueTable(runId);
        this.post({ type: 'valueTable', payload: { runId, table } });
        return;
      }
      case 'stopRun': {
        const stopped = await this.server.stopRun(message.payload.runId);
        if (!stopped) void vscode.window.showInformationMessage('RL Lab: that run is not running any more.');
        return;
      }
      case 'requestSamples': {
        const { runId, afterStep } = message.payload;
        const rows = await this.server.runSamples(runId, afterStep);
        this.post({ type: 'samples', payload: { runId, rows, afterStep } });
        return;
      }
      case 'saveState':
        await this.storage?.update(DASHBOARD_STATE_KEY, message.payload);
        return;
      case 'error':
        this.output.error(`Dashboard error: ${message.payload.message}`);
        return;
      default: {
        const unhandled: never = message;
        throw new Error(`unhandled dashboard message ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private async sendSnapshot(): Promise<void> {
    // Increments that arrive while the snapshot is read are held and sent after it; the page
    // drops rows it already has.
    this.ready = true;
    this.batcher.hold();
    try {
      const runs = await this.server.listRuns();
      const wanted = runs.filter((r) => r.id === this.focus || !TERMINAL_STATUSES.includes(r.status));
      const metrics: Record<string, MetricRow[]> = {};
      // Long series follow the snapshot in parts (see parts.ts), so no message is huge.
      const long: HostToWebview[] = [];
      await Promise.all(
        wanted.map(async (r) => {
          const rows = await this.server.runMetrics(r.id);
          if (rows.length <= ROWS_PER_PART) metrics[r.id] = rows;
          else {
            // An empty series tells the page the rows are coming (it does not ask again).
            metrics[r.id] = [];
            long.push(...runMetricsMessages(r.id, rows));
          }
        }),
      );
      this.post({ type: 'snapshot', payload: { runs, metrics, focus: this.focus } });
      for (const m of long) this.post(m);
      this.sendCompare();
    } finally {
      this.batcher.release();
    }
  }

  private notReady(): void {
    this.ready = false;
    this.batcher.clear();
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.notReady();
    this.scope.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
