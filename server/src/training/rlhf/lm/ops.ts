/**
 * Matrix products with hand-written gradients that transpose explicitly.
 *
 * Why: tf.matMul's built-in gradient issues matMuls with a transposed operand (dA = dY B^T,
 * dB = A^T dY), which the WASM backend runs many times slower than a tf.transpose followed by a
 * plain matMul (see nn/dense.ts; measured on the LM's [640, 64] x [64, 192] products the
 * backward pass was >10x the forward). The maths is the textbook backward pass.
 */
import * as tf from '@tensorflow/tfjs-core';

const linearOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as tf.Tensor2D[];
  const save = args[3] as tf.GradSaveFunc;
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(ws)), tf.matMul(tf.transpose(xs), d), tf.sum(d, 0)];
    },
  };
});

const matMulOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b] = args as tf.Tensor2D[];
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(bs)), tf.matMul(tf.transpose(as), d)];
    },
  };
});

const batchMatMulOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b] = args as tf.Tensor3D[];
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [as, bs] = saved as tf.Tensor3D[];
      const d = dy as tf.Tensor3D;
      return [tf.matMul(d, tf.transpose(bs, [0, 2, 1])), tf.matMul(tf.transpose(as, [0, 2, 1]), d)];
    },
  };
});

/** x [N,in] @ w [in,out] + b [out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return linearOp(x, w, b) as tf.Tensor2D;
}

/** a [N,K] @ b [K,M]. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulOp(a, b) as tf.Tensor2D;
}

/** a [G,N,K] @ b [G,K,M] (one product per leading index). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return batchMatMulOp(a, b) as tf.Tensor3D;
}
