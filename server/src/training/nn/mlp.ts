/**
 * A set of equally shaped MLPs (one actor; or twin critics) in ONE flat tf.Variable, with a
 * target copy and a hand-written backward pass that returns the gradient w.r.t. the
 * parameters and, when asked, w.r.t. the input — what DDPG/TD3/SAC need to push dQ/da from a
 * critic into the actor without a gradient tape.
 *
 * Why flat and by hand (as QNetwork): the networks are small, so TensorFlow.js's per-op
 * bookkeeping costs more than the arithmetic; Adam, the Polyak update and checkpoints are a
 * few kernels on one vector whatever the depth. Checked against tf.grad in test/unit/continuousControl.test.ts.
 *
 * Layout of the flat vector: net 0's (W, b) per layer, then net 1's, ... W row-major
 * [inDim, outDim] (x @ W + b). Hidden layers use `activation`; the last layer is linear.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../schema';
import type { Rng } from '../rng';
import { denseForward, type LayerActivation } from './dense';
import { torchDefaultLinear } from './init';

export interface MlpLayer {
  inDim: number;
  outDim: number;
  activation: LayerActivation;
}

/** One network's layer views of a flat parameter vector. */
export type MlpWeights = { w: tf.Tensor2D; b: tf.Tensor1D }[];

/** What a forward pass keeps for the backward pass: each layer's input and output. */
export interface MlpCache {
  inputs: tf.Tensor2D[];
  outputs: tf.Tensor2D[];
}

export class MlpSet {
  readonly params: tf.Variable<tf.Rank.R1>;
  /** Same layout, never trained: moved towards `params` by updateTarget(). */
  readonly targetParams: tf.Variable<tf.Rank.R1>;
  readonly layers: MlpLayer[];
  private readonly pieceSizes: number[];
  private cachedActing: MlpWeights[] | null = null;
  private cachedTarget: MlpWeights[] | null = null;

  /**
   * `sizes` = [inDim, ...hidden, outDim]. Every layer starts with PyTorch's default nn.Linear
   * initialisation, which SB3's DDPG/TD3/SAC policies keep (no orthogonal init).
   */
  constructor(
    readonly name: string,
    sizes: readonly number[],
    activation: Activation,
    readonly count: number,
    rng: Rng,
  ) {
    this.layers = sizes.slice(1).map((out, i) => ({ inDim: sizes[i], outDim: out, activation: i === sizes.length - 2 ? 'linear' : activation }));
    const pieces: Float32Array[] = [];
    for (let n = 0; n < count; n++) {
      for (const l of this.layers) {
        const { w, b } = torchDefaultLinear(l.inDim, l.outDim, rng);
        pieces.push(w, b);
      }
    }
    this.pieceSizes = pieces.map((p) => p.length);
    const flat = new Float32Array(this.pieceSizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (const p of pieces) {
      flat.set(p, offset);
      offset += p.length;
    }
    const initial = tf.tensor1d(flat);
    this.params = tf.variable(initial, true, `${name}_${MlpSet.serial++}`);
    this.targetParams = tf.variable(initial, false); // the target starts as a copy
    initial.dispose();
  }

  /** Variable names must be unique per process (several algorithms may live in one test). */
  private static serial = 0;

  get inDim(): number {
    return this.layers[0].inDim;
  }

  get outDim(): number {
    return this.layers[this.layers.length - 1].outDim;
  }

  /** Views of a parameter vector (online by default), one MlpWeights per network. Call inside tf.tidy. */
  weights(params: tf.Tensor1D = this.params): MlpWeights[] {
    const parts = tf.split(params, this.pieceSizes);
    const per = 2 * this.layers.length;
    const nets: MlpWeights[] = [];
    for (let n = 0; n < this.count; n++) {
      nets.push(this.layers.map((l, i) => ({
        w: tf.reshape(parts[n * per + 2 * i], [l.inDim, l.outDim]) as tf.Tensor2D,
        b: parts[n * per + 2 * i + 1] as tf.Tensor1D,
      })));
    }
    return nets;
  }

  /** Inference: the output for a batch, no cache. Call inside tf.tidy. */
  forward(x: tf.Tensor2D, net: MlpWeights): tf.Tensor2D {
    let h = x;
    net.forEach((wb, i) => (h = layerForward(h, wb, this.layers[i].activation)));
    return h;
  }

  /** Forward keeping each layer's input and output for backward(). Call inside tf.tidy. */
  forwardCached(x: tf.Tensor2D, net: MlpWeights): { out: tf.Tensor2D; cache: MlpCache } {
    const cache: MlpCache = { inputs: [], outputs: [] };
    let h = x;
    net.forEach((wb, i) => {
      cache.inputs.push(h);
      h = layerForward(h, wb, this.layers[i].activation);
      cache.outputs.push(h);
    });
    return { out: h, cache };
  }

  /**
   * The textbook backward pass from dLoss/dOut: per layer dz = dy * act'(z), dW = x^T dz,
   * db = sum_rows dz, dx = dz W^T. `pieces` holds dW and db flattened per layer, in the flat
   * layout's order. `params: false` skips dW/db (a critic
   * differentiated only w.r.t. its action input); `input: true` also returns dLoss/dInput.
   * `dLatent` adds a gradient w.r.t. the last layer's input (the features SAC's gSDE noise is
   * computed from, SB3's learn_features). Call inside tf.tidy.
   */
  backward(
    net: MlpWeights,
    cache: MlpCache,
    dOut: tf.Tensor2D,
    opts: { params: boolean; input: boolean; dLatent?: tf.Tensor2D },
  ): { pieces: tf.Tensor1D[]; dInput?: tf.Tensor2D } {
    const pieces: tf.Tensor1D[] = [];
    let dy = dOut;
    for (let i = net.length - 1; i >= 0; i--) {
      if (i === net.length - 2 && opts.dLatent) dy = tf.add(dy, opts.dLatent) as tf.Tensor2D;
      const y = cache.outputs[i];
      const act = this.layers[i].activation;
      // d act / dz: relu' = [y > 0], tanh' = 1 - y^2, linear' = 1
      const dz = (act === 'relu' ? tf.mul(dy, tf.step(y)) : act === 'tanh' ? tf.mul(dy, tf.sub(1, tf.square(y))) : dy) as tf.Tensor2D;
      if (opts.params) {
        // dW = x^T dz; db = 1^T dz as a matMul: WASM's column sum is slow (it transposes
        // first). Explicit transposes: WASM's matMul with a transposed operand is much slower
        // (dense.ts). Pieces are collected last layer first and reversed below.
        const x = cache.inputs[i];
        pieces.push(tf.reshape(tf.matMul(tf.transpose(x), dz), [-1]) as tf.Tensor1D, tf.reshape(tf.matMul(this.onesRow(x.shape[0]), dz), [-1]) as tf.Tensor1D);
      }
      if (i > 0 || opts.input) dy = tf.matMul(dz, tf.transpose(net[i].w));
    }
    if (net.length === 1 && opts.dLatent && opts.input) dy = tf.add(dy, opts.dLatent) as tf.Tensor2D;
    // Collected as (dW, db) from the last layer back: reorder to the flat layout (W0, b0, W1, b1, ...).
    const ordered: tf.Tensor1D[] = [];
    for (let k = pieces.length - 2; k >= 0; k -= 2) ordered.push(pieces[k], pieces[k + 1]);
    return { pieces: ordered, ...(opts.input ? { dInput: dy } : {}) };
  }

  /** A [1, rows] row of ones, kept per batch size. */
  private onesRow(rows: number): tf.Tensor2D {
    let ones = this.ones.get(rows);
    if (!ones) {
      ones = tf.keep(tf.ones([1, rows])) as tf.Tensor2D;
      this.ones.set(rows, ones);
    }
    return ones;
  }

  private readonly ones = new Map<number, tf.Tensor2D>();

  /**
   * The flat gradient from per-network pieces (backward()'s `pieces`); a network given as
   * null gets zeros (it did not enter the loss). Call inside tf.tidy.
   */
  flatGradient(perNet: (tf.Tensor1D[] | null)[]): tf.Tensor1D {
    const perNetSize = this.pieceSizes.slice(0, 2 * this.layers.length).reduce((a, b) => a + b, 0);
    const all: tf.Tensor1D[] = [];
    for (const pieces of perNet) {
      if (pieces) all.push(...pieces);
      else all.push(tf.zeros([perNetSize]));
    }
    return all.length === 1 ? all[0] : (tf.concat(all) as tf.Tensor1D);
  }

  /**
   * Views of the online parameters (acting and updates), kept until invalidate(), which the
   * owner calls after each optimizer step: one split of the parameters per change, not per use.
   */
  currentWeights(): MlpWeights[] {
    if (!this.cachedActing) this.cachedActing = kept(() => this.weights());
    return this.cachedActing;
  }

  /** Views of the target parameters, kept until the next target update. */
  targetWeights(): MlpWeights[] {
    if (!this.cachedTarget) this.cachedTarget = kept(() => this.weights(this.targetParams));
    return this.cachedTarget;
  }

  invalidate(): void {
    if (this.cachedActing) tf.dispose(this.cachedActing as unknown as tf.TensorContainer);
    this.cachedActing = null;
  }

  /** theta_target <- tau * theta + (1 - tau) * theta_target (SB3 polyak_update); tau = 1 copies. */
  updateTarget(tau: number): void {
    tf.tidy(() => {
      const next = tau >= 1 ? this.params : tf.add(tf.mul(this.params, tau), tf.mul(this.targetParams, 1 - tau));
      this.targetParams.assign(next as tf.Tensor1D);
    });
    if (this.cachedTarget) tf.dispose(this.cachedTarget as unknown as tf.TensorContainer);
    this.cachedTarget = null;
  }

  /** One network's layers in JS (export). */
  layerValues(net = 0): { inDim: number; outDim: number; activation: LayerActivation; w: Float32Array; b: Float32Array }[] {
    const flat = this.params.dataSync() as Float32Array;
    const per = 2 * this.layers.length;
    let offset = 0;
    for (let k = 0; k < net * per; k++) offset += this.pieceSizes[k];
    return this.layers.map((l) => {
      const w = flat.slice(offset, offset + l.inDim * l.outDim);
      offset += w.length;
      const b = flat.slice(offset, offset + l.outDim);
      offset += b.length;
      return { ...l, w, b };
    });
  }

  dispose(): void {
    for (const ones of this.ones.values()) ones.dispose();
    this.ones.clear();
    this.invalidate();
    if (this.cachedTarget) tf.dispose(this.cachedTarget as unknown as tf.TensorContainer);
    this.cachedTarget = null;
    this.params.dispose();
    this.targetParams.dispose();
  }
}

/** act(x W + b); ReLU fused into the matMul kernel (one kernel per layer instead of two). */
function layerForward(x: tf.Tensor2D, wb: { w: tf.Tensor2D; b: tf.Tensor1D }, activation: LayerActivation): tf.Tensor2D {
  if (activation === 'relu') return tf.fused.matMul({ a: x, b: wb.w, bias: wb.b, activation: 'relu' }) as tf.Tensor2D;
  return denseForward(x, wb.w, wb.b, activation);
}

/** Views that outlive the enclosing tf.tidy; the owner disposes them when the parameters change. */
function kept(make: () => MlpWeights[]): MlpWeights[] {
  const views = tf.tidy(() => make() as unknown as tf.TensorContainer) as unknown as MlpWeights[];
  for (const net of views) for (const { w, b } of net) {
    tf.keep(w);
    tf.keep(b);
  }
  return views;
}
