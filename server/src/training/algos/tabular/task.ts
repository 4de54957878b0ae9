/**
 * What a tabular algorithm works on: a toy-text environment's finite MDP (its P table, used to
 * sample transitions and, by dynamic programming, to plan), its time limit, and an episode
 * runner with the same rules as the vectorized env (time-limit truncation from the spec).
 */
import type { TabularGrid } from '../../../protocol/types';
import type { ResolvedConfig } from '../../../schema';
import { toyTextGrid } from '../../envs/toyText/grid';
import { envSpec } from '../../envs/registry';
import type { EnvSpec } from '../../envs/spaces';
import { sampleInitialState, sampleTransition, type DiscreteModel } from '../../envs/toyText/model';
import { isToyText, toyTextModel } from '../../envs/toyText/specs';
import type { Rng } from '../../rng';

export interface TabularTask {
  env: string;
  spec: EnvSpec;
  model: DiscreteModel;
  /** Infinity for CliffWalking (Gymnasium registers no limit). */
  maxEpisodeSteps: number;
  /** Where the states lie on the env's grid (for the dashboard's heatmap). */
  grid?: TabularGrid;
}

/** Why a tabular algorithm cannot train on this env, or undefined. */
export function tabularEnvProblem(algoName: string, env: string): string | undefined {
  if (isToyText(env)) return undefined;
  return `${algoName} needs a discrete observation space (a finite set of states) with a known model: one of the toy-text environments FrozenLake-v1, FrozenLake8x8-v1, CliffWalking-v0, CliffWalking-v1, Taxi-v3; '${env}' has continuous observations`;
}

export function tabularTask(config: Pick<ResolvedConfig, 'algo' | 'env' | 'env_kwargs'>): TabularTask {
  const problem = tabularEnvProblem(config.algo, config.env);
  if (problem) throw new Error(problem);
  const kwargs = config.env_kwargs ?? {};
  const spec = envSpec(config.env, kwargs);
  const grid = toyTextGrid(config.env, kwargs);
  return { env: config.env, spec, model: toyTextModel(config.env, kwargs), maxEpisodeSteps: spec.maxEpisodeSteps, ...(grid ? { grid } : {}) };
}

export interface StepOutcome {
  next: number;
  reward: number;
  terminated: boolean;
}

export function step(task: TabularTask, s: number, a: number, rng: Rng): StepOutcome {
  const [, next, reward, terminated] = sampleTransition(task.model, s, a, rng);
  return { next, reward, terminated };
}

export function reset(task: TabularTask, rng: Rng): number {
  return sampleInitialState(task.model, rng);
}

/** Where an evaluation episode of an env without a time limit stops (a greedy policy may loop). */
export const EVAL_EPISODE_CAP = 10_000;

export interface EpisodeResult {
  /** Undiscounted sum of rewards. */
  return: number;
  length: number;
  terminated: boolean;
}

/**
 * Episodes of a deterministic policy (state -> action), each cut at the env's time limit (or
 * EVAL_EPISODE_CAP when it has none).
 */
export function evaluateTabularPolicy(task: TabularTask, policy: (s: number) => number, episodes: number, rng: Rng): EpisodeResult[] {
  const limit = Math.min(task.maxEpisodeSteps, EVAL_EPISODE_CAP);
  const out: EpisodeResult[] = [];
  for (let e = 0; e < episodes; e++) {
    let s = reset(task, rng);
    let total = 0;
    let length = 0;
    let terminated = false;
    while (length < limit && !terminated) {
      const o = step(task, s, policy(s), rng);
      total += o.reward;
      length++;
      s = o.next;
      terminated = o.terminated;
    }
    out.push({ return: total, length, terminated });
  }
  return out;
}
