import { TERMINAL_STATUSES, type RunStatus, type RunSummary } from '../../../server/src/protocol/types';

/**
 * How a run reads in the Runs tree: label, description, tooltip lines, icon id and context
 * value. Pure (no `vscode` import) so it is unit-tested directly.
 */

/** A run's status as the tree shows it: a folder the server could not read fully is `damaged`. */
export type DisplayStatus = RunStatus | 'damaged';

export const DISPLAY_STATUSES: readonly DisplayStatus[] = [
  'queued',
  'running',
  'completed',
  'failed',
  'stopped',
  'interrupted',
  'damaged',
];

/** Codicon per status; `~spin` animates it. Colours are theme colour ids. */
export const STATUS_ICONS: Record<DisplayStatus, { icon: string; color?: string }> = {
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  completed: { icon: 'pass', color: 'testing.iconPassed' },
  failed: { icon: 'error', color: 'testing.iconFailed' },
  stopped: { icon: 'debug-stop' },
  interrupted: { icon: 'debug-disconnect', color: 'list.warningForeground' },
  damaged: { icon: 'bracket-error', color: 'list.errorForeground' },
};

export function displayStatus(run: RunSummary): DisplayStatus {
  return run.damaged ? 'damaged' : run.status;
}

/** Why the server marked the run damaged (undefined when it is not). */
export function damageReason(run: RunSummary): string | undefined {
  return run.damaged || undefined;
}

/** Queued or running: a trainer owns it (stop applies, delete does not). */
export function isLive(run: RunSummary): boolean {
  return !run.damaged && !TERMINAL_STATUSES.includes(run.status);
}

export function progressPercent(run: RunSummary): number | undefined {
  if (run.totalSteps <= 0) return undefined;
  return Math.min(100, Math.floor((100 * run.globalStep) / run.totalSteps));
}

export function formatReturn(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(3);
}

/** "45s", "1m 12s", "2h 03m", "3d 4h": the two largest units, enough to compare runs at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Wall time the run has trained: to its end, or to `now` while it is live. Undefined while queued. */
export function runDuration(run: RunSummary, now: Date): number | undefined {
  if (run.status === 'queued') return undefined;
  const start = Date.parse(run.startTime);
  const end = run.endTime ? Date.parse(run.endTime) : isLive(run) ? now.getTime() : NaN;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : undefined;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Local start time, as short as stays unambiguous next to `now`: "08:21", "Nov 20 08:21", "2025-11-20 08:21". */
export function formatStart(iso: string, now: Date): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.getFullYear() !== now.getFullYear()) return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
  if (d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) return time;
  return `${MONTHS[d.getMonth()]} ${d.getDate()} ${time}`;
}

/** The run's row label: a star, seed and start time (the experiment is its parent in the tree). */
export function runLabel(run: RunSummary, now: Date): string {
  return `${run.starred ? '★ ' : ''}seed ${run.seed} · ${formatStart(run.startTime, now)}`;
}

/** "return 487.3 (best 490.1)": last and best rolling mean of 20 episodic returns. */
export function formatReturns(run: RunSummary): string | undefined {
  if (run.meanReturn === undefined) return undefined;
  const best = run.bestMeanReturn;
  const last = formatReturn(run.meanReturn);
  return best === undefined || formatReturn(best) === last ? `return ${last}` : `return ${last} (best ${formatReturn(best)})`;
}

function statusText(run: RunSummary): string {
  const pct = progressPercent(run);
  const status = displayStatus(run);
  switch (status) {
    case 'running':
      return pct === undefined ? 'running' : `running ${pct}%`;
    case 'stopped':
    case 'interrupted':
      return pct === undefined || pct >= 100 ? status : `${status} at ${pct}%`;
    case 'queued':
    case 'completed':
    case 'failed':
    case 'damaged':
      return status;
    default: {
      const unreachable: never = status;
      return String(unreachable);
    }
  }
}

/**
 * The grey text beside the label. The return comes first: a narrow sidebar cuts the end of
 * the line, and the return is what one compares runs by.
 */
export function runDescription(run: RunSummary, now: Date): string {
  const parts: string[] = [];
  // Health alerts first: a narrow sidebar cuts the end of the line, and a NaN loss matters more.
  const alerts = alertText(run);
  if (alerts) parts.push(alerts);
  const returns = formatReturns(run);
  if (returns) parts.push(returns);
  parts.push(statusText(run));
  const duration = runDuration(run, now);
  if (duration !== undefined) parts.push(formatDuration(duration));
  if (run.tags?.length) parts.push(run.tags.map((t) => `#${t}`).join(' '));
  return parts.join(' · ');
}

/** "⚠ 2 alerts": the run's training health alerts (server/src/training/health.ts), or undefined. */
export function alertText(run: RunSummary): string | undefined {
  const n = run.alerts?.length ?? 0;
  if (n === 0) return undefined;
  return `⚠ ${n} alert${n === 1 ? '' : 's'}`;
}

/** Tooltip rows (rendered as a Markdown table by the tree). */
export function runDetails(run: RunSummary, now: Date): [string, string][] {
  const rows: [string, string][] = [
    ['Run', run.id],
    ['Experiment', `${run.experiment} (${run.file})`],
    ['Algorithm', `${run.algo} on ${run.env}`],
    ['Status', displayStatus(run)],
  ];
  const damage = damageReason(run);
  if (damage) rows.push(['Damaged', damage]);
  rows.push(
    ['Seed', String(run.seed)],
    ['Backend', run.backend ?? 'not chosen yet'],
    ['Steps', `${run.globalStep.toLocaleString('en-US')} / ${run.totalSteps.toLocaleString('en-US')}`],
    ['Started', run.startTime],
  );
  if (run.endTime) rows.push(['Ended', run.endTime]);
  const duration = runDuration(run, now);
  if (duration !== undefined) rows.push(['Duration', formatDuration(duration)]);
  if (run.meanReturn !== undefined) rows.push(['Mean return (last 20)', formatReturn(run.meanReturn)]);
  if (run.bestMeanReturn !== undefined) rows.push(['Best mean return (20)', formatReturn(run.bestMeanReturn)]);
  const ev = run.evaluation;
  if (ev) {
    rows.push([
      'Evaluation',
      `${formatReturn(ev.meanReturn)} ± ${formatReturn(ev.stdReturn)} over ${ev.episodes} episodes at step ${ev.step.toLocaleString('en-US')} (${ev.time})`,
    ]);
  }
  if (run.checkpointStep !== undefined) rows.push(['Last checkpoint', `step ${run.checkpointStep.toLocaleString('en-US')}`]);
  if (run.resumes) rows.push(['Resumed', run.resumes === 1 ? 'once' : `${run.resumes} times`]);
  if (run.starred) rows.push(['Starred', 'yes']);
  if (run.tags?.length) rows.push(['Tags', run.tags.join(', ')]);
  if (run.sweepId) rows.push(['Sweep', run.sweepId]);
  if (run.error && run.error !== damage) rows.push(['Error', run.error]);
  for (const alert of run.alerts ?? []) rows.push(['⚠ Health alert', alert]);
  for (const note of run.backendNotes ?? []) rows.push(['Backend note', note]);
  return rows;
}

/** Starred runs first, then newest first; a run's id breaks ties so the order is stable. */
export function compareRuns(a: RunSummary, b: RunSummary): number {
  return Number(!!b.starred) - Number(!!a.starred) || b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id);
}

/**
 * Context value of a run item: `rlLab.run:<status>` plus `:starred`. package.json menus
 * match it with regular expressions (`viewItem =~ /^rlLab\.run:(stopped|interrupted)/`).
 */
export function runContextValue(run: RunSummary): string {
  return `rlLab.run:${displayStatus(run)}${run.starred ? ':starred' : ''}`;
}

/** Context values of the group rows. */
export const GROUP_CONTEXT = { file: 'rlLab.runFile', experiment: 'rlLab.runExperiment' } as const;

/** What a screen reader says for a run row; also how the e2e suite finds a run's row. */
export function runAccessibilityLabel(run: RunSummary, now: Date): string {
  return `${run.experiment} run ${run.id}, ${runDescription(run, now)}`;
}
