import * as vscode from 'vscode';
import type { RunSummary } from '../../../server/src/protocol';
import type { TrainingServer } from '../client';
import { compareRuns } from './format';

/**
 * The runs the extension knows about: loaded with `ListRunsRequest` (the run store on disk)
 * and kept current by `RunStatusNotification`. The tree and the commands read it.
 */
export class RunsModel implements vscode.Disposable {
  private readonly runs = new Map<string, RunSummary>();
  private readonly changeEmitter = new vscode.EventEmitter<RunSummary | undefined>();
  /** A run changed (its summary), or `undefined` when the whole list was reloaded. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly server: TrainingServer) {
    this.subscriptions = [
      server.onRunStatus((run) => this.upsert(run)),
      // A fresh server process (start, crash recovery, restart) may know different runs. A
      // failure here means the server went down again; the language client reports that.
      server.onDidStart(() => void this.refresh().catch(() => undefined)),
    ];
  }

  list(): RunSummary[] {
    return [...this.runs.values()].sort(compareRuns);
  }

  get(id: string): RunSummary | undefined {
    return this.runs.get(id);
  }

  upsert(run: RunSummary): void {
    this.runs.set(run.id, run);
    this.changeEmitter.fire(run);
  }

  /** A deleted run leaves the list (the server sends no status for a run that is gone). */
  remove(id: string): void {
    if (this.runs.delete(id)) this.changeEmitter.fire(undefined);
  }

  async refresh(): Promise<void> {
    const runs = await this.server.listRuns();
    this.runs.clear();
    for (const run of runs) this.runs.set(run.id, run);
    this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
  }
}
