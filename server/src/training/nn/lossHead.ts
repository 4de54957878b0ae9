/**
 * Gradients of a loss computed in plain JS on the network's outputs (see algos/ppo/loss.ts
 * for why JS): the networks run in TensorFlow.js and their [pi | value] outputs enter the JS
 * loss through a tf.customGrad node whose gradient is the one the JS function returns.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyHead } from '../algos/pg/head';
import type { ActorCritic } from './actorCritic';
import { gsdeLogSigma, gsdeLogStdGradient } from './gsde';
import { sharedKernelTrainer } from './wasmKernels/actorCriticTrainer';

export interface JsLoss {
  loss: number;
  /** d loss / d out, rows x (piDim + 1). */
  gradOut: Float32Array;
  /** d loss / d logStd (gaussian), else null; with gSDE d loss / d head.rowLogStd (rows x piDim). */
  gradLogStd: Float32Array | null;
}

/**
 * gSDE's part of the head for a batch: the latent features (read back, no gradient: SB3's
 * learn_features=False) and log sigma per row from the log-std parameter (nn/gsde.ts).
 */
function withGsde(net: ActorCritic, head: PolicyHead, latent: Float32Array, rows: number): PolicyHead {
  const g = net.gsde!;
  return { ...head, latent, rowLogStd: gsdeLogSigma(latent, rows, g.latentDim, head.logStd!, net.piDim, g) };
}

/** d loss / d log-std parameter from the per-row d loss / d log sigma of a gSDE head. */
function gsdeParamGradient(net: ActorCritic, head: PolicyHead, rows: number, dLogSigma: Float32Array): Float32Array {
  const g = net.gsde!;
  return Float32Array.from(gsdeLogStdGradient(head.latent!, rows, g.latentDim, head.logStd!, net.piDim, g, dLogSigma));
}

/**
 * d loss / d params (one flat tensor, the merged layout's zero blocks masked), for the rows
 * `obs` (rows x obsDim). The caller disposes the result. On WASM, where they apply, the
 * WebAssembly kernels compute it (nn/wasmKernels/: the same number bit for bit, faster);
 * otherwise tfjsLossGradient.
 */
export function jsLossGradient(net: ActorCritic, obs: Float32Array, rows: number, obsDim: number, lossFn: (head: PolicyHead) => JsLoss): tf.Tensor1D {
  const kernels = sharedKernelTrainer(net);
  return kernels ? kernels.gradientTensor(obs, rows, lossFn) : tfjsLossGradient(net, obs, rows, obsDim, lossFn);
}

/** jsLossGradient in TensorFlow.js: the network as one custom-gradient node, the JS loss behind another. */
export function tfjsLossGradient(net: ActorCritic, obs: Float32Array, rows: number, obsDim: number, lossFn: (head: PolicyHead) => JsLoss): tf.Tensor1D {
  const { distribution, piDim } = net;
  return tf.tidy(() => {
    const obsT = tf.tensor2d(obs, [rows, obsDim]);
    // gSDE: the latent features, computed outside the gradient tape (a constant of the loss).
    const latent = net.gsde ? (net.actorLatent(obsT).dataSync() as Float32Array) : null;
    const { grads } = tf.variableGrads(() => {
      // One custom-gradient node for the whole network (ActorCritic.forwardTrain).
      const out = net.forwardTrain(obsT);
      const logStd = net.logStdTensor();
      const lossHead = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        let head: PolicyHead = {
          distribution, piDim,
          out: (args[0] as tf.Tensor).dataSync() as Float32Array,
          logStd: logStd ? ((args[1] as tf.Tensor).dataSync() as Float32Array) : null,
        };
        if (latent) head = withGsde(net, head, latent, rows);
        const r = lossFn(head);
        return {
          value: tf.scalar(r.loss),
          gradFunc: (dy: tf.Tensor) => {
            const d = [tf.mul(dy, tf.tensor2d(r.gradOut, out.shape as [number, number]))];
            if (r.gradLogStd) d.push(tf.mul(dy, tf.tensor1d(latent ? gsdeParamGradient(net, head, rows, r.gradLogStd) : r.gradLogStd)));
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
    const obsT = tf.tensor2d(obs, [rows, obsDim]);
    const out = net.forward(obsT, weights, false);
    const withStd = weights.logStd ? [out, tf.clone(weights.logStd)] : [out];
    return net.gsde ? [...withStd, net.actorLatent(obsT, weights)] : withStd;
  });
  const [out, logStd, latent] = tensors;
  const head: PolicyHead = {
    distribution: net.distribution,
    piDim: net.piDim,
    out: out.dataSync() as Float32Array,
    logStd: logStd ? (logStd.dataSync() as Float32Array) : null,
  };
  const result = latent ? withGsde(net, head, Float32Array.from(latent.dataSync() as Float32Array), rows) : head;
  tf.dispose(tensors);
  return result;
}
