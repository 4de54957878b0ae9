/**
 * The losses of the vanilla policy-gradient family on one batch, in plain JS with their
 * gradients with respect to the network outputs (see ppo/loss.ts for why JS):
 *
 *   A2C / REINFORCE (SB3's A2C.train):
 *     policy_loss = -mean( log pi(a|s) * A )
 *     value_loss  =  mean( (V(s) - R)^2 )          (F.mse_loss: no 1/2)
 *     loss        =  policy_loss + vf_coef * value_loss - ent_coef * mean H
 *
 *   NPG / TRPO surrogate advantage (Schulman et al. 2015, eq. 14) and trust-region KL:
 *     L(theta)  = mean( pi_theta(a|s) / pi_old(a|s) * A )
 *     KL(theta) = mean( KL[pi_old(.|s) || pi_theta(.|s)] )
 */
import { backpropLogProbsAndEntropies, klFromOld, logProbsAndEntropies, newLogStdGradient, type OldPolicy, type PolicyHead } from './head';
import type { JsLoss } from '../../nn/lossHead';

export interface PgBatch {
  rows: number;
  actions: Float32Array;
  /** A_t (or G_t - b(s_t) for REINFORCE), already normalized when asked. */
  advantages: Float32Array;
  /** Value targets R_t. */
  returns: Float32Array;
}

export interface PgStats {
  'losses/policy_loss': number;
  'losses/value_loss': number;
  'losses/entropy': number;
}

export function policyGradientLoss(head: PolicyHead, batch: PgBatch, c: { entCoef: number; vfCoef: number }): JsLoss & { stats: PgStats } {
  const { rows } = batch;
  const { piDim, out } = head;
  const width = piDim + 1;
  const gradOut = new Float32Array(rows * width);
  const gradLogStd = newLogStdGradient(head, rows);
  const { logProbs, entropies } = logProbsAndEntropies(head, batch.actions, rows);
  let policySum = 0;
  let valueSum = 0;
  let entropySum = 0;
  const dLogProb = new Float64Array(rows);
  for (let j = 0; j < rows; j++) {
    const adv = batch.advantages[j];
    policySum += logProbs[j] * adv;
    dLogProb[j] = -adv / rows;
    const err = out[j * width + piDim] - batch.returns[j];
    valueSum += err * err;
    gradOut[j * width + piDim] = (2 * c.vfCoef * err) / rows;
    entropySum += entropies[j];
  }
  backpropLogProbsAndEntropies(head, batch.actions, rows, dLogProb, -c.entCoef / rows, entropies, gradOut, gradLogStd);
  const policyLoss = -policySum / rows;
  const valueLoss = valueSum / rows;
  const entropy = entropySum / rows;
  return {
    loss: policyLoss + c.vfCoef * valueLoss - c.entCoef * entropy,
    stats: { 'losses/policy_loss': policyLoss, 'losses/value_loss': valueLoss, 'losses/entropy': entropy },
    gradOut,
    gradLogStd,
  };
}

/** The loss -L(theta) (negated surrogate advantage) and its gradient; also the mean entropy. */
export function surrogateLoss(head: PolicyHead, batch: { rows: number; actions: Float32Array; oldLogProbs: Float32Array; advantages: Float32Array }): JsLoss & { objective: number; entropy: number } {
  const { rows } = batch;
  const gradOut = new Float32Array(rows * (head.piDim + 1));
  const gradLogStd = newLogStdGradient(head, rows);
  const { logProbs, entropies } = logProbsAndEntropies(head, batch.actions, rows);
  let sum = 0;
  let entropy = 0;
  const dLogProb = new Float64Array(rows);
  for (let j = 0; j < rows; j++) {
    const ratio = Math.exp(logProbs[j] - batch.oldLogProbs[j]);
    sum += ratio * batch.advantages[j];
    dLogProb[j] = (-ratio * batch.advantages[j]) / rows; // d(-r A)/d log pi = -r A
    entropy += entropies[j] / rows;
  }
  backpropLogProbsAndEntropies(head, batch.actions, rows, dLogProb, 0, entropies, gradOut, gradLogStd);
  return { loss: -sum / rows, objective: sum / rows, entropy, gradOut, gradLogStd };
}

/** Mean KL[pi_old || pi_theta] over the rows and its gradient. */
export function meanKlLoss(head: PolicyHead, old: OldPolicy, rows: number): JsLoss {
  const gradOut = new Float32Array(rows * (head.piDim + 1));
  const gradLogStd = newLogStdGradient(head, rows);
  const kl = klFromOld(head, old, rows, 1 / rows, gradOut, gradLogStd);
  let mean = 0;
  for (let j = 0; j < rows; j++) mean += kl[j] / rows;
  return { loss: mean, gradOut, gradLogStd };
}

/** The critic's loss alone, mean( (V(s) - R)^2 ) (F.mse_loss), and its gradient. */
export function valueLoss(head: PolicyHead, returns: Float32Array, rows: number): JsLoss {
  const width = head.piDim + 1;
  const gradOut = new Float32Array(rows * width);
  let loss = 0;
  for (let j = 0; j < rows; j++) {
    const err = head.out[j * width + width - 1] - returns[j];
    loss += (err * err) / rows;
    gradOut[j * width + width - 1] = (2 * err) / rows;
  }
  return { loss, gradOut, gradLogStd: newLogStdGradient(head, rows) };
}
