/**
 * Behaviour cloning's losses on the policy outputs, in plain JS with their gradients (they
 * enter the TensorFlow.js graph through nn/lossHead.ts, as the policy-gradient losses do):
 *
 *   Discrete:  loss = mean_j( -log softmax(logits_j)[a*_j] )     d/dlogit_k = (p_k - [k = a*]) / rows
 *   Box:       loss = mean_j( |mu_j - a*_j|^2 ) / action_dim     d/dmu = 2 (mu - a*) / (rows action_dim)
 *
 * The critic's output and the log std get zero gradient: BC trains the actor alone.
 */
import type { PolicyHead } from '../pg/head';
import type { JsLoss } from '../../nn/lossHead';

export interface ImitationStats {
  loss: number;
  /** Discrete: rows whose argmax equals the expert's action. */
  correct: number;
  /** Box: sum over rows of |mu - a*|^2 / action_dim. */
  squaredError: number;
}

export function imitationLoss(head: PolicyHead, actions: Float32Array, rows: number): JsLoss & ImitationStats {
  const { piDim, out } = head;
  const width = piDim + 1;
  const gradOut = new Float32Array(rows * width);
  let loss = 0;
  let correct = 0;
  let squaredError = 0;
  if (head.distribution === 'categorical') {
    const p = new Float64Array(piDim);
    for (let j = 0; j < rows; j++) {
      const o = j * width;
      let max = -Infinity;
      let best = 0;
      for (let k = 0; k < piDim; k++) {
        if (out[o + k] > max) {
          max = out[o + k];
          best = k;
        }
      }
      let sum = 0;
      for (let k = 0; k < piDim; k++) sum += (p[k] = Math.exp(out[o + k] - max));
      const a = actions[j];
      loss -= out[o + a] - max - Math.log(sum);
      if (best === a) correct++;
      for (let k = 0; k < piDim; k++) gradOut[o + k] = (p[k] / sum - (k === a ? 1 : 0)) / rows;
    }
  } else {
    for (let j = 0; j < rows; j++) {
      for (let d = 0; d < piDim; d++) {
        const diff = out[j * width + d] - actions[j * piDim + d];
        squaredError += (diff * diff) / piDim;
        gradOut[j * width + d] = (2 * diff) / (rows * piDim);
      }
    }
    loss = squaredError;
  }
  return { loss: loss / rows, correct, squaredError, gradOut, gradLogStd: head.logStd ? new Float32Array(piDim) : null };
}
