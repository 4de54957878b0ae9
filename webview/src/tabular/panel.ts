import { TERMINAL_STATUSES, type RunSummary, type TabularValues } from '../../../server/src/protocol/types';
import { isTabularAlgo } from './layout';
import type { ValueTableView } from './view';

/** Least time between two requests for a training run's table (its file is rewritten about once a second). */
export const REFRESH_MS = 1000;

/**
 * Which value table the heatmap shows: the selected run's, when it is a tabular run. Asks the
 * host (`requestValueTable`) when the run is selected, again as its metrics arrive while it
 * trains (at most once per REFRESH_MS, one request in flight), and once more when it ends.
 * No timers: the run's own metric notifications pace the refresh.
 */
export class ValueTablePanel {
  private readonly tables = new Map<string, TabularValues | null>();
  private readonly inFlight = new Set<string>();
  private readonly lastAsked = new Map<string, number>();
  /** Runs whose table was asked for after they ended (the final one). */
  private readonly finalAsked = new Set<string>();
  private selected: RunSummary | undefined;

  constructor(
    private readonly view: ValueTableView,
    private readonly request: (runId: string) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Call whenever the selected run or its status may have changed. */
  update(run: RunSummary | undefined): void {
    this.selected = run;
    if (!run || !isTabularAlgo(run.algo)) {
      this.view.hide();
      return;
    }
    const table = this.tables.get(run.id);
    if (table) this.view.show(run.id, table, run.status === 'running');
    else this.view.hide();
    if (TERMINAL_STATUSES.includes(run.status)) {
      if (!this.finalAsked.has(run.id)) {
        this.finalAsked.add(run.id);
        this.ask(run.id, true);
      }
    } else if (!this.tables.has(run.id)) this.ask(run.id, false);
  }

  /** New metric rows of a run arrived: while it trains, its table has probably moved on too. */
  onMetrics(runId: string): void {
    if (this.selected?.id === runId && isTabularAlgo(this.selected.algo) && !TERMINAL_STATUSES.includes(this.selected.status)) this.ask(runId, false);
  }

  /** The host's answer to a request. */
  receive(runId: string, table: TabularValues | null): void {
    this.inFlight.delete(runId);
    // A late answer without a table must not hide one already shown.
    if (table || !this.tables.get(runId)) this.tables.set(runId, table);
    if (this.selected?.id === runId) this.update(this.selected);
  }

  private ask(runId: string, force: boolean): void {
    const last = this.lastAsked.get(runId);
    if (!force && (this.inFlight.has(runId) || (last !== undefined && this.now() - last < REFRESH_MS))) return;
    this.inFlight.add(runId);
    this.lastAsked.set(runId, this.now());
    this.request(runId);
  }
}
