/**
 * The run store: one folder per run under `<workspace>/.rl-lab/runs/<run-id>/` holding
 *   run.json       the RunSummary, rewritten atomically (temp file + rename) on every change
 *   config.yaml    the fully resolved config the run trained with
 *   metrics.jsonl  one MetricRow per line, appended as training logs
 *   playback.json  an evaluation episode of the final policy (PlaybackEpisode), when recorded
 *   normalization.json  VecNormalize statistics, with `normalize` on (normalizationFile.ts)
 *   checkpoints/   step-<env step>.json: periodic and final checkpoints (checkpointStore.ts)
 *   evaluations.jsonl   one EvaluationResult per line (evaluateRun.ts)
 *   metrics.rewound.jsonl  rows logged after the checkpoint a resume continued from
 *   export/tfjs/   model.json + weights.bin, the policy as a TensorFlow.js layers model
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
import { arch, cpus, release, totalmem, type as osType } from 'node:os';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  isPlaybackEpisode,
  type EvaluationResult,
  type MachineSummary,
  type MetricRow,
  type PlaybackEpisode,
  type RunStatus,
  type RunSummary,
} from '../protocol/types';
import type { ResolvedConfig } from '../schema';
import { gitInfo } from './gitInfo';
import { version as packageVersion } from '../../../package.json';

export const RUN_FILE = 'run.json';
export const CONFIG_FILE = 'config.yaml';
export const METRICS_FILE = 'metrics.jsonl';
export const PLAYBACK_FILE = 'playback.json';
export const EVALUATIONS_FILE = 'evaluations.jsonl';
/** Rows a resume discarded (logged after the checkpoint it continued from), kept rather than deleted. */
export const REWOUND_METRICS_FILE = 'metrics.rewound.jsonl';

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

/**
 * Fields of run.json written by others than the trainer (the user's star and tags through
 * SetRunMeta, the newest evaluation), which a trainer saving progress must not undo.
 */
const USER_FIELDS = ['starred', 'tags', 'evaluation'] as const;

/**
 * Rewrites run.json. The USER_FIELDS are taken from the file on disk, so a trainer saving
 * progress never undoes a star set meanwhile by the server; `replaceMeta` (SetRunMeta,
 * evaluation) writes the given ones instead. Returns what was written.
 */
export function writeRunSummary(runDir: string, run: StoredRun, opts: { replaceMeta?: boolean } = {}): StoredRun {
  let written = run;
  if (!opts.replaceMeta) {
    let onDisk: Partial<StoredRun> | undefined;
    try {
      onDisk = JSON.parse(readFileSync(join(runDir, RUN_FILE), 'utf8')) as Partial<StoredRun>;
    } catch {
      onDisk = undefined;
    }
    if (onDisk) {
      written = { ...run };
      for (const key of USER_FIELDS) {
        if (onDisk[key] !== undefined) (written as unknown as Record<string, unknown>)[key] = onDisk[key];
        else delete (written as unknown as Record<string, unknown>)[key];
      }
    }
  }
  writeFileAtomic(join(runDir, RUN_FILE), JSON.stringify(written, null, 2) + '\n');
  return written;
}

/** Stars or tags a run (SetRunMeta). */
export function setRunMeta(runDir: string, meta: { starred?: boolean; tags?: string[] }): StoredRun {
  const run = readRunSummary(runDir);
  const next: StoredRun = { ...run };
  if (meta.starred !== undefined) next.starred = meta.starred;
  if (meta.tags !== undefined) next.tags = [...new Set(meta.tags.map((t) => t.trim()).filter(Boolean))];
  return writeRunSummary(runDir, next, { replaceMeta: true });
}

/**
 * Keeps `bestMeanReturn` the highest `meanReturn` (mean of the last 20 episodic returns) the run
 * has reported, so "best" and "last" in the Runs tree are the same measure and best >= last.
 */
export function withBestMeanReturn<T extends RunSummary>(run: T): T {
  const last = run.meanReturn;
  if (last === undefined || !Number.isFinite(last)) return run;
  if (run.bestMeanReturn !== undefined && run.bestMeanReturn >= last) return run;
  return { ...run, bestMeanReturn: last };
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
  /** A sweep combination: the sweep's id, the values it set, and tags. */
  sweepId?: string;
  sweepParams?: Record<string, unknown>;
  tags?: string[];
}

/** A short summary of this machine for the reproducibility record. */
export function machineSummary(): MachineSummary {
  const cpuList = cpus();
  return {
    os: `${osType()} ${release()} ${arch()}`,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
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
    configFile: CONFIG_FILE,
    versions: { rlLab: packageVersion, node: process.versions.node },
    machine: machineSummary(),
    ...(opts.sweepId ? { sweepId: opts.sweepId } : {}),
    ...(opts.sweepParams ? { sweepParams: opts.sweepParams } : {}),
    ...(opts.tags?.length ? { tags: opts.tags } : {}),
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

/** The resolved config the run trained with (config.yaml); throws a readable error when missing or damaged. */
export function readRunConfig(runDir: string): ResolvedConfig {
  const path = join(runDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${CONFIG_FILE} is missing`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw new Error(`${CONFIG_FILE} is not valid YAML (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
  const c = data as Partial<ResolvedConfig> | null;
  const ok =
    !!c &&
    typeof c.algo === 'string' &&
    typeof c.env === 'string' &&
    typeof c.n_timesteps === 'number' &&
    typeof c.n_envs === 'number' &&
    typeof c.seed === 'number' &&
    typeof c.hyperparameters === 'object' &&
    c.hyperparameters !== null &&
    typeof c.policy_kwargs === 'object';
  if (!ok) throw new Error(`${CONFIG_FILE} is not a resolved config (algo, env, n_timesteps, n_envs, seed, policy_kwargs, hyperparameters)`);
  return c as ResolvedConfig;
}

/**
 * Before a resume: keeps the rows of metrics.jsonl up to `step` (the checkpoint's env step)
 * and moves later ones to metrics.rewound.jsonl, so the resumed run appends with continuing,
 * strictly increasing steps and nothing logged is deleted. A torn line is dropped. Rewritten
 * atomically. Returns how many rows were kept and moved.
 */
export function rewindMetrics(runDir: string, step: number): { kept: number; moved: number } {
  const path = join(runDir, METRICS_FILE);
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    text = '';
  }
  const kept: string[] = [];
  const moved: string[] = [];
  for (const line of text.split('\n')) {
    const row = parseMetricLine(line);
    if (!row) continue;
    (row.step <= step ? kept : moved).push(line);
  }
  if (moved.length) {
    const fd = openSync(join(runDir, REWOUND_METRICS_FILE), 'a');
    try {
      writeSync(fd, moved.join('\n') + '\n');
    } finally {
      closeSync(fd);
    }
  }
  writeFileAtomic(path, kept.length ? kept.join('\n') + '\n' : '');
  return { kept: kept.length, moved: moved.length };
}

/** Appends an evaluation to evaluations.jsonl. */
export function appendEvaluation(runDir: string, evaluation: EvaluationResult): void {
  const fd = openSync(join(runDir, EVALUATIONS_FILE), 'a');
  try {
    writeSync(fd, JSON.stringify(evaluation) + '\n');
  } finally {
    closeSync(fd);
  }
}

/** Every recorded evaluation, oldest first (unreadable lines skipped). */
export function readEvaluations(runDir: string): EvaluationResult[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, EVALUATIONS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: EvaluationResult[] = [];
  for (const line of text.split('\n')) {
    try {
      const e = JSON.parse(line) as EvaluationResult;
      if (typeof e.meanReturn === 'number' && Array.isArray(e.returns)) out.push(e);
    } catch {
      // torn or foreign line
    }
  }
  return out;
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

/**
 * Parses one metrics line; undefined for a torn or foreign line. Non-numeric values are
 * dropped, and so is null (NaN went through JSON) unless `keepNaN`: then null reads as NaN,
 * so a reader that must see a logged NaN (the dashboard's health marks) does.
 */
export function parseMetricLine(line: string, opts: { keepNaN?: boolean } = {}): MetricRow | undefined {
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
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'number') row[key] = value;
    else if (value === null && opts.keepNaN) row[key] = Number.NaN;
  }
  return row;
}

/** Every readable row of metrics.jsonl, in file order; unreadable lines (a torn last line) are skipped. */
export function readMetrics(runDir: string, opts: { keepNaN?: boolean } = {}): MetricRow[] {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return [];
  const rows: MetricRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const row = parseMetricLine(line, opts);
    if (row) rows.push(row);
  }
  return rows;
}

export interface DamagedRun {
  dir: string;
  error: string;
  /** What could be read (from run.json or config.yaml), `damaged` set to the reason. */
  summary: StoredRun;
}

/**
 * Every run in the runs dir, newest first. A folder whose run.json is missing or corrupt, or
 * whose config.yaml is missing or unreadable, is not thrown on: it comes back in `damaged`
 * with the reason and whatever could be salvaged, and (as a RunSummary with `damaged` set)
 * also in `runs`, so listings show it without breaking.
 */
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
    } catch {
      continue; // vanished while listing
    }
    let run: StoredRun | undefined;
    let problem: string | undefined;
    try {
      run = readRunSummary(dir);
    } catch (e) {
      problem = runFileProblem(dir, e);
    }
    let config: ResolvedConfig | undefined;
    const configProblem = checkConfigCached(dir);
    if (configProblem) problem = problem ? `${problem}; ${configProblem}` : configProblem;
    else if (problem) config = readRunConfig(dir);
    if (!problem && run) {
      runs.push(run);
      continue;
    }
    const summary = salvage(dir, run, config, problem!);
    damaged.push({ dir, error: problem!, summary });
    runs.push(summary);
  }
  runs.sort((a, b) => (a.startTime < b.startTime ? 1 : a.startTime > b.startTime ? -1 : a.id < b.id ? 1 : -1));
  return { runs, damaged };
}

/**
 * config.yaml's problem, or undefined when it reads as a resolved config. Cached by
 * modification time: the tree lists often, and the file never changes after a run is created.
 */
const configChecks = new Map<string, { mtimeMs: number; problem: string | undefined }>();
function checkConfigCached(dir: string): string | undefined {
  const path = join(dir, CONFIG_FILE);
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    mtimeMs = -1;
  }
  const cached = configChecks.get(path);
  if (cached && cached.mtimeMs === mtimeMs && mtimeMs >= 0) return cached.problem;
  let problem: string | undefined;
  try {
    readRunConfig(dir);
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  configChecks.set(path, { mtimeMs, problem });
  return problem;
}

function runFileProblem(dir: string, e: unknown): string {
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') return `${RUN_FILE} is missing`;
  if (e instanceof SyntaxError) return `${RUN_FILE} is corrupt (${e.message})`;
  return e instanceof Error ? e.message.replace(join(dir, RUN_FILE), RUN_FILE) : String(e);
}

/** A RunSummary for a damaged folder from what survived (run.json, else config.yaml, else the folder). */
function salvage(dir: string, run: StoredRun | undefined, config: ResolvedConfig | undefined, damaged: string): StoredRun {
  if (run) return { ...run, damaged };
  let startTime: string;
  try {
    startTime = statSync(dir).mtime.toISOString();
  } catch {
    startTime = new Date(0).toISOString();
  }
  return {
    id: basename(dir),
    experiment: config?.experiment ?? '(unknown)',
    file: '',
    algo: config?.algo ?? '?',
    env: config?.env ?? '?',
    seed: config?.seed ?? 0,
    // A folder we cannot read is not training and can be neither resumed nor trusted.
    status: 'failed',
    startTime,
    globalStep: 0,
    totalSteps: config?.n_timesteps ?? 0,
    runDir: dir,
    damaged,
  };
}

/**
 * Runs left 'running' or 'queued' by a trainer that no longer exists (a killed worker, CLI or
 * server) become 'interrupted', resumable from their last checkpoint. Runs whose recorded
 * owner pid is alive belong to another window or to the CLI and are left alone. Returns the
 * runs it settled.
 */
export function settleOrphans(runsDir: string, isLive: (pid: number) => boolean = isAlive): StoredRun[] {
  const settled: StoredRun[] = [];
  for (const run of listRuns(runsDir).runs) {
    if (run.damaged || (run.status !== 'running' && run.status !== 'queued')) continue;
    if (run.pid !== undefined && isLive(run.pid)) continue;
    const { pid: _pid, ...rest } = run;
    try {
      settled.push(
        writeRunSummary(run.runDir, {
          ...rest,
          status: 'interrupted',
          endTime: rest.endTime ?? new Date().toISOString(),
          error: rest.error ?? 'the process training this run ended before it finished',
        }),
      );
    } catch {
      // A read-only or vanished folder stays as it is; listing still works.
    }
  }
  return settled;
}

/** Signal 0 tests for existence without touching the process; EPERM means it exists under another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Finds a run by id, by a unique id prefix, or by the path of its folder. */
export function findRun(runsDir: string, idOrPath: string): string {
  if (isValidRunId(idOrPath) && existsSync(join(runsDir, idOrPath, RUN_FILE))) return join(runsDir, idOrPath);
  if (existsSync(join(idOrPath, RUN_FILE)) || existsSync(join(idOrPath, CONFIG_FILE))) return idOrPath;
  if (isValidRunId(idOrPath) && existsSync(join(runsDir, idOrPath))) return join(runsDir, idOrPath);
  let names: string[] = [];
  try {
    names = readdirSync(runsDir).filter((n) => n.startsWith(idOrPath));
  } catch {
    names = [];
  }
  if (names.length === 1) return join(runsDir, names[0]);
  if (names.length > 1) throw new Error(`'${idOrPath}' matches ${names.length} runs (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}); give more of the id`);
  throw new Error(`no run '${idOrPath}' in ${runsDir}`);
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
