/**
 * The action distributions' maths on the network's read-back outputs, in plain JS, with
 * gradients with respect to those outputs: log-probabilities and entropies (every policy
 * gradient loss), and the exact KL divergence from the rollout's policy (PPO's KL penalty,
 * NPG/TRPO's trust region). The losses built on them (ppo/loss.ts, pg/losses.ts) enter the
 * TensorFlow.js graph through nn/lossHead.ts.
 */
import type { DistributionKind } from '../../nn/actorCritic';

const LOG_2PI = Math.log(2 * Math.PI);

/** The network's outputs for a batch of rows. */
export interface PolicyHead {
  distribution: DistributionKind;
  /** Logits (categorical) or means (gaussian) per row. */
  piDim: number;
  /** rows x (piDim + 1): [pi outputs..., value] per row. */
  out: Float32Array;
  /** Gaussian: log std per action dimension (gSDE: the log-std parameter matrix, see rowLogStd). */
  logStd: Float32Array | null;
  /**
   * gSDE (nn/gsde.ts): log sigma per row and action dimension (rows x piDim), used instead of
   * logStd. The losses' gradLogStd is then per row too (d loss / d log sigma, rows x piDim);
   * nn/lossHead.ts chains it into the log-std parameter.
   */
  rowLogStd?: ArrayLike<number>;
  /** gSDE: the latent features rowLogStd was computed from (rows x latentDim). */
  latent?: Float32Array;
}

/** log sigma of row j, action dimension d (per row with gSDE, else shared), and where its gradient goes. */
function sigmaIndex(head: { rowLogStd?: ArrayLike<number> }, piDim: number, j: number, d: number): number {
  return head.rowLogStd ? j * piDim + d : d;
}

function logSigmaOf(head: { logStd: Float32Array | null; rowLogStd?: ArrayLike<number> }, piDim: number, j: number, d: number): number {
  return head.rowLogStd ? head.rowLogStd[j * piDim + d] : head.logStd![d];
}

/** A zeroed d loss / d log std for the rows: per action dim, per row and dim (gSDE), or null (categorical). */
export function newLogStdGradient(head: PolicyHead, rows: number): Float32Array | null {
  if (head.rowLogStd) return new Float32Array(rows * head.piDim);
  return head.logStd ? new Float32Array(head.piDim) : null;
}

/** The rollout policy's outputs for the same rows (what the KL is measured from). */
export interface OldPolicy {
  /** rows x piDim: logits or means. */
  pi: Float32Array;
  /** Gaussian: the log std the rollout sampled with. */
  logStd: Float32Array | null;
  /** gSDE: the rollout's log sigma per row (rows x piDim), used instead of logStd. */
  rowLogStd?: ArrayLike<number>;
}

/** log softmax of one row of logits into `logP` (numerically stable). */
function logSoftmax(x: ArrayLike<number>, offset: number, n: number, logP: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, x[offset + k]);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.exp(x[offset + k] - max);
  const lse = max + Math.log(sum);
  for (let k = 0; k < n; k++) logP[k] = x[offset + k] - lse;
}

/** log pi(a_j | s_j) and H[pi(. | s_j)] per row. */
export function logProbsAndEntropies(head: PolicyHead, actions: Float32Array, rows: number): { logProbs: Float64Array; entropies: Float64Array } {
  const { piDim, out } = head;
  const width = piDim + 1;
  const logProbs = new Float64Array(rows);
  const entropies = new Float64Array(rows);
  const logP = new Float64Array(piDim);
  for (let j = 0; j < rows; j++) {
    const o = j * width;
    if (head.distribution === 'categorical') {
      logSoftmax(out, o, piDim, logP);
      let h = 0;
      for (let k = 0; k < piDim; k++) h -= Math.exp(logP[k]) * logP[k];
      logProbs[j] = logP[actions[j]];
      entropies[j] = h;
    } else {
      let lp = 0;
      let h = 0;
      for (let d = 0; d < piDim; d++) {
        const logStd = logSigmaOf(head, piDim, j, d);
        const z = (actions[j * piDim + d] - out[o + d]) * Math.exp(-logStd);
        lp += -0.5 * z * z - logStd - 0.5 * LOG_2PI;
        h += 0.5 + 0.5 * LOG_2PI + logStd;
      }
      logProbs[j] = lp;
      entropies[j] = h;
    }
  }
  return { logProbs, entropies };
}

/**
 * Chain rule from d loss / d log pi(a_j|s_j) (per row) and d loss / d H_j (the same for every
 * row) into d loss / d outputs; adds into gradOut (rows x (piDim + 1)) and gradLogStd.
 */
export function backpropLogProbsAndEntropies(
  head: PolicyHead, actions: Float32Array, rows: number, dLogProb: ArrayLike<number>, dEntropy: number,
  entropies: ArrayLike<number>, gradOut: Float32Array, gradLogStd: Float32Array | null,
): void {
  const { piDim, out } = head;
  const width = piDim + 1;
  const logP = new Float64Array(piDim);
  for (let j = 0; j < rows; j++) {
    const o = j * width;
    if (head.distribution === 'categorical') {
      logSoftmax(out, o, piDim, logP);
      const a = actions[j];
      for (let k = 0; k < piDim; k++) {
        const p = Math.exp(logP[k]);
        // d log p_a / d l_k = 1[k = a] - p_k;   d H / d l_k = -p_k (log p_k + H)
        gradOut[o + k] += dLogProb[j] * ((k === a ? 1 : 0) - p) + dEntropy * (-p * (logP[k] + entropies[j]));
      }
    } else {
      for (let d = 0; d < piDim; d++) {
        const logStd = logSigmaOf(head, piDim, j, d);
        const z = (actions[j * piDim + d] - out[o + d]) * Math.exp(-logStd);
        // d log p / d mu = z / sigma;   d log p / d log sigma = z^2 - 1;   d H_j / d log sigma = 1
        gradOut[o + d] += dLogProb[j] * z * Math.exp(-logStd);
        gradLogStd![sigmaIndex(head, piDim, j, d)] += dLogProb[j] * (z * z - 1) + dEntropy;
      }
    }
  }
}

/**
 * KL(pi_old(.|s_j) || pi_new(.|s_j)) per row, exact:
 *   categorical  sum_k p_k (log p_k - log q_k)
 *   gaussian     sum_d log(s1/s0) + (s0^2 + (m0 - m1)^2) / (2 s1^2) - 1/2
 * When gradOut is given, adds scale * d KL_j / d outputs (and d / d logStd) to it.
 */
export function klFromOld(
  head: PolicyHead, old: OldPolicy, rows: number, scale = 0, gradOut: Float32Array | null = null, gradLogStd: Float32Array | null = null,
): Float64Array {
  const { piDim, out } = head;
  const width = piDim + 1;
  const kl = new Float64Array(rows);
  const logP = new Float64Array(piDim);
  const logQ = new Float64Array(piDim);
  for (let j = 0; j < rows; j++) {
    const o = j * width;
    if (head.distribution === 'categorical') {
      logSoftmax(old.pi, j * piDim, piDim, logP);
      logSoftmax(out, o, piDim, logQ);
      let sum = 0;
      for (let k = 0; k < piDim; k++) {
        const p = Math.exp(logP[k]);
        sum += p * (logP[k] - logQ[k]);
        // d KL / d new logit_k = q_k - p_k
        if (gradOut) gradOut[o + k] += scale * (Math.exp(logQ[k]) - p);
      }
      kl[j] = sum;
    } else {
      let sum = 0;
      for (let d = 0; d < piDim; d++) {
        const ls0 = logSigmaOf(old, piDim, j, d);
        const ls1 = logSigmaOf(head, piDim, j, d);
        const var1 = Math.exp(2 * ls1);
        const diff = out[o + d] - old.pi[j * piDim + d];
        const num = Math.exp(2 * ls0) + diff * diff;
        sum += ls1 - ls0 + num / (2 * var1) - 0.5;
        if (gradOut) {
          gradOut[o + d] += (scale * diff) / var1; // d KL / d m1
          gradLogStd![sigmaIndex(head, piDim, j, d)] += scale * (1 - num / var1); // d KL / d log s1
        }
      }
      kl[j] = sum;
    }
  }
  return kl;
}
