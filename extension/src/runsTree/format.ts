import { TERMINAL_STATUSES, type RunStatus, type RunSummary } from '../../../server/src/protocol/types';

/**
 * How a run reads in the Runs tree: label, description, tooltip lines and icon id.
 * Pure (no `vscode` import) so it is unit-tested directly.
 */

/** Codicon per status; `~spin` animates it. Colours are theme colour ids. */
export const STATUS_ICONS: Record<RunStatus, { icon: string; color?: string }> = {
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  stopped: { icon: 'debug-stop' },
  interrupted: { icon: 'warning', color: 'list.warningForeground' },
};

/** Context values for the tree item menus (package.json `view/item/context`). */
export const RUN_CONTEXT = { live: 'rlLab.run.live', finished: 'rlLab.run.finished' } as const;

export function isLive(run: RunSummary): boolean {
  return !TERMINAL_STATUSES.includes(run.status);
}

export function progressPercent(run: RunSummary): number | undefined {
  if (run.totalSteps <= 0) return undefined;
  return Math.min(100, Math.floor((100 * run.globalStep) / run.totalSteps));
}

export function formatReturn(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3);
}

/** The grey text beside the label: env, then what the status says about progress or outcome. */
export function runDescription(run: RunSummary): string {
  const parts = [run.env];
  const pct = progressPercent(run);
  switch (run.status) {
    case 'running':
      parts.push(pct === undefined ? 'running' : `running ${pct}%`);
      break;
    case 'completed':
      parts.push(run.meanReturn === undefined ? 'completed' : `completed · return ${formatReturn(run.meanReturn)}`);
      break;
    case 'stopped':
      parts.push(pct === undefined ? 'stopped' : `stopped at ${pct}%`);
      break;
    case 'queued':
    case 'failed':
    case 'interrupted':
      parts.push(run.status);
      break;
    default: {
      const unreachable: never = run.status;
      parts.push(String(unreachable));
    }
  }
  return parts.join(' · ');
}

/** Tooltip rows (rendered as a Markdown table by the tree). */
export function runDetails(run: RunSummary): [string, string][] {
  const rows: [string, string][] = [
    ['Run', run.id],
    ['Experiment', `${run.experiment} (${run.file})`],
    ['Algorithm', `${run.algo} on ${run.env}`],
    ['Status', run.status],
    ['Seed', String(run.seed)],
    ['Backend', run.backend ?? 'not chosen yet'],
    ['Steps', `${run.globalStep.toLocaleString('en-US')} / ${run.totalSteps.toLocaleString('en-US')}`],
    ['Started', run.startTime],
  ];
  if (run.endTime) rows.push(['Ended', run.endTime]);
  if (run.meanReturn !== undefined) rows.push(['Mean return (last 20)', formatReturn(run.meanReturn)]);
  if (run.error) rows.push(['Error', run.error]);
  for (const note of run.backendNotes ?? []) rows.push(['Backend note', note]);
  return rows;
}

/** Newest first; a run's id breaks ties so the order is stable. */
export function compareRuns(a: RunSummary, b: RunSummary): number {
  return b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id);
}
