/**
 * SB3's MlpPolicy: an actor MLP (net_arch.pi) and a critic MLP (net_arch.vf) with no shared
 * parameters, tanh or relu, plus a state-independent log-std vector for Box actions.
 *
 * How it is laid out, for speed (per-kernel overhead, not arithmetic, dominates networks
 * this small; see bench/README):
 * - All parameters live in ONE flat tf.Variable; layers are views made by a single tf.split
 *   (whose gradient is a single concat), so Adam and the global grad-norm are a few kernels.
 * - When actor and critic have the same depth (SB3's default [64, 64] / [64, 64] and most
 *   zoo configs) they run as one block-diagonal network: layer i's matrix is
 *   [[W_pi, 0], [0, W_vf]] (the first layer shares the observation, the last emits
 *   [pi outputs | value]). The off-diagonal blocks start at zero and their gradient is masked
 *   to zero, so with Adam they stay exactly zero: the two networks remain separate
 *   functions with separate parameters, evaluated with half the kernels.
 * - Otherwise (different depths, or the plain-JS backend) the two networks run one after the
 *   other and their outputs are concatenated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, PolicyKwargs } from '../../schema';
import type { Space } from '../envs/spaces';
import type { Rng } from '../rng';
import { dense, denseForward, type LayerActivation } from './dense';
import { orthogonal, torchDefaultLinear } from './init';

export type DistributionKind = 'categorical' | 'gaussian';

interface Dense {
  inDim: number;
  outDim: number;
  activation: LayerActivation;
}

/** Layer views of one parameter vector. */
export interface Weights {
  layers: { w: tf.Tensor2D; b: tf.Tensor1D }[];
  logStd: tf.Tensor1D | null;
}

export class ActorCritic {
  readonly params: tf.Variable<tf.Rank.R1>;
  readonly distribution: DistributionKind;
  /** Width of the policy head: number of actions (categorical) or action dims (gaussian). */
  readonly piDim: number;
  /** True: one block-diagonal network; false: actor then critic. */
  readonly merged: boolean;
  /** Layers in parameter order: merged, or actor's then critic's. */
  private readonly layers: Dense[];
  private readonly actorDepth: number;
  /** Sizes of the pieces of `params`: w, b per layer, then logStd. */
  private readonly pieceSizes: number[];
  /** 1 for real parameters, 0 for the off-diagonal blocks of a merged network. */
  private readonly gradMask: tf.Tensor1D | null;
  /** The actor's own layers (before merging), for exporting the policy alone. */
  private readonly actorArch: Dense[];

  /** `layout.merged` forces the layout (tests); by default it follows the rule below. */
  constructor(obsDim: number, actionSpace: Space, kwargs: PolicyKwargs, rng: Rng, layout: { merged?: boolean } = {}) {
    this.distribution = actionSpace.kind === 'discrete' ? 'categorical' : 'gaussian';
    this.piDim = actionSpace.kind === 'discrete' ? actionSpace.n : actionSpace.shape.reduce((a, b) => a * b, 1);
    const actor = mlp(obsDim, kwargs.net_arch.pi, this.piDim, kwargs.activation_fn);
    const critic = mlp(obsDim, kwargs.net_arch.vf, 1, kwargs.activation_fn);
    this.actorDepth = actor.length;
    this.actorArch = actor;

    // Initial values of each network, drawn in JS from the seeded Rng (actor first).
    const init = (layers: Dense[], headGain: number) =>
      layers.map((l, i) => {
        if (!kwargs.ortho_init) return torchDefaultLinear(l.inDim, l.outDim, rng);
        // SB3 ActorCriticPolicy: gain sqrt(2) for hidden layers, 0.01 policy head, 1 value head; zero biases.
        const gain = i === layers.length - 1 ? headGain : Math.SQRT2;
        return { w: orthogonal(l.inDim, l.outDim, gain, rng), b: new Float32Array(l.outDim) };
      });
    const actorInit = init(actor, 0.01);
    const criticInit = init(critic, 1.0);

    const pieces: Float32Array[] = [];
    const mask: Float32Array[] = [];
    // On the plain-JS backend arithmetic, not kernel count, dominates: the zero blocks would
    // cost more than the kernels they save (measured: ~1,100 vs ~750 steps/s on CartPole).
    this.merged = actor.length === critic.length && (layout.merged ?? tf.getBackend() !== 'cpu');
    if (this.merged) {
      this.layers = actor.map((la, i) => {
        const lc = critic[i];
        const inDim = i === 0 ? obsDim : la.inDim + lc.inDim;
        const outDim = la.outDim + lc.outDim;
        const w = new Float32Array(inDim * outDim);
        const m = new Float32Array(inDim * outDim);
        // Actor block: rows [0, la.inDim) (all rows for the shared input), columns [0, la.outDim).
        const rowOffsetCritic = i === 0 ? 0 : la.inDim;
        for (let r = 0; r < la.inDim; r++) {
          for (let c = 0; c < la.outDim; c++) {
            w[r * outDim + c] = actorInit[i].w[r * la.outDim + c];
            m[r * outDim + c] = 1;
          }
        }
        for (let r = 0; r < lc.inDim; r++) {
          for (let c = 0; c < lc.outDim; c++) {
            w[(rowOffsetCritic + r) * outDim + la.outDim + c] = criticInit[i].w[r * lc.outDim + c];
            m[(rowOffsetCritic + r) * outDim + la.outDim + c] = 1;
          }
        }
        const b = new Float32Array(outDim);
        b.set(actorInit[i].b);
        b.set(criticInit[i].b, la.outDim);
        pieces.push(w, b);
        mask.push(m, new Float32Array(outDim).fill(1));
        return { inDim, outDim, activation: la.activation };
      });
    } else {
      this.layers = [...actor, ...critic];
      for (const p of [...actorInit, ...criticInit]) {
        pieces.push(p.w, p.b);
        mask.push(new Float32Array(p.w.length).fill(1), new Float32Array(p.b.length).fill(1));
      }
    }
    if (this.distribution === 'gaussian') {
      pieces.push(new Float32Array(this.piDim).fill(kwargs.log_std_init));
      mask.push(new Float32Array(this.piDim).fill(1));
    }

    this.pieceSizes = pieces.map((p) => p.length);
    const initial = tf.tensor1d(concat(pieces));
    this.params = tf.variable(initial, true); // auto-named: several runs may share a process
    initial.dispose(); // the variable holds its own reference to the data
    this.gradMask = this.merged ? tf.tensor1d(concat(mask)) : null;
  }

  get numParams(): number {
    return this.params.size;
  }

  /** Number of parameters that are trained (the merged layout's zero blocks excluded). */
  get numTrainableParams(): number {
    return this.gradMask ? tf.tidy(() => tf.sum(this.gradMask!).dataSync()[0]) : this.params.size;
  }

  /** Layer views of the parameters; differentiable w.r.t. `params`. Call inside tf.tidy. */
  weights(): Weights {
    return this.viewsOf(this.params);
  }

  /** Layer views of any vector laid out like `params` (e.g. a direction in parameter space). Call inside tf.tidy. */
  viewsOf(vector: tf.Tensor1D): Weights {
    const parts = tf.split(vector, this.pieceSizes);
    const layers = this.layers.map((l, i) => ({
      w: tf.reshape(parts[2 * i], [l.inDim, l.outDim]) as tf.Tensor2D,
      b: parts[2 * i + 1] as tf.Tensor1D,
    }));
    const logStd = this.distribution === 'gaussian' ? (parts[parts.length - 1] as tf.Tensor1D) : null;
    return { layers, logStd };
  }

  /**
   * [pi outputs | value] for a batch of observations: logits (categorical) or means
   * (gaussian), then V(s); shape [batch, piDim + 1]. Call inside tf.tidy.
   * `training` records the hand-written layer gradients (dense.ts); inference skips them.
   */
  forward(obs: tf.Tensor2D, weights: Weights = this.weights(), training = true): tf.Tensor2D {
    const layer = training ? dense : denseForward;
    const chain = (x: tf.Tensor2D, from: number, to: number) => {
      let h = x;
      for (let i = from; i < to; i++) h = layer(h, weights.layers[i].w, weights.layers[i].b, this.layers[i].activation);
      return h;
    };
    if (this.merged) return chain(obs, 0, this.layers.length);
    const pi = chain(obs, 0, this.actorDepth);
    const value = chain(obs, this.actorDepth, this.layers.length);
    return tf.concat([pi, value], 1) as tf.Tensor2D;
  }

  /** Zeroes the gradient of the merged layout's off-diagonal blocks (they must stay zero). */
  maskGradient(grad: tf.Tensor): tf.Tensor {
    return this.gradMask ? tf.mul(grad, this.gradMask) : grad;
  }

  /**
   * 1 for the actor's parameters (its layers and the log std), 0 for the critic's, in the
   * separate layout (NPG/TRPO step the actor alone). Throws for the merged layout.
   */
  actorMask(): Float32Array {
    if (this.merged) throw new Error('actorMask needs the separate actor/critic layout');
    const mask = new Float32Array(this.params.size);
    let offset = 0;
    this.pieceSizes.forEach((size, k) => {
      const isLogStd = this.distribution === 'gaussian' && k === this.pieceSizes.length - 1;
      if (k < 2 * this.actorDepth || isLogStd) mask.fill(1, offset, offset + size);
      offset += size;
    });
    return mask;
  }

  /**
   * Forward-mode derivative of the policy outputs along a parameter direction, J v, exact
   * (no finite differences): per layer z = h W + b, dz = dh W + h dW + db, then
   * tanh: dh' = (1 - h'^2) dz;  relu: dh' = [z > 0] dz. Shape [batch, piDim]. Call inside tf.tidy.
   */
  piJvp(obs: tf.Tensor2D, weights: Weights, tangent: Weights): tf.Tensor2D {
    const depth = this.merged ? this.layers.length : this.actorDepth;
    let h: tf.Tensor2D = obs;
    let dh: tf.Tensor2D | null = null;
    for (let i = 0; i < depth; i++) {
      const { w, b } = weights.layers[i];
      const t = tangent.layers[i];
      const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
      let dz = tf.add(tf.matMul(h, t.w), t.b) as tf.Tensor2D;
      if (dh) dz = tf.add(dz, tf.matMul(dh, w));
      const activation = this.layers[i].activation;
      if (activation === 'tanh') {
        h = tf.tanh(z);
        dz = tf.mul(dz, tf.sub(1, tf.square(h)));
      } else if (activation === 'relu') {
        h = tf.relu(z);
        dz = tf.mul(dz, tf.step(z));
      } else {
        h = z;
      }
      dh = dz;
    }
    return this.merged ? (tf.slice(dh!, [0, 0], [-1, this.piDim]) as tf.Tensor2D) : dh!;
  }

  /**
   * The actor network alone as plain row-major layers (x @ W + b), read out of the flat
   * parameters: the actor block of each merged layer, or the actor's own layers. Used by
   * checkpoints to export the policy.
   */
  actorLayers(): { inDim: number; outDim: number; activation: LayerActivation; w: Float32Array; b: Float32Array }[] {
    const flat = this.params.dataSync() as Float32Array;
    const offsets: number[] = [];
    let at = 0;
    for (const size of this.pieceSizes) {
      offsets.push(at);
      at += size;
    }
    return this.actorArch.map((la, i) => {
      const layer = this.layers[i];
      const wAt = offsets[2 * i];
      const bAt = offsets[2 * i + 1];
      const w = new Float32Array(la.inDim * la.outDim);
      // Merged or not, the actor block sits at rows [0, la.inDim), columns [0, la.outDim).
      for (let r = 0; r < la.inDim; r++) {
        for (let c = 0; c < la.outDim; c++) w[r * la.outDim + c] = flat[wAt + r * layer.outDim + c];
      }
      const b = flat.slice(bAt, bAt + la.outDim);
      return { inDim: la.inDim, outDim: la.outDim, activation: la.activation, w, b };
    });
  }

  dispose(): void {
    this.params.dispose();
    this.gradMask?.dispose();
  }
}

function mlp(inDim: number, hidden: number[], outDim: number, activation: Activation): Dense[] {
  const sizes = [inDim, ...hidden, outDim];
  return sizes.slice(1).map((out, i) => ({
    inDim: sizes[i],
    outDim: out,
    activation: i === sizes.length - 2 ? 'linear' : activation,
  }));
}

function concat(parts: Float32Array[]): Float32Array {
  const flat = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    flat.set(p, offset);
    offset += p.length;
  }
  return flat;
}

/**
 * Inference for the rollout: the layer views are made once per parameter update and reused
 * for every env step, so a step is one fused matMul+bias per layer, the activations, and one
 * read-back for all envs.
 */
export class RolloutActor {
  private cached: Weights | null = null;

  constructor(private readonly net: ActorCritic) {}

  /** Call after every optimizer step (the cached views would still show the old values). */
  invalidate(): void {
    if (this.cached) tf.dispose(this.cached as unknown as tf.TensorContainer);
    this.cached = null;
  }

  /** Writes the policy outputs (piDim per env) into `pi` and the values into `value`. */
  act(obs: Float32Array, numEnvs: number, obsDim: number, pi: Float32Array, value: Float32Array): void {
    const data = this.forward(obs, numEnvs, obsDim);
    const piDim = this.net.piDim;
    const w = piDim + 1;
    for (let i = 0; i < numEnvs; i++) {
      for (let k = 0; k < piDim; k++) pi[i * piDim + k] = data[i * w + k];
      value[i] = data[i * w + piDim];
    }
  }

  /** V(s) for a batch (to bootstrap truncated episodes and the last step). */
  values(obs: Float32Array, count: number, obsDim: number): Float32Array {
    const data = this.forward(obs, count, obsDim);
    const w = this.net.piDim + 1;
    return Float32Array.from({ length: count }, (_, i) => data[i * w + w - 1]);
  }

  /** Current log std of a gaussian policy (read once per rollout). */
  logStd(): Float32Array | null {
    const { logStd } = this.weights();
    return logStd ? (logStd.dataSync() as Float32Array).slice() : null;
  }

  dispose(): void {
    this.invalidate();
  }

  private forward(obs: Float32Array, rows: number, obsDim: number): Float32Array {
    const weights = this.weights();
    const out = tf.tidy(() => this.net.forward(tf.tensor2d(obs, [rows, obsDim]), weights, false));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  }

  private weights(): Weights {
    if (!this.cached) {
      // Weights holds only tensors; the casts are for tidy's TensorContainer signature.
      this.cached = tf.tidy(() => this.net.weights() as unknown as tf.TensorContainer) as unknown as Weights;
    }
    return this.cached;
  }
}
