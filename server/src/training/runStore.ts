/**
 * The run store: one folder per run under `<workspace>/.rl-lab/runs/<run-id>/` holding
 *   run.json       the RunSummary, rewritten atomically (temp file + rename) on every change
 *   config.yaml    the fully resolved config the run trained with
 *   metrics.jsonl  one MetricRow per line, appended as training logs
 *   playback.json  an evaluation episode of the final policy (PlaybackEpisode), when recorded
 *   normalization.json  VecNormalize statistics, with `normalize` on (normalizationFile.ts)
 *
 * Written by whichever process trains (the worker child or the CLI) and read by the
 * language server. Readers never throw on a damaged folder: a run killed mid-write leaves
 * a torn last line in metrics.jsonl, and that line is skipped.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { stringify } from 'yaml';
import { isPlaybackEpisode, type MetricRow, type PlaybackEpisode, type RunStatus, type RunSummary } from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import { gitInfo } from './gitInfo';
import { version as packageVersion } from '../../../package.json';

export const RUN_FILE = 'run.json';
export const CONFIG_FILE = 'config.yaml';
export const METRICS_FILE = 'metrics.jsonl';
export const PLAYBACK_FILE = 'playback.json';

/** Where runs live inside a workspace. */
export function defaultRunsDir(workspaceRoot: string): string {
  return join(workspaceRoot, '.rl-lab', 'runs');
}

/**
 * What run.json holds beyond the RunSummary: the pid of the process that trains the run, so
 * a language server starting later can tell a run whose trainer died (-> 'interrupted') from
 * one still training in another window or in the CLI.
 */
export interface StoredRun extends RunSummary {
  pid?: number;
}

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'completed', 'failed', 'stopped', 'interrupted'];

/** Keeps a name usable as one path segment on every OS. */
function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'run';
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * `cartpole-ppo_CartPole-v1_ppo_s1_20261121-073512_ab12`: experiment, env, algo, seed and UTC
 * start time (CleanRL's run-name convention), plus a short random suffix so two runs started
 * in the same second never share a folder.
 */
export function makeRunId(config: Pick<ResolvedConfig, 'experiment' | 'env' | 'algo' | 'seed'>, now = new Date()): string {
  const suffix = randomBytes(2).toString('hex');
  return [safeSegment(config.experiment), safeSegment(config.env), config.algo, `s${config.seed}`, timestamp(now), suffix].join('_');
}

/** True when `id` names a folder directly inside the runs dir (no separators, no `..`). */
export function isValidRunId(id: string): boolean {
  return id.length > 0 && !id.includes('/') && !id.includes('\\') && id !== '.' && id !== '..';
}

/** Writes through a temp file and a rename, so readers see the old or the new file, never half. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export function writeRunSummary(runDir: string, run: StoredRun): void {
  writeFileAtomic(join(runDir, RUN_FILE), JSON.stringify(run, null, 2) + '\n');
}

/** Strips the store-only fields for the protocol. */
export function toSummary(run: StoredRun): RunSummary {
  const { pid: _pid, ...summary } = run;
  return summary;
}

/** Reads run.json; throws with a readable message when it is missing or not a run record. */
export function readRunSummary(runDir: string): StoredRun {
  const text = readFileSync(join(runDir, RUN_FILE), 'utf8');
  const data: unknown = JSON.parse(text);
  if (!isStoredRun(data)) throw new Error(`${join(runDir, RUN_FILE)}: not a run record`);
  // The folder is the truth about where the run lives (the workspace may have moved).
  return { ...data, runDir };
}

function isStoredRun(data: unknown): data is StoredRun {
  if (typeof data !== 'object' || data === null) return false;
  const r = data as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.experiment === 'string' &&
    typeof r.algo === 'string' &&
    typeof r.env === 'string' &&
    typeof r.startTime === 'string' &&
    typeof r.status === 'string' &&
    (RUN_STATUSES as readonly string[]).includes(r.status)
  );
}

export interface CreateRunOptions {
  runsDir: string;
  /** Workspace root, to record `file` relative to it. */
  workspaceRoot: string;
  filePath: string;
  config: ResolvedConfig;
  status?: RunStatus;
  /** The process that owns the run until its trainer takes over (see StoredRun.pid). */
  pid?: number;
  now?: Date;
}

/** Creates the run folder with run.json, config.yaml and an empty metrics.jsonl. */
export function createRun(opts: CreateRunOptions): StoredRun {
  const now = opts.now ?? new Date();
  const { config } = opts;
  const git = gitInfo(opts.filePath);
  mkdirSync(opts.runsDir, { recursive: true });
  let id = makeRunId(config, now);
  // The random suffix makes a clash unlikely; mkdir without `recursive` makes it impossible.
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(join(opts.runsDir, id));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) throw e;
      id = makeRunId(config, now);
    }
  }
  const runDir = join(opts.runsDir, id);
  const run: StoredRun = {
    id,
    experiment: config.experiment,
    file: workspaceRelative(opts.workspaceRoot, opts.filePath),
    algo: config.algo,
    env: config.env,
    seed: config.seed,
    status: opts.status ?? 'running',
    startTime: now.toISOString(),
    packageVersion,
    ...(git ? { gitCommit: git.commit, gitDirty: git.dirty } : {}),
    globalStep: 0,
    totalSteps: config.n_timesteps,
    runDir,
    ...(opts.pid !== undefined ? { pid: opts.pid } : {}),
  };
  writeFileAtomic(join(runDir, CONFIG_FILE), configYaml(config, run));
  writeFileSync(join(runDir, METRICS_FILE), '');
  writeRunSummary(runDir, run);
  return run;
}

function workspaceRelative(root: string, file: string): string {
  const rel = relative(root, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}

function configYaml(config: ResolvedConfig, run: RunSummary): string {
  const header = [
    `# Resolved config of run ${run.id}: every default filled in, as trained.`,
    `# From ${run.file}#${run.experiment}, started ${run.startTime}.`,
    '# To rerun it, put these keys (all but `experiment`) under an experiment name in a *.rl.yaml file.',
  ];
  return header.join('\n') + '\n' + stringify(config);
}

export function readConfigYaml(runDir: string): string | undefined {
  const path = join(runDir, CONFIG_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** Appends metric rows to a run's metrics.jsonl through one open file descriptor. */
export class MetricsWriter {
  private fd: number | undefined;

  constructor(runDir: string) {
    this.fd = openSync(join(runDir, METRICS_FILE), 'a');
  }

  /**
   * One `write` per row and no buffering in this process: a crash loses at most the row
   * being written, which readers then skip as a torn line.
   */
  append(row: MetricRow): void {
    if (this.fd === undefined) throw new Error('metrics writer is closed');
    writeSync(this.fd, JSON.stringify(row) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Parses one metrics line; undefined for a torn or foreign line. Non-numeric values (NaN was written as null) are dropped. */
export function parseMetricLine(line: string): MetricRow | undefined {
  if (!line.trim()) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const raw = data as Record<string, unknown>;
  if (typeof raw.step !== 'number' || typeof raw.time !== 'number') return undefined;
  const row: MetricRow = { step: raw.step, time: raw.time };
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'number') row[key] = value;
  return row;
}

/** Every readable row of metrics.jsonl, in file order; unreadable lines (a torn last line) are skipped. */
export function readMetrics(runDir: string): MetricRow[] {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return [];
  const rows: MetricRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const row = parseMetricLine(line);
    if (row) rows.push(row);
  }
  return rows;
}

export interface DamagedRun {
  dir: string;
  error: string;
}

/** Every run in the runs dir, newest first; folders without a readable run.json are reported, not thrown. */
export function listRuns(runsDir: string): { runs: StoredRun[]; damaged: DamagedRun[] } {
  const runs: StoredRun[] = [];
  const damaged: DamagedRun[] = [];
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return { runs, damaged };
  }
  for (const name of names) {
    const dir = join(runsDir, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      runs.push(readRunSummary(dir));
    } catch (e) {
      damaged.push({ dir, error: e instanceof Error ? e.message : String(e) });
    }
  }
  runs.sort((a, b) => (a.startTime < b.startTime ? 1 : a.startTime > b.startTime ? -1 : a.id < b.id ? 1 : -1));
  return { runs, damaged };
}

/** Writes playback.json (atomically: the dashboard may read it while it is written). */
export function writePlayback(runDir: string, episode: PlaybackEpisode): void {
  writeFileAtomic(join(runDir, PLAYBACK_FILE), JSON.stringify(episode) + '\n');
}

/** The run's evaluation episode; null when there is none or the file is not a PlaybackEpisode. */
export function readPlayback(runDir: string): PlaybackEpisode | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(runDir, PLAYBACK_FILE), 'utf8'));
  } catch {
    return null;
  }
  return isPlaybackEpisode(data) ? data : null;
}
