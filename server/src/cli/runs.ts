/**
 * The run-history commands of `rl-lab`:
 *   rl-lab runs list [--json]                         every run, newest first (damaged ones too)
 *   rl-lab resume RUN [--backend NAME] [--json]       continue from the newest checkpoint, in this process
 *   rl-lab eval RUN [--episodes N] [--record FILE] [--json]   deterministic episodes of the saved policy, recorded
 *                                                     (--record: also their (obs, action) pairs as JSONL, for bc)
 *   rl-lab export [RUN...] --csv FILE [--wide]        metrics of the runs (all when none named) as CSV
 *   rl-lab export RUN... --tfjs                       the policy as a TensorFlow.js layers model
 *   rl-lab sweep FILE#EXPERIMENT [--concurrency N] [--json]   every combination of its `sweep:`
 * RUN is a run id, a unique prefix of one, or the path of a run folder. Runs are looked up in
 * --runs-dir, default `<workspace>/.rl-lab/runs` with the workspace found from the current
 * directory (sweep: from FILE), as for `rl-lab train`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../protocol/types';
import { loadExperimentConfig, sweepConfigs } from '../experiments';
import { DEFAULT_EVAL_EPISODES, evaluateRun } from '../training/evaluateRun';
import { exportPolicy } from '../training/exportPolicy';
import { recordRunDemonstrations, writeDemonstrations } from '../training/algos/bc/demonstrations';
import { RunManager } from '../training/runManager';
import { defaultRunsDir, findRun, listRuns, readMetrics, readRunConfig, readRunSummary, settleOrphans, writeRunSummary } from '../training/runStore';
import { BACKEND_CHOICES } from './args';
import { parseOptions, UsageError } from './options';
import { configErrorLine, EXIT, InputError, trainInProcess } from './train';
import { workspaceRootOf } from './workspace';

export const RUN_COMMANDS = ['runs', 'resume', 'eval', 'export', 'sweep'] as const;
export type RunCommandName = (typeof RUN_COMMANDS)[number];

export function isRunCommand(name: string | undefined): name is RunCommandName {
  return (RUN_COMMANDS as readonly string[]).includes(name ?? '');
}

const OPTIONS = {
  json: { type: 'boolean', default: false },
  'runs-dir': { type: 'string' },
  backend: { type: 'string' },
  episodes: { type: 'string' },
  csv: { type: 'string' },
  wide: { type: 'boolean', default: false },
  tfjs: { type: 'boolean', default: false },
  concurrency: { type: 'string' },
  record: { type: 'string' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parse(argv: readonly string[]): { values: Values; positionals: string[] } {
  const { values, positionals } = parseOptions(argv, OPTIONS);
  return { values: values as Values, positionals };
}

/** `--runs-dir`, else the store of the workspace holding `near` (default: the current directory). */
function runsDirOf(values: Values, near = join(process.cwd(), '.')): string {
  if (values['runs-dir']) return resolve(values['runs-dir']);
  return defaultRunsDir(workspaceRootOf(join(resolve(near), 'x')));
}

function positiveInt(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${flag} expects a whole number >= 1, got '${text}'`);
  return Number(text);
}

export async function runRunCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const { values, positionals } = parse(rest);
  switch (name as RunCommandName) {
    case 'runs':
      if (positionals[0] !== 'list' || positionals.length > 1) throw new UsageError('usage: rl-lab runs list [--json] [--runs-dir DIR]');
      return runsList(runsDirOf(values), values.json === true);
    case 'resume':
      if (positionals.length !== 1) throw new UsageError('usage: rl-lab resume RUN [--backend NAME] [--json]');
      if (values.backend !== undefined && !BACKEND_CHOICES.includes(values.backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}`);
      return resumeRun(runsDirOf(values), positionals[0], values);
    case 'eval':
      if (positionals.length !== 1) throw new UsageError('usage: rl-lab eval RUN [--episodes N] [--record FILE] [--json]');
      return evalRun(runsDirOf(values), positionals[0], positiveInt(values.episodes, '--episodes', DEFAULT_EVAL_EPISODES), values.json === true, values.record);
    case 'export':
      if (!values.csv && !values.tfjs) throw new UsageError('usage: rl-lab export [RUN...] --csv FILE [--wide] | rl-lab export RUN... --tfjs');
      return exportRuns(runsDirOf(values), positionals, values);
    case 'sweep':
      if (positionals.length !== 1) throw new UsageError('usage: rl-lab sweep FILE#EXPERIMENT [--concurrency N] [--json]');
      return sweep(positionals[0], values);
  }
}

// ---------------------------------------------------------------- runs list

function runsList(runsDir: string, json: boolean): number {
  // A run whose trainer was killed is shown (and recorded) as interrupted.
  settleOrphans(runsDir);
  const { runs } = listRuns(runsDir);
  const out = process.stdout;
  if (json) {
    for (const { pid: _pid, ...r } of runs) out.write(JSON.stringify(r) + '\n');
    return EXIT.completed;
  }
  if (!runs.length) {
    out.write(`No runs in ${runsDir}\n`);
    return EXIT.completed;
  }
  const rows = runs.map((r) => [
    r.id,
    r.damaged ? 'damaged' : r.status,
    `${r.globalStep}/${r.totalSteps}`,
    r.meanReturn === undefined ? '-' : r.meanReturn.toFixed(1),
    r.checkpointStep === undefined ? '-' : String(r.checkpointStep),
    r.damaged ?? `${r.algo} ${r.env} seed ${r.seed}${r.sweepId ? ` (${r.sweepId})` : ''}${r.tags?.length ? ` [${r.tags.join(', ')}]` : ''}`,
  ]);
  const header = ['RUN', 'STATUS', 'STEPS', 'RETURN', 'CHECKPOINT', 'WHAT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [header, ...rows]) out.write(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ') + '\n');
  return EXIT.completed;
}

// ---------------------------------------------------------------- resume

async function resumeRun(runsDir: string, ref: string, values: Values): Promise<number> {
  settleOrphans(runsDir);
  const runDir = lookUp(runsDir, ref);
  const run = readRunSummary(runDir);
  if (!['stopped', 'interrupted', 'failed'].includes(run.status)) {
    throw new InputError(`${run.id}: the run is ${run.status}; only stopped, interrupted or failed runs can be resumed`);
  }
  const config = readRunConfig(runDir);
  // This process owns the run from now on (a server starting meanwhile leaves it alone).
  writeRunSummary(runDir, { ...run, status: 'running', pid: process.pid });
  return trainInProcess({ runDir, config, backend: values.backend === 'auto' ? undefined : values.backend, json: values.json === true, resume: true });
}

function lookUp(runsDir: string, ref: string): string {
  try {
    return findRun(runsDir, ref);
  } catch (e) {
    throw new InputError(e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------- eval

async function evalRun(runsDir: string, ref: string, episodes: number, json: boolean, record?: string): Promise<number> {
  const runDir = lookUp(runsDir, ref);
  let result;
  try {
    result = await evaluateRun(runDir, episodes);
    // The same episodes again (same checkpoint, same seeds), this time keeping every (obs, action).
    if (record) writeDemonstrations(resolve(record), await recordRunDemonstrations(runDir, episodes));
  } catch (e) {
    throw new InputError(`${ref}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json) {
    process.stdout.write(JSON.stringify({ event: 'evaluation', run_dir: runDir, ...result }) + '\n');
  } else {
    process.stdout.write(
      `Evaluated the checkpoint at step ${result.step}: ${episodes} deterministic episodes\n` +
        `  mean return ${result.meanReturn.toFixed(2)} ± ${result.stdReturn.toFixed(2)} (min ${result.minReturn.toFixed(2)}, max ${result.maxReturn.toFixed(2)}), mean length ${result.meanLength.toFixed(1)}\n` +
        `  recorded in ${join(runDir, 'evaluations.jsonl')}\n` +
        (record ? `  observation/action pairs of the episodes written to ${resolve(record)}\n` : ''),
    );
  }
  return EXIT.completed;
}

// ---------------------------------------------------------------- export

function exportRuns(runsDir: string, refs: string[], values: Values): number {
  const runDirs = refs.length ? refs.map((r) => lookUp(runsDir, r)) : listRuns(runsDir).runs.filter((r) => !r.damaged).map((r) => r.runDir);
  if (values.tfjs) {
    if (!refs.length) throw new UsageError('export --tfjs: name the runs to export');
    for (const dir of runDirs) {
      try {
        const { modelJson } = exportPolicy(dir);
        process.stdout.write(`${modelJson}\n`);
      } catch (e) {
        throw new InputError(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  if (values.csv) {
    const csv = metricsCsv(runDirs, values.wide === true);
    writeFileSync(resolve(values.csv), csv);
    process.stderr.write(`wrote ${runDirs.length} run${runDirs.length === 1 ? '' : 's'} to ${values.csv}\n`);
  }
  return EXIT.completed;
}

/**
 * Long format (default): `run_id,step,time,metric,value`, one line per metric value, which
 * pandas/R pivot as they like. Wide (`--wide`): `run_id,step,time,<metric>...`, one line per
 * metrics row, empty cells where a row lacks a metric. `time` is ms since the epoch.
 */
export function metricsCsv(runDirs: string[], wide: boolean): string {
  const lines: string[] = [];
  const runs = runDirs.map((dir) => ({ id: runIdOf(dir), rows: readMetrics(dir) }));
  if (!wide) {
    lines.push('run_id,step,time,metric,value');
    for (const { id, rows } of runs) {
      for (const row of rows) {
        for (const [k, v] of Object.entries(row)) if (k !== 'step' && k !== 'time') lines.push([csvCell(id), row.step, row.time, csvCell(k), v].join(','));
      }
    }
  } else {
    const metrics = [...new Set(runs.flatMap((r) => r.rows.flatMap((row) => Object.keys(row))))].filter((k) => k !== 'step' && k !== 'time').sort();
    lines.push(['run_id', 'step', 'time', ...metrics.map(csvCell)].join(','));
    for (const { id, rows } of runs) {
      for (const row of rows) lines.push([csvCell(id), row.step, row.time, ...metrics.map((m) => (row[m] === undefined ? '' : String(row[m])))].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function runIdOf(dir: string): string {
  try {
    return readRunSummary(dir).id;
  } catch {
    return dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  }
}

/** RFC 4180 quoting when needed. */
function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---------------------------------------------------------------- sweep

async function sweep(target: string, values: Values): Promise<number> {
  const hash = target.lastIndexOf('#');
  const file = resolve(hash >= 0 ? target.slice(0, hash) : target);
  const experiment = hash >= 0 ? target.slice(hash + 1) : undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${target}: file not found`);
  }
  const load = (overrides: string[]) => loadExperimentConfig(text, file, experiment, overrides);
  const base = load([]);
  if ('error' in base) throw new InputError(configErrorLine(base.error));
  const expanded = sweepConfigs(base.config, load);
  if ('error' in expanded) {
    const e = expanded.error;
    throw new InputError(typeof e === 'string' ? `${target}: ${e}` : configErrorLine(e));
  }
  const concurrency = positiveInt(values.concurrency, '--concurrency', 2);
  const workspaceRoot = workspaceRootOf(file);
  const manager = new RunManager({
    workspaceRoot,
    // dist/cli.js runs the workers of dist/worker.js, as the language server does.
    workerPath: join(__dirname, 'worker.js'),
    ...(values['runs-dir'] ? { runsDir: resolve(values['runs-dir']) } : {}),
    ...(values.backend && values.backend !== 'auto' ? { backend: values.backend } : {}),
    maxConcurrentRuns: concurrency,
  });
  const json = values.json === true;
  const ids = new Set<string>();
  const finished = new Map<string, RunSummary>();
  const emit = (event: Record<string, unknown>) => process.stdout.write(JSON.stringify(event) + '\n');
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  manager.onStatus((s) => {
    if (!ids.has(s.id) || finished.has(s.id)) return;
    if (['completed', 'failed', 'stopped', 'interrupted'].includes(s.status)) {
      finished.set(s.id, s);
      if (json) emit({ event: 'end', run_id: s.id, status: s.status, global_step: s.globalStep, mean_return_last_20: s.meanReturn ?? null, sweep_params: s.sweepParams, run_dir: s.runDir });
      else process.stdout.write(`${s.status.padEnd(11)} ${s.id}  ${JSON.stringify(s.sweepParams)}  mean return ${s.meanReturn?.toFixed(1) ?? '-'}\n`);
      if (finished.size === ids.size) resolveDone();
    } else if (s.status === 'running' && json) emit({ event: 'running', run_id: s.id });
  });
  const { sweepId, runs } = manager.sweep({ filePath: file, experiment: base.config.experiment, trials: expanded.trials });
  for (const r of runs) ids.add(r.id);
  if (json) emit({ event: 'sweep', sweep_id: sweepId, runs: runs.map((r) => ({ run_id: r.id, sweep_params: r.sweepParams })), concurrency });
  else process.stdout.write(`Sweep ${sweepId}: ${runs.length} runs, ${concurrency} at a time\n`);
  const onSigint = () => {
    for (const id of ids) manager.stop(id);
  };
  process.on('SIGINT', onSigint);
  if (runs.every((r) => finished.has(r.id))) resolveDone();
  await done;
  process.off('SIGINT', onSigint);
  manager.dispose();
  const statuses = [...finished.values()].map((s) => s.status);
  if (json) emit({ event: 'sweep-end', sweep_id: sweepId, completed: statuses.filter((s) => s === 'completed').length, total: runs.length });
  return statuses.every((s) => s === 'completed') ? EXIT.completed : statuses.includes('stopped') ? EXIT.stopped : EXIT.failed;
}
