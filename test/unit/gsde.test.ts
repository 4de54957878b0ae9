/**
 * gSDE (nn/gsde.ts) as SB3's StateDependentNoiseDistribution: the std / sigma maths against
 * hand-computed values, the JS gradients and forward-mode products against tf.grad, the
 * on-policy loss head's gradient through the network against a loss written in TensorFlow.js
 * ops and differentiated by tf.grad, exact Fisher-vector products against finite differences,
 * the noise's variance, and the rollout / checkpoint plumbing of PPO with use_sde.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { logProbsAndEntropies, type PolicyHead } from '../../server/src/training/algos/pg/head';
import { meanKlLoss, policyGradientLoss } from '../../server/src/training/algos/pg/losses';
import { fisherVectorProduct } from '../../server/src/training/algos/npg/fisher';
import { A2C } from '../../server/src/training/algos/a2c/a2c';
import type { AlgoCheckpoint } from '../../server/src/training/algos/checkpoint';
import { PPO } from '../../server/src/training/algos/ppo/ppo';
import { TRPO } from '../../server/src/training/algos/trpo/trpo';
import { loadExperimentConfig } from '../../server/src/experiments';
import { ActorCritic } from '../../server/src/training/nn/actorCritic';
import {
  GSDE_EPSILON, gaussianEntropyTf, gaussianLogProbTf, gsdeLogSigma, gsdeLogSigmaJvp, gsdeLogStdGradient, gsdeLogStdSize, gsdeSigmaTf,
  gsdeStd, gsdeStdTf, sampleExplorationMatrices, sampleGsdeActions, type GsdeExploration, type GsdeOptions,
} from '../../server/src/training/nn/gsde';
import { jsLossGradient, readHead } from '../../server/src/training/nn/lossHead';
import { Rng } from '../../server/src/training/rng';
import type { Space } from '../../server/src/training/envs/spaces';

const LOG_2PI = Math.log(2 * Math.PI);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

const OPTIONS: [string, GsdeOptions][] = [
  ['full_std', { fullStd: true, useExpln: false }],
  ['full_std=False', { fullStd: false, useExpln: false }],
  ['full_std + use_expln', { fullStd: true, useExpln: true }],
  ['full_std=False + use_expln', { fullStd: false, useExpln: true }],
];

describe('gSDE maths', () => {
  before(async () => {
    await selectBackend();
  });

  it('std, sigma, log-probability and entropy match hand-computed values', () => {
    // latent z = [1, 2], log std = [0, ln 2] (full_std, one action): std = [1, 2].
    const opts: GsdeOptions = { fullStd: true, useExpln: false };
    const logStd = [0, Math.log(2)];
    close(gsdeStd(logStd, 2, 1, opts), [1, 2], 1e-12, 'std');
    // sigma^2 = 1^2 * 1^2 + 2^2 * 2^2 + eps = 17 + 1e-6
    const variance = 17 + 1e-6;
    const logSigma = gsdeLogSigma([1, 2], 1, 2, logStd, 1, opts);
    close(logSigma, [0.5 * Math.log(variance)], 1e-12, 'log sigma');
    // Exploration matrix [0.3, -0.2]: noise = 0.3 - 0.4 = -0.1, a = 0.5 - 0.1.
    const actions = new Float32Array(1);
    const logProbs = new Float32Array(1);
    const logSigmaOut = new Float32Array(1);
    sampleGsdeActions([0.5], [1, 2], 1, 2, 1, logSigma, [0.3, -0.2], actions, logProbs, 0, logSigmaOut);
    close(actions, [0.4], 1e-7, 'action');
    const expectedLogProb = -0.5 * (0.01 / variance) - 0.5 * Math.log(variance) - 0.5 * LOG_2PI;
    close(logProbs, [expectedLogProb], 1e-6, 'log prob');
    // The loss head's log-prob and entropy with per-row log sigma.
    const head: PolicyHead = { distribution: 'gaussian', piDim: 1, out: Float32Array.from([0.5, 0]), logStd: Float32Array.from(logStd), rowLogStd: logSigma };
    const { logProbs: lp, entropies } = logProbsAndEntropies(head, actions, 1);
    close(lp, [expectedLogProb], 1e-6, 'head log prob');
    close(entropies, [0.5 + 0.5 * LOG_2PI + 0.5 * Math.log(variance)], 1e-12, 'entropy');
    // The same in TensorFlow.js ops.
    const [lpTf, hTf] = tf.tidy(() => {
      const sigma = gsdeSigmaTf(tf.tensor2d([[1, 2]]), gsdeStdTf(tf.tensor1d(logStd), 2, 1, opts));
      return [gaussianLogProbTf(tf.tensor2d([[0.4]]), tf.tensor2d([[0.5]]), sigma).dataSync()[0], gaussianEntropyTf(sigma).dataSync()[0]];
    });
    assert.ok(Math.abs(lpTf - expectedLogProb) < 1e-5 && Math.abs(hTf - entropies[0]) < 1e-5);
  });

  it('use_expln: exp(x) at or below 0, log1p(x + eps) + 1 above; full_std=False shares a column', () => {
    const std = gsdeStd([-1, 1.5], 2, 3, { fullStd: false, useExpln: true });
    const above = Math.log1p(1.5 + GSDE_EPSILON) + 1;
    close(std, [Math.exp(-1), Math.exp(-1), Math.exp(-1), above, above, above], 1e-12, 'expln std');
    assert.equal(gsdeLogStdSize(64, 3, true), 192);
    assert.equal(gsdeLogStdSize(64, 3, false), 64);
  });

  for (const [name, opts] of OPTIONS) {
    it(`${name}: d loss / d log-std parameter matches tf.grad, and the forward-mode product is its transpose`, () => {
      const rows = 7;
      const latentDim = 5;
      const actionDim = 2;
      const rng = Rng.stream(3, name);
      const latent = Float32Array.from({ length: rows * latentDim }, () => rng.normal());
      const size = gsdeLogStdSize(latentDim, actionDim, opts.fullStd);
      // Entries on both sides of 0, so expln's two branches are exercised.
      const logStd = Float32Array.from({ length: size }, () => 0.8 * rng.normal());
      const g = Float32Array.from({ length: rows * actionDim }, () => rng.normal());
      const js = gsdeLogStdGradient(latent, rows, latentDim, logStd, actionDim, opts, g);
      const viaTf = tf.tidy(() => {
        const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.log(gsdeSigmaTf(tf.tensor2d(latent, [rows, latentDim]), gsdeStdTf(x, latentDim, actionDim, opts))), tf.tensor2d(g, [rows, actionDim])));
        return tf.grad(f)(tf.tensor1d(logStd)).dataSync() as Float32Array;
      });
      const scale = Math.max(...Array.from(viaTf, Math.abs));
      assert.ok(scale > 1e-3);
      close(js, viaTf, 1e-4 * scale, 'gradient');
      // log sigma itself against TensorFlow.js.
      const sigmaTf = tf.tidy(() => tf.log(gsdeSigmaTf(tf.tensor2d(latent, [rows, latentDim]), gsdeStdTf(tf.tensor1d(logStd), latentDim, actionDim, opts))).dataSync() as Float32Array);
      close(gsdeLogSigma(latent, rows, latentDim, logStd, actionDim, opts), sigmaTf, 1e-5, 'log sigma');
      // <J v, g> = <v, J^T g>
      const v = Float64Array.from({ length: size }, () => rng.normal());
      const jv = gsdeLogSigmaJvp(latent, rows, latentDim, logStd, actionDim, opts, v);
      const lhs = jv.reduce((s, x, k) => s + x * g[k], 0);
      const rhs = js.reduce((s, x, k) => s + x * v[k], 0);
      assert.ok(Math.abs(lhs - rhs) <= 1e-9 * Math.max(1, Math.abs(lhs)), `${lhs} vs ${rhs}`);
    });
  }

  it('the noise z @ M over fresh matrices has variance sigma^2 - eps', () => {
    const opts: GsdeOptions = { fullStd: true, useExpln: false };
    const latent = [0.5, -1, 2];
    const logStd = [-0.5, 0.2, 0.1, -1, 0.3, -0.2];
    const std = gsdeStd(logStd, 3, 2, opts);
    const count = 20_000;
    const matrices = sampleExplorationMatrices(std, 3, 2, count, Rng.stream(5, 'noise'));
    const expected = Array.from(gsdeLogSigma(latent, 1, 3, logStd, 2, opts), (ls) => Math.exp(2 * ls) - GSDE_EPSILON);
    for (let d = 0; d < 2; d++) {
      let sum = 0;
      let sq = 0;
      for (let e = 0; e < count; e++) {
        let noise = 0;
        for (let i = 0; i < 3; i++) noise += latent[i] * matrices[e * 6 + i * 2 + d];
        sum += noise;
        sq += noise * noise;
      }
      const mean = sum / count;
      const variance = sq / count - mean * mean;
      assert.ok(Math.abs(variance / expected[d] - 1) < 0.05, `dim ${d}: variance ${variance} vs ${expected[d]}`);
    }
  });
});

describe('gSDE through the actor-critic network', () => {
  before(async () => {
    await selectBackend();
  });

  const box: Space = { kind: 'box', shape: [2], low: [-2, -2], high: [2, 2] };
  const kwargs = { net_arch: { pi: [8, 6], vf: [8, 6] }, activation_fn: 'tanh' as const, ortho_init: true, log_std_init: -0.5 };

  for (const merged of [false, true]) {
    for (const [name, opts] of OPTIONS) {
      it(`${merged ? 'merged' : 'separate'} layout, ${name}: the A2C loss gradient w.r.t. all parameters matches tf.grad of the same loss in TensorFlow.js`, () => {
        const obsDim = 3;
        const rows = 12;
        const net = new ActorCritic(obsDim, box, kwargs, Rng.stream(11, 'init'), { merged, gsde: opts });
        assert.equal(net.logStdSize, gsdeLogStdSize(6, 2, opts.fullStd));
        const rng = Rng.stream(11, 'data');
        // Larger weights than the init (the merged layout's zero blocks stay zero).
        const trained = tf.tidy(() => net.maskGradient(tf.ones([net.params.size])).dataSync() as Float32Array);
        tf.tidy(() => net.params.assign(tf.tensor1d(Float32Array.from(net.params.dataSync(), (p, i) => (trained[i] ? p + 0.3 * rng.normal() : 0)))));
        const obs = Float32Array.from({ length: rows * obsDim }, () => rng.normal());
        const batch = {
          rows,
          actions: Float32Array.from({ length: rows * 2 }, () => rng.normal()),
          advantages: Float32Array.from({ length: rows }, () => rng.normal()),
          returns: Float32Array.from({ length: rows }, () => rng.normal()),
        };
        const c = { entCoef: 0.05, vfCoef: 0.5 };
        const js = jsLossGradient(net, obs, rows, obsDim, (head) => policyGradientLoss(head, batch, c));
        const jsGrad = Float32Array.from(js.dataSync());
        js.dispose();

        // The same loss in TensorFlow.js ops; the latent is a constant (learn_features=False).
        const tfGrad = tf.tidy(() => {
          const obsT = tf.tensor2d(obs, [rows, obsDim]);
          const latent = net.actorLatent(obsT); // not a function of f's argument: a constant for tf.grad
          const f = (params: tf.Tensor) => {
            const w = net.viewsOf(params as tf.Tensor1D);
            const out = net.forward(obsT, w, false);
            const mean = tf.slice(out, [0, 0], [-1, 2]) as tf.Tensor2D;
            const value = tf.reshape(tf.slice(out, [0, 2], [-1, 1]), [-1]);
            const sigma = gsdeSigmaTf(latent, gsdeStdTf(w.logStd!, 6, 2, opts));
            const logProb = gaussianLogProbTf(tf.tensor2d(batch.actions, [rows, 2]), mean, sigma);
            const policyLoss = tf.neg(tf.mean(tf.mul(logProb, tf.tensor1d(batch.advantages))));
            const valueLoss = tf.mean(tf.square(tf.sub(value, tf.tensor1d(batch.returns))));
            const entropy = tf.mean(gaussianEntropyTf(sigma));
            return tf.sub(tf.add(policyLoss, tf.mul(c.vfCoef, valueLoss)), tf.mul(c.entCoef, entropy));
          };
          return net.maskGradient(tf.grad(f)(net.params)).dataSync() as Float32Array;
        });
        const scale = Math.max(...Array.from(tfGrad, Math.abs));
        close(jsGrad, tfGrad, 1e-4 * scale + 1e-6, 'gradient');
        // The log-std piece (the last logStdSize entries) is really reached.
        const logStdGrad = tfGrad.subarray(tfGrad.length - net.logStdSize);
        assert.ok(Math.max(...Array.from(logStdGrad, Math.abs)) > 1e-4);
        net.dispose();
      });
    }
  }

  it('exact Fisher-vector products equal finite differences of the mean-KL gradient (actor without hidden layers: z = obs)', () => {
    const obsDim = 3;
    const rows = 16;
    const opts: GsdeOptions = { fullStd: true, useExpln: false };
    const net = new ActorCritic(obsDim, box, { ...kwargs, net_arch: { pi: [], vf: [8] } }, Rng.stream(7, 'init'), { merged: false, gsde: opts });
    const rng = Rng.stream(7, 'test');
    tf.tidy(() => net.params.assign(tf.tensor1d(Float32Array.from(net.params.dataSync(), (p) => p + 0.3 * rng.normal()))));
    const obs = Float32Array.from({ length: rows * obsDim }, () => rng.normal());
    const head0 = readHead(net, obs, rows, obsDim);
    const piDim = net.piDim;
    const old = {
      pi: Float32Array.from({ length: rows * piDim }, (_, i) => head0.out[Math.floor(i / piDim) * (piDim + 1) + (i % piDim)]),
      logStd: head0.logStd,
      rowLogStd: Float32Array.from(head0.rowLogStd!),
    };
    const mask = net.actorMask();
    const v = Float32Array.from(mask, (m) => m * rng.normal());
    const fv = fisherVectorProduct({ net, obs, rows, obsDim, old, mask }, v, 0);
    const theta = Float32Array.from(net.params.dataSync());
    const gradKlAt = (t: number) => {
      tf.tidy(() => net.params.assign(tf.tensor1d(Float32Array.from(theta, (p, i) => p + t * v[i]))));
      const g = jsLossGradient(net, obs, rows, obsDim, (h) => meanKlLoss(h, old, rows));
      const data = Float32Array.from(g.dataSync());
      g.dispose();
      return data;
    };
    const eps = 1e-2;
    const gp = gradKlAt(eps);
    const gm = gradKlAt(-eps);
    tf.tidy(() => net.params.assign(tf.tensor1d(theta)));
    const fd = Float32Array.from(gp, (x, i) => (mask[i] * (x - gm[i])) / (2 * eps));
    const scale = Math.max(...Array.from(fd, Math.abs));
    assert.ok(scale > 1e-3);
    close(fv, fd, 2e-2 * scale, 'Fv');
    // The log-std matrix's part of F v is not trivially zero.
    assert.ok(Math.max(...Array.from(fv.subarray(fv.length - net.logStdSize), Math.abs)) > 1e-3 * scale);
    net.dispose();
  });
});

describe('gSDE in the on-policy algorithms (PPO, A2C, TRPO on Pendulum-v1)', () => {
  before(async () => {
    await selectBackend();
  });

  const experiment = (algo: 'ppo' | 'a2c' | 'trpo', extra: string) => {
    const file = 'gsde.rl.yaml';
    const text = `x:\n  algo: ${algo}\n  env: Pendulum-v1\n  seed: 3\n  n_envs: 2\n  n_steps: 32\n  n_timesteps: 10000\n  use_sde: true\n  policy_kwargs: "dict(net_arch=[16, 16], log_std_init=-1)"\n${extra}`;
    const loaded = loadExperimentConfig(text, file, 'x');
    if ('error' in loaded) throw new Error(`${loaded.error.line}: ${loaded.error.message}`);
    return loaded.config;
  };
  const make = {
    ppo: (extra = '') => new PPO(experiment('ppo', `  batch_size: 16\n  n_epochs: 2\n${extra}`)),
    a2c: (extra = '') => new A2C(experiment('a2c', extra)),
    trpo: (extra = '') => new TRPO(experiment('trpo', `  batch_size: 16\n  n_critic_updates: 2\n${extra}`)),
  };

  for (const algo of ['ppo', 'a2c', 'trpo'] as const) {
    it(`${algo}: trains with a log-std matrix, leaks no tensors, and a checkpoint restores the exploration matrices`, async () => {
      const agent = make[algo]();
      const net = (agent as unknown as { net: ActorCritic }).net;
      assert.deepEqual({ latentDim: net.gsde?.latentDim, logStdSize: net.logStdSize }, { latentDim: 16, logStdSize: 16 });
      const metrics = agent.iteration(1);
      for (const [k, v] of Object.entries(metrics)) assert.ok(Number.isFinite(v), `${k} = ${v}`);
      const tensors = tf.memory().numTensors;
      agent.iteration(0.9);
      assert.equal(tf.memory().numTensors, tensors, 'tensors leaked by an iteration');
      // The evaluation policy is the mean action (clipped to the bounds), deterministic.
      const policy = agent.trainedPolicy()!;
      const obs = Float32Array.from([0.3, -0.9, 0.5]);
      assert.deepEqual(Array.from(policy.actDeterministic(obs)), Array.from(policy.actDeterministic(obs)));

      const saved = await agent.saveCheckpoint();
      const gsde = saved.state.gsde as { matrices: { shape: number[] } };
      assert.deepEqual(gsde.matrices.shape, [2, 16, 1], 'one exploration matrix per env');
      agent.dispose();
      const restored = make[algo]();
      await restored.loadCheckpoint(JSON.parse(JSON.stringify(saved)) as AlgoCheckpoint);
      const again = await restored.saveCheckpoint();
      const { savedAt: _a, elapsedSeconds: _b, ...s1 } = saved;
      const { savedAt: _c, elapsedSeconds: _d, ...s2 } = again;
      assert.deepEqual(s2, s1);
      restored.dispose();
    });
  }

  for (const [freq, draws] of [[-1, 1], [4, 1 + 32 / 4]] as const) {
    it(`sde_sample_freq ${freq}: ${draws} draws of the exploration matrices in a 32-step rollout, and the noise is z @ M of each env's matrix`, () => {
      const agent = make.ppo(`  sde_sample_freq: ${freq}\n`);
      const inner = agent as unknown as { exploration: GsdeExploration; net: ActorCritic; buffer: { actions: Float32Array; pi: Float32Array; obs: Float32Array } };
      let count = 0;
      const resample = inner.exploration.resample.bind(inner.exploration);
      const snapshots: Float32Array[] = [];
      inner.exploration.resample = (logStd, rng) => {
        count++;
        resample(logStd, rng);
        snapshots.push(Float32Array.from(inner.exploration.matrices));
      };
      // The rollout alone (no update), so the parameters are still the ones it acted with.
      (agent as unknown as { collectRollouts(): void }).collectRollouts();
      assert.equal(count, draws);
      // a - mu = z(s) @ M_e, with M_e the matrix env e held at that step (latentDim 16, one action dim).
      const { buffer, net } = inner;
      const rows = 64;
      const latent = tf.tidy(() => net.actorLatent(tf.tensor2d(buffer.obs.subarray(0, rows * 3), [rows, 3])).dataSync() as Float32Array);
      for (let k = 0; k < rows; k++) {
        const t = Math.floor(k / 2);
        const e = k % 2;
        const m = freq === -1 ? snapshots[0] : snapshots[1 + Math.floor(t / freq)];
        let noise = 0;
        for (let i = 0; i < 16; i++) noise += latent[k * 16 + i] * m[e * 16 + i];
        assert.ok(Math.abs(buffer.actions[k] - buffer.pi[k] - noise) < 1e-4, `row ${k}: ${buffer.actions[k] - buffer.pi[k]} vs ${noise}`);
      }
      agent.dispose();
    });
  }
});
