/**
 * A dense layer y = act(x W + b) with a hand-written gradient (tf.customGrad).
 *
 * Why: on the WASM backend a matMul with a transposed operand — which is what the built-in
 * matMul gradient issues, dW = x^T dy and dx = dy W^T — runs about 8x slower than an explicit
 * transpose followed by a plain matMul (measured with tfjs 4.22: ~550 us vs ~70 us + 20 us for
 * [128, 64] x [64, 64]). Likewise its Tanh kernel is ~10x slower than Sigmoid (see fastTanh).
 * The maths is the textbook backward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../schema';

export type LayerActivation = Activation | 'linear';

const denseOps: Record<LayerActivation, (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D> = {
  linear: make('linear'),
  tanh: make('tanh'),
  relu: make('relu'),
};

/** For training: records the hand-written gradient. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: LayerActivation): tf.Tensor2D {
  return denseOps[activation](x, w, b);
}

/** For inference (no gradient): the same maths without the custom-gradient bookkeeping. */
export function denseForward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: LayerActivation): tf.Tensor2D {
  const z = tf.fused.matMul({ a: x, b: w, bias: b });
  return (activation === 'tanh' ? fastTanh(z) : activation === 'relu' ? tf.relu(z) : z) as tf.Tensor2D;
}

/** fastTanh uses the Tanh kernel up to this many elements on WASM (the WASM kernels' update path mirrors it). */
export const TFJS_TANH_MAX_SIZE = 4096;

/**
 * tanh(z) = 2 sigmoid(2 z) - 1 on WASM, where four cheap kernels beat its slow Tanh kernel on
 * large tensors; elsewhere (plain JS, native) the Tanh kernel is the faster one.
 */
export function fastTanh(z: tf.Tensor): tf.Tensor {
  // Few elements (a rollout step over a handful of envs): one Tanh kernel is cheaper still.
  if (tf.getBackend() !== 'wasm' || z.size <= TFJS_TANH_MAX_SIZE) return tf.tanh(z);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(z, 2)), 2), 1);
}

function make(activation: LayerActivation) {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const y = denseForward(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved;
        // d act / dz: tanh' = 1 - y^2, relu' = [y > 0], linear' = 1
        const dz =
          activation === 'tanh'
            ? tf.mul(dy, tf.sub(1, tf.square(ys)))
            : activation === 'relu'
              ? tf.mul(dy, tf.step(ys))
              : dy;
        const dx = tf.matMul(dz as tf.Tensor2D, tf.transpose(ws) as tf.Tensor2D);
        const dw = tf.matMul(tf.transpose(xs) as tf.Tensor2D, dz as tf.Tensor2D);
        const db = tf.sum(dz, 0);
        return [dx, dw, db];
      },
    };
  });
  return (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => op(x, w, b) as tf.Tensor2D;
}
