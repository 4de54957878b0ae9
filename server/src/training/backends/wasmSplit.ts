/**
 * A faster SplitV kernel for the WASM backend, for the case training hits every minibatch:
 * splitting the flat parameter vector into layer pieces (nn/actorCritic.ts).
 *
 * Why: tfjs-backend-wasm 4.22 implements SplitV as one Slice per piece, and each Slice first
 * reads the WHOLE input out of the WebAssembly heap (`readSync` copies it), so splitting a
 * 17.5k-parameter vector into 6 pieces copies 6 x 70 kB (~90 us, measured). Splitting along
 * axis 0 of a row-major tensor gives contiguous pieces, which this kernel copies directly
 * from heap view to heap view. Other cases (other axes, strings) go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

let installed = false;

/** Replaces the WASM SplitV kernel with the fast-path version (once per process). */
export function installFastWasmSplit(): void {
  if (installed) return;
  const original = tf.getKernel('SplitV', 'wasm');
  if (!original) return;
  installed = true;
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) => {
    const x = args.inputs.x as tf.TensorInfo;
    const attrs = (args.attrs ?? {}) as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    if (axis !== 0 || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const backend = args.backend as BackendWasm;
    const xTensor = { shape: x.shape, dtype: x.dtype, size: tf.util.sizeFromShape(x.shape) } as unknown as tf.Tensor;
    const sizes = tf.backend_util.prepareSplitSize(xTensor, attrs.numOrSizeSplits, 0);
    const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
    let row = 0;
    return sizes.map((s) => {
      const out = backend.makeOutput([s, ...x.shape.slice(1)], x.dtype);
      // Views are made after makeOutput: an allocation may grow (and replace) the heap buffer.
      const src = backend.typedArrayFromHeap(x);
      backend.typedArrayFromHeap(out).set(src.subarray(row * inner, (row + s) * inner));
      row += s;
      return out;
    });
  };
  tf.unregisterKernel('SplitV', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
}
