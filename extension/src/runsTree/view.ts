import * as vscode from 'vscode';
import { ViewIds, type RunSummary } from '../../../server/src/protocol';
import { DisposableStore } from '../disposables';
import { EMPTY_FILTER, isEmptyFilter, parseFilter, type RunFilter } from './filter';
import type { RunsModel } from './model';
import { RunsTreeProvider } from './provider';
import { filterMessage, viewDescription } from './tree';

/** Context key set while a filter is active: shows the clear-filter button in the view title. */
export const FILTERED_CONTEXT_KEY = 'rlLab.runsFiltered';
/** The filter survives a window reload, per workspace. */
const FILTER_STATE_KEY = 'rlLab.runsFilter';

/**
 * The "Runs" tree view: multi-select (compare selected runs), the active filter in the view's
 * description, and the selection as runs for the commands.
 */
export class RunsView implements vscode.Disposable {
  readonly provider: RunsTreeProvider;
  private readonly view: vscode.TreeView<string>;
  private readonly scope = new DisposableStore();

  constructor(
    model: RunsModel,
    private readonly state: vscode.Memento,
  ) {
    this.provider = this.scope.add(new RunsTreeProvider(model, () => vscode.workspace.workspaceFolders?.[0]?.uri));
    this.view = this.scope.add(
      vscode.window.createTreeView(ViewIds.runs, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true }),
    );
    this.scope.add(this.provider.onDidChangeStructure(() => this.showFilter()));
    const saved = parseFilter(state.get<string>(FILTER_STATE_KEY) ?? '');
    this.setFilter('filter' in saved ? saved.filter : EMPTY_FILTER);
  }

  get filter(): RunFilter {
    return this.provider.filter;
  }

  get filterQuery(): string {
    return this.provider.filterQuery;
  }

  setFilter(filter: RunFilter): void {
    this.provider.setFilter(filter);
    void this.state.update(FILTER_STATE_KEY, this.provider.filterQuery || undefined);
    void vscode.commands.executeCommand('setContext', FILTERED_CONTEXT_KEY, !isEmptyFilter(filter));
    this.showFilter();
  }

  /** The view is shown (its container is open). */
  get visible(): boolean {
    return this.view.visible;
  }

  /** The selected run rows (group rows are skipped), in the order shown. */
  selectedRuns(): RunSummary[] {
    return this.view.selection.map((key) => this.provider.runOf(key)).filter((r): r is RunSummary => r !== undefined);
  }

  /** Selects and shows a run's row (after a rerun, the new run). */
  async reveal(runId: string): Promise<void> {
    if (!this.provider.runOf(runId)) return;
    await this.view.reveal(runId, { select: true, focus: false }).then(undefined, () => undefined);
  }

  private showFilter(): void {
    const tree = this.provider.current;
    const query = this.provider.filterQuery;
    this.view.description = viewDescription(tree, query);
    // Also as the view's message: a view alone in its container shows no description (its
    // title merges into the container's), and a hidden filter would make runs seem lost.
    this.view.message = filterMessage(tree.shown, tree.total, query);
  }

  dispose(): void {
    this.scope.dispose();
  }
}
