/**
 * The WebAssembly SIMD update path (server/src/training/nn/wasmKernels/) against plain
 * arithmetic and against the TensorFlow.js path it replaces: each kernel on odd-but-padded
 * shapes, and the whole gradient of the PPO loss with respect to the flat parameters equal to
 * nn/lossHead.ts jsLossGradient (categorical and Gaussian, tanh and relu, rows and observation
 * sizes that are not multiples of 4), also after optimizer steps (the kernels' weight buffers
 * must follow theta), and with no TensorFlow.js tensors left behind.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { ActorCritic } from '../../server/src/training/nn/actorCritic';
import { fastTanh } from '../../server/src/training/nn/dense';
import { FlatAdam } from '../../server/src/training/nn/flatOptimizer';
import { jsLossGradient, tfjsLossGradient } from '../../server/src/training/nn/lossHead';
import { PlainMlp, type PlainLayer } from '../../server/src/training/nn/jsMlp';
import { inferenceMlp } from '../../server/src/training/nn/wasmKernels/inferenceMlp';
import { instantiateKernels } from '../../server/src/training/nn/wasmKernels/kernels';
import { WasmActorCriticTrainer, wasmKernelTrainer } from '../../server/src/training/nn/wasmKernels/actorCriticTrainer';
import { ppoLoss, type PpoMinibatch } from '../../server/src/training/algos/ppo/loss';
import { Rng } from '../../server/src/training/rng';
import type { Activation, PolicyKwargs } from '../../server/src/schema';
import type { Space } from '../../server/src/training/envs/spaces';

const DISCRETE: Space = { kind: 'discrete', n: 2 };
const BOX: Space = { kind: 'box', shape: [3], low: [-1, -1, -1], high: [1, 1, 1] };
const COEFS = { clipRange: 0.2, clipRangeVf: 0.3, entCoef: 0.01, vfCoef: 0.5 };

function kwargs(activation: Activation, pi = [64, 64], vf = [64, 64]): PolicyKwargs {
  return { net_arch: { pi, vf }, activation_fn: activation, ortho_init: true, log_std_init: -0.5 };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function normals(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

/** A PPO minibatch with old log-probs near the current ones, so some ratios are clipped and some not. */
function minibatch(net: ActorCritic, rows: number, rng: Rng): PpoMinibatch {
  const actionDim = net.distribution === 'categorical' ? 1 : net.piDim;
  return {
    rows,
    actions: Float32Array.from({ length: rows * actionDim }, () => (net.distribution === 'categorical' ? rng.int(net.piDim) : rng.normal())),
    oldLogProbs: Float32Array.from({ length: rows }, () => -1 + 0.3 * rng.normal()),
    advantages: normals(rows, rng),
    returns: normals(rows, rng, 3),
    oldValues: normals(rows, rng),
  };
}

/** Moves the parameters off their initial values (biases are zero at init). */
function perturb(net: ActorCritic, rng: Rng): void {
  const p = (net.params.dataSync() as Float32Array).map((v) => v + 0.05 * rng.normal());
  const t = tf.tensor1d(p);
  net.params.assign(t);
  t.dispose();
}

describe('WASM SIMD kernels', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('gemm (A B and A^T B, 4- and 8-wide blocks), tanh, its gradient and column sums match plain arithmetic', () => {
    const k = instantiateKernels();
    assert.ok(k, 'Node 20 has WebAssembly SIMD');
    k.memory.grow(4);
    const f = new Float32Array(k.memory.buffer);
    const rng = new Rng(1);
    let bump = 0;
    const alloc = (n: number, fill = true) => {
      const at = bump;
      bump += n * 4;
      if (fill) for (let i = 0; i < n; i++) f[at / 4 + i] = rng.normal();
      return at;
    };
    for (const [m, kk, n] of [[4, 4, 4], [8, 12, 8], [12, 64, 4], [128, 4, 64], [20, 36, 16]]) {
      for (const transA of [false, true]) {
        const a = alloc(m * kk);
        const b = alloc(kk * n);
        const bias = alloc(n);
        const c = alloc(m * n, false);
        const fn = transA ? (n % 8 ? k.gemmTN4 : k.gemmTN8) : n % 8 ? k.gemmNN4 : k.gemmNN8;
        fn(a, b, c, bias, m, kk, n);
        let err = 0;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = f[bias / 4 + j];
            for (let q = 0; q < kk; q++) s += (transA ? f[a / 4 + q * m + i] : f[a / 4 + i * kk + q]) * f[b / 4 + q * n + j];
            err = Math.max(err, Math.abs(s - f[c / 4 + i * n + j]));
          }
        }
        assert.ok(err < 1e-4, `${transA ? 'A^T B' : 'A B'} ${m}x${kk}x${n}: ${err}`);
      }
    }
    const n = 64;
    const x = alloc(n);
    for (let i = 0; i < n; i++) f[x / 4 + i] = (i - 32) / 3; // -10.7 .. 10.3: both saturated ends
    const before = Array.from(f.subarray(x / 4, x / 4 + n));
    k.tanh(x, n);
    before.forEach((v, i) => assert.ok(Math.abs(f[x / 4 + i] - Math.tanh(v)) < 5e-7, `tanh(${v}): ${f[x / 4 + i]}`));
    // Bit for bit TensorFlow.js's tanh on WASM for large tensors (nn/dense.ts fastTanh: 2 sigmoid(2 z) - 1).
    const z = alloc(8192);
    const viaTf = tf.tidy(() => fastTanh(tf.tensor1d(f.slice(z / 4, z / 4 + 8192))).dataSync());
    k.tanh(z, 8192);
    assert.deepEqual(Array.from(f.subarray(z / 4, z / 4 + 8192)), Array.from(viaTf));
    const dh = alloc(n);
    const dz = alloc(n, false);
    k.tanhGrad(dh, x, dz, n);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(f[dz / 4 + i] - f[dh / 4 + i] * (1 - f[x / 4 + i] ** 2)) < 1e-6);
    const rows = 12;
    const cols = 8;
    const p = alloc(rows * cols);
    const out = alloc(cols, false);
    k.colSum(p, rows, cols, out);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += f[p / 4 + r * cols + j];
      assert.ok(Math.abs(s - f[out / 4 + j]) < 1e-5);
    }
  });

  const cases: { name: string; space: Space; obsDim: number; kw: PolicyKwargs; rows: number }[] = [
    { name: 'categorical, tanh 64-64, CartPole-sized, 128 rows', space: DISCRETE, obsDim: 4, kw: kwargs('tanh'), rows: 128 },
    { name: 'gaussian, tanh 64-64, 3-dim observations, 37 rows', space: BOX, obsDim: 3, kw: kwargs('tanh'), rows: 37 },
    { name: 'gaussian, relu 32 / 16-16 (different depths), 10 rows', space: BOX, obsDim: 6, kw: kwargs('relu', [32], [16, 16]), rows: 10 },
    { name: 'categorical, tanh, no hidden layer in the actor, 5 rows', space: { kind: 'discrete', n: 5 }, obsDim: 8, kw: kwargs('tanh', [], [64]), rows: 5 },
  ];
  for (const c of cases) {
    it(`${c.name}: the gradient equals TensorFlow.js's (jsLossGradient) bit for bit, also after Adam steps`, () => {
      const rng = new Rng(11);
      const net = new ActorCritic(c.obsDim, c.space, c.kw, new Rng(3), { merged: false });
      perturb(net, rng);
      const trainer = WasmActorCriticTrainer.create(net);
      assert.ok(trainer);
      const tensorsBefore = tf.memory().numTensors;
      const adam = new FlatAdam(3e-3, 1e-5);
      trainer.load();
      for (let step = 0; step < 3; step++) {
        const obs = normals(c.rows * c.obsDim, rng);
        const batch = minibatch(net, c.rows, rng);
        // The TensorFlow.js path sees the trainer's current parameters.
        const t = tf.tensor1d(trainer.theta);
        net.params.assign(t);
        t.dispose();
        const viaTf = tfjsLossGradient(net, obs, c.rows, c.obsDim, (head) => ppoLoss(head, batch, COEFS));
        const expected = viaTf.dataSync() as Float32Array;
        viaTf.dispose();
        const got = trainer.gradient(obs, c.rows, (head) => ppoLoss(head, batch, COEFS));
        const scale = Math.max(...expected.map(Math.abs));
        assert.ok(scale > 1e-3, 'a non-trivial gradient');
        const diff = maxDiff(got, expected);
        assert.ok(diff < 1e-5, `step ${step}: max |difference| ${diff} (largest entry ${scale})`);
        // The same float32 operations in the same order as TensorFlow.js on WASM (XNNPACK's
        // GEMM sums, its sigmoid for tanh on large tensors, tf.tanh on small ones): bit-identical.
        assert.equal(diff, 0, `step ${step}: bit-identical`);
        adam.stepClippedArrays(trainer.theta, got, 0.5);
        trainer.paramsChanged();
      }
      // jsLossGradient (every on-policy algorithm's) goes through the kernels on WASM: the same numbers.
      const obs = normals(c.rows * c.obsDim, rng);
      const batch = minibatch(net, c.rows, rng);
      const [viaKernels, viaTf] = [jsLossGradient, tfjsLossGradient].map((fn) => fn(net, obs, c.rows, c.obsDim, (head) => ppoLoss(head, batch, COEFS)));
      assert.deepEqual(Array.from(viaKernels.dataSync()), Array.from(viaTf.dataSync()));
      tf.dispose([viaKernels, viaTf]);
      const theta = trainer.theta.slice();
      trainer.commit();
      assert.deepEqual(Array.from(net.params.dataSync()), Array.from(theta), 'commit() writes theta into the network');
      assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors left behind');
      net.dispose();
    });
  }

  it("the kernels' Adam step is bit-identical to FlatAdam's (clipped and unclipped), moments included", () => {
    const rng = new Rng(21);
    const net = new ActorCritic(4, DISCRETE, kwargs('tanh'), new Rng(5), { merged: false });
    perturb(net, rng);
    const trainer = WasmActorCriticTrainer.create(net)!;
    const viaKernels = new FlatAdam(1e-3, 1e-5);
    const viaJs = new FlatAdam(1e-3, 1e-5);
    const theta = (net.params.dataSync() as Float32Array).slice();
    trainer.load(viaKernels);
    for (const maxNorm of [0.5, Infinity, 0.5]) {
      const batch = minibatch(net, 16, rng);
      const grad = trainer.gradient(normals(16 * 4, rng), 16, (head) => ppoLoss(head, batch, COEFS)).slice();
      const normKernels = trainer.step(maxNorm);
      const normJs = viaJs.stepClippedArrays(theta, grad, maxNorm);
      assert.equal(normKernels, normJs);
      assert.deepEqual(Array.from(trainer.theta), Array.from(theta));
    }
    trainer.commit();
    assert.deepEqual(Array.from(net.params.dataSync()), Array.from(theta));
    assert.deepEqual(viaKernels.saveState('p'), viaJs.saveState('p'), 'moments and step count');
    net.dispose();
  });

  for (const activation of ['tanh', 'relu'] as const) {
    it(`rollout inference (${activation}) is bit-identical to PlainMlp's, layer outputs included`, () => {
      const rng = new Rng(31);
      const layer = (inDim: number, outDim: number, act: PlainLayer['activation'], scale: number): PlainLayer => ({
        inDim, outDim, activation: act, w: normals(inDim * outDim, rng, scale), b: normals(outDim, rng, 0.3),
      });
      // Pre-activations reach both tanh clamps and the small-x branch.
      const layers = [layer(3, 64, activation, 3), layer(64, 64, activation, 0.3), layer(64, 2, 'linear', 0.5)];
      const plain = new PlainMlp(layers);
      const kernels = inferenceMlp(layers);
      assert.ok(!(kernels instanceof PlainMlp), 'the kernels load');
      for (const rows of [1, 4, 7, 4, 64]) {
        const x = normals(rows * 3, rng, 3);
        assert.deepEqual(Array.from(kernels.forward(x, rows)), Array.from(plain.forward(x, rows).subarray(0, rows * 2)), `${rows} rows`);
        assert.deepEqual(Array.from(kernels.layerOutput(1, rows)), Array.from(plain.layerOutput(1, rows)), `${rows} rows, hidden layer`);
      }
      // New weights on the same WebAssembly instance (RolloutActor after an update).
      const next = layers.map((l) => ({ ...l, w: l.w.map((v) => v * 0.9), b: l.b.map((v) => v + 0.1) }));
      const reused = inferenceMlp(next, kernels);
      const x = normals(4 * 3, rng, 3);
      assert.deepEqual(Array.from(reused.forward(x, 4)), Array.from(new PlainMlp(next).forward(x, 4).subarray(0, 8)));
    });
  }

  it('is used on WASM for the separate layout, not for the merged one nor on other backends', async () => {
    const separate = new ActorCritic(4, DISCRETE, kwargs('tanh'), new Rng(1), { merged: false });
    const merged = new ActorCritic(4, DISCRETE, kwargs('tanh'), new Rng(1), { merged: true });
    assert.ok(wasmKernelTrainer(separate));
    assert.equal(wasmKernelTrainer(merged), null);
    await selectBackend('cpu');
    try {
      assert.equal(wasmKernelTrainer(separate), null);
    } finally {
      await selectBackend('wasm');
    }
    separate.dispose();
    merged.dispose();
  });
});
