/**
 * SB3's QNetwork: an MLP (policy_kwargs.net_arch, ReLU by default) from the observation to one
 * Q-value per discrete action, optionally with a dueling head, plus its target copy.
 *
 * Laid out like ActorCritic for speed: every parameter in ONE flat tf.Variable, layers as views
 * made by one tf.split, so Adam, the grad-norm clip and the target update (hard copy or Polyak
 * average of two flat vectors) are a handful of kernels whatever the depth.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyKwargs } from '../../schema';
import type { Rng } from '../rng';
import { dense, denseForward, type LayerActivation } from './dense';
import { orthogonal, torchDefaultLinear } from './init';

interface Layer {
  inDim: number;
  outDim: number;
  activation: LayerActivation;
}

/** Layer views of one flat parameter vector. */
export type QWeights = { w: tf.Tensor2D; b: tf.Tensor1D }[];

export class QNetwork {
  /** Online network parameters (trained). */
  readonly params: tf.Variable<tf.Rank.R1>;
  /** Target network parameters: same layout, never trained, moved by updateTarget(). */
  readonly targetParams: tf.Variable<tf.Rank.R1>;
  private readonly layers: Layer[];
  private readonly pieceSizes: number[];
  /** Cached views of the online parameters for acting; rebuilt after each optimizer step. */
  private actingWeights: QWeights | null = null;
  /** Cached views of the target parameters; rebuilt after each target update. */
  private cachedTargetWeights: QWeights | null = null;

  constructor(
    readonly obsDim: number,
    readonly nActions: number,
    kwargs: PolicyKwargs,
    rng: Rng,
    /** Dueling head: the last layer emits [V | A_1..A_n]. */
    readonly dueling = false,
  ) {
    // A list net_arch arrives as {pi, vf} with both equal; the Q-network uses the `pi` sizes.
    const sizes = [obsDim, ...kwargs.net_arch.pi, dueling ? nActions + 1 : nActions];
    this.layers = sizes.slice(1).map((out, i) => ({
      inDim: sizes[i],
      outDim: out,
      activation: i === sizes.length - 2 ? 'linear' : kwargs.activation_fn,
    }));
    const pieces: Float32Array[] = [];
    this.layers.forEach((l, i) => {
      if (kwargs.ortho_init) {
        const gain = i === this.layers.length - 1 ? 1 : Math.SQRT2;
        pieces.push(orthogonal(l.inDim, l.outDim, gain, rng), new Float32Array(l.outDim));
      } else {
        // SB3's QNetwork keeps PyTorch's default nn.Linear initialisation.
        const { w, b } = torchDefaultLinear(l.inDim, l.outDim, rng);
        pieces.push(w, b);
      }
    });
    this.pieceSizes = pieces.map((p) => p.length);
    const flat = new Float32Array(this.pieceSizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    for (const p of pieces) {
      flat.set(p, offset);
      offset += p.length;
    }
    const initial = tf.tensor1d(flat);
    this.params = tf.variable(initial, true);
    this.targetParams = tf.variable(initial, false); // the target starts as a copy
    initial.dispose();
  }

  get numParams(): number {
    return this.params.size;
  }

  /** Layer views of a parameter vector (online by default); differentiable. Call inside tf.tidy. */
  weights(params: tf.Tensor1D = this.params): QWeights {
    const parts = tf.split(params, this.pieceSizes);
    return this.layers.map((l, i) => ({ w: tf.reshape(parts[2 * i], [l.inDim, l.outDim]) as tf.Tensor2D, b: parts[2 * i + 1] as tf.Tensor1D }));
  }

  /**
   * Q(s, .) for a batch of observations, shape [batch, nActions]. `training` records the
   * hand-written layer gradients (dense.ts); inference skips them. Call inside tf.tidy.
   */
  forward(obs: tf.Tensor2D, weights: QWeights, training: boolean): tf.Tensor2D {
    const layer = training ? dense : denseForward;
    let h = obs;
    weights.forEach((wb, i) => (h = layer(h, wb.w, wb.b, this.layers[i].activation)));
    return this.dueling ? duelingAggregate(h) : h;
  }

  /**
   * The gradient of a loss w.r.t. the flat online parameters, by a hand-written backward pass
   * (no gradient tape): `dLossDq` maps Q(s, .) of the batch to dLoss/dQ. Why by hand: the
   * networks are tiny, so TensorFlow.js's per-op bookkeeping (tape, customGrad, split/concat
   * gradients) costs several times the arithmetic; the textbook backward pass of an MLP is
   * a third of the kernels. Checked against tf.grad in test/unit/dqn.test.ts. Call inside tf.tidy.
   */
  gradient(obs: tf.Tensor2D, dLossDq: (q: tf.Tensor2D) => tf.Tensor2D, weights: QWeights = this.weights()): tf.Tensor1D {
    // Forward, keeping each layer's input and output.
    const inputs: tf.Tensor2D[] = [];
    const outputs: tf.Tensor2D[] = [];
    let h = obs;
    weights.forEach((wb, i) => {
      inputs.push(h);
      h = denseForward(h, wb.w, wb.b, this.layers[i].activation);
      outputs.push(h);
    });
    const q = this.dueling ? duelingAggregate(h) : h;
    let dy = dLossDq(q);
    if (this.dueling) dy = duelingBackward(dy);
    // Backward, last layer first; pieces collected in parameter order (w, b per layer).
    const pieces: tf.Tensor[] = new Array(2 * weights.length);
    for (let i = weights.length - 1; i >= 0; i--) {
      const y = outputs[i];
      const act = this.layers[i].activation;
      // d act / dz: relu' = [y > 0], tanh' = 1 - y^2, linear' = 1
      const dz = (act === 'relu' ? tf.mul(dy, tf.step(y)) : act === 'tanh' ? tf.mul(dy, tf.sub(1, tf.square(y))) : dy) as tf.Tensor2D;
      // Explicit transposes: WASM's matMul with a transposed operand is much slower (dense.ts).
      pieces[2 * i] = tf.reshape(tf.matMul(tf.transpose(inputs[i]), dz), [-1]);
      pieces[2 * i + 1] = tf.sum(dz, 0);
      if (i > 0) dy = tf.matMul(dz, tf.transpose(weights[i].w));
    }
    return tf.concat(pieces) as tf.Tensor1D;
  }

  /**
   * Q-values for acting, [rows x nActions] row-major, from cached weight views: one fused
   * matMul per layer and ONE read-back for all environment copies.
   */
  qValues(obs: Float32Array, rows: number): Float32Array {
    if (!this.actingWeights) this.actingWeights = keptWeights(() => this.weights());
    const weights = this.actingWeights;
    const q = tf.tidy(() => this.forward(tf.tensor2d(obs, [rows, this.obsDim]), weights, false));
    const data = q.dataSync() as Float32Array;
    q.dispose();
    return data;
  }

  /** Each layer's shape and activation, in parameter order (W inDim x outDim row-major, then b). */
  layerShapes(): { inDim: number; outDim: number; activation: LayerActivation }[] {
    return this.layers.map((l) => ({ ...l }));
  }

  /**
   * Replaces the online and target parameters (flat, this network's layout) — written back by
   * an update path that keeps them elsewhere (algos/dqn/wasmLearner.ts) — and drops the views.
   */
  setParams(online: Float32Array, target: Float32Array): void {
    tf.tidy(() => {
      this.params.assign(tf.tensor1d(online));
      this.targetParams.assign(tf.tensor1d(target));
    });
    this.invalidate();
    if (this.cachedTargetWeights) tf.dispose(this.cachedTargetWeights as unknown as tf.TensorContainer);
    this.cachedTargetWeights = null;
  }

  /** The online layers' values in JS (checkpoints, export). */
  layerValues(): { inDim: number; outDim: number; activation: LayerActivation; w: Float32Array; b: Float32Array }[] {
    const flat = this.params.dataSync() as Float32Array;
    let offset = 0;
    return this.layers.map((l) => {
      const w = flat.slice(offset, offset + l.inDim * l.outDim);
      offset += w.length;
      const b = flat.slice(offset, offset + l.outDim);
      offset += b.length;
      return { ...l, w, b };
    });
  }

  /** Layer views of the target parameters, kept until the next target update (no gradient). */
  targetWeights(): QWeights {
    if (!this.cachedTargetWeights) this.cachedTargetWeights = keptWeights(() => this.weights(this.targetParams));
    return this.cachedTargetWeights;
  }

  /** Call after every optimizer step: the cached acting views would still show old values. */
  invalidate(): void {
    if (this.actingWeights) tf.dispose(this.actingWeights as unknown as tf.TensorContainer);
    this.actingWeights = null;
  }

  /** theta_target <- tau * theta + (1 - tau) * theta_target; tau = 1 copies (SB3 polyak_update). */
  updateTarget(tau: number): void {
    tf.tidy(() => {
      const next = tau >= 1 ? this.params : tf.add(tf.mul(this.params, tau), tf.mul(this.targetParams, 1 - tau));
      this.targetParams.assign(next as tf.Tensor1D);
    });
    if (this.cachedTargetWeights) tf.dispose(this.cachedTargetWeights as unknown as tf.TensorContainer);
    this.cachedTargetWeights = null;
  }

  dispose(): void {
    this.invalidate();
    if (this.cachedTargetWeights) tf.dispose(this.cachedTargetWeights as unknown as tf.TensorContainer);
    this.cachedTargetWeights = null;
    this.params.dispose();
    this.targetParams.dispose();
  }
}

/**
 * Weight views that outlive any enclosing tf.tidy (they may be first made inside a training
 * step's tidy); the owner disposes them when the parameters change.
 */
function keptWeights(make: () => QWeights): QWeights {
  const views = tf.tidy(() => make() as unknown as tf.TensorContainer) as unknown as QWeights;
  for (const { w, b } of views) {
    tf.keep(w);
    tf.keep(b);
  }
  return views;
}

/**
 * The gradient of duelingAggregate: with Q = V + A - mean(A),
 * dL/dV = sum_a dL/dQ_a and dL/dA_a = dL/dQ_a - mean_a' dL/dQ_a'.
 */
export function duelingBackward(dq: tf.Tensor2D): tf.Tensor2D {
  const dValue = tf.sum(dq, 1, true);
  const dAdvantage = tf.sub(dq, tf.mean(dq, 1, true));
  return tf.concat([dValue, dAdvantage], 1) as tf.Tensor2D;
}

/**
 * Dueling aggregation (Wang et al. 2016, eq. 9): out = [V | A_1..A_n] per row,
 * Q(s, a) = V(s) + A(s, a) - mean_a' A(s, a'). Subtracting the mean makes V and A identifiable.
 */
export function duelingAggregate(out: tf.Tensor2D): tf.Tensor2D {
  const [rows, width] = out.shape;
  const value = tf.slice(out, [0, 0], [rows, 1]);
  const advantage = tf.slice(out, [0, 1], [rows, width - 1]);
  return tf.add(value, tf.sub(advantage, tf.mean(advantage, 1, true))) as tf.Tensor2D;
}
