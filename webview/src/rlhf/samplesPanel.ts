import { TERMINAL_STATUSES, type RunSummary, type SamplesRow } from '../../../server/src/protocol/types';
import { SAMPLING_ALGOS } from './metrics';
import type { SamplesView } from './samplesView';

/** Least time between two requests for a training run's new samples. */
export const SAMPLES_REFRESH_MS = 1000;

/**
 * Which sampled completions the samples table shows: the selected run's, when it logged any
 * (an RLHF run; `samples.jsonl`). Asks the host (`requestSamples`) when such a run is
 * selected, then only for rows after the last step it holds as the run's metrics arrive (at
 * most once per SAMPLES_REFRESH_MS, one request in flight), and once more when it ends. No
 * timers: the run's own metric notifications pace the refresh, as for the value table.
 */
export class SamplesPanel {
  private readonly rows = new Map<string, SamplesRow[]>();
  private readonly inFlight = new Set<string>();
  private readonly lastAsked = new Map<string, number>();
  private readonly finalAsked = new Set<string>();
  private selected: RunSummary | undefined;

  constructor(
    private readonly view: SamplesView,
    private readonly request: (runId: string, afterStep: number | undefined) => void,
    /** Whether a run may have samples beyond its algorithm (it logs RLHF metrics). */
    private readonly looksRlhf: (run: RunSummary) => boolean,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Call whenever the selected run or its status may have changed. */
  update(run: RunSummary | undefined): void {
    this.selected = run;
    if (!run || !this.wanted(run)) {
      this.view.hide();
      return;
    }
    const held = this.rows.get(run.id);
    if (held && held.length > 0) this.view.show(run, held, !TERMINAL_STATUSES.includes(run.status));
    else this.view.hide();
    if (held === undefined) this.ask(run.id, true);
    else if (TERMINAL_STATUSES.includes(run.status) && !this.finalAsked.has(run.id) && !this.inFlight.has(run.id)) {
      // After any answer in flight (it may predate the last rows): `receive` calls back here.
      this.finalAsked.add(run.id);
      this.ask(run.id, true);
    }
  }

  /** New metric rows of a run arrived: while it trains, it has probably logged samples too. */
  onMetrics(runId: string): void {
    const run = this.selected;
    if (run?.id === runId && this.rows.has(runId) && this.wanted(run) && !TERMINAL_STATUSES.includes(run.status)) this.ask(runId, false);
  }

  /** The host's answer: every row (`afterStep` undefined) or the rows after `afterStep`. */
  receive(runId: string, rows: readonly SamplesRow[], afterStep: number | undefined): void {
    this.inFlight.delete(runId);
    const held = afterStep === undefined ? [] : [...(this.rows.get(runId) ?? [])];
    let last = held.length ? held[held.length - 1].step : -Infinity;
    for (const row of rows) {
      // Answers may overlap (a full read after a partial one): keep steps increasing.
      if (row.step > last) {
        held.push(row);
        last = row.step;
      }
    }
    this.rows.set(runId, held);
    if (this.selected?.id === runId) this.update(this.selected);
  }

  private wanted(run: RunSummary): boolean {
    return SAMPLING_ALGOS.includes(run.algo) || this.looksRlhf(run) || (this.rows.get(run.id)?.length ?? 0) > 0;
  }

  private ask(runId: string, force: boolean): void {
    const last = this.lastAsked.get(runId);
    if (this.inFlight.has(runId) || (!force && last !== undefined && this.now() - last < SAMPLES_REFRESH_MS)) return;
    this.inFlight.add(runId);
    this.lastAsked.set(runId, this.now());
    const held = this.rows.get(runId);
    this.request(runId, held && held.length > 0 ? held[held.length - 1].step : undefined);
  }
}
