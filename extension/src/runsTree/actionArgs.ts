import type { EvaluationResult, RunSummary } from '../../../server/src/protocol/types';
import { formatReturn } from './format';

/**
 * The pure parts of the Runs tree's actions (no `vscode` import, unit-tested): which runs a
 * menu click means, what the user typed, how a result reads.
 */

/**
 * The runs a tree command acts on. VS Code calls a view item command with the clicked element
 * and, with multi-select, every selected element: when the clicked row is part of the
 * selection the command applies to the whole selection, else to the clicked row. Group rows
 * and unknown ids are skipped.
 */
export function targetRuns(arg: unknown, selected: unknown, lookup: (id: string) => RunSummary | undefined): RunSummary[] {
  const clicked = typeof arg === 'string' ? lookup(arg) : undefined;
  if (!clicked) return [];
  if (Array.isArray(selected) && selected.includes(arg)) {
    return selected.map((k) => (typeof k === 'string' ? lookup(k) : undefined)).filter((r): r is RunSummary => r !== undefined);
  }
  return [clicked];
}

/** Stopped, interrupted and failed runs continue from their newest checkpoint. */
export function isResumable(run: RunSummary): boolean {
  return !run.damaged && (run.status === 'stopped' || run.status === 'interrupted' || run.status === 'failed');
}

export const MAX_EVAL_EPISODES = 10_000;

/** Episodes typed in the evaluate input box: a whole number from 1 to MAX_EVAL_EPISODES. */
export function parseEpisodes(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return n >= 1 && n <= MAX_EVAL_EPISODES ? n : undefined;
}

export function describeEvaluation(e: EvaluationResult): string {
  const episodes = `${e.episodes} episode${e.episodes === 1 ? '' : 's'}`;
  return (
    `evaluated over ${episodes} at step ${e.step.toLocaleString('en-US')}: ` +
    `mean return ${formatReturn(e.meanReturn)} ± ${formatReturn(e.stdReturn)} ` +
    `(min ${formatReturn(e.minReturn)}, max ${formatReturn(e.maxReturn)}), mean length ${e.meanLength.toFixed(1)}`
  );
}

/** The delete confirmation's question. */
export function deleteQuestion(runs: readonly RunSummary[]): string {
  const what = runs.length === 1 ? `run ${runs[0].experiment} (seed ${runs[0].seed})` : `${runs.length} runs`;
  return `Delete ${what}? ${runs.length === 1 ? 'Its folder' : 'Their folders'}, metrics and checkpoints are removed from disk.`;
}
