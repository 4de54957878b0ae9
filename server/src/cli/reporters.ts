/**
 * What `rl-lab train` prints while it trains: a progress bar for people, or (with --json)
 * one JSON object per line for scripts. Both get the same events from the train command.
 */
import { SingleBar } from 'cli-progress';
import type { RunSummary } from '../protocol/types';
import type { ResolvedConfig } from '../schema';

export interface EndInfo {
  run: RunSummary;
  sps: number;
}

export interface Reporter {
  /** The run folder exists and the backend is chosen. */
  start(run: RunSummary, config: ResolvedConfig): void;
  progress(globalStep: number, totalSteps: number, meanReturn: number | undefined, sps: number): void;
  /** A stop was requested (Ctrl-C); training ends after the current rollout. */
  stopping(): void;
  end(info: EndInfo): void;
}

/** --json: the `start`, `progress` and `end` events, snake_case keys, one object per line on stdout. */
export class JsonReporter implements Reporter {
  /** Progress lines at most this often, so a fast run does not flood the pipe. */
  private static readonly PROGRESS_MS = 1000;
  private lastProgress = 0;

  start(run: RunSummary, config: ResolvedConfig): void {
    this.emit({
      event: 'start',
      run_id: run.id,
      experiment: run.experiment,
      file: run.file,
      backend: run.backend,
      backend_notes: run.backendNotes ?? [],
      run_dir: run.runDir,
      config,
    });
    this.lastProgress = Date.now();
  }

  progress(globalStep: number, totalSteps: number, meanReturn: number | undefined, sps: number): void {
    const now = Date.now();
    if (now - this.lastProgress < JsonReporter.PROGRESS_MS) return;
    this.lastProgress = now;
    this.emit({ event: 'progress', global_step: globalStep, total_steps: totalSteps, mean_return_last_20: meanReturn ?? null, sps: round(sps) });
  }

  stopping(): void {
    this.emit({ event: 'stopping' });
  }

  end({ run, sps }: EndInfo): void {
    this.emit({
      event: 'end',
      run_id: run.id,
      status: run.status,
      global_step: run.globalStep,
      mean_return_last_20: run.meanReturn ?? null,
      sps: round(sps),
      run_dir: run.runDir,
      ...(run.error ? { error: run.error } : {}),
    });
  }

  private emit(event: Record<string, unknown>): void {
    process.stdout.write(JSON.stringify(event) + '\n');
  }
}

/** The default: a few lines about the run and a progress bar (cli-progress, on stderr). */
export class HumanReporter implements Reporter {
  private readonly bar = new SingleBar({
    format: '{bar} {percentage}% | {value}/{total} steps | {sps} SPS | mean return {ret} | {duration_formatted}',
    hideCursor: true,
    fps: 5,
  });
  private barRunning = false;

  start(run: RunSummary, config: ResolvedConfig): void {
    const out = process.stdout;
    out.write(`Run ${run.id}\n`);
    out.write(`  ${config.algo} on ${config.env}, seed ${config.seed}, ${config.n_timesteps} steps, ${config.n_envs} envs\n`);
    out.write(`  backend: ${run.backend ?? 'unknown'}\n`);
    for (const note of run.backendNotes ?? []) out.write(`    skipped ${note}\n`);
    out.write(`  folder: ${run.runDir}\n`);
    this.bar.start(run.totalSteps, 0, { sps: '-', ret: '-' });
    this.barRunning = true;
  }

  progress(globalStep: number, _totalSteps: number, meanReturn: number | undefined, sps: number): void {
    if (!this.barRunning) return;
    this.bar.update(globalStep, { sps: Math.round(sps), ret: meanReturn === undefined ? '-' : meanReturn.toFixed(1) });
  }

  stopping(): void {
    this.stopBar();
    process.stderr.write('Stopping after the current rollout (Ctrl-C again to quit at once)...\n');
  }

  end({ run, sps }: EndInfo): void {
    this.stopBar();
    const ret = run.meanReturn === undefined ? 'no episode finished' : `mean return (last 20) ${run.meanReturn.toFixed(1)}`;
    process.stdout.write(`${run.status}: ${run.globalStep} steps, ${Math.round(sps)} SPS, ${ret}\n`);
    if (run.error) process.stdout.write(`  error: ${run.error}\n`);
    process.stdout.write(`  ${run.runDir}\n`);
  }

  private stopBar(): void {
    if (this.barRunning) this.bar.stop();
    this.barRunning = false;
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
