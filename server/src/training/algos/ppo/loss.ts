/**
 * The PPO-clip loss (Schulman et al. 2017) as in CleanRL's ppo.py, on one minibatch, written
 * in plain JS together with its gradient with respect to the network outputs.
 *
 *   ratio  r  = exp(log pi_new(a|s) - log pi_old(a|s))
 *   L_CLIP    = mean( min(r A, clip(r, 1 - eps, 1 + eps) A) )                 (paper eq. 7)
 *   L_VF      = 0.5 mean( (V - R)^2 ), or with clip_range_vf c:
 *               0.5 mean( max((V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2) )
 *   H         = mean entropy of pi_new(.|s)
 *   loss      = -L_CLIP + vf_coef L_VF - ent_coef H
 *
 * KL-penalty variant (ppo_mode: kl_penalty, the paper's eq. 8): the policy term is the
 * unclipped surrogate minus beta times the exact KL from the rollout policy,
 *   L_KLPEN   = mean( r A - beta KL[pi_old(.|s), pi_new(.|s)] )
 *
 * Why JS and not tensor ops: the head of the graph (softmax, ratio, clipping, value error,
 * entropy, diagnostics) is ~40 tiny kernels forward and as many backward, each costing more
 * in dispatch than its arithmetic. Here it is one read-back of the [batch, outputs] matrix
 * and one upload of its gradient; the networks' own backward pass stays in TensorFlow.js
 * (see ppo.ts: a tf.customGrad node feeds this gradient in). Unit tests check the gradient
 * against finite differences.
 */
import { backpropLogProbsAndEntropies, klFromOld, logProbsAndEntropies, newLogStdGradient, type OldPolicy, type PolicyHead } from '../pg/head';

export type { PolicyHead } from '../pg/head';

/** min(r A, clip(r, 1 - eps, 1 + eps) A): one term of the clipped surrogate objective. */
export function clippedSurrogate(ratio: number, advantage: number, clipRange: number): number {
  const clipped = Math.min(Math.max(ratio, 1 - clipRange), 1 + clipRange);
  return Math.min(ratio * advantage, clipped * advantage);
}

export interface PpoMinibatch {
  rows: number;
  /** Discrete: the action index per row. Box: rows x actionDim. */
  actions: Float32Array;
  oldLogProbs: Float32Array;
  /** Already normalized when normalize_advantage is on. */
  advantages: Float32Array;
  returns: Float32Array;
  oldValues: Float32Array;
  /** The rollout policy's outputs for these rows (needed by the KL penalty). */
  old?: OldPolicy;
}

export interface PpoCoefficients {
  clipRange: number;
  /** null: plain squared error. */
  clipRangeVf: number | null;
  entCoef: number;
  vfCoef: number;
  /** Set: KL-penalty mode with this beta (the clip range is then only used for clipfrac). */
  klCoef?: number;
}

export interface PpoStats {
  'losses/policy_loss': number;
  'losses/value_loss': number;
  'losses/entropy': number;
  /** k3 estimator E[(r - 1) - log r], http://joschu.net/blog/kl-approx.html */
  'losses/approx_kl': number;
  /** k1 estimator E[-log r]. */
  'losses/old_approx_kl': number;
  /** Fraction of rows with |r - 1| > eps. */
  'losses/clipfrac': number;
  /** KL-penalty mode: the exact mean KL[pi_old || pi_new] of the minibatch. */
  'losses/kl'?: number;
}

export interface PpoLossResult {
  loss: number;
  stats: PpoStats;
  /** d loss / d out, same layout as PolicyHead.out. */
  gradOut: Float32Array;
  /** d loss / d logStd (gaussian), else null. */
  gradLogStd: Float32Array | null;
}

export function ppoLoss(head: PolicyHead, batch: PpoMinibatch, c: PpoCoefficients): PpoLossResult {
  const { rows } = batch;
  const { piDim, out } = head;
  const width = piDim + 1;
  const gradOut = new Float32Array(rows * width);
  const gradLogStd = newLogStdGradient(head, rows); // per row with gSDE
  const { logProbs, entropies } = logProbsAndEntropies(head, batch.actions, rows);
  const penalty = c.klCoef !== undefined;

  // ---- the three terms, their statistics, and d loss / d (log-prob, value) per row
  let policySum = 0;
  let valueSum = 0;
  let entropySum = 0;
  let approxKl = 0;
  let oldApproxKl = 0;
  let clipped = 0;
  const dLogProb = new Float64Array(rows);
  for (let j = 0; j < rows; j++) {
    const logRatio = logProbs[j] - batch.oldLogProbs[j];
    const ratio = Math.exp(logRatio);
    const adv = batch.advantages[j];
    if (penalty) {
      policySum += ratio * adv;
      dLogProb[j] = (-ratio * adv) / rows;
    } else {
      const surrogate = clippedSurrogate(ratio, adv, c.clipRange);
      policySum += surrogate;
      // The gradient flows through r A unless the clipped branch is the smaller one and r is
      // outside [1 - eps, 1 + eps] (where clip() is flat): d(r A)/d log pi = r A.
      const inside = ratio >= 1 - c.clipRange && ratio <= 1 + c.clipRange;
      dLogProb[j] = ratio * adv <= surrogate || inside ? (-ratio * adv) / rows : 0;
    }

    const v = out[j * width + piDim];
    const ret = batch.returns[j];
    let dValue = v - ret; // d 0.5 (V - R)^2 / dV
    let sq = dValue * dValue;
    if (c.clipRangeVf !== null) {
      const delta = v - batch.oldValues[j];
      const vClipped = batch.oldValues[j] + Math.min(Math.max(delta, -c.clipRangeVf), c.clipRangeVf);
      const sqClipped = (vClipped - ret) ** 2;
      if (sqClipped > sq) {
        sq = sqClipped;
        dValue = Math.abs(delta) < c.clipRangeVf ? vClipped - ret : 0;
      }
    }
    valueSum += sq;
    gradOut[j * width + piDim] = (c.vfCoef * dValue) / rows;

    entropySum += entropies[j];
    approxKl += ratio - 1 - logRatio;
    oldApproxKl += -logRatio;
    if (Math.abs(ratio - 1) > c.clipRange) clipped += 1;
  }

  // ---- chain rule into the policy outputs
  backpropLogProbsAndEntropies(head, batch.actions, rows, dLogProb, -c.entCoef / rows, entropies, gradOut, gradLogStd);

  // ---- KL penalty: + beta * mean KL, with its gradient
  let klMean = 0;
  if (penalty) {
    if (!batch.old) throw new Error('the KL penalty needs the rollout policy outputs (batch.old)');
    const kl = klFromOld(head, batch.old, rows, c.klCoef! / rows, gradOut, gradLogStd);
    for (let j = 0; j < rows; j++) klMean += kl[j] / rows;
  }

  const policyLoss = -policySum / rows + (penalty ? c.klCoef! * klMean : 0);
  const valueLoss = (0.5 * valueSum) / rows;
  const entropy = entropySum / rows;
  const stats: PpoStats = {
    'losses/policy_loss': policyLoss,
    'losses/value_loss': valueLoss,
    'losses/entropy': entropy,
    'losses/approx_kl': approxKl / rows,
    'losses/old_approx_kl': oldApproxKl / rows,
    'losses/clipfrac': clipped / rows,
  };
  if (penalty) stats['losses/kl'] = klMean;
  return { loss: policyLoss + c.vfCoef * valueLoss - c.entCoef * entropy, stats, gradOut, gradLogStd };
}
