/**
 * Gymnasium reference trajectories (format: test/fixtures/reference/README.md): where they live,
 * their types, and replaying them through our environments.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeEnv } from '../../server/src/training/envs/registry';

export interface RefStep {
  action: number | number[];
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  state: number[];
}

export interface RefEpisode {
  seed: number;
  set_state?: number[];
  reset_obs: number[];
  reset_state: number[];
  steps: RefStep[];
}

export interface Reference {
  env_id: string;
  gymnasium_commit: string;
  max_episode_steps: number;
  action_rule: string;
  episodes: RefEpisode[];
  state_episodes: RefEpisode[];
}

/** The repository root: RL_LAB_ROOT when the test runner sets it, else from this file. */
export const repoRoot = process.env.RL_LAB_ROOT ?? resolve(__dirname, '../..');

/** Our recordings first, then the shared ones (`../shared/reference` next to the repository). */
export const referenceDirs = [join(repoRoot, 'test/fixtures/reference'), resolve(repoRoot, '../shared/reference')];

/** The reference file of an env id, or undefined when no directory has one. */
export function referenceFile(envId: string): string | undefined {
  return referenceDirs.map((d) => join(d, `${envId}.json`)).find((f) => existsSync(f));
}

export function loadReference(envId: string): Reference {
  const file = referenceFile(envId);
  if (!file) throw new Error(`no reference trajectories for ${envId} in ${referenceDirs.join(', ')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Reference;
}

/** Env ids with a reference file in any of the directories. */
export function referenceEnvIds(): string[] {
  const ids = new Set<string>();
  for (const dir of referenceDirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (name.endsWith('.json')) ids.add(name.slice(0, -'.json'.length));
  }
  return [...ids].sort();
}

/** Where an episode starts: the state it was set to, or the state reset(seed) drew. */
export function startState(ep: RefEpisode): number[] {
  return ep.set_state ?? ep.reset_state;
}

export function assertClose(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(diff <= tol, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (diff ${diff})`);
  }
}

/** A trajectory as `rl-lab env replay` prints it. */
export interface Trajectory {
  obs: ArrayLike<number>[];
  rewards: number[];
  terminated: boolean[];
  truncated: boolean[];
}

/** Checks a trajectory step by step against a recorded episode: obs and rewards to tol, flags exactly. */
export function assertTrajectory(actual: Trajectory, ep: RefEpisode, tol: number, where: string): void {
  assert.equal(actual.obs.length, ep.steps.length, `${where}: number of steps`);
  assert.equal(actual.rewards.length, ep.steps.length, `${where}: number of rewards`);
  ep.steps.forEach((step, t) => {
    assertClose(actual.obs[t], step.obs, tol, `${where} step ${t} obs`);
    const dr = Math.abs(actual.rewards[t] - step.reward);
    assert.ok(dr <= tol, `${where} step ${t} reward ${actual.rewards[t]} vs ${step.reward}`);
    assert.equal(actual.terminated[t], step.terminated, `${where} step ${t} terminated`);
    assert.equal(actual.truncated[t], step.truncated, `${where} step ${t} truncated`);
  });
}

/** Replays an episode through makeEnv(envId): set the start state, apply the recorded actions. */
export function replayEpisode(envId: string, ep: RefEpisode): Trajectory & { resetObs: Float32Array } {
  const env = makeEnv(envId);
  const resetObs = env.setState(startState(ep));
  const out: Trajectory & { resetObs: Float32Array } = { resetObs, obs: [], rewards: [], terminated: [], truncated: [] };
  for (const step of ep.steps) {
    const r = env.step(step.action);
    out.obs.push(r.obs);
    out.rewards.push(r.reward);
    out.terminated.push(r.terminated);
    out.truncated.push(r.truncated);
  }
  return out;
}

/**
 * The tight check: one step from each recorded float64 state must give the next recorded state
 * (and reward) to `tol`, so no error can hide behind the 1e-6 of a whole episode.
 */
export function assertOneStepStates(envId: string, ep: RefEpisode, tol: number, where: string): void {
  const env = makeEnv(envId);
  let state = startState(ep);
  ep.steps.forEach((step, t) => {
    env.setState(state);
    const r = env.step(step.action);
    assertClose(env.getState(), step.state, tol, `${where} one step to ${t}: state`);
    assert.ok(Math.abs(r.reward - step.reward) <= tol, `${where} one step to ${t}: reward ${r.reward} vs ${step.reward}`);
    assert.equal(r.terminated, step.terminated, `${where} one step to ${t}: terminated`);
    state = step.state;
  });
}
