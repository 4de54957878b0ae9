import type { RunSummary } from '../../server/src/protocol/types';
import type { RunSeries } from './data/runSeries';

/**
 * CSV of the chosen runs and metrics, every stored row (not the decimated display):
 * `run_id,experiment,seed,step,time,<metric>...`, one line per row that logged any of the
 * metrics; an empty cell where a row did not log a metric (RFC 4180 quoting).
 */
export function metricsCsv(runs: readonly { run: RunSummary; series: RunSeries }[], metrics: readonly string[]): string {
  const lines = [['run_id', 'experiment', 'seed', 'step', 'time', ...metrics].map(csvCell).join(',')];
  for (const { run, series } of runs) {
    const cols = metrics.map((m) => series.column(m));
    const prefix = [run.id, run.experiment, String(run.seed)].map(csvCell).join(',');
    for (let i = 0; i < series.length; i++) {
      let any = false;
      const cells: string[] = [];
      for (const col of cols) {
        const v = col ? col[i] : Number.NaN;
        if (Number.isNaN(v)) cells.push('');
        else {
          any = true;
          cells.push(String(v));
        }
      }
      if (any) lines.push(`${prefix},${series.steps[i]},${series.times[i]},${cells.join(',')}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
