/**
 * Optimizers for the one flat parameter vector of nn/actorCritic.ts: Adam (in JS) and
 * RMSprop with PyTorch's update rule, which SB3's A2C uses. tf.train.rmsprop differs: it puts
 * epsilon inside the square root, so with SB3's eps = 1e-5 its steps would be far smaller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat32, encodeArray, encodeTensor, isEncodedArray, isOptimizerState, type OptimizerState } from '../algos/checkpoint';

/** One Adam step's float32 scalars (FlatAdam.nextStep), in the order the WASM kernel reads them. */
export interface AdamScalars {
  scale: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  bc1: number;
  bc2: number;
  epsilon: number;
  negLr: number;
}

export interface FlatOptimizer {
  setLearningRate(value: number): void;
  /** param <- update(param, grad); does not dispose grad. */
  step(param: tf.Variable, grad: tf.Tensor): void;
  /** The optimizer's state for a checkpoint (algos/checkpoint.ts) and its restore. */
  save(): Promise<Record<string, unknown>>;
  /** `convert` re-lays out saved vectors when the checkpoint used the other network layout. */
  load(state: unknown, convert?: (v: Float32Array) => Float32Array): Promise<void>;
  dispose(): void;
}

/**
 * Adam (Kingma & Ba 2015) on one flat parameter vector, computed in JS on typed arrays:
 *   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2
 *   theta <- theta - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * the same rule as tf.train.adam (and torch.optim.Adam). Why JS: on vectors of ~20k
 * parameters TensorFlow.js spends ~20 kernels (~250 us on WASM) per step, nearly all of it
 * dispatch; here it is one read-back of the gradient, one loop and one upload (~60 us). The
 * optional global-norm clip (torch's clip_grad_norm_) is done in the same pass.
 * Checkpoints keep tf.train.adam's slot format (OptimizerState: iterations, `<var>/m`, `<var>/v`).
 */
export class FlatAdam implements FlatOptimizer {
  private m: Float32Array | null = null;
  private v: Float32Array | null = null;
  private t = 0;
  /** beta1^t and beta2^t as tf.train.adam keeps them (float32, one multiplication per step). */
  private accBeta1 = 1;
  private accBeta2 = 1;
  /** Slot names restored from a checkpoint (kept on saving again, as tf.train.adam does). */
  private slotNames: [string, string] | null = null;

  constructor(private learningRate: number, readonly epsilon = 1e-5, readonly beta1 = 0.9, readonly beta2 = 0.999) {}

  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  getLearningRate(): number {
    return this.learningRate;
  }

  step(param: tf.Variable, grad: tf.Tensor): void {
    this.stepClipped(param, grad, Infinity);
  }

  /**
   * One Adam step with the gradient first scaled so its L2 norm is at most maxNorm
   * (coef = maxNorm / (norm + 1e-6) when below 1, as torch.nn.utils.clip_grad_norm_).
   * Returns the gradient's norm before clipping.
   */
  stepClipped(param: tf.Variable, grad: tf.Tensor, maxNorm: number): number {
    const p = (param.dataSync() as Float32Array).slice();
    const norm = this.stepClippedArrays(p, grad.dataSync() as Float32Array, maxNorm);
    const updated = tf.tensor1d(p);
    param.assign(updated);
    updated.dispose();
    return norm;
  }

  /**
   * stepClipped on plain arrays: updates the parameters `p` in place from the gradient `g`.
   * Returns the gradient's norm before clipping. (The WASM kernels' `adam` does the same
   * arithmetic in their memory, nn/wasmKernels/actorCriticTrainer.ts step().)
   */
  stepClippedArrays(p: Float32Array, g: Float32Array, maxNorm: number): number {
    const n = p.length;
    const { m, v } = this.moments(n);
    let sq = 0;
    for (let i = 0; i < n; i++) sq += g[i] * g[i];
    const norm = Math.sqrt(sq);
    const { scale, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc1, bc2, epsilon, negLr } = this.nextStep(norm, maxNorm);
    // Float32 arithmetic in tf.train.adam's order, each operation rounded with Math.fround
    // (exact: a double-precision +, -, *, / or sqrt of float32 values, rounded once to float32,
    // is the float32 result), so an unclipped step is bit-identical to TensorFlow.js's.
    const f = Math.fround;
    for (let i = 0; i < n; i++) {
      const gi = scale === 1 ? g[i] : f(g[i] * scale);
      const mi = f(f(m[i] * beta1) + f(gi * oneMinusBeta1));
      const vi = f(f(v[i] * beta2) + f(f(gi * gi) * oneMinusBeta2));
      m[i] = mi;
      v[i] = vi;
      const step = f(f(f(mi / bc1) / f(f(Math.sqrt(f(vi / bc2))) + epsilon)) * negLr);
      p[i] = f(step + p[i]);
    }
    return norm;
  }

  /** The first and second moments for n parameters (zeros before the first step). */
  moments(n: number): { m: Float32Array; v: Float32Array } {
    if (!this.m || this.m.length !== n) {
      this.m = new Float32Array(n);
      this.v = new Float32Array(n);
    }
    return { m: this.m, v: this.v! };
  }

  /**
   * Advances the step count and returns the next step's float32 scalars, the gradient scale
   * of the global-norm clip (coef = maxNorm / (norm + 1e-6) when below 1, as
   * torch.nn.utils.clip_grad_norm_) included: for stepClippedArrays and for the same
   * arithmetic done elsewhere (the WASM kernels' `adam`, nn/wasmKernels/kernels.ts).
   */
  nextStep(gradNorm: number, maxNorm: number): AdamScalars {
    const f = Math.fround;
    const coef = Number.isFinite(maxNorm) ? Math.min(maxNorm / (gradNorm + 1e-6), 1) : 1;
    this.t += 1;
    // tf keeps beta^t as float32 variables multiplied once per step.
    const beta1 = f(this.beta1);
    const beta2 = f(this.beta2);
    this.accBeta1 = f(this.accBeta1 * beta1);
    this.accBeta2 = f(this.accBeta2 * beta2);
    return {
      scale: f(coef),
      beta1,
      oneMinusBeta1: f(1 - this.beta1),
      beta2,
      oneMinusBeta2: f(1 - this.beta2),
      bc1: f(1 - this.accBeta1),
      bc2: f(1 - this.accBeta2),
      epsilon: f(this.epsilon),
      negLr: f(-this.learningRate),
    };
  }

  /** The slots in tf.train.adam's checkpoint format. */
  saveState(paramName = 'params'): OptimizerState {
    const [mName, vName] = this.slotNames ?? [`${paramName}/m`, `${paramName}/v`];
    const weights = this.m ? [
      { name: mName, value: encodeArray(this.m) },
      { name: vName, value: encodeArray(this.v!) },
    ] : [];
    return { iterations: this.t, weights };
  }

  /** Restores saveState's (or tf.train.adam's) slots: the iteration count, first and second moments. */
  loadState(state: OptimizerState, convert: (v: Float32Array) => Float32Array = (v) => v): void {
    const m = state.weights.find((w) => w.name.endsWith('/m')) ?? state.weights[0];
    const v = state.weights.find((w) => w.name.endsWith('/v')) ?? state.weights[1];
    this.t = state.iterations;
    // As tf.train.adam's setWeights: beta^t recomputed from the iteration count.
    this.accBeta1 = Math.fround(this.beta1 ** this.t);
    this.accBeta2 = Math.fround(this.beta2 ** this.t);
    this.slotNames = m && v ? [m.name, v.name] : null;
    this.m = m ? convert(decodeFloat32(m.value)).slice() : null;
    this.v = v ? convert(decodeFloat32(v.value)).slice() : null;
  }

  async save(): Promise<Record<string, unknown>> {
    return { adam: this.saveState(), learningRate: this.learningRate };
  }

  async load(state: unknown, convert?: (v: Float32Array) => Float32Array): Promise<void> {
    const s = (state ?? {}) as Record<string, unknown>;
    if (!isOptimizerState(s.adam)) throw new Error('checkpoint has no Adam state');
    this.loadState(s.adam, convert);
    if (typeof s.learningRate === 'number') this.setLearningRate(s.learningRate);
  }

  dispose(): void {
    this.m = null;
    this.v = null;
  }
}

/**
 * torch.optim.RMSprop (no momentum, not centered):
 *   v <- alpha v + (1 - alpha) g^2;   theta <- theta - lr g / (sqrt(v) + eps)
 */
export class TorchRmsProp implements FlatOptimizer {
  private square: tf.Variable | null = null;

  constructor(private learningRate: number, readonly alpha = 0.99, readonly eps = 1e-5) {}

  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  step(param: tf.Variable, grad: tf.Tensor): void {
    if (!this.square) this.square = tf.variable(tf.zerosLike(param), false);
    const square = this.square;
    tf.tidy(() => {
      const v = tf.add(tf.mul(square, this.alpha), tf.mul(tf.square(grad), 1 - this.alpha));
      square.assign(v);
      param.assign(tf.sub(param, tf.mul(tf.div(grad, tf.add(tf.sqrt(v), this.eps)), this.learningRate)));
    });
  }

  save(): Promise<Record<string, unknown>> {
    return Promise.resolve({ square: this.square ? encodeTensor(this.square) : null, learningRate: this.learningRate });
  }

  load(state: unknown, convert: (v: Float32Array) => Float32Array = (v) => v): Promise<void> {
    const s = (state ?? {}) as Record<string, unknown>;
    if (isEncodedArray(s.square)) {
      const square = convert(decodeFloat32(s.square));
      this.square?.dispose();
      const t = tf.tensor1d(square);
      this.square = tf.variable(t, false);
      t.dispose();
    }
    if (typeof s.learningRate === 'number') this.learningRate = s.learningRate;
    return Promise.resolve();
  }

  dispose(): void {
    this.square?.dispose();
    this.square = null;
  }
}
