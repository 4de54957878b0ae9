/** The status bar item that shows the TensorFlow.js backend in use and, in its tooltip, why better ones were skipped. */
import * as vscode from 'vscode';
import { backendStatus } from './backendStatusFormat';
import type { Config } from './config';
import type { RunsModel } from './runsTree/model';

export function createBackendStatusItem(runs: RunsModel, config: Config): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('rlLab.backend', vscode.StatusBarAlignment.Right, 100);
  item.name = 'RL Lab Backend';
  const update = () => {
    const { text, tooltip } = backendStatus(runs.list(), config.backend);
    item.text = text;
    item.tooltip = new vscode.MarkdownString(tooltip);
    item.show();
  };
  update();
  const subscription = runs.onDidChange(update);
  return vscode.Disposable.from(item, subscription);
}
