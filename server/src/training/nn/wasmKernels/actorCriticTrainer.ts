/**
 * The gradient of a JS loss (algos/ppo/loss.ts and friends) with respect to the flat
 * parameters of an ActorCritic in the separate layout, computed by the WebAssembly SIMD
 * kernels (kernels.ts) on buffers laid out once in the module's memory — no TensorFlow.js
 * tensors, kernels or allocations per minibatch (but one tf.tanh per tanh layer of at most
 * 4,096 outputs, where TensorFlow.js's path rounds with its Tanh kernel: see activate()).
 *
 * Per network (actor, critic), layer i with input x_i and output h_i = act(z_i):
 *   forward   z_i = x_i W_i + b_i                         gemmNN (bias as the initial sum)
 *   backward  dz_i = dh_i * act'(h_i)                     tanh' = 1 - h^2, relu' = [h > 0]
 *             dW_i = x_i^T dz_i,   db_i = 1^T dz_i         gemmTN, colSum
 *             dh_{i-1} = dz_i W_i^T                       gemmNN with W_i^T (transposed in JS)
 * the textbook backward pass, the same maths as ActorCritic.forwardTrain's gradient.
 * Every dimension is padded to a multiple of 4 with zeros: zero weight rows and columns keep
 * the padded units at exactly zero in both directions, and padded batch rows get a zero
 * output gradient, so they add nothing to dW and db.
 *
 * During an update the parameters and Adam's moments live in the kernels' memory: load()
 * copies them in, step() is the clipped Adam step (the `adam` kernel, FlatAdam's float32
 * arithmetic), commit() writes them back into the network's tf.Variable and the optimizer once.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyHead } from '../../algos/pg/head';
import type { ActorCritic } from '../actorCritic';
import { TFJS_TANH_MAX_SIZE } from '../dense';
import type { FlatAdam } from '../flatOptimizer';
import type { JsLoss } from '../lossHead';
import { instantiateKernels, pad4, type Kernels, type PaddedLayer } from './kernels';

interface Layer extends PaddedLayer {
  // Byte offsets in the kernels' memory (set by layout()).
  w: number;
  wt: number;
  b: number;
  h: number;
  dz: number;
  dw: number;
  db: number;
  /** Gradient with respect to this layer's input (layers after the first). */
  dx: number;
}

export class WasmActorCriticTrainer {
  private readonly nets: [Layer[], Layer[]];
  /** Parameters (a multiple of 4 for the kernels; the tail stays zero). */
  private readonly size: number;
  private readonly sizePad: number;
  // Byte offsets of the parameter-sized buffers, at the start of the memory.
  private readonly thetaAt: number;
  private readonly gradAt: number;
  private readonly mAt: number;
  private readonly vAt: number;
  private readonly scalarsAt: number;
  private readonly fixedBytes: number;
  private optimizer: FlatAdam | null = null;
  private readonly obsDim: number;
  private readonly obsPad: number;
  private readonly logStdAt: number | null;
  private f32: Float32Array;
  /** Rows the buffers hold (a multiple of 4). */
  private capacity = 0;
  private x0 = 0;
  private zeros = 0;
  private loaded = false;

  private constructor(private readonly net: ActorCritic, private readonly k: Kernels, nets: [Layer[], Layer[]], logStdAt: number | null) {
    this.nets = nets;
    this.obsDim = nets[0][0].inDim;
    this.obsPad = pad4(this.obsDim);
    this.logStdAt = logStdAt;
    this.size = net.numParams;
    this.sizePad = pad4(this.size);
    const bytes = this.sizePad * 4;
    this.thetaAt = 0;
    this.gradAt = bytes;
    this.mAt = 2 * bytes;
    this.vAt = 3 * bytes;
    this.scalarsAt = 4 * bytes;
    this.fixedBytes = this.scalarsAt + 16 * 4;
    const memory = k.memory;
    if (this.fixedBytes > memory.buffer.byteLength) memory.grow(Math.ceil((this.fixedBytes - memory.buffer.byteLength) / 65536));
    this.f32 = new Float32Array(memory.buffer);
  }

  /** The parameters during an update (a view of the kernels' memory, valid until the next gradient()). */
  get theta(): Float32Array {
    return this.f32.subarray(this.thetaAt >> 2, (this.thetaAt >> 2) + this.size);
  }

  /** d loss / d theta of the last gradient() call (a view, overwritten by the next call). */
  private get grad(): Float32Array {
    return this.f32.subarray(this.gradAt >> 2, (this.gradAt >> 2) + this.size);
  }

  /**
   * A trainer for `net`, or null when this path does not apply: no WebAssembly SIMD, the
   * merged layout, or a parameter vector that is not exactly the actor's and critic's dense
   * layers (+ log std) — checked by reading a numbered vector back through plainNetworks().
   */
  static create(net: ActorCritic): WasmActorCriticTrainer | null {
    // gSDE's log-std matrix enters the loss through the latent features: the tfjs path's.
    if (net.merged || (net as { gsde?: unknown }).gsde) return null;
    const kernels = instantiateKernels();
    if (!kernels) return null;
    const probe = Float32Array.from({ length: net.numParams }, (_, i) => i);
    const plain = net.plainNetworks(probe);
    let at = 0;
    const layersOf = (layers: typeof plain.actor): Layer[] | null => {
      const out: Layer[] = [];
      for (const l of layers) {
        if (l.activation !== 'tanh' && l.activation !== 'relu' && l.activation !== 'linear') return null;
        const wAt = at;
        const bAt = wAt + l.inDim * l.outDim;
        at = bAt + l.outDim;
        if (l.w.some((v, i) => v !== wAt + i) || l.b.some((v, i) => v !== bAt + i)) return null;
        out.push({ inDim: l.inDim, outDim: l.outDim, inPad: pad4(l.inDim), outPad: pad4(l.outDim), activation: l.activation, wAt, bAt, w: 0, wt: 0, b: 0, h: 0, dz: 0, dw: 0, db: 0, dx: 0 });
      }
      return out;
    };
    const actor = layersOf(plain.actor);
    const critic = layersOf(plain.critic);
    if (!actor || !critic) return null;
    const lastLinear = (ls: Layer[]) => ls[ls.length - 1].activation === 'linear';
    if (!lastLinear(actor) || !lastLinear(critic) || critic[critic.length - 1].outDim !== 1) return null;
    let logStdAt: number | null = null;
    if (plain.logStd) {
      if (plain.logStd[0] !== at || plain.logStd.length !== net.piDim) return null;
      logStdAt = at;
      at += net.piDim;
    }
    if (at !== net.numParams) return null;
    return new WasmActorCriticTrainer(net, kernels, [actor, critic], logStdAt);
  }

  /**
   * Reads the network's parameters, and the optimizer's moments when step() will be used
   * (call before the first minibatch of an update).
   */
  load(optimizer?: FlatAdam): void {
    this.theta.set(this.net.params.dataSync() as Float32Array);
    this.optimizer = optimizer ?? null;
    if (optimizer) {
      const { m, v } = optimizer.moments(this.size);
      this.f32.set(m, this.mAt >> 2);
      this.f32.set(v, this.vAt >> 2);
    }
    this.loaded = true;
    if (this.capacity > 0) this.paramsChanged();
  }

  /**
   * The optimizer's clipped Adam step on theta with the last gradient (FlatAdam.stepClipped's
   * arithmetic, bit for bit). Returns the gradient's norm before clipping.
   */
  step(maxNorm: number): number {
    const optimizer = this.optimizer;
    if (!optimizer) throw new Error('step() needs load(optimizer)');
    const g = this.grad;
    let sq = 0;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const norm = Math.sqrt(sq);
    const s = optimizer.nextStep(norm, maxNorm);
    this.f32.set([s.scale, s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2, s.bc1, s.bc2, s.epsilon, s.negLr], this.scalarsAt >> 2);
    this.k.adam(this.thetaAt, this.gradAt, this.mAt, this.vAt, this.sizePad, this.scalarsAt);
    this.paramsChanged();
    return norm;
  }

  /**
   * nn/lossHead.ts jsLossGradient through the kernels: the network's current parameters, the
   * gradient as a tensor (the caller disposes it). For algorithms that step in TensorFlow.js.
   */
  gradientTensor(obs: Float32Array, rows: number, lossFn: (head: PolicyHead) => JsLoss): tf.Tensor1D {
    this.load();
    const t = tf.tensor1d(this.gradient(obs, rows, lossFn));
    this.loaded = false;
    return t;
  }

  /** Writes theta (and the optimizer's moments) back (call after the last step of an update). */
  commit(): void {
    if (!this.loaded) return;
    const t = tf.tensor1d(this.theta);
    this.net.params.assign(t);
    t.dispose();
    if (this.optimizer) {
      const { m, v } = this.optimizer.moments(this.size);
      m.set(this.f32.subarray(this.mAt >> 2, (this.mAt >> 2) + this.size));
      v.set(this.f32.subarray(this.vAt >> 2, (this.vAt >> 2) + this.size));
      this.optimizer = null;
    }
    this.loaded = false;
  }

  /** Call after the optimizer changed theta: copies the weights into the kernels' buffers. */
  paramsChanged(): void {
    const f = this.f32;
    const theta = this.theta;
    if (this.capacity === 0) return; // laid out (and copied) on the first gradient()
    for (const layers of this.nets) {
      for (const l of layers) {
        const w = l.w >> 2;
        const wt = l.wt >> 2;
        for (let r = 0; r < l.inDim; r++) {
          const src = l.wAt + r * l.outDim;
          f.set(theta.subarray(src, src + l.outDim), w + r * l.outPad);
          for (let c = 0; c < l.outDim; c++) f[wt + c * l.inPad + r] = theta[src + c];
        }
        f.set(theta.subarray(l.bAt, l.bAt + l.outDim), l.b >> 2);
      }
    }
  }

  /**
   * d loss / d theta for `rows` observations (rows x obsDim), the loss computed by `lossFn`
   * on the network's [pi | value] outputs. The returned array is reused by the next call.
   */
  gradient(obs: Float32Array, rows: number, lossFn: (head: PolicyHead) => JsLoss): Float32Array {
    if (!this.loaded) this.load();
    const rowsPad = pad4(rows);
    if (rowsPad > this.capacity) this.layout(rowsPad);
    const { f32: f, k, obsDim, obsPad } = this;
    const [actor, critic] = this.nets;
    const piDim = this.net.piDim;

    // ---- input rows, zero-padded (padded rows must stay finite: they meet zero gradients)
    const x0 = this.x0 >> 2;
    if (obsPad === obsDim) f.set(obs.subarray(0, rows * obsDim), x0);
    else for (let r = 0; r < rows; r++) f.set(obs.subarray(r * obsDim, (r + 1) * obsDim), x0 + r * obsPad);
    f.fill(0, x0 + rows * obsPad, x0 + rowsPad * obsPad);

    // ---- forward
    for (const layers of this.nets) {
      let x = this.x0;
      let inPad = obsPad;
      for (const l of layers) {
        this.gemmNN(x, l.w, l.h, l.b, rowsPad, inPad, l.outPad);
        this.activate(l, rows, rowsPad);
        x = l.h;
        inPad = l.outPad;
      }
    }

    // ---- the loss on [pi | value], read out of the last layers
    const piOut = actor[actor.length - 1];
    const vOut = critic[critic.length - 1];
    const width = piDim + 1;
    const out = new Float32Array(rows * width);
    const hp = piOut.h >> 2;
    const hv = vOut.h >> 2;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < piDim; c++) out[r * width + c] = f[hp + r * piOut.outPad + c];
      out[r * width + piDim] = f[hv + r * vOut.outPad];
    }
    const logStd = this.logStdAt === null ? null : this.theta.slice(this.logStdAt, this.logStdAt + piDim);
    const result = lossFn({ distribution: this.net.distribution, piDim, out, logStd });

    // ---- d loss / d outputs into the last layers' dz (zero in padded rows and columns)
    const dp = piOut.dz >> 2;
    const dv = vOut.dz >> 2;
    f.fill(0, dp, dp + rowsPad * piOut.outPad);
    f.fill(0, dv, dv + rowsPad * vOut.outPad);
    const g = result.gradOut;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < piDim; c++) f[dp + r * piOut.outPad + c] = g[r * width + c];
      f[dv + r * vOut.outPad] = g[r * width + piDim];
    }

    // ---- backward, into the flat gradient
    const grad = this.grad;
    for (const layers of this.nets) {
      for (let i = layers.length - 1; i >= 0; i--) {
        const l = layers[i];
        if (i < layers.length - 1) this.activationGrad(layers[i + 1].dx, l, rowsPad);
        const x = i === 0 ? this.x0 : layers[i - 1].h;
        this.gemmTN(x, l.dz, l.dw, this.zeros, l.inPad, rowsPad, l.outPad);
        k.colSum(l.dz, rowsPad, l.outPad, l.db);
        if (i > 0) this.gemmNN(l.dz, l.wt, l.dx, this.zeros, rowsPad, l.outPad, l.inPad);
        const dw = l.dw >> 2;
        for (let r = 0; r < l.inDim; r++) grad.set(f.subarray(dw + r * l.outPad, dw + r * l.outPad + l.outDim), l.wAt + r * l.outDim);
        grad.set(f.subarray(l.db >> 2, (l.db >> 2) + l.outDim), l.bAt);
      }
    }
    if (this.logStdAt !== null) grad.set(result.gradLogStd ?? new Float32Array(piDim), this.logStdAt);
    return grad;
  }

  private gemmNN(a: number, b: number, c: number, bias: number, m: number, kDim: number, n: number): void {
    if (n % 8 === 0) this.k.gemmNN8(a, b, c, bias, m, kDim, n);
    else this.k.gemmNN4(a, b, c, bias, m, kDim, n);
  }

  private gemmTN(a: number, b: number, c: number, bias: number, m: number, kDim: number, n: number): void {
    if (n % 8 === 0) this.k.gemmTN8(a, b, c, bias, m, kDim, n);
    else this.k.gemmTN4(a, b, c, bias, m, kDim, n);
  }

  /** Activation in place on layer l's output; `rows` real rows of `rowsPad`. */
  private activate(l: Layer, rows: number, rowsPad: number): void {
    const n = rowsPad * l.outPad;
    if (l.activation === 'tanh') {
      // TensorFlow.js takes its Tanh kernel for small tensors (nn/dense.ts fastTanh), which
      // rounds differently from 2 sigmoid(2x) - 1 (1 ulp): use it too, to stay bit-identical.
      const z = rows * l.outDim <= TFJS_TANH_MAX_SIZE ? this.realPart(l.h, rows, l) : null;
      this.k.tanh(l.h, n);
      if (z) this.setRealPart(l.h, rows, l, tf.tidy(() => tf.tanh(tf.tensor2d(z, [rows, l.outDim])).dataSync() as Float32Array));
    } else if (l.activation === 'relu') {
      const f = this.f32;
      for (let i = l.h >> 2, end = i + n; i < end; i++) if (f[i] < 0) f[i] = 0; // NaN stays NaN
    }
  }

  /** A copy of the real rows x outDim of a padded rows x outPad buffer of layer l. */
  private realPart(at: number, rows: number, l: Layer): Float32Array {
    const out = new Float32Array(rows * l.outDim);
    const f = this.f32;
    for (let r = 0, p = at >> 2; r < rows; r++, p += l.outPad) out.set(f.subarray(p, p + l.outDim), r * l.outDim);
    return out;
  }

  private setRealPart(at: number, rows: number, l: Layer, values: Float32Array): void {
    const f = this.f32;
    for (let r = 0, p = at >> 2; r < rows; r++, p += l.outPad) f.set(values.subarray(r * l.outDim, (r + 1) * l.outDim), p);
  }

  /** dz = dh * act'(h) for layer l, dh being the gradient of its output. */
  private activationGrad(dh: number, l: Layer, rows: number): void {
    const n = rows * l.outPad;
    if (l.activation === 'tanh') this.k.tanhGrad(dh, l.h, l.dz, n);
    else {
      const f = this.f32;
      const relu = l.activation === 'relu';
      for (let i = 0, a = dh >> 2, h = l.h >> 2, z = l.dz >> 2; i < n; i++) f[z + i] = relu && !(f[h + i] > 0) ? 0 : f[a + i];
    }
  }

  /** Lays out every buffer for up to `rows` rows (a multiple of 4), growing the memory as needed. */
  private layout(rows: number): void {
    let bump = this.fixedBytes;
    const alloc = (floats: number) => {
      const at = bump;
      bump += ((floats + 3) & ~3) * 4; // 16-byte aligned
      return at;
    };
    const maxWidth = Math.max(this.obsPad, ...this.nets.flat().map((l) => l.outPad));
    this.zeros = alloc(maxWidth);
    this.x0 = alloc(rows * this.obsPad);
    for (const layers of this.nets) {
      for (const l of layers) {
        l.w = alloc(l.inPad * l.outPad);
        l.wt = alloc(l.outPad * l.inPad);
        l.b = alloc(l.outPad);
        l.h = alloc(rows * l.outPad);
        l.dz = alloc(rows * l.outPad);
        l.dw = alloc(l.inPad * l.outPad);
        l.db = alloc(l.outPad);
        l.dx = alloc(rows * l.inPad);
      }
    }
    const memory = this.k.memory;
    if (bump > memory.buffer.byteLength) memory.grow(Math.ceil((bump - memory.buffer.byteLength) / 65536));
    this.f32 = new Float32Array(memory.buffer);
    this.f32.fill(0, this.fixedBytes >> 2); // padding stays zero from here on
    this.capacity = rows;
    this.paramsChanged();
  }
}

/**
 * The trainer for PPO's (and the family's) update when it applies: on the WASM backend (where
 * TensorFlow.js's per-kernel overhead dominates these small networks; native and GPU backends
 * keep their fused kernels), unless RL_LAB_WASM_KERNELS=0 (for comparisons), and for networks
 * create() accepts. Null: use the TensorFlow.js path (nn/lossHead.ts jsLossGradient).
 */
export function wasmKernelTrainer(net: ActorCritic): WasmActorCriticTrainer | null {
  if (process.env.RL_LAB_WASM_KERNELS === '0' || tf.getBackend() !== 'wasm') return null;
  return WasmActorCriticTrainer.create(net);
}

/** One trainer per network for jsLossGradient (separate from an algorithm's own, which holds its update's state). */
const shared = new WeakMap<ActorCritic, WasmActorCriticTrainer | null>();

/** The trainer jsLossGradient uses for `net`, or null (then TensorFlow.js). */
export function sharedKernelTrainer(net: ActorCritic): WasmActorCriticTrainer | null {
  if (tf.getBackend() !== 'wasm') return null;
  if (!shared.has(net)) shared.set(net, wasmKernelTrainer(net));
  return shared.get(net)!;
}
