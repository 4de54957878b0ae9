/**
 * `rl-lab train`: loads one experiment, creates its run folder where the editor would, and
 * trains in this process with the same engine and the same recorder as the language
 * server's worker, so the run folder is identical whoever started it.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { formatConfigError, loadExperimentConfig, type ConfigError } from '../experiments';
import { errorMessage, trainAndRecord } from '../training/recordRun';
import { createRun, defaultRunsDir, readRunSummary, toSummary, writeRunSummary } from '../training/runStore';
import type { TrainCommand } from './args';
import type { ResolvedConfig } from '../schema';
import { oneLine } from './options';
import { HumanReporter, JsonReporter, type Reporter } from './reporters';
import { workspaceRootOf } from './workspace';

/** Bad input (file, experiment, config): reported as exactly one line on stderr, exit code 2. */
export class InputError extends Error {}

/** Exit codes: 0 completed, 1 failed or interrupted, 130 stopped by Ctrl-C (128 + SIGINT, the shell convention). */
export const EXIT = { completed: 0, failed: 1, usage: 2, stopped: 130 } as const;

export async function train(cmd: TrainCommand): Promise<number> {
  const filePath = resolve(cmd.file);
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${displayPath(filePath)}: ${code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? errorMessage(e)})`}`);
  }
  const loaded = loadExperimentConfig(text, filePath, cmd.experiment, cmd.overrides);
  if ('error' in loaded) throw new InputError(configErrorLine(loaded.error));
  const { config, warnings } = loaded;
  // Warnings (keys accepted but ignored, values outside the usual range) do not stop a run.
  for (const w of warnings) process.stderr.write(`warning: ${configErrorLine(w)}\n`);

  const workspaceRoot = workspaceRootOf(filePath);
  const runsDir = cmd.runsDir ? resolve(cmd.runsDir) : defaultRunsDir(workspaceRoot);
  // Training the experiment itself ignores its sweep (`rl-lab sweep` runs the combinations).
  const { sweep: _sweep, ...trained } = config;
  const created = createRun({ runsDir, workspaceRoot, filePath, config: trained, pid: process.pid });
  return trainInProcess({ runDir: created.runDir, config: trained, backend: cmd.backend, json: cmd.json });
}

/**
 * Trains (or, with `resume`, continues) the run in `runDir` in this process, printing progress
 * with the reporter; Ctrl-C stops after the current rollout, twice quits at once. Returns the
 * exit code.
 */
export async function trainInProcess(opts: { runDir: string; config: ResolvedConfig; backend?: string; json: boolean; resume?: boolean }): Promise<number> {
  const { config } = opts;
  const created = { runDir: opts.runDir };
  const cmd = { backend: opts.backend };
  const reporter: Reporter = opts.json ? new JsonReporter() : new HumanReporter();

  let stopRequested = false;
  const onSigint = () => {
    if (!stopRequested) {
      stopRequested = true;
      reporter.stopping();
      return;
    }
    // Second Ctrl-C: quit now. Metrics are on disk already; record the stop before leaving.
    try {
      const run = readRunSummary(created.runDir);
      const { pid: _pid, ...rest } = run;
      writeRunSummary(created.runDir, { ...rest, status: 'stopped', endTime: new Date().toISOString(), error: 'quit during a rollout' });
    } finally {
      process.exit(EXIT.stopped);
    }
  };
  process.on('SIGINT', onSigint);

  let trainStart = 0;
  const { run, result } = await trainAndRecord({
    runDir: created.runDir,
    config,
    ...(cmd.backend ? { backend: cmd.backend } : {}),
    ...(opts.resume ? { resume: true } : {}),
    shouldStop: () => stopRequested,
    events: {
      status(r) {
        if (trainStart === 0 && r.status === 'running' && r.backend) {
          trainStart = Date.now();
          reporter.start(toSummary(r), config);
        }
      },
      progress(globalStep, totalSteps, meanReturn) {
        const seconds = (Date.now() - trainStart) / 1000;
        reporter.progress(globalStep, totalSteps, meanReturn, seconds > 0 ? globalStep / seconds : 0);
      },
    },
  });
  process.off('SIGINT', onSigint);
  reporter.end({ run: toSummary(run), sps: result?.sps ?? 0 });
  return run.status === 'completed' ? EXIT.completed : run.status === 'stopped' ? EXIT.stopped : EXIT.failed;
}

/** `examples/bad.rl.yaml:12: clip_range: must be > 0 (got -1)`, always on one line. */
export function configErrorLine(error: ConfigError): string {
  return oneLine(formatConfigError({ ...error, file: displayPath(error.file) }));
}

/** Relative to the working directory when the file lies below it, as the user most likely typed it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
