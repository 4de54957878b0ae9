import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clippedSurrogate, ppoLoss, type PolicyHead, type PpoCoefficients, type PpoMinibatch } from '../../server/src/training/algos/ppo/loss';
import { normalize } from '../../server/src/training/algos/ppo/ppo';
import { Rng } from '../../server/src/training/rng';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, what = ''): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

describe('PPO-clip loss', () => {
  it("gives the notes' clipped terms: ratios [1.25, 1.1, 0.667], eps 0.2, A [1.3, 0, -0.5] -> [1.56, 0, -0.4]", () => {
    const ratios = [1.25, 1.1, 0.667];
    const advantages = [1.3, 0, -0.5];
    close(ratios.map((r, i) => clippedSurrogate(r, advantages[i], 0.2)), [1.56, 0, -0.4], 1e-12);
  });

  it('combines policy, value and entropy terms with their coefficients, and reports the diagnostics', () => {
    const ratios = [1.25, 1.1, 0.667];
    // Uniform two-action policy: log pi_new(a) = log 0.5, so old log-probs that give these ratios are:
    const oldLogProbs = ratios.map((r) => Math.log(0.5) - Math.log(r));
    const head: PolicyHead = { distribution: 'categorical', piDim: 2, out: new Float32Array([0, 0, 1, 0, 0, 2, 0, 0, 3]), logStd: null };
    const batch: PpoMinibatch = {
      rows: 3,
      actions: new Float32Array([0, 1, 0]),
      oldLogProbs: new Float32Array(oldLogProbs),
      advantages: new Float32Array([1.3, 0, -0.5]),
      returns: new Float32Array([2, 2, 1]),
      oldValues: new Float32Array([1, 2, 3]),
    };
    const { loss, stats } = ppoLoss(head, batch, { clipRange: 0.2, clipRangeVf: null, entCoef: 0.01, vfCoef: 0.5 });
    const policyLoss = -(1.56 + 0 - 0.4) / 3;
    const valueLoss = 0.5 * ((1 + 0 + 4) / 3);
    const entropy = Math.log(2);
    const approxKl = ratios.reduce((s, r) => s + (r - 1 - Math.log(r)), 0) / 3;
    const oldApproxKl = ratios.reduce((s, r) => s - Math.log(r), 0) / 3;
    const clipFrac = 2 / 3; // 1.25 and 0.667 lie outside [0.8, 1.2]
    close(
      [stats['losses/policy_loss'], stats['losses/value_loss'], stats['losses/entropy'], stats['losses/approx_kl'], stats['losses/old_approx_kl'], stats['losses/clipfrac']],
      [policyLoss, valueLoss, entropy, approxKl, oldApproxKl, clipFrac],
      1e-5,
    );
    close([loss], [policyLoss + 0.5 * valueLoss - 0.01 * entropy], 1e-5);
  });

  it('clips the value prediction around the old value when clip_range_vf is set', () => {
    const head: PolicyHead = { distribution: 'categorical', piDim: 1, out: new Float32Array([0, 3, 0, 0.5]), logStd: null };
    const batch: PpoMinibatch = {
      rows: 2, actions: new Float32Array(2), oldLogProbs: new Float32Array(2), advantages: new Float32Array(2),
      returns: new Float32Array([3, 0]), oldValues: new Float32Array([1, 1]),
    };
    const { stats } = ppoLoss(head, batch, { clipRange: 0.2, clipRangeVf: 0.5, entCoef: 0, vfCoef: 1 });
    // row 0: unclipped (3-3)^2 = 0, clipped V = 1.5 -> (1.5-3)^2 = 2.25 -> max 2.25
    // row 1: unclipped (0.5-0)^2 = 0.25, clipped V = 0.5 -> 0.25 -> 0.25
    close([stats['losses/value_loss']], [(0.5 * (2.25 + 0.25)) / 2]);
  });

  for (const distribution of ['categorical', 'gaussian'] as const) {
    it(`returns the gradient of the loss (${distribution}), checked by finite differences`, () => {
      const rng = new Rng(distribution === 'gaussian' ? 11 : 12);
      const rows = 16;
      const piDim = distribution === 'categorical' ? 3 : 2;
      const width = piDim + 1;
      const out = Float32Array.from({ length: rows * width }, () => rng.normal());
      const logStd = distribution === 'gaussian' ? new Float32Array([-0.3, 0.2]) : null;
      const batch: PpoMinibatch = {
        rows,
        actions: distribution === 'categorical'
          ? Float32Array.from({ length: rows }, () => rng.int(piDim))
          : Float32Array.from({ length: rows * piDim }, () => rng.normal()),
        oldLogProbs: Float32Array.from({ length: rows }, () => (distribution === 'categorical' ? Math.log(1 / 3) : -2) + 0.3 * rng.normal()),
        advantages: Float32Array.from({ length: rows }, () => rng.normal()),
        returns: Float32Array.from({ length: rows }, () => rng.normal()),
        oldValues: Float32Array.from({ length: rows }, () => rng.normal()),
      };
      const coefs: PpoCoefficients = { clipRange: 0.2, clipRangeVf: 0.3, entCoef: 0.05, vfCoef: 0.7 };
      const lossAt = (o: Float32Array, ls: Float32Array | null) => ppoLoss({ distribution, piDim, out: o, logStd: ls }, batch, coefs).loss;
      const { gradOut, gradLogStd } = ppoLoss({ distribution, piDim, out, logStd }, batch, coefs);
      const h = 1e-3;
      const numeric = (get: () => Float32Array, i: number, f: () => number) => {
        const a = get();
        const x = a[i];
        a[i] = x + h;
        const up = f();
        a[i] = x - h;
        const down = f();
        a[i] = x;
        return (up - down) / (2 * h);
      };
      for (let i = 0; i < out.length; i++) {
        close([gradOut[i]], [numeric(() => out, i, () => lossAt(out, logStd))], 2e-4, `d/dout`);
      }
      if (logStd) {
        for (let d = 0; d < piDim; d++) close([gradLogStd![d]], [numeric(() => logStd, d, () => lossAt(out, logStd))], 2e-4, 'd/dlogStd');
      }
    });
  }

  it('normalizes advantages with the unbiased std (as torch.std)', () => {
    const a = new Float32Array([1, 2, 3, 4]);
    normalize(a);
    const std = Math.sqrt((2.25 + 0.25 + 0.25 + 2.25) / 3);
    close(a, [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std]);
  });
});
