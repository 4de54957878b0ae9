import * as vscode from 'vscode';
import { CommandIds } from '../../../server/src/protocol';
import { isLive, RUN_CONTEXT, runDescription, runDetails, STATUS_ICONS } from './format';
import type { RunsModel } from './model';

/** The "Runs" view: one item per run, newest first. Elements are run ids. */
export class RunsTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: RunsModel) {
    // A status change of a known run repaints that item; anything else repaints the list
    // (a new run appears at the top).
    let shown = new Set<string>();
    this.subscription = model.onDidChange((run) => {
      if (run && shown.has(run.id)) {
        this.changeEmitter.fire(run.id);
      } else {
        shown = new Set(model.list().map((r) => r.id));
        this.changeEmitter.fire(undefined);
      }
    });
  }

  getChildren(element?: string): string[] {
    return element === undefined ? this.model.list().map((r) => r.id) : [];
  }

  getTreeItem(id: string): vscode.TreeItem {
    const run = this.model.get(id);
    const item = new vscode.TreeItem(run?.experiment ?? id, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!run) return item;
    item.description = runDescription(run);
    const { icon, color } = STATUS_ICONS[run.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = isLive(run) ? RUN_CONTEXT.live : RUN_CONTEXT.finished;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${escapeMarkdown(run.experiment)}**\n\n| | |\n|---|---|\n`);
    for (const [key, value] of runDetails(run)) {
      tooltip.appendMarkdown(`| ${key} | ${escapeMarkdown(value)} |\n`);
    }
    item.tooltip = tooltip;
    item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [id] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
