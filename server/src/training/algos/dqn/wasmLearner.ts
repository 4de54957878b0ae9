/**
 * DQN's update and acting on the WebAssembly SIMD kernels of nn/wasmKernels/kernels.ts, with
 * the online and target Q-networks, the gradient and Adam's moments living in the kernels'
 * memory for the whole run: a gradient step is ~15 direct kernel calls and a few short JS
 * loops, no TensorFlow.js tensors, kernels or read-backs.
 *
 * Why: a DQN gradient step on SB3's [64, 64] Q-network and a minibatch of 64 is ~1M
 * multiply-adds; through TensorFlow.js it is ~80 kernels (forward of both networks, the loss,
 * the hand-written backward pass, the clip, Adam), ~1.2 ms on WASM, nearly all dispatch.
 * Acting (one forward pass per env step) had the same problem at ~100 us per step.
 *
 * The maths is QNetwork.gradient's and the tfjs path's in dqn.ts (checked against each other
 * in test/unit/dqnWasm.test.ts):
 *   y     = r + gamma (1 - terminated) max_a' Q_target(s', a')      (double_q: Q_target(s', argmax_a' Q(s', a')))
 *   loss  = mean_j Huber(Q(s_j, a_j) - y_j),  dLoss/dQ(s_j, a_j) = clip(d_j, -1, 1) / B
 *   per layer, x_i its input, h_i = act(z_i), z_i = x_i W_i + b_i:
 *     dz_i = dh_i * act'(h_i);  dW_i = x_i^T dz_i;  db_i = 1^T dz_i;  dh_{i-1} = dz_i W_i^T
 * then torch's clip_grad_norm_ (max_grad_norm) and Adam (FlatAdam's float32 arithmetic).
 *
 * Layout: the parameters are stored layer by layer PADDED (every dimension a multiple of 4,
 * as the kernels need), so a layer's W and b are views of the flat parameter vector that Adam
 * steps in place — nothing is copied per step but W^T (for dh). Padded weights start at zero
 * and get zero gradients (their inputs or output gradients are zero), so they stay zero.
 * QNetwork keeps the unpadded flat tf.Variables for checkpoints and export: writeTo()/readFrom().
 */
import type { LayerActivation } from '../../nn/dense';
import type { FlatAdam } from '../../nn/flatOptimizer';
import type { QNetwork } from '../../nn/qNetwork';
import { instantiateKernels, pad4, type Kernels, type PaddedLayer } from '../../nn/wasmKernels/kernels';
import type { ReplaySample } from '../replayBuffer';

/** wAt/bAt: offsets in QNetwork's unpadded flat vector. */
interface Layer extends PaddedLayer {
  /** Float offsets of W (inPad x outPad) and b (outPad) in the padded parameter vector. */
  pw: number;
  pb: number;
  // Byte offsets of this layer's buffers in the kernels' memory.
  wt: number; // W^T (outPad x inPad), rebuilt after each step
  h: number; // online output on the minibatch's s (kept for the backward pass)
  hs: number; // scratch output: s' forward passes, acting
  dz: number;
  dx: number; // d loss / d (this layer's input)
}

export interface WasmStepResult {
  loss: number;
  qMean: number;
}

export class WasmQLearner {
  private readonly layers: Layer[];
  private readonly obsPad: number;
  /** Floats in the padded parameter vector (a multiple of 4). */
  private readonly size: number;
  /** Rows every activation buffer holds (a multiple of 4). */
  private readonly capacity: number;
  // Byte offsets of the fixed regions.
  private readonly theta: number;
  private readonly target: number;
  private readonly grad: number;
  private readonly m: number;
  private readonly v: number;
  private readonly scalars: number;
  private readonly zeros: number;
  private readonly x: number;
  private readonly xs: number;
  private readonly f32: Float32Array;
  /** The same memory as int32 (relu on the bits). */
  private readonly i32: Int32Array;
  /** JS scratch: the chosen next action per row (double_q). */
  private readonly nextAction: Int32Array;
  private readonly qRow: Float64Array;

  private constructor(
    private readonly k: Kernels,
    private readonly net: QNetwork,
    layers: Layer[],
    capacity: number,
  ) {
    this.layers = layers;
    this.obsPad = layers[0].inPad;
    this.capacity = capacity;
    let size = 0;
    for (const l of layers) {
      l.pw = size;
      size += l.inPad * l.outPad;
      l.pb = size;
      size += l.outPad;
    }
    this.size = size;
    let bump = 0;
    const alloc = (floats: number) => {
      const at = bump;
      bump += pad4(floats) * 4; // 16-byte aligned
      return at;
    };
    this.theta = alloc(size);
    this.target = alloc(size);
    this.grad = alloc(size);
    this.m = alloc(size);
    this.v = alloc(size);
    this.scalars = alloc(16);
    this.zeros = alloc(Math.max(this.obsPad, ...layers.map((l) => l.outPad)));
    this.x = alloc(capacity * this.obsPad);
    this.xs = alloc(capacity * this.obsPad);
    for (const l of layers) {
      l.wt = alloc(l.outPad * l.inPad);
      l.h = alloc(capacity * l.outPad);
      l.hs = alloc(capacity * l.outPad);
      l.dz = alloc(capacity * l.outPad);
      l.dx = alloc(capacity * l.inPad);
    }
    const memory = k.memory;
    if (bump > memory.buffer.byteLength) memory.grow(Math.ceil((bump - memory.buffer.byteLength) / 65536));
    // Every buffer starts at zero (fresh pages); grow() is never called again, so this view stays valid.
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.nextAction = new Int32Array(capacity);
    this.qRow = new Float64Array(net.nActions);
  }

  /**
   * A learner for `net` with room for minibatches of `batchSize` and acting on `numEnvs`
   * observations, or null where the kernels are unavailable (no WebAssembly SIMD).
   */
  static create(net: QNetwork, batchSize: number, numEnvs: number): WasmQLearner | null {
    const kernels = instantiateKernels();
    if (!kernels) return null;
    let at = 0;
    const layers: Layer[] = net.layerShapes().map((s) => {
      const wAt = at;
      const bAt = wAt + s.inDim * s.outDim;
      at = bAt + s.outDim;
      return { ...s, inPad: pad4(s.inDim), outPad: pad4(s.outDim), wAt, bAt, pw: 0, pb: 0, wt: 0, h: 0, hs: 0, dz: 0, dx: 0 };
    });
    if (at !== net.numParams) return null;
    const learner = new WasmQLearner(kernels, net, layers, pad4(Math.max(batchSize, numEnvs, 1)));
    learner.readFrom();
    return learner;
  }

  // ------------------------------------------------------------------ sync with QNetwork / FlatAdam

  /** Copies the network's online and target parameters (and Adam's moments) into the kernels' memory. */
  readFrom(optimizer?: FlatAdam): void {
    this.scatter(this.net.params.dataSync() as Float32Array, this.theta);
    this.scatter(this.net.targetParams.dataSync() as Float32Array, this.target);
    if (optimizer) {
      const { m, v } = optimizer.moments(this.net.numParams);
      this.scatter(m, this.m);
      this.scatter(v, this.v);
    }
  }

  /** Writes the parameters (and Adam's moments) back into the network's variables / the optimizer. */
  writeTo(optimizer?: FlatAdam): void {
    this.net.setParams(this.gather(this.theta), this.gather(this.target));
    if (optimizer) {
      const { m, v } = optimizer.moments(this.net.numParams);
      m.set(this.gather(this.m));
      v.set(this.gather(this.v));
    }
  }

  /** unpadded flat -> padded region at byte offset `at`. */
  private scatter(flat: Float32Array, at: number): void {
    const f = this.f32;
    const base = at >> 2;
    for (const l of this.layers) {
      for (let r = 0; r < l.inDim; r++) f.set(flat.subarray(l.wAt + r * l.outDim, l.wAt + (r + 1) * l.outDim), base + l.pw + r * l.outPad);
      f.set(flat.subarray(l.bAt, l.bAt + l.outDim), base + l.pb);
    }
  }

  /** padded region at byte offset `at` -> a new unpadded flat vector. */
  private gather(at: number): Float32Array {
    const f = this.f32;
    const base = at >> 2;
    const flat = new Float32Array(this.net.numParams);
    for (const l of this.layers) {
      for (let r = 0; r < l.inDim; r++) flat.set(f.subarray(base + l.pw + r * l.outPad, base + l.pw + r * l.outPad + l.outDim), l.wAt + r * l.outDim);
      flat.set(f.subarray(base + l.pb, base + l.pb + l.outDim), l.bAt);
    }
    return flat;
  }

  // ------------------------------------------------------------------ acting

  /** Q(s, .) of the online network for `rows` observations, [rows x nActions] row-major (a new array). */
  qValues(obs: Float32Array, rows: number): Float32Array {
    const out = new Float32Array(rows * this.net.nActions);
    for (let start = 0; start < rows; start += this.capacity) {
      const n = Math.min(this.capacity, rows - start);
      this.loadRows(obs.subarray(start * this.net.obsDim), n, this.xs);
      const last = this.forward(this.xs, this.theta, pad4(n), 'hs');
      for (let r = 0; r < n; r++) {
        this.qOf(last, r);
        for (let a = 0; a < this.net.nActions; a++) out[(start + r) * this.net.nActions + a] = this.qRow[a];
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ training

  /** theta_target <- tau theta + (1 - tau) theta_target (SB3's polyak_update); tau >= 1 copies. */
  updateTarget(tau: number): void {
    const f = this.f32;
    const p = this.theta >> 2;
    const t = this.target >> 2;
    if (tau >= 1) {
      f.copyWithin(t, p, p + this.size);
      return;
    }
    const fr = Math.fround;
    const a = fr(tau);
    const b = fr(1 - tau);
    for (let i = 0; i < this.size; i++) f[t + i] = fr(fr(f[p + i] * a) + fr(f[t + i] * b));
  }

  /**
   * One gradient step on a minibatch: gradient() then the global-norm clip and Adam
   * (`optimizer`'s state and scalars; its moments live here between readFrom and writeTo).
   */
  step(batch: ReplaySample, gamma: number, doubleQ: boolean, maxGradNorm: number, optimizer: FlatAdam): WasmStepResult {
    const result = this.gradient(batch, gamma, doubleQ);
    const f = this.f32;
    const gradBase = this.grad >> 2;
    let sq = 0;
    for (let i = gradBase, end = gradBase + this.size; i < end; i++) sq += f[i] * f[i];
    const s = optimizer.nextStep(Math.sqrt(sq), maxGradNorm);
    f.set([s.scale, s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2, s.bc1, s.bc2, s.epsilon, s.negLr], this.scalars >> 2);
    this.k.adam(this.theta, this.grad, this.m, this.v, this.size, this.scalars);
    return result;
  }

  /** The last gradient() in QNetwork's flat layout (a new array; for tests). */
  gradientVector(): Float32Array {
    return this.gather(this.grad);
  }

  /**
   * d loss / d theta for a minibatch into the padded gradient: the TD target from the target
   * network, the Huber loss's gradient back through the online network. Returns the loss and
   * the mean Q(s, a) of the batch.
   */
  gradient(batch: ReplaySample, gamma: number, doubleQ: boolean): WasmStepResult {
    const { f32: f, net } = this;
    const rows = batch.rows;
    if (rows > this.capacity) throw new Error(`minibatch of ${rows} rows exceeds the learner's ${this.capacity}`);
    const rowsPad = pad4(rows);
    const nA = net.nActions;
    const qRow = this.qRow;

    // ---- the TD target y (no gradient): forward passes on s' into the scratch buffers
    this.loadRows(batch.nextObs, rows, this.xs);
    if (doubleQ) {
      const online = this.forward(this.xs, this.theta, rowsPad, 'hs');
      for (let r = 0; r < rows; r++) this.nextAction[r] = argmax(this.qOf(online, r), nA);
    }
    const nextTarget = this.forward(this.xs, this.target, rowsPad, 'hs');
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      this.qOf(nextTarget, r);
      const next = doubleQ ? qRow[this.nextAction[r]] : qRow[argmax(qRow, nA)];
      // float32 like the tfjs path: r + (1 - done) gamma Q_next
      y[r] = Math.fround(batch.rewards[r] + Math.fround(Math.fround((1 - batch.dones[r]) * gamma) * next));
    }

    // ---- online forward on s, the loss and d loss / d (last layer's output)
    this.loadRows(batch.obs, rows, this.x);
    const last = this.forward(this.x, this.theta, rowsPad, 'h');
    const out = this.layers[this.layers.length - 1];
    const dz = out.dz >> 2;
    f.fill(0, dz, dz + rowsPad * out.outPad);
    let loss = 0;
    let qSum = 0;
    for (let r = 0; r < rows; r++) {
      this.qOf(last, r);
      const a = batch.actions[r];
      const q = qRow[a];
      const d = q - y[r];
      const abs = Math.abs(d);
      loss += abs <= 1 ? 0.5 * d * d : abs - 0.5;
      qSum += q;
      const g = Math.max(-1, Math.min(1, d)) / rows;
      const row = dz + r * out.outPad;
      if (net.dueling) {
        // out = [V | A]: dV = sum_a dQ_a = g, dA_k = dQ_k - mean_a dQ_a = [k = a] g - g / n
        f[row] = g;
        for (let k = 0; k < nA; k++) f[row + 1 + k] = (k === a ? g : 0) - g / nA;
      } else {
        f[row + a] = g;
      }
    }

    // ---- backward into the padded gradient
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      if (i < this.layers.length - 1) this.activationGrad(this.layers[i + 1].dx, l, rowsPad);
      const input = i === 0 ? this.x : this.layers[i - 1].h;
      this.gemmTN(input, l.dz, this.grad + 4 * l.pw, l.inPad, rowsPad, l.outPad);
      this.k.colSum(l.dz, rowsPad, l.outPad, this.grad + 4 * l.pb);
      if (i > 0) {
        this.transposeW(l);
        this.gemmNN(l.dz, l.wt, l.dx, this.zeros, rowsPad, l.outPad, l.inPad);
      }
    }
    return { loss: loss / rows, qMean: qSum / rows };
  }

  // ------------------------------------------------------------------ pieces

  /** Observations (rows x obsDim) into a padded input buffer; padded rows and columns zero. */
  private loadRows(obs: Float32Array, rows: number, at: number): void {
    const f = this.f32;
    const obsDim = this.net.obsDim;
    const obsPad = this.obsPad;
    const base = at >> 2;
    if (obsPad === obsDim) f.set(obs.subarray(0, rows * obsDim), base);
    else {
      f.fill(0, base, base + rows * obsPad);
      for (let r = 0; r < rows; r++) f.set(obs.subarray(r * obsDim, (r + 1) * obsDim), base + r * obsPad);
    }
    f.fill(0, base + rows * obsPad, base + pad4(rows) * obsPad);
  }

  /** The forward pass with the parameters at byte offset `params`, into each layer's `into` buffers; returns the last one. */
  private forward(x: number, params: number, rows: number, into: 'h' | 'hs'): number {
    let input = x;
    for (const l of this.layers) {
      const h = l[into];
      this.gemmNN(input, params + 4 * l.pw, h, params + 4 * l.pb, rows, l.inPad, l.outPad);
      this.activate(l.activation, h, rows * l.outPad);
      input = h;
    }
    return input;
  }

  /** Q(s_r, .) from the last layer's output at byte offset `last` into qRow (dueling: V + A - mean A). */
  private qOf(last: number, r: number): Float64Array {
    const f = this.f32;
    const nA = this.net.nActions;
    const row = (last >> 2) + r * this.layers[this.layers.length - 1].outPad;
    const q = this.qRow;
    if (this.net.dueling) {
      let mean = 0;
      for (let a = 0; a < nA; a++) mean += f[row + 1 + a];
      mean /= nA;
      for (let a = 0; a < nA; a++) q[a] = f[row] + f[row + 1 + a] - mean;
    } else {
      for (let a = 0; a < nA; a++) q[a] = f[row + a];
    }
    return q;
  }

  private activate(activation: LayerActivation, h: number, n: number): void {
    if (activation === 'tanh') this.k.tanh(h, n);
    else if (activation === 'relu') {
      // On the float's bits, without a branch (an `if` on the sign mispredicts half the time):
      // b >> 31 is all ones exactly when the sign bit is set, so b & ~(b >> 31) zeroes
      // negative values (and -0), and keeps the others. ~2x faster than `if (x < 0) x = 0`.
      const q = this.i32;
      for (let i = h >> 2, end = i + n; i < end; i++) {
        const b = q[i];
        q[i] = b & ~(b >> 31);
      }
    }
  }

  /** dz = dh * act'(h) for layer l (relu' = [h > 0], tanh' = 1 - h^2), dh being its output's gradient. */
  private activationGrad(dh: number, l: Layer, rows: number): void {
    const n = rows * l.outPad;
    if (l.activation === 'tanh') {
      this.k.tanhGrad(dh, l.h, l.dz, n);
      return;
    }
    const a = dh >> 2;
    const z = l.dz >> 2;
    if (l.activation !== 'relu') {
      this.f32.copyWithin(z, a, a + n);
      return;
    }
    // [h > 0] on the bits, without a branch: after relu h's bits are 0 (h = 0) or a positive
    // int32 (h > 0), and (-bits) >> 31 is then 0 or all ones: the mask that keeps dh.
    const q = this.i32;
    for (let i = 0, h = l.h >> 2; i < n; i++) q[z + i] = q[a + i] & (-q[h + i] >> 31);
  }

  /** W^T of layer l's current online weights into its wt buffer. */
  private transposeW(l: Layer): void {
    const f = this.f32;
    const w = (this.theta >> 2) + l.pw;
    const wt = l.wt >> 2;
    for (let r = 0; r < l.inPad; r++) {
      const row = w + r * l.outPad;
      for (let c = 0; c < l.outPad; c++) f[wt + c * l.inPad + r] = f[row + c];
    }
  }

  private gemmNN(a: number, b: number, c: number, bias: number, m: number, kDim: number, n: number): void {
    if (n % 8 === 0) this.k.gemmNN8(a, b, c, bias, m, kDim, n);
    else this.k.gemmNN4(a, b, c, bias, m, kDim, n);
  }

  /** C[m x n] = A^T B, A stored [kDim x m] (dW = x^T dz), no bias. */
  private gemmTN(a: number, b: number, c: number, m: number, kDim: number, n: number): void {
    if (n % 8 === 0) this.k.gemmTN8(a, b, c, this.zeros, m, kDim, n);
    else this.k.gemmTN4(a, b, c, this.zeros, m, kDim, n);
  }
}

function argmax(q: Float64Array, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (q[k] > q[best]) best = k;
  return best;
}
