/**
 * The clipped policy loss over response tokens, shared by PPO-RLHF, GRPO, DAPO and GSPO.
 *
 * PPO (notes 001 §3.4.1 (5), deepspeed-chat `actor_loss_fn`; Schulman et al. 2017 eq. 7):
 *   r_t     = exp(log pi(a_t|s_t) - log pi_old(a_t|s_t))
 *   l_t     = max(-A_t r_t, -A_t clip(r_t, 1 - eps_low, 1 + eps_high))
 *   loss    = sum_t l_t m_t / sum_t m_t                 (mean over response tokens)
 *
 * GRPO (Shao et al. 2024, DeepSeekMath eq. 3) averages per sequence first, then over
 * sequences, and adds a KL penalty to the reference with the k3 estimator (Schulman,
 * "Approximating KL divergence"; unbiased, always >= 0):
 *   k3_t    = exp(log pi_ref - log pi) - (log pi_ref - log pi) - 1
 *   loss    = mean_i (1/|o_i|) sum_t [ l_{i,t} + beta k3_{i,t} ]
 * DAPO (Yu et al. 2025) decouples the clip range (eps_low 0.2, eps_high 0.28, "clip-higher")
 * and averages over all tokens of the batch instead (token-level loss), so long responses
 * weigh in proportion to their length. Dr. GRPO (Liu et al. 2025) divides by B * L_max.
 * GSPO (Zheng et al. 2025) replaces the token ratio by a sequence-level, length-normalized one:
 *   s_i     = exp( (1/|o_i|) sum_t (log pi(o_{i,t}) - log pi_old(o_{i,t})) )
 * shared by every token of o_i (its clip range is far smaller, ~3e-4 / 4e-4).
 */
import * as tf from '@tensorflow/tfjs-core';
import { maskedMean, maskedRowMean } from './masked';

/** How per-token losses become one number. */
export type LossAggregation =
  /** mean over sequences of each sequence's token mean (GRPO, GSPO). */
  | 'sequence_mean'
  /** sum over all response tokens / their count (PPO-RLHF, DAPO). */
  | 'token_mean'
  /** sum over all response tokens / (B * L) (Dr. GRPO: no length normalisation). */
  | 'sum_over_max_len';

export interface ClippedPolicyLossInput {
  /** log pi_theta, [B, L], with gradient. */
  logProbs: tf.Tensor2D;
  /** log pi_old (rollout time), [B, L]. */
  oldLogProbs: tf.Tensor2D;
  /** A per token [B, L] (PPO) or per sequence [B, 1] broadcast over tokens (GRPO). */
  advantages: tf.Tensor2D;
  mask: tf.Tensor2D;
  clipLow: number;
  clipHigh: number;
  aggregation: LossAggregation;
  /** 'token': r_t per token (PPO, GRPO, DAPO); 'sequence': GSPO's s_i. */
  ratioLevel: 'token' | 'sequence';
  /** With klBeta > 0: the reference log-probs for the k3 penalty, [B, L]. */
  refLogProbs?: tf.Tensor2D;
  klBeta?: number;
}

export interface ClippedPolicyLoss {
  /** What the optimizer minimizes: the clipped term plus beta * k3 when set. */
  loss: tf.Scalar;
  /** The clipped term alone. */
  policyLoss: tf.Scalar;
  /** Fraction of response tokens where the clipped branch was taken (TRL pg_clipfrac). */
  clipFrac: tf.Scalar;
  /** ... of them with A < 0 and r < 1 - eps_low (TRL clip_ratio/low_mean). */
  clipLowFrac: tf.Scalar;
  /** ... of them with A > 0 and r > 1 + eps_high (TRL clip_ratio/high_mean). */
  clipHighFrac: tf.Scalar;
  /** k3 estimate of KL(pi_old || pi) per token: E[(r - 1) - log r]. */
  approxKl: tf.Scalar;
  /** Mean k3 KL(pi || pi_ref) per token; 0 without a reference. */
  refKl: tf.Scalar;
}

/** Call inside a tidy (or variableGrads); every returned tensor belongs to that scope. */
export function clippedPolicyLoss(inp: ClippedPolicyLossInput): ClippedPolicyLoss {
  const { logProbs, oldLogProbs, advantages, mask } = inp;
  const tokenLogRatio = tf.sub(logProbs, oldLogProbs);
  const logRatio =
    inp.ratioLevel === 'sequence'
      ? tf.mul(tf.expandDims(maskedRowMean(tokenLogRatio as tf.Tensor2D, mask), 1), tf.onesLike(tokenLogRatio))
      : tokenLogRatio;
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(tf.neg(advantages), ratio);
  const clippedRatio = tf.clipByValue(ratio, 1 - inp.clipLow, 1 + inp.clipHigh);
  const clipped = tf.mul(tf.neg(advantages), clippedRatio);
  let perToken: tf.Tensor = tf.maximum(unclipped, clipped);
  const policyLoss = aggregate(perToken, mask, inp.aggregation);

  let refKl: tf.Scalar = tf.scalar(0);
  const beta = inp.klBeta ?? 0;
  if (beta > 0) {
    if (!inp.refLogProbs) throw new Error('a KL penalty (beta > 0) needs the reference log-probs');
    const d = tf.sub(inp.refLogProbs, logProbs);
    const k3 = tf.sub(tf.sub(tf.exp(d), d), 1);
    refKl = maskedMean(k3, mask);
    perToken = tf.add(perToken, tf.mul(k3, beta));
  }
  const loss = beta > 0 ? aggregate(perToken, mask, inp.aggregation) : policyLoss;

  const adv = tf.mul(advantages, tf.onesLike(ratio));
  const clipFrac = maskedMean(tf.cast(tf.greater(clipped, unclipped), 'float32'), mask);
  const low = tf.logicalAnd(tf.less(ratio, 1 - inp.clipLow), tf.less(adv, 0));
  const high = tf.logicalAnd(tf.greater(ratio, 1 + inp.clipHigh), tf.greater(adv, 0));
  const clipLowFrac = maskedMean(tf.cast(low, 'float32'), mask);
  const clipHighFrac = maskedMean(tf.cast(high, 'float32'), mask);
  const approxKl = maskedMean(tf.sub(tf.sub(tf.exp(tokenLogRatio), 1), tokenLogRatio), mask);
  return { loss, policyLoss, clipFrac, clipLowFrac, clipHighFrac, approxKl, refKl };
}

function aggregate(perToken: tf.Tensor, mask: tf.Tensor2D, how: LossAggregation): tf.Scalar {
  switch (how) {
    case 'token_mean':
      return maskedMean(perToken, mask);
    case 'sequence_mean':
      return tf.mean(maskedRowMean(perToken as tf.Tensor2D, mask));
    case 'sum_over_max_len':
      return tf.div(tf.sum(tf.mul(perToken, mask)), mask.shape[0] * mask.shape[1]);
  }
}
