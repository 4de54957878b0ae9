/**
 * The runs the code lenses show (Stop, Last run), kept per experiment file, and the refresh
 * of the lenses when runs change: the client is asked to re-request lenses
 * (workspace/codeLens/refresh) at once when a run starts or ends, and at most every
 * REFRESH_MS while runs only progress (the Stop lens shows the progress).
 */
import * as path from 'node:path';
import type { RunSummary } from '../protocol';
import type { LensRuns } from './codeLens';
import { filePathFromUri } from './document';

export const REFRESH_MS = 2000;

export class RunLensIndex {
  private runs: RunSummary[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;

  constructor(
    private readonly opts: {
      /** Every run in the store, newest first (RunManager.list). */
      list: () => RunSummary[];
      workspaceRoot: () => string;
      /** Asks the client to re-request code lenses; undefined when it cannot. */
      refresh?: () => void;
    },
  ) {}

  /** The runs of one experiment file, by experiment, newest first. */
  forDocument(uri: string): LensRuns {
    let all: RunSummary[];
    try {
      all = this.runs ??= this.opts.list();
    } catch {
      all = [];
    }
    const file = path.resolve(filePathFromUri(uri));
    const root = this.opts.workspaceRoot();
    const mine = all.filter((r) => path.resolve(root, r.file) === file);
    return { runsOf: (experiment) => mine.filter((r) => r.experiment === experiment) };
  }

  /** A RunStatus notification: update the cached run and refresh the lenses. */
  update(run: RunSummary): void {
    if (!this.runs) return void this.scheduleRefresh(true);
    const i = this.runs.findIndex((r) => r.id === run.id);
    const statusChanged = i < 0 || this.runs[i].status !== run.status;
    if (i < 0) this.runs.unshift(run);
    else this.runs[i] = run;
    this.scheduleRefresh(statusChanged);
  }

  /** Forget the cache (runs deleted or added behind the manager's back). */
  invalidate(): void {
    this.runs = undefined;
    this.scheduleRefresh(true);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleRefresh(now: boolean): void {
    const refresh = this.opts.refresh;
    if (!refresh) return;
    const wait = now ? 0 : Math.max(0, this.lastRefresh + REFRESH_MS - Date.now());
    if (this.timer) {
      if (!now) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRefresh = Date.now();
      refresh();
    }, wait);
  }
}
