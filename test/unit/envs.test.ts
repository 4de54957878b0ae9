/**
 * Replays Gymnasium's own trajectories (/work/shared/reference, copied into test/fixtures when
 * present there) through the ports and checks every observation, reward and flag.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Rng } from '../../server/src/training/rng';
import { makeEnv, makeVecEnv } from '../../server/src/training/envs/registry';
import { angleNormalize } from '../../server/src/training/envs/pendulum';

interface RefStep {
  action: number | number[];
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  state: number[];
}
interface RefEpisode {
  seed: number;
  reset_obs: number[];
  reset_state: number[];
  set_state?: number[];
  steps: RefStep[];
}
interface Reference {
  env_id: string;
  episodes: RefEpisode[];
  state_episodes: RefEpisode[];
}

function loadReference(envId: string): Reference {
  const candidates = [
    join(__dirname, '../fixtures/reference', `${envId}.json`),
    join('/work/shared/reference', `${envId}.json`),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`reference trajectories for ${envId} not found in ${candidates.join(', ')}`);
  return JSON.parse(readFileSync(file, 'utf8')) as Reference;
}

function assertClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(diff <= tol, `${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (diff ${diff})`);
  }
}

function replay(envId: string, episode: RefEpisode, start: number[]): void {
  const env = makeEnv(envId);
  const obs0 = env.setState(start);
  if (!episode.set_state) assertClose(obs0, episode.reset_obs, 1e-6, `seed ${episode.seed} reset obs`);
  episode.steps.forEach((step, t) => {
    const where = `${envId} seed ${episode.seed} step ${t}`;
    const r = env.step(step.action);
    assertClose(r.obs, step.obs, 1e-6, `${where} obs`);
    assert.ok(Math.abs(r.reward - step.reward) <= 1e-6, `${where} reward ${r.reward} vs ${step.reward}`);
    assert.equal(r.terminated, step.terminated, `${where} terminated`);
    assert.equal(r.truncated, step.truncated, `${where} truncated`);
  });
}

/** One step from each recorded float64 state: the tight check the reference README describes. */
function stepFromRecordedStates(envId: string, episode: RefEpisode, start: number[]): void {
  const env = makeEnv(envId);
  let state = start;
  for (const step of episode.steps) {
    env.setState(state);
    env.step(step.action);
    assertClose(env.getState(), step.state, 1e-12, `${envId} one-step state`);
    state = step.state;
  }
}

for (const envId of ['CartPole-v1', 'Pendulum-v1']) {
  describe(`${envId} matches Gymnasium`, () => {
    const ref = loadReference(envId);

    it('replays the reset(seed) episodes', () => {
      assert.ok(ref.episodes.length > 0);
      for (const ep of ref.episodes) replay(envId, ep, ep.reset_state);
    });

    it('replays the set_state episodes (termination, speed clipping, angle wrapping)', () => {
      assert.ok(ref.state_episodes.length > 0);
      for (const ep of ref.state_episodes) replay(envId, ep, ep.set_state!);
    });

    it('steps each recorded float64 state to the next one to 1e-12', () => {
      for (const ep of [...ref.episodes, ...ref.state_episodes]) {
        stepFromRecordedStates(envId, ep, ep.set_state ?? ep.reset_state);
      }
    });
  });
}

describe('environment details', () => {
  it('CartPole-v1 resets uniformly in (-0.05, 0.05)', () => {
    const env = makeEnv('CartPole-v1');
    const rng = new Rng(3);
    for (let i = 0; i < 100; i++) {
      for (const v of env.reset(rng)) assert.ok(Math.abs(v) < 0.05);
    }
  });

  it('angleNormalize uses a floored modulo, into [-pi, pi)', () => {
    assert.ok(Math.abs(angleNormalize(3 * Math.PI + 0.1) - (-Math.PI + 0.1)) < 1e-12);
    assert.ok(Math.abs(angleNormalize(-3 * Math.PI - 0.1) - (Math.PI - 0.1)) < 1e-12);
    assert.equal(angleNormalize(Math.PI), -Math.PI);
  });

  it('VecEnv truncates CartPole at 500 steps and keeps the final observation', () => {
    // Alternating pushes keep the pole up for a long time; drive until some episode ends.
    const env = makeVecEnv('CartPole-v1', 2, 0);
    env.reset();
    const actions = new Float32Array(2);
    let steps = 0;
    let sawEnd = false;
    while (steps < 2000 && !sawEnd) {
      // A simple balancing controller: push toward the side the pole leans.
      for (let i = 0; i < 2; i++) {
        const theta = env.obs[i * 4 + 2];
        const thetaDot = env.obs[i * 4 + 3];
        actions[i] = theta + 0.5 * thetaDot > 0 ? 1 : 0;
      }
      env.step(actions, 1);
      steps++;
      for (let i = 0; i < 2; i++) {
        if (env.truncated[i] || env.terminated[i]) {
          sawEnd = true;
          const ep = env.finished[0];
          assert.ok(ep.length <= 500);
          if (env.truncated[i]) assert.equal(ep.length, 500);
          // After auto-reset the current obs is a fresh start, the final one is kept aside.
          for (let k = 0; k < 4; k++) assert.ok(Math.abs(env.obs[i * 4 + k]) < 0.05);
          assert.ok(env.finalObs.subarray(i * 4, i * 4 + 4).some((v) => Math.abs(v) >= 0.05) || ep.length === 500);
        }
      }
    }
    assert.ok(sawEnd);
    assert.equal(steps, 500, 'the controller balances until the time limit');
  });

  it('VecEnv truncates Pendulum at 200 steps, never terminates', () => {
    const env = makeVecEnv('Pendulum-v1', 3, 1);
    env.reset();
    const actions = new Float32Array([0.5, -0.5, 3]);
    for (let t = 1; t <= 200; t++) {
      env.step(actions, 1);
      for (let i = 0; i < 3; i++) {
        assert.equal(env.terminated[i], 0);
        assert.equal(env.truncated[i], t === 200 ? 1 : 0);
      }
    }
    assert.equal(env.finished.length, 3);
    assert.ok(env.finished.every((e) => e.length === 200 && e.return < 0));
  });
});
