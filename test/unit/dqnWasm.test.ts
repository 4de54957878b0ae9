/**
 * DQN's WebAssembly learner (algos/dqn/wasmLearner.ts) against the TensorFlow.js path it
 * replaces: the same Q-values, TD-loss gradient (plain, Double DQN, dueling; relu and tanh;
 * shapes that need padding), target updates and Adam steps.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DQN } from '../../server/src/training/algos/dqn/dqn';
import { huberGradient, huberLoss, tdTarget } from '../../server/src/training/algos/dqn/loss';
import { WasmQLearner } from '../../server/src/training/algos/dqn/wasmLearner';
import type { ReplaySample } from '../../server/src/training/algos/replayBuffer';
import { selectBackend } from '../../server/src/training/engine';
import { FlatAdam } from '../../server/src/training/nn/flatOptimizer';
import { QNetwork } from '../../server/src/training/nn/qNetwork';
import { Rng } from '../../server/src/training/rng';
import type { ResolvedConfig } from '../../server/src/schema';

const OBS = 3; // padded to 4 inside the learner
const ACTIONS = 3;
const ROWS = 5; // padded to 8

function network(activation: 'relu' | 'tanh', dueling: boolean, seed = 2): QNetwork {
  // 6 hidden units: padded to 8; the dueling head's 4 outputs need none, the plain head's 3 do.
  const kwargs = { net_arch: { pi: [8, 6], vf: [8, 6] }, activation_fn: activation, ortho_init: false, log_std_init: 0 };
  return new QNetwork(OBS, ACTIONS, kwargs, new Rng(seed), dueling);
}

function batch(seed: number): ReplaySample {
  const rng = new Rng(seed);
  const u = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (rng.random() * 2 - 1) * scale);
  return {
    rows: ROWS,
    obs: u(ROWS * OBS, 2),
    nextObs: u(ROWS * OBS, 2),
    actions: Float32Array.from({ length: ROWS }, (_, i) => i % ACTIONS),
    rewards: u(ROWS, 3),
    dones: Float32Array.from([0, 1, 0, 0, 1]),
  };
}

/** dqn.ts's TensorFlow.js gradient step, written out: loss, mean Q(s, a) and the flat gradient. */
function tfjsGradient(net: QNetwork, b: ReplaySample, gamma: number, doubleQ: boolean): { loss: number; qMean: number; grad: number[] } {
  return tf.tidy(() => {
    const obs = tf.tensor2d(b.obs, [b.rows, OBS]);
    const nextObs = tf.tensor2d(b.nextObs, [b.rows, OBS]);
    const actions = tf.tensor1d(Int32Array.from(b.actions), 'int32');
    const nextQOnline = doubleQ ? net.forward(nextObs, net.weights(), false) : undefined;
    const target = tdTarget(net.forward(nextObs, net.targetWeights(), false), tf.tensor1d(b.rewards), tf.tensor1d(b.dones), gamma, nextQOnline);
    let loss = 0;
    let qMean = 0;
    const grad = net.gradient(obs, (q) => {
      const taken = tf.oneHot(actions, ACTIONS);
      const qTaken = tf.sum(tf.mul(q, taken), 1) as tf.Tensor1D;
      const diff = tf.sub(qTaken, target) as tf.Tensor1D;
      loss = huberLoss(diff).dataSync()[0];
      qMean = tf.mean(qTaken).dataSync()[0];
      return tf.mul(taken, tf.expandDims(huberGradient(diff), 1)) as tf.Tensor2D;
    });
    return { loss, qMean, grad: Array.from(grad.dataSync()) };
  });
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

/** Moves the target away from the online parameters, so the test tells them apart. */
function shiftTarget(net: QNetwork): void {
  const online = net.params.dataSync() as Float32Array;
  net.setParams(online.slice(), online.map((x, i) => x + 0.05 * Math.sin(i)));
}

before(async () => {
  await selectBackend();
});

describe('DQN WebAssembly learner', () => {
  for (const [activation, dueling, doubleQ] of [['relu', false, false], ['relu', true, true], ['tanh', true, false], ['tanh', false, true]] as const) {
    it(`matches the TensorFlow.js gradient and Q-values (${activation}${dueling ? ', dueling' : ''}${doubleQ ? ', double_q' : ''})`, () => {
      const net = network(activation, dueling);
      shiftTarget(net);
      const learner = WasmQLearner.create(net, ROWS, 2);
      assert.ok(learner, 'WebAssembly SIMD is available in Node 20');
      const b = batch(7);
      close(learner.qValues(b.obs, ROWS), net.qValues(b.obs, ROWS), 1e-5, 'Q(s, .)');
      const mine = learner.gradient(b, 0.9, doubleQ);
      const ref = tfjsGradient(net, b, 0.9, doubleQ);
      assert.ok(ref.grad.some((g) => Math.abs(g) > 1e-3), 'a gradient worth comparing');
      close([mine.loss, mine.qMean], [ref.loss, ref.qMean], 1e-5, 'loss, mean Q');
      close(learner.gradientVector(), ref.grad, 1e-5, 'gradient');
      net.dispose();
    });
  }

  it('takes the same clipped Adam steps as FlatAdam on the TensorFlow.js gradient, and writes them back', () => {
    const a = network('relu', false);
    const b = network('relu', false);
    shiftTarget(a);
    shiftTarget(b);
    const learner = WasmQLearner.create(b, ROWS, 1)!;
    const optA = new FlatAdam(1e-3, 1e-8);
    const optB = new FlatAdam(1e-3, 1e-8);
    for (let i = 0; i < 3; i++) {
      const mb = batch(20 + i);
      const ref = tfjsGradient(a, mb, 0.99, false);
      // maxNorm 0.5: the clip is active (the gradient's norm is above it)
      tf.tidy(() => void optA.stepClipped(a.params, tf.tensor1d(ref.grad), 0.5));
      a.invalidate();
      learner.step(mb, 0.99, false, 0.5, optB);
    }
    learner.writeTo(optB);
    close(b.params.dataSync(), a.params.dataSync(), 1e-4, 'parameters after 3 steps');
    close(b.targetParams.dataSync(), a.targetParams.dataSync(), 0, 'target untouched');
    close(optB.moments(b.numParams).v, optA.moments(a.numParams).v, 1e-3, 'second moments');
    a.dispose();
    b.dispose();
  });

  it('moves the target by Polyak averaging as QNetwork does, or copies it when tau = 1', () => {
    const net = network('relu', true);
    shiftTarget(net);
    const learner = WasmQLearner.create(net, ROWS, 1)!;
    learner.updateTarget(0.25);
    net.updateTarget(0.25);
    const expected = Array.from(net.targetParams.dataSync());
    learner.writeTo();
    close(net.targetParams.dataSync(), expected, 1e-7, 'Polyak target');
    learner.updateTarget(1);
    learner.writeTo();
    close(net.targetParams.dataSync(), net.params.dataSync(), 0, 'hard copy');
    net.dispose();
  });
});

describe('DQN on the WebAssembly learner', () => {
  function config(): ResolvedConfig {
    return {
      experiment: 'unit', algo: 'dqn', env: 'CartPole-v1', env_kwargs: {}, normalize: false, n_envs: 2, n_timesteps: 600, seed: 4,
      policy: 'MlpPolicy', policy_kwargs: { net_arch: { pi: [16, 16], vf: [16, 16] }, activation_fn: 'relu', ortho_init: false, log_std_init: 0 },
      hyperparameters: {
        learning_rate: 1e-4, buffer_size: 1000, learning_starts: 64, batch_size: 32, tau: 1, gamma: 0.99, train_freq: 4, gradient_steps: 2,
        target_update_interval: 40, exploration_fraction: 0.5, exploration_initial_eps: 1, exploration_final_eps: 1, max_grad_norm: 10,
        double_q: true, dueling: false, optimize_memory_usage: false,
      },
    };
  }

  /** Per training phase: td_loss and mean Q, with all actions random (epsilon 1), so both paths see the same data. */
  function phases(kernels: boolean): number[][] {
    const saved = process.env.RL_LAB_WASM_KERNELS;
    process.env.RL_LAB_WASM_KERNELS = kernels ? '1' : '0';
    try {
      const dqn = new DQN(config());
      assert.equal((dqn as unknown as { learner: unknown }).learner !== null, kernels);
      const out: number[][] = [];
      for (let i = 0; i < 60; i++) {
        const m = dqn.iteration();
        if (m['losses/td_loss'] !== undefined) out.push([m['losses/td_loss'], m['losses/q_values']]);
      }
      dqn.dispose();
      return out;
    } finally {
      if (saved === undefined) delete process.env.RL_LAB_WASM_KERNELS;
      else process.env.RL_LAB_WASM_KERNELS = saved;
    }
  }

  it('trains like the TensorFlow.js path (same losses and Q-values phase by phase)', () => {
    const wasm = phases(true);
    const tfjs = phases(false);
    assert.equal(wasm.length, tfjs.length);
    assert.ok(wasm.length > 40);
    close(wasm.flat(), tfjs.flat(), 1e-3, 'td_loss / q_values per phase');
  });
});
