/**
 * Entry of the training child process (`dist/worker.js`), forked by the RunManager so that
 * training never blocks the language server's event loop. It waits for one `start`
 * message, trains and records the run itself (metrics.jsonl and run.json are complete even
 * if the server dies), mirrors what it records to the parent, and exits when done.
 *
 * Ending early: a `stop` message or SIGTERM finishes the current rollout and records
 * 'stopped'; losing the parent records 'interrupted'; an uncaught error records 'failed'.
 */
import type { MetricRow, RunStatus } from '../protocol/types';
import { errorMessage, trainAndRecord } from './recordRun';
import { BACKEND_ENV_VAR, selectBackend } from './engine';
import { evaluateRun } from './evaluateRun';
import { readRunSummary, toSummary, writeRunSummary } from './runStore';
import { isToWorker, type FromWorker, type ToWorker } from './workerMessages';

let runDir: string | undefined;
let stopRequested = false;
let parentGone = false;
let evaluating = false;

function send(message: FromWorker, then?: () => void): void {
  if (process.send && process.connected) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

async function start(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  if (runDir) return; // one run per process
  runDir = message.runDir;
  const { run } = await trainAndRecord({
    runDir,
    config: message.config,
    backend: message.backend,
    resume: message.resume === true,
    shouldStop: () => stopRequested,
    stoppedAs: (): RunStatus => (parentGone ? 'interrupted' : 'stopped'),
    events: {
      status: (r) => send({ type: 'status', run: toSummary(r) }),
      metrics: (row: MetricRow) => send({ type: 'metrics', rows: [row] }),
      progress: (globalStep, totalSteps, meanReturn) =>
        send({ type: 'progress', globalStep, totalSteps, ...(meanReturn !== undefined ? { meanReturn } : {}) }),
    },
  });
  // The final status is on disk already; wait for the IPC queue to drain so the parent also
  // sees it, then leave (a backend may hold handles that would keep the process alive).
  send({ type: 'status', run: toSummary(run) }, () => process.exit(0));
}

/** Evaluation of a saved policy: one job, answered over IPC, then exit. */
async function evaluate(message: Extract<ToWorker, { type: 'evaluate' }>): Promise<void> {
  evaluating = true;
  try {
    await selectBackend(message.backend ?? process.env[BACKEND_ENV_VAR]);
    const result = await evaluateRun(message.runDir, message.episodes);
    send({ type: 'evaluation', result }, () => process.exit(0));
  } catch (e) {
    send({ type: 'error', message: errorMessage(e) }, () => process.exit(1));
  }
}

/** Last resort: record the failure in run.json so the run is never left 'running'. */
function fail(error: unknown): void {
  // On stderr too: the parent quotes its `Error: ...` line if run.json cannot be written.
  console.error(error);
  try {
    if (runDir) {
      const run = readRunSummary(runDir);
      if (run.status === 'running' || run.status === 'queued') {
        const failed = { ...run, status: 'failed' as const, endTime: new Date().toISOString(), error: errorMessage(error) };
        writeRunSummary(runDir, failed);
        send({ type: 'status', run: toSummary(failed) }, () => process.exit(1));
        return;
      }
    }
  } catch {
    // Nothing more to record; the parent reports the exit code.
  }
  process.exit(1);
}

process.on('message', (message: unknown) => {
  if (!isToWorker(message)) return;
  if (message.type === 'start') start(message).catch(fail);
  else if (message.type === 'evaluate') void evaluate(message);
  else stopRequested = true;
});
process.on('SIGTERM', () => {
  stopRequested = true;
});
process.on('disconnect', () => {
  parentGone = true;
  stopRequested = true;
  // Nothing asked us to train: leave at once.
  if (!runDir && !evaluating) process.exit(0);
});
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
