/**
 * Generalized State-Dependent Exploration (gSDE; Raffin, Kober & Stulp 2021, "Smooth
 * Exploration for Robotic Reinforcement Learning", CoRL), as Stable-Baselines3's
 * StateDependentNoiseDistribution (stable_baselines3/common/distributions.py):
 *
 *   std      = exp(log_std)                   [latent_dim x action_dim]   (get_std)
 *              or, with use_expln, exp(x) for x <= 0 and log1p(x + eps) + 1 above
 *              (without full_std log_std is [latent_dim x 1], broadcast over the action dims)
 *   M_e      ~ N(0, std^2), one exploration matrix per env                 (sample_weights)
 *   noise    = z @ M_e      z = the policy network's last hidden layer (latent_pi)
 *   action   = mu(s) + noise                                              (sample)
 *   sigma^2  = (z^2) @ (std^2) + eps                                       (proba_distribution)
 *   log pi(a|s) = sum_d log N(a_d; mu_d, sigma_d),  H = sum_d 1/2 + 1/2 log(2 pi) + log sigma_d
 * The noise is a deterministic function of the state between two resamplings of M_e, so the
 * exploration is smooth in time; its distribution for a fresh M_e is exactly N(0, sigma^2 - eps).
 *
 * Two halves: plain-JS maths on read-back arrays (what the on-policy loss head uses: the
 * per-row sigma, the chain rule from d loss / d log sigma into the log-std parameter, its
 * forward-mode product for the Fisher, and sampling), and the same distribution in TensorFlow.js
 * ops (differentiable by tf.grad; for losses built in TensorFlow.js and for checking the JS
 * gradients). On-policy algorithms use SB3's learn_features=False: z is treated as a constant
 * (the gradient reaches the network only through mu, and log_std only through sigma).
 * Arrays are row-major; `latent` is rows x latentDim, `logStd` the parameter
 * (latentDim x actionDim, or latentDim x 1 without full_std).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';

/** SB3's epsilon: added to the variance, and inside expln's log1p. */
export const GSDE_EPSILON = 1e-6;

const LOG_2PI = Math.log(2 * Math.PI);

export interface GsdeOptions {
  /** full_std: a std per (latent feature, action dim); false: per latent feature only. SB3 default true. */
  fullStd: boolean;
  /** use_expln: std = exp(x) below 0 and log1p(x + eps) + 1 above (keeps it positive, grows slowly). SB3 default false. */
  useExpln: boolean;
  /** Added to the variance; default GSDE_EPSILON as SB3. */
  epsilon?: number;
}

/** Columns of the log-std parameter: actionDim (full_std) or 1. */
export function gsdeLogStdCols(actionDim: number, fullStd: boolean): number {
  return fullStd ? actionDim : 1;
}

/** Number of entries of the log-std parameter. */
export function gsdeLogStdSize(latentDim: number, actionDim: number, fullStd: boolean): number {
  return latentDim * gsdeLogStdCols(actionDim, fullStd);
}

/** std of one log-std entry (SB3 get_std, elementwise). */
export function stdOf(x: number, useExpln: boolean, epsilon = GSDE_EPSILON): number {
  if (!useExpln || x <= 0) return Math.exp(x);
  return Math.log1p(x + epsilon) + 1;
}

/** d std / d x of one log-std entry. */
export function stdDerivative(x: number, useExpln: boolean, epsilon = GSDE_EPSILON): number {
  if (!useExpln || x <= 0) return Math.exp(x);
  return 1 / (1 + x + epsilon);
}

/** The std matrix [latentDim x actionDim] from the log-std parameter (broadcast without full_std). */
export function gsdeStd(logStd: ArrayLike<number>, latentDim: number, actionDim: number, opts: GsdeOptions): Float64Array {
  const cols = gsdeLogStdCols(actionDim, opts.fullStd);
  const eps = opts.epsilon ?? GSDE_EPSILON;
  const std = new Float64Array(latentDim * actionDim);
  for (let i = 0; i < latentDim; i++) {
    for (let d = 0; d < actionDim; d++) std[i * actionDim + d] = stdOf(logStd[i * cols + (opts.fullStd ? d : 0)], opts.useExpln, eps);
  }
  return std;
}

/** sigma^2 - eps = (z^2) @ (std^2), rows x actionDim. */
function variances(latent: ArrayLike<number>, rows: number, latentDim: number, std: ArrayLike<number>, actionDim: number): Float64Array {
  const v = new Float64Array(rows * actionDim);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < latentDim; i++) {
      const z = latent[j * latentDim + i];
      const z2 = z * z;
      if (z2 === 0) continue;
      for (let d = 0; d < actionDim; d++) {
        const s = std[i * actionDim + d];
        v[j * actionDim + d] += z2 * s * s;
      }
    }
  }
  return v;
}

/** log sigma[j, d] = 1/2 log( (z_j^2) @ (std^2)_d + eps ), rows x actionDim. */
export function gsdeLogSigma(
  latent: ArrayLike<number>, rows: number, latentDim: number, logStd: ArrayLike<number>, actionDim: number, opts: GsdeOptions,
): Float64Array {
  const eps = opts.epsilon ?? GSDE_EPSILON;
  const v = variances(latent, rows, latentDim, gsdeStd(logStd, latentDim, actionDim, opts), actionDim);
  for (let k = 0; k < v.length; k++) v[k] = 0.5 * Math.log(v[k] + eps);
  return v;
}

/**
 * Chain rule from g = d loss / d log sigma (rows x actionDim) into d loss / d log-std parameter
 * (z constant, learn_features=False):
 *   d log sigma[j,d] / d std[i,d] = z[j,i]^2 std[i,d] / sigma[j,d]^2
 *   d loss / d x = sum_j sum_d g[j,d] z[j,i]^2 std[i,d] / sigma[j,d]^2 * std'(x)
 * (without full_std the sum over d lands on the one entry of row i).
 */
export function gsdeLogStdGradient(
  latent: ArrayLike<number>, rows: number, latentDim: number, logStd: ArrayLike<number>, actionDim: number, opts: GsdeOptions,
  dLogSigma: ArrayLike<number>,
): Float64Array {
  const eps = opts.epsilon ?? GSDE_EPSILON;
  const std = gsdeStd(logStd, latentDim, actionDim, opts);
  const v = variances(latent, rows, latentDim, std, actionDim);
  // w[j,d] = g[j,d] / sigma[j,d]^2
  const w = new Float64Array(rows * actionDim);
  for (let k = 0; k < w.length; k++) w[k] = dLogSigma[k] / (v[k] + eps);
  // dStd[i,d] = std[i,d] * sum_j z[j,i]^2 w[j,d]
  const dStd = new Float64Array(latentDim * actionDim);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < latentDim; i++) {
      const z = latent[j * latentDim + i];
      const z2 = z * z;
      if (z2 === 0) continue;
      for (let d = 0; d < actionDim; d++) dStd[i * actionDim + d] += z2 * w[j * actionDim + d];
    }
  }
  const cols = gsdeLogStdCols(actionDim, opts.fullStd);
  const grad = new Float64Array(latentDim * cols);
  for (let i = 0; i < latentDim; i++) {
    for (let d = 0; d < actionDim; d++) {
      const p = i * cols + (opts.fullStd ? d : 0);
      grad[p] += dStd[i * actionDim + d] * std[i * actionDim + d] * stdDerivative(logStd[p], opts.useExpln, eps);
    }
  }
  return grad;
}

/**
 * Forward-mode product: the change of log sigma (rows x actionDim) along a direction `dir` of
 * the log-std parameter, exact (the transpose of gsdeLogStdGradient). Used by the Fisher-vector
 * products of NPG/TRPO.
 */
export function gsdeLogSigmaJvp(
  latent: ArrayLike<number>, rows: number, latentDim: number, logStd: ArrayLike<number>, actionDim: number, opts: GsdeOptions,
  dir: ArrayLike<number>,
): Float64Array {
  const eps = opts.epsilon ?? GSDE_EPSILON;
  const std = gsdeStd(logStd, latentDim, actionDim, opts);
  const v = variances(latent, rows, latentDim, std, actionDim);
  const cols = gsdeLogStdCols(actionDim, opts.fullStd);
  // dS[i,d] = std[i,d] d std[i,d] = d(std[i,d]^2) / 2, with d std = std'(x_p) dir_p.
  const dS = new Float64Array(latentDim * actionDim);
  for (let i = 0; i < latentDim; i++) {
    for (let d = 0; d < actionDim; d++) {
      const p = i * cols + (opts.fullStd ? d : 0);
      dS[i * actionDim + d] = std[i * actionDim + d] * stdDerivative(logStd[p], opts.useExpln, eps) * dir[p];
    }
  }
  // d log sigma[j,d] = d(sigma^2) / (2 sigma^2) = sum_i z[j,i]^2 dS[i,d] / sigma[j,d]^2
  const out = new Float64Array(rows * actionDim);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < latentDim; i++) {
      const z = latent[j * latentDim + i];
      const z2 = z * z;
      if (z2 === 0) continue;
      for (let d = 0; d < actionDim; d++) out[j * actionDim + d] += z2 * dS[i * actionDim + d];
    }
  }
  for (let k = 0; k < out.length; k++) out[k] /= v[k] + eps;
  return out;
}

/**
 * `count` exploration matrices [latentDim x actionDim] (count x latentDim x actionDim), each
 * entry ~ N(0, std[i,d]^2) (SB3 sample_weights with batch_size = count, e.g. one per env).
 */
export function sampleExplorationMatrices(
  std: ArrayLike<number>, latentDim: number, actionDim: number, count: number, rng: Rng, out: Float32Array = new Float32Array(count * latentDim * actionDim),
): Float32Array {
  const size = latentDim * actionDim;
  for (let e = 0; e < count; e++) for (let k = 0; k < size; k++) out[e * size + k] = std[k] * rng.normal();
  return out;
}

/**
 * gSDE actions for `rows` states: row j uses exploration matrix j (one per env, SB3's batched
 * get_noise), a = mu + z @ M_j; writes the actions (rows x actionDim at row `offset`), their
 * log-probabilities under N(mu, sigma) and, when given, log sigma (rows x actionDim at `offset`).
 */
export function sampleGsdeActions(
  mean: ArrayLike<number>, latent: ArrayLike<number>, rows: number, latentDim: number, actionDim: number,
  logSigma: ArrayLike<number>, matrices: ArrayLike<number>,
  actions: Float32Array, logProbs: Float32Array, offset: number, logSigmaOut?: Float32Array,
): void {
  const size = latentDim * actionDim;
  for (let j = 0; j < rows; j++) {
    let lp = 0;
    for (let d = 0; d < actionDim; d++) {
      let noise = 0;
      for (let i = 0; i < latentDim; i++) noise += latent[j * latentDim + i] * matrices[j * size + i * actionDim + d];
      const ls = logSigma[j * actionDim + d];
      const z = noise * Math.exp(-ls);
      actions[(offset + j) * actionDim + d] = mean[j * actionDim + d] + noise;
      lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
      if (logSigmaOut) logSigmaOut[(offset + j) * actionDim + d] = ls;
    }
    logProbs[offset + j] = lp;
  }
}

/**
 * The exploration of one vectorized rollout: the per-env matrices, resampled at the start of
 * each rollout and every sde_sample_freq steps within it (SB3 OnPolicyAlgorithm.collect_rollouts).
 */
export class GsdeExploration {
  readonly matrices: Float32Array;
  /** std matrix of the current parameters (set by resample). */
  private std: Float64Array;

  constructor(readonly latentDim: number, readonly actionDim: number, readonly opts: GsdeOptions, readonly count: number) {
    this.matrices = new Float32Array(count * latentDim * actionDim);
    this.std = new Float64Array(latentDim * actionDim);
  }

  /** Draws new matrices from N(0, std(logStd)^2). */
  resample(logStd: ArrayLike<number>, rng: Rng): void {
    this.std = gsdeStd(logStd, this.latentDim, this.actionDim, this.opts);
    sampleExplorationMatrices(this.std, this.latentDim, this.actionDim, this.count, rng, this.matrices);
  }

  /** Restores saved matrices (checkpoint). */
  load(matrices: Float32Array): void {
    if (matrices.length !== this.matrices.length) throw new Error(`expected ${this.matrices.length} gSDE exploration-matrix entries, got ${matrices.length}`);
    this.matrices.set(matrices);
  }
}

// ------------------------------------------------------------------ TensorFlow.js ops

/** std [latentDim, actionDim] from the log-std parameter (any shape of latentDim x cols entries). */
export function gsdeStdTf(logStd: tf.Tensor, latentDim: number, actionDim: number, opts: GsdeOptions): tf.Tensor2D {
  const eps = opts.epsilon ?? GSDE_EPSILON;
  const x = tf.reshape(logStd, [latentDim, gsdeLogStdCols(actionDim, opts.fullStd)]) as tf.Tensor2D;
  let std: tf.Tensor2D;
  if (opts.useExpln) {
    // exp(min(x, 0)) keeps the unused branch finite (its gradient is masked, 0 * inf would be NaN);
    // the mask is tf.step (1 above 0, a zero gradient), as SB3 multiplies by (log_std > 0).
    const above = tf.step(x);
    const below = tf.mul(tf.exp(tf.minimum(x, 0)), tf.sub(1, above));
    std = tf.add(below, tf.mul(tf.add(tf.log1p(tf.add(tf.relu(x), eps)), 1), above)) as tf.Tensor2D;
  } else {
    std = tf.exp(x) as tf.Tensor2D;
  }
  return (opts.fullStd ? std : tf.mul(std, tf.ones([latentDim, actionDim]))) as tf.Tensor2D;
}

/** sigma = sqrt( (z^2) @ (std^2) + eps ), [rows, actionDim]. Pass tf.stopGradient(z) for learn_features=False. */
export function gsdeSigmaTf(latent: tf.Tensor2D, std: tf.Tensor2D, epsilon = GSDE_EPSILON): tf.Tensor2D {
  return tf.sqrt(tf.add(tf.matMul(tf.square(latent), tf.square(std)), epsilon)) as tf.Tensor2D;
}

/** noise = z @ M: one matrix [latentDim, actionDim] for all rows, or one per row [rows, latentDim, actionDim]. */
export function gsdeNoiseTf(latent: tf.Tensor2D, matrices: tf.Tensor2D | tf.Tensor3D): tf.Tensor2D {
  if (matrices.rank === 2) return tf.matMul(latent, matrices as tf.Tensor2D);
  const [rows, latentDim] = latent.shape;
  return tf.reshape(tf.matMul(tf.reshape(latent, [rows, 1, latentDim]) as tf.Tensor3D, matrices as tf.Tensor3D), [rows, -1]) as tf.Tensor2D;
}

/** sum_d log N(a_d; mu_d, sigma_d), [rows]. */
export function gaussianLogProbTf(actions: tf.Tensor2D, mean: tf.Tensor2D, sigma: tf.Tensor2D): tf.Tensor1D {
  const z = tf.div(tf.sub(actions, mean), sigma);
  return tf.sum(tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(tf.log(sigma), 0.5 * LOG_2PI)), 1) as tf.Tensor1D;
}

/** sum_d 1/2 + 1/2 log(2 pi) + log sigma_d, [rows]. */
export function gaussianEntropyTf(sigma: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.add(tf.log(sigma), 0.5 + 0.5 * LOG_2PI), 1) as tf.Tensor1D;
}
