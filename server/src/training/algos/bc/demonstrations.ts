/**
 * Expert demonstrations for behaviour cloning: (observation, action) pairs read from a JSONL
 * file, or recorded by playing a finished run's saved policy. One JSON object per line:
 *   a pair      {"obs": [...], "action": 1}            (Box actions: "action": [0.5, -1])
 *   an episode  {"observations": [[...], ...], "actions": [...]}   (what `rl-lab eval --record` writes)
 * Other keys (return, seed ...) are ignored. Observations are raw env observations.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { workspaceRootOf } from '../../../cli/workspace';
import type { ResolvedConfig } from '../../../schema';
import { latestCheckpoint } from '../../checkpointStore';
import { restorePolicy } from '../../engine';
import { actionDim } from '../../envs/registry';
import type { EnvSpec } from '../../envs/spaces';
import { resolveTrainingEnv } from '../../envs/trainingEnv';
import { recordEpisode } from '../../evaluate';
import { defaultRunsDir, findRun, readRunConfig } from '../../runStore';

/** Prefix of `demonstrations: run:<id>`. */
export const RUN_PREFIX = 'run:';

/** One recorded episode: observations[t] is the state in which actions[t] was taken. */
export interface DemoEpisode {
  observations: number[][];
  /** Discrete: action indices; Box: action rows. */
  actions: (number | number[])[];
  /** Undiscounted return, when known (recorded episodes). */
  return?: number;
}

/** Pairs as flat typed arrays, row-major. */
export interface Demonstrations {
  count: number;
  obsDim: number;
  actionDim: number;
  obs: Float32Array;
  actions: Float32Array;
  /** Returns of the episodes the pairs came from, when the source recorded them (the expert's score). */
  episodeReturns: number[];
  /** Where they came from, for messages and run records. */
  source: string;
}

/**
 * Makes `demonstrations` of a bc config absolute (called by loadExperimentConfig): a file
 * against the experiment file's folder; `run:<id>` against the runs folder of the file's
 * workspace (`run:<runs dir>/<id>`), so training finds it from any working directory.
 */
export function resolveDemonstrationsPath(experimentFile: string, value: string): string {
  if (value.startsWith(RUN_PREFIX)) {
    const ref = value.slice(RUN_PREFIX.length).trim();
    return RUN_PREFIX + (isAbsolute(ref) ? ref : resolve(defaultRunsDir(workspaceRootOf(resolve(experimentFile))), ref));
  }
  return resolve(dirname(experimentFile), value);
}

/** The demonstrations a bc config names, checked against its env's spaces. */
export async function loadDemonstrations(config: ResolvedConfig, spec: EnvSpec, obsDim: number, demoEpisodes: number, value: string | null): Promise<Demonstrations> {
  if (!value) throw new Error('bc needs `demonstrations`: a JSONL file of (obs, action) pairs or episodes, or run:<run id>');
  if (value.startsWith(RUN_PREFIX)) {
    const ref = value.slice(RUN_PREFIX.length);
    const runDir = findRun(dirname(ref), basename(ref));
    const episodes = await recordRunDemonstrations(runDir, demoEpisodes);
    const runEnv = readRunConfig(runDir).env;
    if (runEnv !== config.env) throw new Error(`demonstrations ${value}: the run trained on ${runEnv}, this experiment on ${config.env}`);
    return toDemonstrations(episodes.map((e, i) => ({ episode: e, where: `${runDir} episode ${i}` })), spec, obsDim, `run ${basename(runDir)}`);
  }
  if (!existsSync(value)) throw new Error(`demonstrations file ${value} does not exist`);
  return parseDemonstrations(readFileSync(value, 'utf8'), value, spec, obsDim);
}

/** Parses a JSONL file of pairs and/or episodes (see the header); errors name file and line. */
export function parseDemonstrations(text: string, file: string, spec: EnvSpec, obsDim: number): Demonstrations {
  const items: { episode: DemoEpisode; where: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${where}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const o = (value ?? {}) as Record<string, unknown>;
    if (Array.isArray(o.observations) && Array.isArray(o.actions)) {
      items.push({ episode: { observations: o.observations as number[][], actions: o.actions as (number | number[])[], ...(typeof o.return === 'number' ? { return: o.return } : {}) }, where });
    } else if ('obs' in o && 'action' in o) {
      items.push({ episode: { observations: [o.obs as number[]], actions: [o.action as number | number[]] }, where });
    } else {
      throw new Error(`${where}: expected {"obs": [...], "action": ...} or {"observations": [...], "actions": [...]}`);
    }
  });
  return toDemonstrations(items, spec, obsDim, file);
}

function toDemonstrations(items: { episode: DemoEpisode; where: string }[], spec: EnvSpec, obsDim: number, source: string): Demonstrations {
  const space = spec.actionSpace;
  const aDim = actionDim(spec);
  const count = items.reduce((n, it) => n + it.episode.observations.length, 0);
  if (!count) throw new Error(`${source}: no demonstration pairs`);
  const obs = new Float32Array(count * obsDim);
  const actions = new Float32Array(count * aDim);
  const episodeReturns: number[] = [];
  let k = 0;
  for (const { episode, where } of items) {
    if (episode.observations.length !== episode.actions.length) {
      throw new Error(`${where}: ${episode.observations.length} observations but ${episode.actions.length} actions`);
    }
    if (episode.return !== undefined) episodeReturns.push(episode.return);
    episode.observations.forEach((o, t) => {
      if (!Array.isArray(o) || o.length !== obsDim || !o.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new Error(`${where}: observation ${t} must be ${obsDim} finite numbers (the observation space of ${spec.id})`);
      }
      obs.set(o, k * obsDim);
      const a = episode.actions[t];
      if (space.kind === 'discrete') {
        if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a >= space.n) throw new Error(`${where}: action ${t} must be an integer in [0, ${space.n}) (Discrete(${space.n}))`);
        actions[k] = a;
      } else {
        const row = typeof a === 'number' && aDim === 1 ? [a] : a;
        if (!Array.isArray(row) || row.length !== aDim || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new Error(`${where}: action ${t} must be ${aDim} finite numbers (the Box action space of ${spec.id})`);
        }
        actions.set(row, k * aDim);
      }
      k++;
    });
  }
  return { count, obsDim, actionDim: aDim, obs, actions, episodeReturns, source };
}

/**
 * Plays a run's newest checkpoint deterministically for `episodes` episodes and returns what
 * it saw and did: the same episodes as `rl-lab eval` (episode i resets from the run's seed + i,
 * evaluateRun.ts), observations raw (the policy's own normalization is applied only to act).
 */
export async function recordRunDemonstrations(runDir: string, episodes: number): Promise<DemoEpisode[]> {
  const config = readRunConfig(runDir);
  const latest = latestCheckpoint(runDir);
  if (!latest) throw new Error(`run ${basename(runDir)} has no checkpoint to record demonstrations from`);
  const env = await resolveTrainingEnv(config);
  const { policy, dispose } = await restorePolicy(config, latest.checkpoint);
  const discrete = env.spec.actionSpace.kind === 'discrete';
  const out: DemoEpisode[] = [];
  try {
    const transform = policy.transformObs?.bind(policy);
    for (let i = 0; i < episodes; i++) {
      const observations: number[][] = [];
      const actions: (number | number[])[] = [];
      const source = { spec: env.spec, dynamics: env.makeVecEnv(1, config.seed + i).dynamics };
      const episode = recordEpisode({ env: config.env, kwargs: config.env_kwargs ?? {}, seed: config.seed + i, source }, (obs) => {
        const a = policy.actDeterministic(transform ? transform(obs) : obs);
        observations.push(Array.from(obs));
        actions.push(discrete ? a[0] : Array.from(a));
        return a;
      });
      out.push({ observations, actions, return: episode.rewards.reduce((s, r) => s + r, 0) });
    }
  } finally {
    dispose();
  }
  return out;
}

/** Writes episodes as JSONL (one episode per line), the format parseDemonstrations reads. */
export function writeDemonstrations(file: string, episodes: DemoEpisode[], digits = 6): void {
  const round = (x: number) => Number(x.toPrecision(digits));
  const lines = episodes.map((e) =>
    JSON.stringify({
      ...(e.return !== undefined ? { return: e.return } : {}),
      observations: e.observations.map((o) => o.map(round)),
      actions: e.actions.map((a) => (typeof a === 'number' ? a : a.map(round))),
    }),
  );
  writeFileSync(file, lines.join('\n') + '\n');
}
