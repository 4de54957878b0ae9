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
import { Rng } from '../rng';
import { dense, denseForward, type LayerActivation } from './dense';
import { gsdeLogStdSize, type GsdeOptions } from './gsde';
import { orthogonal, torchDefaultLinear } from './init';
import { type PlainLayer } from './jsMlp';
import { inferenceMlp, type InferenceMlp } from './wasmKernels/inferenceMlp';

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
  /**
   * gSDE (nn/gsde.ts): the log-std piece is a [latentDim x (piDim or 1)] matrix over the actor's
   * last hidden layer (latentDim wide) instead of one log std per action dim; null without gSDE.
   */
  readonly gsde: (GsdeOptions & { latentDim: number }) | null;
  /** Entries of the log-std piece (the last piece of params): piDim, the gSDE matrix's, or 0. */
  readonly logStdSize: number;
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
  /** The critic's own layers (before merging), for plain-JS inference. */
  private readonly criticArch: Dense[];
  /** The constructor's arguments (to build the same network in the other layout). */
  private readonly shape: { obsDim: number; actionSpace: Space; kwargs: PolicyKwargs; rng: Rng; gsde?: GsdeOptions };

  /**
   * `layout.merged` forces the layout (tests); by default it follows the rule below.
   * `layout.gsde`: state-dependent exploration for a Box action space (ignored for Discrete).
   */
  constructor(obsDim: number, actionSpace: Space, kwargs: PolicyKwargs, rng: Rng, layout: { merged?: boolean; gsde?: GsdeOptions } = {}) {
    this.distribution = actionSpace.kind === 'discrete' ? 'categorical' : 'gaussian';
    this.piDim = actionSpace.kind === 'discrete' ? actionSpace.n : actionSpace.shape.reduce((a, b) => a * b, 1);
    const actor = mlp(obsDim, kwargs.net_arch.pi, this.piDim, kwargs.activation_fn);
    const critic = mlp(obsDim, kwargs.net_arch.vf, 1, kwargs.activation_fn);
    this.actorDepth = actor.length;
    this.actorArch = actor;
    this.criticArch = critic;
    this.shape = { obsDim, actionSpace, kwargs, rng, gsde: layout.gsde };
    // gSDE's latent features: the actor's last hidden layer (the observation when it has none).
    const latentDim = kwargs.net_arch.pi.length ? kwargs.net_arch.pi[kwargs.net_arch.pi.length - 1] : obsDim;
    this.gsde = layout.gsde && this.distribution === 'gaussian' ? { ...layout.gsde, latentDim } : null;
    this.logStdSize = this.distribution !== 'gaussian' ? 0 : this.gsde ? gsdeLogStdSize(latentDim, this.piDim, this.gsde.fullStd) : this.piDim;

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
    // Merged or not: see mergeByDefault.
    this.merged = actor.length === critic.length && (layout.merged ?? mergeByDefault());
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
      pieces.push(new Float32Array(this.logStdSize).fill(kwargs.log_std_init));
      mask.push(new Float32Array(this.logStdSize).fill(1));
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

  /**
   * [pi outputs | value] for training, as ONE custom-gradient node over the flat parameters
   * (the same maths as forward(), whose layers are one node each). Its gradient is the
   * textbook backward pass written as few, plain kernels: no per-layer split/concat and
   * identity bookkeeping, explicit transposes instead of transposed matMuls (slow on WASM,
   * see dense.ts), bias gradients as a ones-row matMul instead of a column Sum, no gradient
   * for the observations, and the merged layout's mask applied once. About 40 kernels per
   * minibatch instead of ~75. The gradient w.r.t. the log std piece is zero here (the loss
   * head reaches it through logStdTensor()). Call inside tf.tidy / variableGrads.
   */
  forwardTrain(obs: tf.Tensor2D): tf.Tensor2D {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const params = args[0] as tf.Tensor1D;
      const save = args[1] as tf.GradSaveFunc;
      const { layers } = this.viewsOf(params);
      // inputs[i] / outputs[i]: what layer i saw and produced (post-activation).
      const inputs: tf.Tensor2D[] = [];
      const outputs: tf.Tensor2D[] = [];
      const chain = (from: number, to: number): tf.Tensor2D => {
        let h = obs;
        for (let i = from; i < to; i++) {
          inputs[i] = h;
          h = denseForward(h, layers[i].w, layers[i].b, this.layers[i].activation);
          outputs[i] = h;
        }
        return h;
      };
      const out = this.merged
        ? chain(0, this.layers.length)
        : (tf.concat([chain(0, this.actorDepth), chain(this.actorDepth, this.layers.length)], 1) as tf.Tensor2D);
      save([...layers.map((l) => l.w), ...inputs, ...outputs]);
      return {
        value: out,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const n = this.layers.length;
          const ws = saved.slice(0, n) as tf.Tensor2D[];
          const xs = saved.slice(n, 2 * n) as tf.Tensor2D[];
          const ys = saved.slice(2 * n, 3 * n) as tf.Tensor2D[];
          const rows = dy.shape[0];
          const ones = tf.ones([1, rows]) as tf.Tensor2D;
          const pieces: tf.Tensor[] = new Array(this.pieceSizes.length);
          const back = (from: number, to: number, dOut: tf.Tensor2D) => {
            let dh = dOut;
            for (let i = to - 1; i >= from; i--) {
              const activation = this.layers[i].activation;
              // d act / dz from the saved output: tanh' = 1 - y^2, relu' = [y > 0]
              const dz = (activation === 'tanh' ? tf.mul(dh, tf.sub(1, tf.square(ys[i]))) : activation === 'relu' ? tf.mul(dh, tf.step(ys[i])) : dh) as tf.Tensor2D;
              pieces[2 * i] = tf.reshape(tf.matMul(tf.transpose(xs[i]) as tf.Tensor2D, dz), [-1]);
              pieces[2 * i + 1] = tf.reshape(tf.matMul(ones, dz), [-1]);
              if (i > from) dh = tf.matMul(dz, tf.transpose(ws[i]) as tf.Tensor2D);
            }
          };
          const dOut = dy as tf.Tensor2D;
          if (this.merged) {
            back(0, n, dOut);
          } else {
            back(0, this.actorDepth, tf.slice(dOut, [0, 0], [-1, this.piDim]) as tf.Tensor2D);
            back(this.actorDepth, n, tf.slice(dOut, [0, this.piDim], [-1, 1]) as tf.Tensor2D);
          }
          if (this.distribution === 'gaussian') pieces[pieces.length - 1] = tf.zeros([this.logStdSize]);
          return [this.maskGradient(tf.concat(pieces))];
        },
      };
    });
    return op(this.params) as tf.Tensor2D;
  }

  /** The log std piece of the parameters (gaussian), differentiable; null for categorical. Call inside tf.tidy. */
  logStdTensor(): tf.Tensor1D | null {
    if (this.distribution !== 'gaussian') return null;
    return tf.slice(this.params, [this.params.size - this.logStdSize], [this.logStdSize]) as tf.Tensor1D;
  }

  /**
   * gSDE's latent features z(s): the actor's last hidden layer for a batch, [batch, latentDim]
   * (the observations when the actor has no hidden layer). No gradient is recorded (SB3's
   * learn_features=False detaches it). Call inside tf.tidy.
   */
  actorLatent(obs: tf.Tensor2D, weights: Weights = this.weights()): tf.Tensor2D {
    const hidden = this.actorDepth - 1;
    if (hidden === 0) return obs;
    let h = obs;
    for (let i = 0; i < hidden; i++) h = denseForward(h, weights.layers[i].w, weights.layers[i].b, this.layers[i].activation);
    // Merged: the actor's block is the first columns of each hidden layer's output.
    return this.merged ? (tf.slice(h, [0, 0], [-1, this.actorArch[hidden - 1].outDim]) as tf.Tensor2D) : h;
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
  actorLayers(): PlainLayer[] {
    return this.plainNetworks().actor;
  }

  /**
   * Actor and critic as plain row-major layers and the log std, copied out of the flat
   * parameters with one read-back: the blocks of each merged layer, or each network's own
   * layers (for plain-JS inference, nn/jsMlp.ts, and the policy export).
   */
  plainNetworks(flat: Float32Array = this.params.dataSync() as Float32Array): { actor: PlainLayer[]; critic: PlainLayer[]; logStd: Float32Array | null } {
    const read = (arch: Dense[], critic: boolean): PlainLayer[] =>
      this.placements(arch, critic).map(({ l, wAt, bAt, rowOffset, colOffset, storedOut }) => {
        const w = new Float32Array(l.inDim * l.outDim);
        for (let r = 0; r < l.inDim; r++) {
          const from = wAt + (rowOffset + r) * storedOut + colOffset;
          w.set(flat.subarray(from, from + l.outDim), r * l.outDim);
        }
        const b = flat.slice(bAt + colOffset, bAt + colOffset + l.outDim);
        return { inDim: l.inDim, outDim: l.outDim, activation: l.activation, w, b };
      });
    const size = this.pieceSizes.reduce((a, b) => a + b, 0);
    const logStd = this.distribution === 'gaussian' ? flat.slice(size - this.logStdSize, size) : null;
    return { actor: read(this.actorArch, false), critic: read(this.criticArch, true), logStd };
  }

  /** The inverse of plainNetworks: a flat vector in this network's layout (merged zero blocks stay zero). */
  flatFromPlain(plain: { actor: PlainLayer[]; critic: PlainLayer[]; logStd: Float32Array | null }): Float32Array {
    const size = this.pieceSizes.reduce((a, b) => a + b, 0);
    const flat = new Float32Array(size);
    const write = (layers: PlainLayer[], arch: Dense[], critic: boolean) =>
      this.placements(arch, critic).forEach(({ l, wAt, bAt, rowOffset, colOffset, storedOut }, i) => {
        for (let r = 0; r < l.inDim; r++) flat.set(layers[i].w.subarray(r * l.outDim, (r + 1) * l.outDim), wAt + (rowOffset + r) * storedOut + colOffset);
        flat.set(layers[i].b, bAt + colOffset);
      });
    write(plain.actor, this.actorArch, false);
    write(plain.critic, this.criticArch, true);
    if (plain.logStd) flat.set(plain.logStd, size - this.logStdSize);
    return flat;
  }

  /**
   * A vector laid out like the parameters of the same network in the OTHER layout (merged or
   * separate), re-laid out for this one: parameters, Adam moments, directions. Lets a
   * checkpoint saved on one backend resume on another.
   */
  convertLayout(vector: Float32Array, fromMerged: boolean): Float32Array {
    if (fromMerged === this.merged) return vector;
    const other = new ActorCritic(this.shape.obsDim, this.shape.actionSpace, this.shape.kwargs, new Rng(0, 'layout'), { merged: fromMerged, gsde: this.shape.gsde });
    try {
      if (other.merged !== fromMerged) throw new Error('the network cannot take the other layout');
      if (vector.length !== other.params.size) throw new Error(`expected ${other.params.size} values in the ${fromMerged ? 'merged' : 'separate'} layout, got ${vector.length}`);
      return this.flatFromPlain(other.plainNetworks(vector));
    } finally {
      other.dispose();
    }
  }

  /** Where each layer of the actor or the critic sits in the flat vector. */
  private placements(arch: Dense[], critic: boolean): { l: Dense; wAt: number; bAt: number; rowOffset: number; colOffset: number; storedOut: number }[] {
    const offsets: number[] = [];
    let at = 0;
    for (const size of this.pieceSizes) {
      offsets.push(at);
      at += size;
    }
    // Layer i of a network sits in stored layer `index`, at row/column offsets (merged: the
    // critic's block starts after the actor's, except the first layer's rows, which both share).
    return arch.map((l, i) => {
      const index = this.merged ? i : critic ? this.actorDepth + i : i;
      return {
        l,
        wAt: offsets[2 * index],
        bAt: offsets[2 * index + 1],
        rowOffset: this.merged && critic && i > 0 ? this.actorArch[i].inDim : 0,
        colOffset: this.merged && critic ? this.actorArch[i].outDim : 0,
        storedOut: this.layers[index].outDim,
      };
    });
  }

  dispose(): void {
    this.params.dispose();
    this.gradMask?.dispose();
  }
}

/**
 * The block-diagonal layout halves the kernels but doubles the arithmetic of the hidden
 * layers (the zero blocks). On the plain-JS backend arithmetic dominates (measured: ~1,100 vs
 * ~750 steps/s on CartPole merged), and on WASM, since training runs the whole network as one
 * custom-gradient node (forwardTrain), the separate layout is faster too (measured: 1.56 vs
 * 1.88 ms per 128-row PPO minibatch with 64-64 networks). Native TensorFlow and WebGPU, where
 * each kernel costs more and arithmetic less, keep the merged layout.
 */
function mergeByDefault(): boolean {
  const backend = tf.getBackend();
  return backend !== 'cpu' && backend !== 'wasm';
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
 * Inference for the rollout. Small batches (a step over a few envs) run in plain JS on a
 * Float32Array copy of the weights (nn/jsMlp.ts), refreshed with one read-back after each
 * update; large ones (many envs) run in TensorFlow.js, where one fused matMul+bias per layer
 * beats the JS loops (measured crossover on WASM: about 70k multiply-adds per call, i.e.
 * ~8 envs with 64-64 networks). Both give the same outputs up to float32 rounding.
 */
export class RolloutActor {
  private cached: Weights | null = null;
  private plain: { actor: InferenceMlp; critic: InferenceMlp; logStd: Float32Array | null } | null = null;
  /** The last invalidated `plain` (its WebAssembly instances are reused for the next weights). */
  private spare: { actor: InferenceMlp; critic: InferenceMlp } | null = null;

  /** `jsMaxMacs`: the largest call (rows x multiply-adds per row) computed in JS; 0 = always TensorFlow.js. */
  constructor(private readonly net: ActorCritic, private readonly jsMaxMacs = defaultJsMaxMacs()) {}

  /** Call after every optimizer step (the cached weights would still show the old values). */
  invalidate(): void {
    if (this.cached) tf.dispose(this.cached as unknown as tf.TensorContainer);
    this.cached = null;
    this.spare = this.plain ?? this.spare;
    this.plain = null;
  }

  /**
   * Writes the policy outputs (piDim per env) into `pi` and the values into `value`; with
   * `latent`, also gSDE's latent features (the actor's last hidden layer, latentDim per env).
   */
  act(obs: Float32Array, numEnvs: number, obsDim: number, pi: Float32Array, value: Float32Array, latent?: Float32Array): void {
    const piDim = this.net.piDim;
    const plain = this.plainFor(numEnvs);
    if (plain) {
      pi.set(plain.actor.forward(obs, numEnvs).subarray(0, numEnvs * piDim));
      if (latent) {
        const hidden = plain.actor.layers.length - 1;
        latent.set(hidden > 0 ? plain.actor.layerOutput(hidden - 1, numEnvs) : obs.subarray(0, numEnvs * obsDim));
      }
      value.set(plain.critic.forward(obs, numEnvs).subarray(0, numEnvs));
      return;
    }
    if (latent) {
      const weights = this.weights();
      const z = tf.tidy(() => this.net.actorLatent(tf.tensor2d(obs, [numEnvs, obsDim]), weights));
      latent.set(z.dataSync() as Float32Array);
      z.dispose();
    }
    const data = this.forward(obs, numEnvs, obsDim);
    const w = piDim + 1;
    for (let i = 0; i < numEnvs; i++) {
      for (let k = 0; k < piDim; k++) pi[i * piDim + k] = data[i * w + k];
      value[i] = data[i * w + piDim];
    }
  }

  /** V(s) for a batch (to bootstrap truncated episodes and the last step). */
  values(obs: Float32Array, count: number, obsDim: number): Float32Array {
    const plain = this.plainFor(count);
    if (plain) return plain.critic.forward(obs, count).slice(0, count);
    const data = this.forward(obs, count, obsDim);
    const w = this.net.piDim + 1;
    return Float32Array.from({ length: count }, (_, i) => data[i * w + w - 1]);
  }

  /** Current log std of a gaussian policy (read once per rollout). */
  logStd(): Float32Array | null {
    if (this.jsMaxMacs > 0) {
      this.plainFor(0);
      return this.plain!.logStd ? this.plain!.logStd.slice() : null;
    }
    const { logStd } = this.weights();
    return logStd ? (logStd.dataSync() as Float32Array).slice() : null;
  }

  dispose(): void {
    this.invalidate();
  }

  /** The JS copy of the networks when this call is small enough for JS, else null. */
  private plainFor(rows: number): { actor: InferenceMlp; critic: InferenceMlp } | null {
    if (!this.plain) {
      if (this.jsMaxMacs <= 0) return null;
      const { actor, critic, logStd } = this.net.plainNetworks();
      // PlainMlp's arithmetic on the WASM kernels (bit-identical, faster), or PlainMlp itself.
      this.plain = { actor: inferenceMlp(actor, this.spare?.actor), critic: inferenceMlp(critic, this.spare?.critic), logStd };
    }
    const macs = rows * (this.plain.actor.macsPerRow + this.plain.critic.macsPerRow);
    return macs <= this.jsMaxMacs ? this.plain : null;
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

/**
 * Where plain JS stops paying: on the plain-JS backend TensorFlow.js runs the same loops plus
 * its overhead, so JS always; on WASM and native backends, calls up to ~60k multiply-adds.
 * RL_LAB_JS_INFERENCE=0 turns the JS path off (for comparisons).
 */
function defaultJsMaxMacs(): number {
  if (process.env.RL_LAB_JS_INFERENCE === '0') return 0;
  return tf.getBackend() === 'cpu' ? Infinity : 60_000;
}
