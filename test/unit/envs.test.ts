/** Details of the CartPole and Pendulum ports and the vectorized env (the Gymnasium
 * trajectory replays of every classic-control env are in classicControl.test.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../server/src/training/rng';
import { makeEnv, makeVecEnv } from '../../server/src/training/envs/registry';
import { angleNormalize } from '../../server/src/training/envs/pendulum';

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
