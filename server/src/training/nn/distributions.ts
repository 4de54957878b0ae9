/**
 * The two action distributions of SB3's MlpPolicy. Sampling happens in JS on the read-back
 * network outputs (one read-back per env step, seeded Rng). The log-probabilities and
 * entropies of the loss, with their gradients, are in algos/ppo/loss.ts.
 */
import type { Rng } from '../rng';

const LOG_2PI = Math.log(2 * Math.PI);

// ------------------------------------------------------------------ categorical (Discrete)

/** Samples one action per row of logits; writes the actions and their log-probabilities. */
export function sampleCategorical(
  logits: Float32Array, rows: number, n: number, rng: Rng, actions: Float32Array, logProbs: Float32Array, offset: number,
): void {
  for (let i = 0; i < rows; i++) {
    const base = i * n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, logits[base + k]);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.exp(logits[base + k] - max);
    const logSumExp = max + Math.log(sum);
    // Inverse-CDF sampling.
    const u = rng.random();
    let cdf = 0;
    let a = n - 1;
    for (let k = 0; k < n; k++) {
      cdf += Math.exp(logits[base + k] - logSumExp);
      if (u < cdf) {
        a = k;
        break;
      }
    }
    actions[offset + i] = a;
    logProbs[offset + i] = logits[base + a] - logSumExp;
  }
}

// ------------------------------------------------------------------ diagonal Gaussian (Box)

/** a = mean + std * N(0, 1) per dimension; log-prob summed over dimensions. */
export function sampleGaussian(
  mean: Float32Array, logStd: Float32Array, rows: number, dim: number, rng: Rng,
  actions: Float32Array, logProbs: Float32Array, offset: number,
): void {
  for (let i = 0; i < rows; i++) {
    let lp = 0;
    for (let d = 0; d < dim; d++) {
      const z = rng.normal();
      actions[(offset + i) * dim + d] = mean[i * dim + d] + Math.exp(logStd[d]) * z;
      lp += gaussianLogDensity(z, logStd[d]);
    }
    logProbs[offset + i] = lp;
  }
}

/** log N(x; mu, sigma) written with z = (x - mu) / sigma: -z^2/2 - log sigma - log(2 pi)/2. */
export function gaussianLogDensity(z: number, logStd: number): number {
  return -0.5 * z * z - logStd - 0.5 * LOG_2PI;
}
