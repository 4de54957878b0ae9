/**
 * SAC's generalized State-Dependent Exploration head (Raffin et al. 2021, "Smooth Exploration for
 * Robotic Reinforcement Learning"), as Stable-Baselines3's SAC Actor builds it with `use_sde`:
 * a StateDependentNoiseDistribution with learn_features=True and squash_output=True, the mean
 * clipped by a Hardtanh(-clip_mean, clip_mean) before the tanh. Forward and hand-written backward
 * (checked against tf.grad in test/unit/sacGsde.test.ts).
 *
 * The actor network emits the mean only; the noise comes from its last hidden layer's output
 * (the latent features z, [B, L]) and a learned log-std matrix P ([L, A], or [L, 1] without
 * full_std, broadcast over actions):
 *   sigma = exp(P)   (use_expln: exp(P) for P <= 0, log1p(P + 1e-6) + 1 above; SB3 get_std)
 *   M = sigma * E,  E ~ N(0, 1)^{L x A}       the exploration matrix, resampled by reset_noise
 *   mean = clip(mean_raw, -clip_mean, clip_mean)   (no clip when clip_mean <= 0)
 *   noise = z @ M,  u = mean + noise,  a = tanh(u)
 *   var = (z^2) @ sigma^2 + 1e-6                    (per row and action: the variance of noise over E)
 *   log pi(a|s) = sum_j [ -noise_j^2 / (2 var_j) - log(var_j) / 2 - log(2 pi) / 2 - log(1 - a_j^2 + 1e-6) ]
 * (SB3 evaluates the Gaussian at atanh(a), which equals u up to float rounding while |u| < 8.3;
 * here it is evaluated at u itself.) Gradients reach z (learn_features) both through the noise and
 * through the variance, and reach P both through M (reparameterized) and through the variance.
 *
 * Backward, from g_a = dL/da [B, A] and g_p = dL/dlog pi [B]:
 *   d_mean  = g_a (1 - a^2) + g_p 2 a (1 - a^2) / (1 - a^2 + 1e-6)
 *   d_noise = d_mean - g_p noise / var
 *   d_var   = g_p ( noise^2 / (2 var^2) - 1 / (2 var) )
 *   d_mean_raw = d_mean where -clip_mean < mean_raw < clip_mean, else 0     (torch Hardtanh)
 *   d_z = d_noise @ M^T + 2 z * (d_var @ (sigma^2)^T)
 *   d_sigma = (z^T @ d_noise) * E + 2 sigma * ((z^2)^T @ d_var)      (summed over actions without full_std)
 *   d_P = d_sigma * exp(P)   (use_expln: exp(P) for P <= 0, 1 / (1 + P + 1e-6) above)
 */
import * as tf from '@tensorflow/tfjs-core';
import { GSDE_EPSILON, gsdeNoiseTf, gsdeStdTf, type GsdeOptions } from './gsde';
import { SQUASH_EPS } from './squashedGaussian';

/** SAC's gSDE settings: the distribution's (full_std, use_expln) and the Hardtanh bound on the mean. */
export interface SquashedGsdeOptions extends GsdeOptions {
  /** Hardtanh bound on the mean before the squash (SB3's clip_mean, 2.0); 0 or less: none. */
  clipMean: number;
}

export interface GsdeSample {
  /** tanh(u), [B, A], in (-1, 1). */
  action: tf.Tensor2D;
  /** log pi(a|s), [B]. */
  logProb: tf.Tensor1D;
  /** For gsdeBackward. */
  cache: {
    meanRaw: tf.Tensor2D; latent: tf.Tensor2D; sigma: tf.Tensor2D; eps: tf.Tensor2D; matrix: tf.Tensor2D;
    noise: tf.Tensor2D; variance: tf.Tensor2D; action: tf.Tensor2D;
    /** d sigma / d log_std, the parameter's shape (not the parameter itself: caches are disposed). */
    sigmaGrad: tf.Tensor2D;
    options: SquashedGsdeOptions;
  };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * d sigma / d log_std, elementwise and in the parameter's shape (gsde.ts stdDerivative as tensor
 * ops): exp(x), or with use_expln exp(x) for x <= 0 and 1 / (1 + x + eps) above. Call inside tf.tidy.
 */
export function gsdeSigmaDerivative(logStd: tf.Tensor2D, options: GsdeOptions): tf.Tensor2D {
  if (!options.useExpln) return tf.exp(logStd);
  const above = tf.step(logStd); // 1 where log_std > 0
  const safe = tf.add(tf.relu(logStd), options.epsilon ?? GSDE_EPSILON);
  return tf.add(tf.mul(tf.exp(tf.minimum(logStd, 0)), tf.sub(1, above)), tf.div(above, tf.add(safe, 1))) as tf.Tensor2D;
}

/** clip(mean_raw, -c, c), or mean_raw when c <= 0. Call inside tf.tidy. */
export function gsdeMean(meanRaw: tf.Tensor2D, clipMean: number): tf.Tensor2D {
  return clipMean > 0 ? tf.clipByValue(meanRaw, -clipMean, clipMean) : meanRaw;
}

/**
 * A reparameterized sample for a batch: mean_raw [B, A] (the actor's output), latent [B, L]
 * (its last hidden layer), the log-std parameter [L, A or 1] and E [L, A] ~ N(0, 1), the one
 * exploration matrix of this gradient step. Call inside tf.tidy.
 */
export function gsdeSample(meanRaw: tf.Tensor2D, latent: tf.Tensor2D, logStd: tf.Tensor2D, eps: tf.Tensor2D, options: SquashedGsdeOptions): GsdeSample {
  const actDim = eps.shape[1];
  const sigma = gsdeStdTf(logStd, eps.shape[0], actDim, options);
  const sigmaGrad = gsdeSigmaDerivative(logStd, options);
  const matrix = tf.mul(sigma, eps) as tf.Tensor2D;
  const noise = gsdeNoiseTf(latent, matrix);
  const variance = tf.add(tf.matMul(tf.square(latent), tf.square(sigma)), options.epsilon ?? GSDE_EPSILON) as tf.Tensor2D;
  const action = tf.tanh(tf.add(gsdeMean(meanRaw, options.clipMean), noise)) as tf.Tensor2D;
  const gaussian = tf.add(tf.add(tf.div(tf.square(noise), tf.mul(variance, 2)), tf.mul(tf.log(variance), 0.5)), HALF_LOG_2PI);
  const squash = tf.log(tf.add(tf.sub(1, tf.square(action)), SQUASH_EPS));
  const logProb = tf.neg(tf.sum(tf.add(gaussian, squash), 1)) as tf.Tensor1D;
  return { action, logProb, cache: { meanRaw, latent, sigma, eps, matrix, noise, variance, action, sigmaGrad, options } };
}

/** dL/dmean_raw [B, A], dL/dlatent [B, L] and dL/dlog_std (the parameter's shape) from dL/da and dL/dlog pi. Call inside tf.tidy. */
export function gsdeBackward(cache: GsdeSample['cache'], dAction: tf.Tensor2D, dLogProb: tf.Tensor1D): { dMeanRaw: tf.Tensor2D; dLatent: tf.Tensor2D; dLogStd: tf.Tensor2D } {
  const { meanRaw, latent, sigma, eps, matrix, noise, variance, action, sigmaGrad, options } = cache;
  const oneMinusA2 = tf.sub(1, tf.square(action));
  const gP = tf.expandDims(dLogProb, 1);
  const dSquash = tf.div(tf.mul(tf.mul(action, 2), oneMinusA2), tf.add(oneMinusA2, SQUASH_EPS));
  const dMean = tf.add(tf.mul(dAction, oneMinusA2), tf.mul(gP, dSquash)) as tf.Tensor2D;
  const dNoise = tf.sub(dMean, tf.mul(gP, tf.div(noise, variance))) as tf.Tensor2D;
  const dVar = tf.mul(gP, tf.sub(tf.div(tf.square(noise), tf.mul(tf.square(variance), 2)), tf.div(0.5, variance))) as tf.Tensor2D;
  const c = options.clipMean;
  const dMeanRaw = (c > 0 ? tf.where(tf.logicalAnd(tf.greater(meanRaw, -c), tf.less(meanRaw, c)), dMean, tf.zerosLike(dMean)) : dMean) as tf.Tensor2D;
  const sigma2 = tf.square(sigma);
  const dLatent = tf.add(tf.matMul(dNoise, tf.transpose(matrix)), tf.mul(tf.mul(latent, 2), tf.matMul(dVar, tf.transpose(sigma2)))) as tf.Tensor2D;
  const dSigmaFull = tf.add(
    tf.mul(tf.matMul(tf.transpose(latent), dNoise), eps),
    tf.mul(tf.mul(sigma, 2), tf.matMul(tf.transpose(tf.square(latent)), dVar)),
  );
  const dSigma = options.fullStd ? dSigmaFull : tf.sum(dSigmaFull, 1, true);
  return { dMeanRaw, dLatent, dLogStd: tf.mul(dSigma, sigmaGrad) as tf.Tensor2D };
}

/** clip(mean_raw, -c, c) of one value, or mean_raw when c <= 0 (gsdeMean in JS). */
export function gsdeMeanValue(meanRaw: number, clipMean: number): number {
  return clipMean > 0 ? Math.min(clipMean, Math.max(-clipMean, meanRaw)) : meanRaw;
}

/**
 * The behaviour action of one row in [-1, 1]: tanh(clip(mean) + z @ M). `mean` [A] and `latent`
 * [L] are the row's, `matrix` its env copy's exploration matrix [L x A].
 */
export function gsdeAct(mean: ArrayLike<number>, latent: ArrayLike<number>, matrix: Float32Array, clipMean: number, out: Float32Array, outOffset: number): void {
  const A = mean.length;
  for (let j = 0; j < A; j++) {
    let u = gsdeMeanValue(mean[j], clipMean);
    for (let l = 0; l < latent.length; l++) u += latent[l] * matrix[l * A + j];
    out[outOffset + j] = Math.tanh(u);
  }
}
