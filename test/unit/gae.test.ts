import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainedVariance, gae, RolloutBuffer } from '../../server/src/training/algos/ppo/buffer';

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tol, `[${i}] ${actual[i]} vs ${e}`));
}

describe('GAE and returns', () => {
  it("reproduces the notes' worked example: rewards [1, 2, 0], gamma 0.9, lambda 1", () => {
    // One env, three steps, the episode ends after the third (final value 0).
    const adv = new Float64Array(3);
    const ret = new Float64Array(3);
    gae([1, 2, 0], [1.5, 2.0, 0.5], [0, 0, 1], [0], 3, 1, 0.9, 1.0, adv, ret);
    close(ret, [2.8, 2, 0]); // G2 = 0, G1 = 2 + 0.9 * 0, G0 = 1 + 0.9 * 2
    close(adv, [1.3, 0, -0.5]); // G_t - V(s_t)
  });

  it('with lambda 0 gives one-step TD errors, bootstrapping from the last value', () => {
    const adv = new Float64Array(2);
    const ret = new Float64Array(2);
    gae([1, 1], [0.5, 0.25], [0, 0], [2], 2, 1, 0.5, 0, adv, ret);
    // delta_0 = 1 + 0.5 * 0.25 - 0.5 = 0.625; delta_1 = 1 + 0.5 * 2 - 0.25 = 1.75
    close(adv, [0.625, 1.75]);
    close(ret, [1.125, 2.0]);
  });

  it('mixes n-step errors with weights (gamma lambda)^k and stops at episode ends', () => {
    // Two envs interleaved time-major: env 0 never ends, env 1 ends at t = 0.
    const rewards = [1, 1, 0, 1, 2, 1];
    const values = [0, 0, 0, 0, 0, 0];
    const dones = [0, 1, 0, 0, 0, 0];
    const a = new Float64Array(6);
    const r = new Float64Array(6);
    gae(rewards, values, dones, [0, 0], 3, 2, 0.9, 0.5, a, r);
    // env 0: A2 = 2; A1 = 0 + 0.45 * 2 = 0.9; A0 = 1 + 0.45 * 0.9 = 1.405
    close([a[0], a[2], a[4]], [1.405, 0.9, 2]);
    // env 1: A2 = 1; A1 = 1 + 0.45 * 1 = 1.45; A0 = 1 (done: nothing flows back)
    close([a[1], a[3], a[5]], [1, 1.45, 1]);
  });

  it('RolloutBuffer.computeReturnsAndAdvantages uses the same recursion', () => {
    const b = new RolloutBuffer(3, 1, 1, 1);
    b.rewards.set([1, 2, 0]);
    b.values.set([1.5, 2.0, 0.5]);
    b.dones.set([0, 0, 1]);
    b.computeReturnsAndAdvantages([123], 0.9, 1.0); // the last value is ignored after a done
    close(b.returns, [2.8, 2, 0]);
    close(b.advantages, [1.3, 0, -0.5]);
  });

  it('explained variance is 1 for a perfect critic and 0 for a constant one', () => {
    assert.equal(explainedVariance([1, 2, 3], [1, 2, 3]), 1);
    assert.ok(Math.abs(explainedVariance([2, 2, 2], [1, 2, 3])) < 1e-12);
    assert.ok(Number.isNaN(explainedVariance([1, 1], [5, 5])));
  });
});
