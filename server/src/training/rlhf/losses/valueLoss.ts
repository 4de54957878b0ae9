/**
 * The critic's clipped value loss over response tokens (notes 001 §3.4.2, deepspeed-chat
 * `critic_loss_fn`, cliprange_value 0.2):
 *   V_clip  = clip(V, V_old - c, V_old + c)
 *   loss    = 0.5 * sum_t max((V - G_t)^2, (V_clip - G_t)^2) m_t / sum_t m_t
 * with G_t = A_t + V_old(s_t) the GAE return (gae.ts). c = null: plain 0.5 * mean squared error.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maskedMean } from './masked';

export interface ClippedValueLoss {
  loss: tf.Scalar;
  /** Fraction of response tokens where the clipped error was the larger one (TRL vf_clipfrac). */
  clipFrac: tf.Scalar;
}

/** Call inside a tidy (or variableGrads). */
export function clippedValueLoss(values: tf.Tensor2D, oldValues: tf.Tensor2D, returns: tf.Tensor2D, mask: tf.Tensor2D, clipRangeValue: number | null): ClippedValueLoss {
  const sq = tf.square(tf.sub(values, returns));
  if (clipRangeValue === null) return { loss: tf.mul(maskedMean(sq, mask), 0.5) as tf.Scalar, clipFrac: tf.scalar(0) };
  // tf.clipByValue takes scalar bounds; the bounds here are per token, hence min/max.
  const lo = tf.sub(oldValues, clipRangeValue);
  const hi = tf.add(oldValues, clipRangeValue);
  const clipped = tf.minimum(tf.maximum(values, lo), hi);
  const sqClipped = tf.square(tf.sub(clipped, returns));
  const loss = tf.mul(maskedMean(tf.maximum(sq, sqClipped), mask), 0.5) as tf.Scalar;
  const clipFrac = maskedMean(tf.cast(tf.greater(sqClipped, sq), 'float32'), mask);
  return { loss, clipFrac };
}
