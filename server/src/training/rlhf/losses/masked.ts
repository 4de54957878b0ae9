/**
 * Reductions over response tokens. Every per-token RLHF quantity is a [B, L] tensor aligned
 * with `tokenLogProbs` (column t is the token at position t+1 of the sequence) and comes with
 * a 0/1 mask of the same shape that marks the generated (response) tokens; prompt and padding
 * positions must not count.
 */
import * as tf from '@tensorflow/tfjs-core';

/** sum(x * mask) / max(sum(mask), 1): the mean over masked entries (0 when none). */
export function maskedMean(x: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(x, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar);
}

/** Per-row mean over masked entries: [B, L] -> [B] (rows without tokens give 0). */
export function maskedRowMean(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1)) as tf.Tensor1D);
}

/** Per-row sum over masked entries: [B, L] -> [B]. */
export function maskedRowSum(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(x, mask), 1) as tf.Tensor1D);
}

/** Plain-array twin of maskedMean, for statistics computed outside the graph. */
export function maskedMeanArray(x: ArrayLike<number>, mask: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask[i]) {
      s += x[i];
      n++;
    }
  }
  return n ? s / n : 0;
}
