/**
 * SAC's tanh-squashed diagonal Gaussian policy head (Haarnoja et al. 2018, appendix C; SB3's
 * SquashedDiagGaussianDistribution), forward and hand-written backward.
 *
 * The actor network emits [mean | log_std] per row. With eps ~ N(0, I) (the
 * reparameterization trick):
 *   log_std = clip(raw, LOG_STD_MIN, LOG_STD_MAX),  std = exp(log_std)
 *   u = mean + std * eps,  a = tanh(u)                                 (a in (-1, 1))
 *   log pi(a|s) = sum_j [ log N(u_j; mean_j, std_j) - log(1 - a_j^2 + 1e-6) ]
 *               = sum_j [ -eps_j^2 / 2 - log_std_j - log(2 pi) / 2 - log(1 - a_j^2 + 1e-6) ]
 * (SAC paper eq. 26; 1e-6 is SB3's epsilon inside the log.)
 *
 * Backward, from dL/da and dL/dlogpi (total derivatives, u depending on mean and log_std):
 *   dL/du = dL/da * (1 - a^2) + dL/dlogpi * 2 a (1 - a^2) / (1 - a^2 + 1e-6)
 *   dL/dmean = dL/du
 *   dL/dlog_std = dL/du * std * eps - dL/dlogpi        (the Gaussian term's total derivative is -1)
 *   dL/draw = dL/dlog_std inside the clip range, 0 outside (torch.clamp's gradient).
 */
import * as tf from '@tensorflow/tfjs-core';

/** SB3's sac/policies.py bounds on the log standard deviation. */
export const LOG_STD_MIN = -20;
export const LOG_STD_MAX = 2;
/** SB3's epsilon in log(1 - tanh(u)^2 + eps). */
export const SQUASH_EPS = 1e-6;

export interface SquashedSample {
  /** tanh(u), [B, A], in (-1, 1). */
  action: tf.Tensor2D;
  /** log pi(a|s), [B]. */
  logProb: tf.Tensor1D;
  /** For squashedBackward. */
  cache: { raw: tf.Tensor2D; std: tf.Tensor2D; eps: tf.Tensor2D; action: tf.Tensor2D };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** A reparameterized sample from the actor's output [B, 2A] and standard normal noise [B, A]. Call inside tf.tidy. */
export function squashedSample(out: tf.Tensor2D, eps: tf.Tensor2D): SquashedSample {
  const actDim = eps.shape[1];
  const [mean, raw] = tf.split(out, [actDim, actDim], 1) as [tf.Tensor2D, tf.Tensor2D];
  const logStd = tf.clipByValue(raw, LOG_STD_MIN, LOG_STD_MAX);
  const std = tf.exp(logStd) as tf.Tensor2D;
  const action = tf.tanh(tf.add(mean, tf.mul(std, eps))) as tf.Tensor2D;
  const gaussian = tf.add(tf.add(tf.mul(tf.square(eps), 0.5), logStd), HALF_LOG_2PI);
  const squash = tf.log(tf.add(tf.sub(1, tf.square(action)), SQUASH_EPS));
  const logProb = tf.neg(tf.sum(tf.add(gaussian, squash), 1)) as tf.Tensor1D;
  return { action, logProb, cache: { raw, std, eps, action } };
}

/** The deterministic action tanh(mean) from the actor's output [B, 2A]. Call inside tf.tidy. */
export function squashedMode(out: tf.Tensor2D, actDim: number): tf.Tensor2D {
  return tf.tanh(tf.slice(out, [0, 0], [out.shape[0], actDim])) as tf.Tensor2D;
}

/** dL/d(actor output) [B, 2A] from dL/da [B, A] and dL/dlogpi [B]. Call inside tf.tidy. */
export function squashedBackward(cache: SquashedSample['cache'], dAction: tf.Tensor2D, dLogProb: tf.Tensor1D): tf.Tensor2D {
  const { raw, std, eps, action } = cache;
  const oneMinusA2 = tf.sub(1, tf.square(action));
  const dLogP = tf.expandDims(dLogProb, 1);
  const dSquash = tf.div(tf.mul(tf.mul(action, 2), oneMinusA2), tf.add(oneMinusA2, SQUASH_EPS));
  const dU = tf.add(tf.mul(dAction, oneMinusA2), tf.mul(dLogP, dSquash));
  const dLogStd = tf.sub(tf.mul(dU, tf.mul(std, eps)), dLogP);
  const inRange = tf.logicalAnd(tf.greaterEqual(raw, LOG_STD_MIN), tf.lessEqual(raw, LOG_STD_MAX));
  const dRaw = tf.where(inRange, dLogStd, tf.zerosLike(dLogStd));
  return tf.concat([dU, dRaw], 1) as tf.Tensor2D;
}
