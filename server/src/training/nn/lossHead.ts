/**
 * Gradients of a loss computed in plain JS on the network's outputs (see algos/ppo/loss.ts
 * for why JS): the networks run in TensorFlow.js and their [pi | value] outputs enter the JS
 * loss through a tf.customGrad node whose gradient is the one the JS function returns.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyHead } from '../algos/pg/head';
import type { ActorCritic } from './actorCritic';

export interface JsLoss {
  loss: number;
  /** d loss / d out, rows x (piDim + 1). */
  gradOut: Float32Array;
  /** d loss / d logStd (gaussian), else null. */
  gradLogStd: Float32Array | null;
}

/**
 * d loss / d params (one flat tensor, the merged layout's zero blocks masked), for the rows
 * `obs` (rows x obsDim). The caller disposes the result.
 */
export function jsLossGradient(net: ActorCritic, obs: Float32Array, rows: number, obsDim: number, lossFn: (head: PolicyHead) => JsLoss): tf.Tensor1D {
  const { distribution, piDim } = net;
  return tf.tidy(() => {
    const obsT = tf.tensor2d(obs, [rows, obsDim]);
    const { grads } = tf.variableGrads(() => {
      // One custom-gradient node for the whole network (ActorCritic.forwardTrain).
      const out = net.forwardTrain(obsT);
      const logStd = net.logStdTensor();
      const lossHead = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const head: PolicyHead = {
          distribution, piDim,
          out: (args[0] as tf.Tensor).dataSync() as Float32Array,
          logStd: logStd ? ((args[1] as tf.Tensor).dataSync() as Float32Array) : null,
        };
        const r = lossFn(head);
        return {
          value: tf.scalar(r.loss),
          gradFunc: (dy: tf.Tensor) => {
            const d = [tf.mul(dy, tf.tensor2d(r.gradOut, out.shape as [number, number]))];
            if (r.gradLogStd) d.push(tf.mul(dy, tf.tensor1d(r.gradLogStd)));
            return d;
          },
        };
      });
      return (logStd ? lossHead(out, logStd) : lossHead(out)) as tf.Scalar;
    }, [net.params]);
    return net.maskGradient(grads[net.params.name]) as tf.Tensor1D;
  });
}

/** The network's [pi | value] outputs and log std for a batch, read back (no gradient). */
export function readHead(net: ActorCritic, obs: Float32Array, rows: number, obsDim: number): PolicyHead {
  const tensors = tf.tidy(() => {
    const weights = net.weights();
    const out = net.forward(tf.tensor2d(obs, [rows, obsDim]), weights, false);
    return weights.logStd ? [out, tf.clone(weights.logStd)] : [out];
  });
  const [out, logStd] = tensors;
  const head: PolicyHead = {
    distribution: net.distribution,
    piDim: net.piDim,
    out: out.dataSync() as Float32Array,
    logStd: logStd ? (logStd.dataSync() as Float32Array) : null,
  };
  tf.dispose(tensors);
  return head;
}
