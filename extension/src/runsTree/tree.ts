import type { RunSummary } from '../../../server/src/protocol/types';
import { matchesFilter, type RunFilter } from './filter';
import { compareRuns, formatReturn, isLive } from './format';

/**
 * The Runs view as data: experiment files, their experiments, their runs. Pure (no `vscode`),
 * rebuilt from the run list whenever it or the filter changes.
 *
 * Every node has a string key that is also the tree element: a run's key is its id (run ids
 * never contain ':', see runStore.makeRunId), group keys start with `file:` / `experiment:`.
 */
export interface FileNode {
  kind: 'file';
  key: string;
  file: string;
  children: ExperimentNode[];
}
export interface ExperimentNode {
  kind: 'experiment';
  key: string;
  file: string;
  experiment: string;
  /** Shown runs, starred first, then newest first. */
  runs: RunSummary[];
}
export interface RunNode {
  kind: 'run';
  key: string;
  run: RunSummary;
  parent: string;
}
export type TreeNode = FileNode | ExperimentNode | RunNode;

export interface RunTree {
  roots: FileNode[];
  nodes: Map<string, TreeNode>;
  /** Runs shown / runs known (the view's description says "3 of 12" when a filter hides some). */
  shown: number;
  total: number;
}

/** Shown for a damaged run folder whose run.json did not say where the run came from. */
export const UNKNOWN_FILE = '(unknown experiment file)';
export const UNKNOWN_EXPERIMENT = '(unknown experiment)';

export function fileKey(file: string): string {
  return `file:${file}`;
}
export function experimentKey(file: string, experiment: string): string {
  // NUL cannot occur in a path or a YAML key, so the pair is unambiguous.
  return `experiment:${file}\u0000${experiment}`;
}

/** Groups the runs that pass the filter; files and experiments sorted by name. */
export function buildRunTree(runs: readonly RunSummary[], filter: RunFilter): RunTree {
  const nodes = new Map<string, TreeNode>();
  const byFile = new Map<string, Map<string, RunSummary[]>>();
  let shown = 0;
  for (const run of runs) {
    if (!matchesFilter(run, filter)) continue;
    shown++;
    const file = run.file || UNKNOWN_FILE;
    const experiment = run.experiment || UNKNOWN_EXPERIMENT;
    let experiments = byFile.get(file);
    if (!experiments) byFile.set(file, (experiments = new Map()));
    let list = experiments.get(experiment);
    if (!list) experiments.set(experiment, (list = []));
    list.push(run);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  const roots: FileNode[] = [];
  for (const file of [...byFile.keys()].sort(byName)) {
    const experiments = byFile.get(file)!;
    const fileNode: FileNode = { kind: 'file', key: fileKey(file), file, children: [] };
    for (const experiment of [...experiments.keys()].sort(byName)) {
      const expNode: ExperimentNode = {
        kind: 'experiment',
        key: experimentKey(file, experiment),
        file,
        experiment,
        runs: experiments.get(experiment)!.sort(compareRuns),
      };
      for (const run of expNode.runs) nodes.set(run.id, { kind: 'run', key: run.id, run, parent: expNode.key });
      nodes.set(expNode.key, expNode);
      fileNode.children.push(expNode);
    }
    nodes.set(fileNode.key, fileNode);
    roots.push(fileNode);
  }
  return { roots, nodes, shown, total: runs.length };
}

export function childKeys(tree: RunTree, key: string | undefined): string[] {
  if (key === undefined) return tree.roots.map((f) => f.key);
  const node = tree.nodes.get(key);
  if (node?.kind === 'file') return node.children.map((e) => e.key);
  if (node?.kind === 'experiment') return node.runs.map((r) => r.id);
  return [];
}

export function parentKey(tree: RunTree, key: string): string | undefined {
  const node = tree.nodes.get(key);
  if (node?.kind === 'run') return node.parent;
  if (node?.kind === 'experiment') return fileKey(node.file);
  return undefined;
}

/**
 * Grey text of an experiment row: the best return of its finished runs, run count, algorithm
 * and env of its newest run. Live runs' returns are left out: the row is repainted when a run
 * changes status, not on every progress update (see RunsTreeProvider).
 */
export function experimentDescription(node: ExperimentNode): string {
  const newest = [...node.runs].sort((a, b) => b.startTime.localeCompare(a.startTime))[0];
  const parts: string[] = [];
  const bests = node.runs
    .filter((r) => !isLive(r))
    .map((r) => r.bestMeanReturn ?? r.meanReturn)
    .filter((v): v is number => v !== undefined);
  if (bests.length) parts.push(`best ${formatReturn(Math.max(...bests))}`);
  parts.push(node.runs.length === 1 ? '1 run' : `${node.runs.length} runs`);
  if (newest) parts.push(`${newest.algo} · ${newest.env}`);
  return parts.join(' · ');
}

/** Grey text of a file row: the number of runs under it. */
export function fileDescription(node: FileNode): string {
  const n = node.children.reduce((sum, e) => sum + e.runs.length, 0);
  return n === 1 ? '1 run' : `${n} runs`;
}

/** The view's description: the active filter and how much it hides. */
export function viewDescription(tree: RunTree, query: string): string | undefined {
  if (!query) return undefined;
  return `${query} (${tree.shown} of ${tree.total})`;
}

/** The message above the rows while a filter is active (undefined without one). */
export function filterMessage(shown: number, total: number, query: string): string | undefined {
  if (!query) return undefined;
  if (total > 0 && shown === 0) return `No run matches the filter "${query}".`;
  return `Filter "${query}": ${shown} of ${total} runs.`;
}

/** True when a changed run would land on the same row of the same group (repaint one item only). */
export function samePlace(tree: RunTree, before: RunSummary, after: RunSummary): boolean {
  return (
    tree.nodes.has(after.id) &&
    before.file === after.file &&
    before.experiment === after.experiment &&
    !!before.starred === !!after.starred &&
    before.status === after.status &&
    !!before.damaged === !!after.damaged &&
    (before.tags ?? []).join('\n') === (after.tags ?? []).join('\n')
  );
}
