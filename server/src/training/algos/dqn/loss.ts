/**
 * The pieces of DQN's loss as TensorFlow.js ops (call inside tf.tidy): the TD target, plain or
 * Double DQN, the Q-value of the taken action, and the Huber loss.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * y = r + gamma * (1 - done) * Q_next, with no gradient (the target is a constant).
 * Plain DQN (Mnih et al. 2015): Q_next = max_a' Q_target(s', a').
 * Double DQN (van Hasselt et al. 2016, eq. 4): Q_next = Q_target(s', argmax_a' Q_online(s', a')).
 */
export function tdTarget(
  nextQTarget: tf.Tensor2D, rewards: tf.Tensor1D, dones: tf.Tensor1D, gamma: number, nextQOnline?: tf.Tensor2D,
): tf.Tensor1D {
  const nextQ = nextQOnline
    ? chosenQ(nextQTarget, tf.argMax(nextQOnline, 1) as tf.Tensor1D)
    : (tf.max(nextQTarget, 1) as tf.Tensor1D);
  return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), gamma), nextQ)) as tf.Tensor1D;
}

/** Q(s, a) for each row's action (int32 indices): the gather of CleanRL's q(s).gather(1, a). */
export function chosenQ(q: tf.Tensor2D, actions: tf.Tensor1D): tf.Tensor1D {
  return tf.sum(tf.mul(q, tf.oneHot(actions, q.shape[1])), 1) as tf.Tensor1D;
}

/**
 * mean over the batch of Huber(d), d = Q(s, a) - y, with delta 1 (torch's smooth_l1_loss, which
 * SB3's DQN uses): 0.5 d^2 for |d| <= 1, |d| - 0.5 beyond.
 */
export function huberLoss(diff: tf.Tensor1D): tf.Scalar {
  const abs = tf.abs(diff);
  const quadratic = tf.minimum(abs, 1);
  // 0.5 q^2 + (|d| - q): the quadratic part up to 1, the linear part beyond.
  return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.sub(abs, quadratic))) as tf.Scalar;
}

/** d huberLoss / d diff = clip(d, -1, 1) / batch: the "error clipping" of the Nature DQN. */
export function huberGradient(diff: tf.Tensor1D): tf.Tensor1D {
  return tf.div(tf.clipByValue(diff, -1, 1), diff.size) as tf.Tensor1D;
}
