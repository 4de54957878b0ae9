import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandIds, type RunSummary } from '../../../server/src/protocol';
import { EMPTY_FILTER, formatFilter, type RunFilter } from './filter';
import {
  GROUP_CONTEXT,
  runAccessibilityLabel,
  runContextValue,
  runDescription,
  runDetails,
  runLabel,
  STATUS_ICONS,
  displayStatus,
} from './format';
import type { RunsModel } from './model';
import {
  buildRunTree,
  childKeys,
  experimentDescription,
  fileDescription,
  parentKey,
  samePlace,
  UNKNOWN_FILE,
  type RunTree,
} from './tree';

/**
 * The "Runs" view's data: experiment files > experiments > runs (tree.ts), filtered. Elements
 * are node keys (a run's key is its id), so commands invoked on a run row get its id.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly structureEmitter = new vscode.EventEmitter<void>();
  /** The set of shown rows changed (the view updates its description). */
  readonly onDidChangeStructure = this.structureEmitter.event;
  private readonly subscription: vscode.Disposable;
  private filterValue: RunFilter = EMPTY_FILTER;
  private tree: RunTree;

  constructor(
    private readonly model: RunsModel,
    private readonly workspaceRoot: () => vscode.Uri | undefined,
  ) {
    this.tree = buildRunTree(model.list(), this.filterValue);
    this.subscription = model.onDidChange((run) => {
      const before = run ? this.tree.nodes.get(run.id) : undefined;
      this.tree = buildRunTree(model.list(), this.filterValue);
      // Progress of a shown run repaints its row only. Repainting its experiment row would
      // reload the experiment's children, and a click on a row's inline button during that
      // reload reaches the command without its run. Anything that moves a row (status, star,
      // tags, a new or deleted run) repaints the whole tree.
      if (run && before?.kind === 'run' && samePlace(this.tree, before.run, run)) {
        this.changeEmitter.fire(run.id);
      } else {
        this.changeEmitter.fire(undefined);
        this.structureEmitter.fire();
      }
    });
  }

  get filter(): RunFilter {
    return this.filterValue;
  }

  /** The filter as its query text; empty when none. */
  get filterQuery(): string {
    return formatFilter(this.filterValue);
  }

  get current(): RunTree {
    return this.tree;
  }

  setFilter(filter: RunFilter): void {
    this.filterValue = filter;
    this.tree = buildRunTree(this.model.list(), filter);
    this.changeEmitter.fire(undefined);
    this.structureEmitter.fire();
  }

  /** The run behind a tree element (undefined for group rows). */
  runOf(key: string): RunSummary | undefined {
    const node = this.tree.nodes.get(key);
    return node?.kind === 'run' ? node.run : undefined;
  }

  getChildren(key?: string): string[] {
    return childKeys(this.tree, key);
  }

  getParent(key: string): string | undefined {
    return parentKey(this.tree, key);
  }

  getTreeItem(key: string): vscode.TreeItem {
    const node = this.tree.nodes.get(key);
    if (!node) return new vscode.TreeItem(key, vscode.TreeItemCollapsibleState.None);
    const now = new Date();
    switch (node.kind) {
      case 'file': {
        const item = new vscode.TreeItem(path.posix.basename(node.file), vscode.TreeItemCollapsibleState.Expanded);
        item.id = key;
        const dir = path.posix.dirname(node.file);
        item.description = [dir === '.' ? '' : dir, fileDescription(node)].filter(Boolean).join(' · ');
        item.tooltip = node.file;
        item.contextValue = GROUP_CONTEXT.file;
        const uri = node.file === UNKNOWN_FILE ? undefined : this.fileUri(node.file);
        // resourceUri gives the file icon of the user's icon theme.
        if (uri) item.resourceUri = uri;
        else item.iconPath = new vscode.ThemeIcon('question');
        return item;
      }
      case 'experiment': {
        const item = new vscode.TreeItem(node.experiment, vscode.TreeItemCollapsibleState.Expanded);
        item.id = key;
        item.description = experimentDescription(node);
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = GROUP_CONTEXT.experiment;
        return item;
      }
      case 'run':
        return this.runItem(node.run, now);
      default: {
        const unreachable: never = node;
        throw new Error(`unknown tree node ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private runItem(run: RunSummary, now: Date): vscode.TreeItem {
    const item = new vscode.TreeItem(runLabel(run, now), vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    item.description = runDescription(run, now);
    const { icon, color } = STATUS_ICONS[displayStatus(run)];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = runContextValue(run);
    item.accessibilityInformation = { label: runAccessibilityLabel(run, now) };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`${run.starred ? '$(star-full) ' : ''}**${escapeMarkdown(run.experiment)}**\n\n| | |\n|---|---|\n`);
    for (const [k, value] of runDetails(run, now)) {
      tooltip.appendMarkdown(`| ${k} | ${escapeMarkdown(value)} |\n`);
    }
    item.tooltip = tooltip;
    item.command = { command: CommandIds.openDashboard, title: 'Open Dashboard', arguments: [run.id] };
    return item;
  }

  private fileUri(file: string): vscode.Uri | undefined {
    if (path.isAbsolute(file)) return vscode.Uri.file(file);
    const root = this.workspaceRoot();
    return root ? vscode.Uri.joinPath(root, file) : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
    this.structureEmitter.dispose();
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
