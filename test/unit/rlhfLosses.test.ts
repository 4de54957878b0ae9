import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { clippedPolicyLoss, clippedValueLoss, dpoLoss, groupAdvantages, klShapedRewards, tokenGae, whitenMasked } from '../../server/src/training/rlhf/losses';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] ${actual[i]} vs ${expected[i]}`);
}
const num = (t: tf.Tensor): number => t.dataSync()[0];

before(async () => {
  await selectBackend('cpu');
});

describe('KL-shaped per-token rewards (notes 001, deepspeed-chat compute_rewards)', () => {
  it('pays -kl_coef * (log pi - log pi_ref) on response tokens and the clipped score on the last one', () => {
    const out = klShapedRewards({
      logProbs: [[-1, -2, -0.5, -9], [-1, -1, -1, -1]],
      refLogProbs: [[-1.5, -1, -0.5, -3], [-2, -2, -2, -2]],
      mask: [[0, 1, 1, 0], [0, 1, 0, 0]],
      scores: [7, -0.25],
      klCoef: 0.1,
      clipRewardValue: 5,
    });
    // row 0: t1: -0.1 * (-2 - -1) = 0.1; t2: -0.1 * 0 + clip(7, -5, 5) = 5; prompt and padding 0.
    close(out.rewards[0], [0, 0.1, 5, 0], 1e-6, 'row0');
    // row 1: one response token: -0.1 * (-1 - -2) - 0.25 = -0.35.
    close(out.rewards[1], [0, -0.35, 0, 0], 1e-6, 'row1');
    close(out.klPerSequence, [-1, 1], 1e-6, 'kl');
    close(out.clippedScores, [5, -0.25], 1e-6, 'scores');
    close(out.nonScoreReward, [0.1, -0.1], 1e-6, 'non-score');
  });

  it('leaves the score unclipped with clipRewardValue null, and an empty response earns nothing', () => {
    const out = klShapedRewards({ logProbs: [[0, 0], [0, 0]], refLogProbs: [[0, 0], [0, 0]], mask: [[1, 1], [0, 0]], scores: [9, 9], klCoef: 0.1, clipRewardValue: null });
    close(out.rewards[0], [0, 9]);
    close(out.rewards[1], [0, 0]);
  });
});

describe('GAE over response tokens (notes 001/002)', () => {
  it("reproduces the notes' worked example: gamma 0.9, lambda 1, r [1, 2, 0], V [1.5, 2, 0.5] -> A [1.3, 0, -0.5]", () => {
    const { advantages, returns } = tokenGae({ rewards: [[1, 2, 0]], values: [[1.5, 2, 0.5]], mask: [[1, 1, 1]], gamma: 0.9, lambda: 1 });
    close(advantages[0], [1.3, 0, -0.5], 1e-6, 'A');
    // returns = A + V: the Monte-Carlo returns 2.8, 2, 0.
    close(returns[0], [2.8, 2, 0], 1e-6, 'G');
  });

  it('skips prompt and padding positions and does not bootstrap past the last response token', () => {
    const { advantages, returns } = tokenGae({
      rewards: [[99, 1, 2, 0, 99]],
      values: [[42, 1.5, 2, 0.5, 42]],
      mask: [[0, 1, 1, 1, 0]],
      gamma: 0.9,
      lambda: 0.95,
    });
    // A3 = -0.5; A2 = (2 + 0.9*0.5 - 2) + 0.9*0.95*(-0.5) = 0.0225; A1 = 1.3 + 0.855*0.0225 = 1.3192375
    close(advantages[0], [0, 1.3192375, 0.0225, -0.5, 0], 1e-6, 'A');
    close(returns[0], [0, 2.8192375, 2.0225, 0, 0], 1e-6, 'G');
  });

  it('whitens over masked tokens only (unbiased std)', () => {
    const w = whitenMasked([new Float32Array([1, 2, 3, 100])], [[1, 1, 1, 0]]);
    close(w[0], [-1, 0, 1, 0], 1e-6);
  });
});

describe('clipped policy loss (PPO / GRPO / DAPO / GSPO)', () => {
  it("gives the notes' clipped terms: ratios [1.25, 1.1, 0.667], eps 0.2, A [1.3, 0, -0.5] -> loss -(1.56 + 0 - 0.4)/3", () => {
    tf.tidy(() => {
      const ratios = [1.25, 1.1, 0.667];
      // A fourth, masked-out token with a huge ratio must not count.
      const logProbs = tf.tensor2d([[...ratios.map(Math.log), 3]]);
      const out = clippedPolicyLoss({
        logProbs,
        oldLogProbs: tf.zeros([1, 4]),
        advantages: tf.tensor2d([[1.3, 0, -0.5, 5]]),
        mask: tf.tensor2d([[1, 1, 1, 0]]),
        clipLow: 0.2,
        clipHigh: 0.2,
        aggregation: 'token_mean',
        ratioLevel: 'token',
      });
      close([num(out.loss)], [-(1.56 + 0 - 0.4) / 3], 1e-6, 'loss');
      close([num(out.clipFrac)], [2 / 3], 1e-6, 'clipfrac'); // tokens 1 and 3 take the clipped branch
      close([num(out.clipHighFrac)], [1 / 3], 1e-6, 'clip high');
      close([num(out.clipLowFrac)], [1 / 3], 1e-6, 'clip low');
      const k3 = ratios.reduce((s, r) => s + (r - 1 - Math.log(r)), 0) / 3;
      close([num(out.approxKl)], [k3], 1e-6, 'approx kl');
      close([num(out.refKl)], [0], 0, 'ref kl');
    });
  });

  it('passes the gradient -A r / n inside the clip range and none where the clipped branch is taken', () => {
    const lp = tf.variable(tf.tensor2d([[Math.log(1.1), Math.log(1.25)]]));
    const { grads } = tf.variableGrads(
      () =>
        clippedPolicyLoss({
          logProbs: lp as unknown as tf.Tensor2D,
          oldLogProbs: tf.zeros([1, 2]),
          advantages: tf.tensor2d([[2, 1]]),
          mask: tf.ones([1, 2]),
          clipLow: 0.2,
          clipHigh: 0.2,
          aggregation: 'token_mean',
          ratioLevel: 'token',
        }).loss,
      [lp],
    );
    close(grads[lp.name].dataSync(), [(-2 * 1.1) / 2, 0], 1e-5);
    tf.dispose(grads);
    lp.dispose();
  });

  it('DAPO clip-higher: eps_high 0.28 leaves ratio 1.25 unclipped for a positive advantage, eps_low still clips below', () => {
    tf.tidy(() => {
      const base = { oldLogProbs: tf.zeros([1, 2]) as tf.Tensor2D, mask: tf.ones([1, 2]) as tf.Tensor2D, aggregation: 'token_mean' as const, ratioLevel: 'token' as const };
      const out = clippedPolicyLoss({ ...base, logProbs: tf.tensor2d([[Math.log(1.25), Math.log(0.7)]]), advantages: tf.tensor2d([[1, -1]]), clipLow: 0.2, clipHigh: 0.28 });
      // token 0: min(1.25, 1.25) = 1.25 ; token 1: min(-0.7, -0.8) = -0.8
      close([num(out.loss)], [-(1.25 - 0.8) / 2], 1e-6);
      close([num(out.clipHighFrac), num(out.clipLowFrac)], [0, 0.5], 1e-6);
    });
  });

  it('sequence_mean weighs each sequence equally; token_mean (DAPO) weighs each token; sum_over_max_len divides by B*L', () => {
    tf.tidy(() => {
      // Per-token losses with ratio 1: -A. Row 0 has 1 token (A=3), row 1 has 3 tokens (A=1).
      const common = {
        logProbs: tf.zeros([2, 3]) as tf.Tensor2D,
        oldLogProbs: tf.zeros([2, 3]) as tf.Tensor2D,
        advantages: tf.tensor2d([[3], [1]]),
        mask: tf.tensor2d([[1, 0, 0], [1, 1, 1]]),
        clipLow: 0.2,
        clipHigh: 0.2,
        ratioLevel: 'token' as const,
      };
      close([num(clippedPolicyLoss({ ...common, aggregation: 'sequence_mean' }).loss)], [-(3 + 1) / 2], 1e-6, 'grpo');
      close([num(clippedPolicyLoss({ ...common, aggregation: 'token_mean' }).loss)], [-(3 + 3) / 4], 1e-6, 'dapo');
      close([num(clippedPolicyLoss({ ...common, aggregation: 'sum_over_max_len' }).loss)], [-(3 + 3) / 6], 1e-6, 'dr grpo');
    });
  });

  it('GSPO uses the length-normalized sequence ratio exp(mean log r) for every token', () => {
    tf.tidy(() => {
      // log-ratios 0.1 and 0.3 -> s = exp(0.2) = 1.2214 > 1.2: clipped to 1.2 for A = 1.
      const out = clippedPolicyLoss({
        logProbs: tf.tensor2d([[0.1, 0.3, 7]]),
        oldLogProbs: tf.zeros([1, 3]),
        advantages: tf.tensor2d([[1]]),
        mask: tf.tensor2d([[1, 1, 0]]),
        clipLow: 0.2,
        clipHigh: 0.2,
        aggregation: 'sequence_mean',
        ratioLevel: 'sequence',
      });
      close([num(out.loss)], [-1.2], 1e-6);
      close([num(out.clipFrac)], [1], 1e-6);
    });
  });

  it('adds beta * k3 KL to the reference: k3 = exp(d) - d - 1, d = log pi_ref - log pi', () => {
    tf.tidy(() => {
      const out = clippedPolicyLoss({
        logProbs: tf.tensor2d([[-1, -1]]),
        oldLogProbs: tf.tensor2d([[-1, -1]]),
        refLogProbs: tf.tensor2d([[-0.5, -1]]),
        klBeta: 0.04,
        advantages: tf.tensor2d([[0]]),
        mask: tf.ones([1, 2]),
        clipLow: 0.2,
        clipHigh: 0.2,
        aggregation: 'sequence_mean',
        ratioLevel: 'token',
      });
      const k3 = Math.exp(0.5) - 0.5 - 1; // 0.148721
      close([num(out.refKl)], [k3 / 2], 1e-6, 'ref kl');
      close([num(out.loss)], [(0.04 * k3) / 2], 1e-6, 'loss');
      close([num(out.policyLoss)], [0], 1e-7, 'policy term');
    });
  });
});

describe('clipped value loss (notes 001 critic_loss_fn)', () => {
  it('0.5 * mean max((V - G)^2, (clip(V, V_old +- 0.2) - G)^2) over response tokens', () => {
    tf.tidy(() => {
      const out = clippedValueLoss(tf.tensor2d([[1, 2, 50]]), tf.tensor2d([[0.5, 2, 0]]), tf.tensor2d([[2, 1, 0]]), tf.tensor2d([[1, 1, 0]]), 0.2);
      // token 0: (1-2)^2 = 1 vs (0.7-2)^2 = 1.69; token 1: 1 vs 1 -> 0.5 * (1.69 + 1) / 2
      close([num(out.loss)], [0.6725], 1e-6, 'loss');
      close([num(out.clipFrac)], [0.5], 1e-6, 'clipfrac');
      const plain = clippedValueLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[0.5, 2]]), tf.tensor2d([[2, 1]]), tf.ones([1, 2]), null);
      close([num(plain.loss)], [0.5], 1e-6, 'unclipped');
    });
  });
});

describe('DPO sigmoid loss (Rafailov et al. 2023)', () => {
  it('gives -log sigma(beta * margin) and TRL rewards/chosen, rejected, margins, accuracies', () => {
    tf.tidy(() => {
      const out = dpoLoss(tf.tensor1d([-5, -6]), tf.tensor1d([-7, -5]), tf.tensor1d([-6, -6]), tf.tensor1d([-6, -6]), 0.1);
      // pair 0: r_w = 0.1, r_l = -0.1, h = 0.2; pair 1: r_w = 0, r_l = 0.1, h = -0.1
      const expected = (Math.log1p(Math.exp(-0.2)) + Math.log1p(Math.exp(0.1))) / 2;
      close([num(out.loss)], [expected], 1e-6, 'loss');
      close([num(out.rewardsChosen), num(out.rewardsRejected), num(out.margins), num(out.accuracies)], [0.05, 0, 0.05, 0.5], 1e-6);
    });
  });

  it('has gradient -beta * sigma(-h) / B on the chosen log-prob', () => {
    const chosen = tf.variable(tf.tensor1d([-5]));
    const { grads } = tf.variableGrads(() => dpoLoss(chosen as unknown as tf.Tensor1D, tf.tensor1d([-7]), tf.tensor1d([-6]), tf.tensor1d([-6]), 0.1).loss, [chosen]);
    close(grads[chosen.name].dataSync(), [-0.1 / (1 + Math.exp(0.2))], 1e-6);
    tf.dispose(grads);
    chosen.dispose();
  });
});

describe('GRPO group-normalized advantages', () => {
  it('standardizes within each group of G and counts groups with zero reward spread', () => {
    const g = groupAdvantages([1, 0, 0, 1, 2, 2, 2, 2], 4);
    const std = Math.sqrt(1 / 3); // unbiased std of [1, 0, 0, 1]
    const a = 0.5 / (std + 1e-4);
    close(g.advantages, [a, -a, -a, a, 0, 0, 0, 0], 1e-5);
    assert.equal(g.fracRewardZeroStd, 0.5);
    close([g.meanGroupStd], [std / 2], 1e-6);
  });

  it('only centres with scale false (Dr. GRPO) and rejects a batch that is not whole groups', () => {
    close(groupAdvantages([3, 1], 2, false).advantages, [1, -1], 1e-6);
    assert.throws(() => groupAdvantages([1, 2, 3], 2), /groups of 2/);
  });
});
