/**
 * DPO's sigmoid loss (Rafailov et al. 2023 eq. 7; notes 001 §4.3.1, notes 002 "DPO"):
 *   h      = beta * [ (log pi(y_w|x) - log pi_ref(y_w|x)) - (log pi(y_l|x) - log pi_ref(y_l|x)) ]
 *   loss   = -mean( log sigma(h) )
 * with log pi(y|x) the sum of the response tokens' log-probs. The implicit rewards are
 * r(x, y) = beta * (log pi(y|x) - log pi_ref(y|x)); TRL logs their means as rewards/chosen,
 * rewards/rejected, their difference as rewards/margins and the fraction of pairs with
 * r_chosen > r_rejected as rewards/accuracies.
 *
 * With label smoothing eps (conservative DPO, Mitchell 2023; TRL `label_smoothing`) each label is
 * taken to be flipped with probability eps:  loss = -(1 - eps) log sigma(h) - eps log sigma(-h).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface DpoLoss {
  loss: tf.Scalar;
  /** mean beta * (log pi(y_w|x) - log pi_ref(y_w|x)). */
  rewardsChosen: tf.Scalar;
  rewardsRejected: tf.Scalar;
  /** mean (r_chosen - r_rejected). */
  margins: tf.Scalar;
  /** mean [r_chosen > r_rejected]. */
  accuracies: tf.Scalar;
}

/**
 * Inputs are per-pair sequence log-probs [B] (sums over response tokens); the policy ones carry
 * the gradient, the reference ones are constants. Call inside a tidy (or variableGrads).
 */
export function dpoLoss(policyChosen: tf.Tensor1D, policyRejected: tf.Tensor1D, refChosen: tf.Tensor1D, refRejected: tf.Tensor1D, beta: number, labelSmoothing = 0): DpoLoss {
  const chosen = tf.mul(tf.sub(policyChosen, refChosen), beta);
  const rejected = tf.mul(tf.sub(policyRejected, refRejected), beta);
  const h = tf.sub(chosen, rejected);
  // -log sigma(h) = softplus(-h), stable for large |h|.
  const perPair = labelSmoothing > 0 ? tf.add(tf.mul(tf.softplus(tf.neg(h)), 1 - labelSmoothing), tf.mul(tf.softplus(h), labelSmoothing)) : tf.softplus(tf.neg(h));
  const loss = tf.mean(perPair) as tf.Scalar;
  return {
    loss,
    rewardsChosen: tf.mean(chosen) as tf.Scalar,
    rewardsRejected: tf.mean(rejected) as tf.Scalar,
    margins: tf.mean(h) as tf.Scalar,
    accuracies: tf.mean(tf.cast(tf.greater(chosen, rejected), 'float32')) as tf.Scalar,
  };
}
