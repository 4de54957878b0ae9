/**
 * Inference of small MLPs in plain typed-array arithmetic, for the rollout.
 *
 * Why: a rollout step evaluates the policy on a handful of observations (CleanRL's default is
 * 4 envs). Through TensorFlow.js that is one upload, ~8 kernels and one synchronous read-back,
 * about 100 us per step on WASM, nearly all of it per-kernel dispatch. The same 4 x 8.8k
 * multiply-adds in a JS loop take ~20 us. The weights are a Float32Array copy of the network's
 * parameters, refreshed once after each update (one read-back); training itself stays in
 * TensorFlow.js.
 */
import type { LayerActivation } from './dense';

/** One dense layer, row-major x @ W + b (W is inDim x outDim). */
export interface PlainLayer {
  inDim: number;
  outDim: number;
  activation: LayerActivation;
  w: Float32Array;
  b: Float32Array;
}

/**
 * tanh as a rational minimax approximation on [-7.9, 7.9], saturating outside: Eigen's
 * `generic_fast_tanh_float` (also what XNNPACK and TensorFlow use for float32). Its error is
 * within about 2 float32 ulps of the exact value (the unit test checks 3e-7 absolute against
 * Math.tanh), and it is about 10x cheaper than Math.tanh in V8.
 */
export function tanhF32(x: number): number {
  if (x > 7.90531110763549805) return 1;
  if (x < -7.90531110763549805) return -1;
  if (x < 0.0004 && x > -0.0004) return x;
  const x2 = x * x;
  let p = x2 * -2.76076847742355e-16 + 2.00018790482477e-13;
  p = x2 * p + -8.60467152213735e-11;
  p = x2 * p + 5.12229709037114e-8;
  p = x2 * p + 1.48572235717979e-5;
  p = x2 * p + 6.37261928875436e-4;
  p = x2 * p + 4.89352455891786e-3;
  p = x * p;
  let q = x2 * 1.19825839466702e-6 + 1.18534705686654e-4;
  q = x2 * q + 2.268434632439e-3;
  q = x2 * q + 4.89352518554385e-3;
  return p / q;
}

/**
 * y = act(x W + b) for `rows` rows (x: rows x inDim, y: rows x outDim), with W given
 * TRANSPOSED (wt: outDim x inDim, so each output is a contiguous dot product). Four rows are
 * done together so each weight is loaded once per four multiply-adds, with the sums in locals
 * (V8 keeps them in registers): about 2x the speed of the plain i-k-j loop.
 */
export function denseRowsT(x: Float32Array, rows: number, inDim: number, wt: Float32Array, b: Float32Array, outDim: number, activation: LayerActivation, y: Float32Array): void {
  const tanh = activation === 'tanh';
  const relu = activation === 'relu';
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const x0 = r * inDim;
    const x1 = x0 + inDim;
    const x2 = x1 + inDim;
    const x3 = x2 + inDim;
    const y0 = r * outDim;
    for (let j = 0; j < outDim; j++) {
      const bj = b[j];
      let s0 = bj;
      let s1 = bj;
      let s2 = bj;
      let s3 = bj;
      const wj = j * inDim;
      for (let k = 0; k < inDim; k++) {
        const w = wt[wj + k];
        s0 += x[x0 + k] * w;
        s1 += x[x1 + k] * w;
        s2 += x[x2 + k] * w;
        s3 += x[x3 + k] * w;
      }
      if (tanh) {
        s0 = tanhF32(s0);
        s1 = tanhF32(s1);
        s2 = tanhF32(s2);
        s3 = tanhF32(s3);
      } else if (relu) {
        s0 = s0 > 0 ? s0 : 0;
        s1 = s1 > 0 ? s1 : 0;
        s2 = s2 > 0 ? s2 : 0;
        s3 = s3 > 0 ? s3 : 0;
      }
      y[y0 + j] = s0;
      y[y0 + outDim + j] = s1;
      y[y0 + 2 * outDim + j] = s2;
      y[y0 + 3 * outDim + j] = s3;
    }
  }
  for (; r < rows; r++) {
    const x0 = r * inDim;
    for (let j = 0; j < outDim; j++) {
      let s = b[j];
      const wj = j * inDim;
      for (let k = 0; k < inDim; k++) s += x[x0 + k] * wt[wj + k];
      y[r * outDim + j] = tanh ? tanhF32(s) : relu ? (s > 0 ? s : 0) : s;
    }
  }
}

/** A chain of layers with scratch buffers sized for up to `capacity` rows (grown on demand). */
export class PlainMlp {
  private scratch: Float32Array[] = [];
  private capacity = 0;
  /** Each layer's weights transposed (outDim x inDim), for denseRowsT. */
  private readonly transposed: Float32Array[];

  constructor(readonly layers: PlainLayer[]) {
    this.transposed = layers.map(({ inDim, outDim, w }) => {
      const wt = new Float32Array(inDim * outDim);
      for (let k = 0; k < inDim; k++) for (let j = 0; j < outDim; j++) wt[j * inDim + k] = w[k * outDim + j];
      return wt;
    });
  }

  /** Multiply-adds per row (to decide whether a batch is small enough for JS). */
  get macsPerRow(): number {
    return this.layers.reduce((n, l) => n + l.inDim * l.outDim, 0);
  }

  /** Layer i's output of the last forward() call (rows x outDim of layer i; a view, valid until the next call). */
  layerOutput(i: number, rows: number): Float32Array {
    return this.scratch[i].subarray(0, rows * this.layers[i].outDim);
  }

  /** Runs the chain; returns a view of the last layer's output (valid until the next call). */
  forward(x: Float32Array, rows: number): Float32Array {
    if (rows > this.capacity) {
      this.capacity = rows;
      this.scratch = this.layers.map((l) => new Float32Array(rows * l.outDim));
    }
    let input = x;
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      denseRowsT(input, rows, l.inDim, this.transposed[i], l.b, l.outDim, l.activation, this.scratch[i]);
      input = this.scratch[i];
    }
    return input;
  }
}
