import * as vscode from 'vscode';
import type { RunSummary } from '../../server/src/protocol';
import { createBackendStatusItem } from './backendStatus';
import { TrainingServer } from './client';
import { registerCommands } from './commands';
import { Config } from './config';
import { Dashboard } from './dashboard/panel';
import { RunsModel } from './runsTree/model';
import { registerRunCommands } from './runsTree/runCommands';
import { RunsView } from './runsTree/view';

/** What `activate` returns; the integration suite reads the runs through it. */
export interface RlLabApi {
  runs(): RunSummary[];
  onDidChangeRuns: vscode.Event<RunSummary | undefined>;
}

let server: TrainingServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<RlLabApi> {
  const output = vscode.window.createOutputChannel('RL Lab', { log: true });
  const config = new Config();
  server = new TrainingServer(context, config, output);
  const runs = new RunsModel(server);
  const runsView = new RunsView(runs, context.workspaceState);
  const dashboard = new Dashboard(context.extensionUri, server, output, context.workspaceState);
  const activeServer = server;

  context.subscriptions.push(
    output,
    server,
    runs,
    runsView,
    dashboard,
    createBackendStatusItem(runs, config),
    ...registerCommands({ server, runs, dashboard }),
    ...registerRunCommands({ server, runs, view: runsView, dashboard, config }),
    // A server not yet started reads trust from its initializationOptions; a running one is told.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void activeServer.notifyWorkspaceTrusted()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.needsServerRestart(e)) void activeServer.restart('settings changed').catch(showStartError);
    }),
  );

  // Not awaited: activation should not wait for the server; requests wait for it themselves.
  void server.start().catch(showStartError);
  return { runs: () => runs.list(), onDidChangeRuns: runs.onDidChange };
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}

function showStartError(err: unknown): void {
  void vscode.window.showErrorMessage(
    `RL Lab: the training server did not start: ${err instanceof Error ? err.message : String(err)}`,
  );
}
