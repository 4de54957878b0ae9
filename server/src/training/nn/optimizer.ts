/**
 * Adam with a learning rate that schedules can change between updates, and eps 1e-5 as in
 * CleanRL's ppo.py (PyTorch's default 1e-8 is what SB3 uses; 1e-5 is the PPO paper's code).
 */
import * as tf from '@tensorflow/tfjs-core';

export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, epsilon = 1e-5) {
    super(learningRate, 0.9, 0.999, epsilon);
  }

  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  getLearningRate(): number {
    return this.learningRate;
  }
}

/**
 * Scales the gradient so its global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_:
 * coef = maxNorm / (norm + 1e-6), applied when below 1). With all parameters in one vector the
 * global norm is the norm of that one gradient.
 */
export function clipByGlobalNorm(grad: tf.Tensor, maxNorm: number): tf.Tensor {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(grad)));
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return tf.mul(grad, coef);
  });
}
