/**
 * SAC with gSDE (issue 4): the squashed gSDE head's hand-written backward against tf.grad, its
 * log-prob against SB3's formula, the SAC actor's whole gradient (network and log-std matrix),
 * when the exploration matrices are resampled, use_sde_at_warmup, tensor hygiene, checkpoints and
 * the export with the clipped mean, and RL Baselines3 Zoo's sac.yml entry with use_sde.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { runExportedLayers } from '../helpers/exportedPolicy';
import { SAC } from '../../server/src/training/algos/sac/sac';
import type { SacGsde } from '../../server/src/training/algos/sac/gsdePolicy';
import { restorePolicy, selectBackend } from '../../server/src/training/engine';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { MlpCache, MlpSet } from '../../server/src/training/nn/mlp';
import { gsdeBackward, gsdeSample, type GsdeSample } from '../../server/src/training/nn/squashedGsde';
import { Rng } from '../../server/src/training/rng';
import type { PolicyKwargs, ResolvedConfig, SacHyperparameters } from '../../server/src/schema';

const root = join(__dirname, '../..');
const values = (t: tf.Tensor) => Array.from(t.dataSync());
function close(a: number[], b: number[], tol = 1e-4): void {
  assert.equal(a.length, b.length);
  const scale = Math.max(1e-3, ...b.map(Math.abs));
  const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  assert.ok(worst <= tol * scale, `max |diff| ${worst} (scale ${scale})`);
}

function randn(rng: Rng, shape: [number, number], scale = 1, shift = 0): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => shift + scale * rng.normal()), shape);
}

function sacConfig(patch: Partial<SacHyperparameters> = {}, kwargs: Partial<PolicyKwargs> = {}, env = 'Pendulum-v1'): ResolvedConfig {
  const hp: SacHyperparameters = {
    learning_rate: 1e-3, buffer_size: 5000, learning_starts: 0, batch_size: 32, tau: 0.01, gamma: 0.98, train_freq: 1, gradient_steps: 1,
    optimize_memory_usage: false, ent_coef: 'auto', target_entropy: 'auto', target_update_interval: 1, use_sde: true, sde_sample_freq: -1,
    use_sde_at_warmup: false, ...patch,
  };
  return {
    experiment: 'unit', algo: 'sac', env, env_kwargs: {}, normalize: false, n_envs: 1, n_timesteps: 2000, seed: 5, policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [16, 8], vf: [16, 16] }, activation_fn: 'relu', ortho_init: false, log_std_init: -1, ...kwargs },
    hyperparameters: hp as never,
  };
}

/** SAC's private parts the tests reach into. */
interface SacInternals {
  actor: MlpSet;
  critic: MlpSet;
  sde: SacGsde;
  criticStep(): { obs: tf.Tensor2D; policy: { cache: MlpCache; sample: GsdeSample }; alpha: tf.Scalar };
  actorStep(obs: tf.Tensor2D, policy: unknown, alpha: tf.Scalar): { grad: tf.Tensor1D; logStdGrad?: tf.Tensor2D };
  beforeCollectStep(collected: number): void;
  buffer: { size: number; actions: Float32Array; obs: Float32Array };
}

before(async () => {
  await selectBackend();
});

describe('squashed gSDE head (nn/squashedGsde.ts)', () => {
  const B = 7;
  const L = 5;
  const A = 3;
  for (const [fullStd, useExpln, clipMean] of [[true, false, 2], [false, false, 2], [true, true, 0.5], [false, true, 0]] as const) {
    it(`backward matches tf.grad (full_std ${fullStd}, use_expln ${useExpln}, clip_mean ${clipMean})`, () => {
      tf.tidy(() => {
        const rng = new Rng(11);
        const options = { fullStd, useExpln, clipMean };
        const meanRaw = randn(rng, [B, A], 1.5); // some rows beyond the clip
        const latent = tf.relu(randn(rng, [B, L], 1, 0.3)) as tf.Tensor2D;
        const logStd = randn(rng, [L, fullStd ? A : 1], 0.8, -0.2); // both signs, for expln
        const eps = randn(rng, [L, A]);
        const cA = randn(rng, [B, A]);
        const cL = tf.tensor1d(Array.from({ length: B }, () => rng.normal()));
        const loss = (m: tf.Tensor2D, z: tf.Tensor2D, p: tf.Tensor2D) => {
          const s = gsdeSample(m, z, p, eps, options);
          return tf.add(tf.sum(tf.mul(cA, s.action)), tf.sum(tf.mul(cL, s.logProb)));
        };
        const auto = tf.grads((m: tf.Tensor, z: tf.Tensor, p: tf.Tensor) => loss(m as tf.Tensor2D, z as tf.Tensor2D, p as tf.Tensor2D))([meanRaw, latent, logStd]);
        const hand = gsdeBackward(gsdeSample(meanRaw, latent, logStd, eps, options).cache, cA, cL);
        close(values(hand.dMeanRaw), values(auto[0]));
        close(values(hand.dLatent), values(auto[1]));
        close(values(hand.dLogStd), values(auto[2]));
        assert.deepEqual(hand.dLogStd.shape, logStd.shape);
      });
    });
  }

  it("log-prob is SB3's: log N(atanh(a); clip(mean), sqrt(z^2 @ std^2 + 1e-6)) - log(1 - a^2 + 1e-6)", () => {
    tf.tidy(() => {
      const rng = new Rng(3);
      const meanRaw = randn(rng, [B, A], 2);
      const latent = randn(rng, [B, L]);
      const logStd = randn(rng, [L, A], 0.3, -1);
      const eps = randn(rng, [L, A]);
      const s = gsdeSample(meanRaw, latent, logStd, eps, { fullStd: true, useExpln: false, clipMean: 2 });
      const [m, z, p, e, a, lp] = [meanRaw, latent, logStd, eps, s.action, s.logProb].map((t) => values(t));
      for (let r = 0; r < B; r++) {
        let expected = 0;
        for (let j = 0; j < A; j++) {
          let variance = 1e-6;
          let noise = 0;
          for (let l = 0; l < L; l++) {
            const std = Math.exp(p[l * A + j]);
            variance += z[r * L + l] ** 2 * std ** 2;
            noise += z[r * L + l] * std * e[l * A + j];
          }
          const mean = Math.max(-2, Math.min(2, m[r * A + j]));
          assert.ok(Math.abs(a[r * A + j] - Math.tanh(mean + noise)) < 1e-5);
          const u = Math.atanh(a[r * A + j]);
          expected += -((u - mean) ** 2) / (2 * variance) - 0.5 * Math.log(2 * Math.PI * variance) - Math.log(1 - a[r * A + j] ** 2 + 1e-6);
        }
        assert.ok(Math.abs(lp[r] - expected) < 2e-3 * Math.max(1, Math.abs(expected)), `row ${r}: ${lp[r]} vs ${expected}`);
      }
    });
  });
});

describe('SAC with use_sde', () => {
  it('actor gradient (network and log-std matrix) equals tf.grad of mean(alpha log pi(a~|s) - min_i Q_i(s, a~))', () => {
    const sac = new SAC(sacConfig());
    for (let i = 0; i < 40; i++) sac.iteration();
    const s = sac as unknown as SacInternals;
    const { obs, policy, alpha } = s.criticStep();
    const eps = policy.sample.cache.eps;
    const hand = s.actorStep(obs, policy, alpha);
    const qs = s.critic.weights();
    const loss = (params: tf.Tensor1D, logStd: tf.Tensor2D) => {
      const pass = s.actor.forwardCached(obs, s.actor.weights(params)[0]);
      const sample = gsdeSample(pass.out, pass.cache.inputs[pass.cache.inputs.length - 1], logStd, eps, s.sde.options);
      const input = tf.concat([obs, sample.action], 1) as tf.Tensor2D;
      const minQ = tf.minimum(s.critic.forward(input, qs[0]), s.critic.forward(input, qs[1]));
      return tf.mean(tf.sub(tf.mul(alpha, tf.expandDims(sample.logProb, 1)), minQ)) as tf.Scalar;
    };
    const auto = tf.grads((p: tf.Tensor, l: tf.Tensor) => loss(p as tf.Tensor1D, l as tf.Tensor2D))([s.actor.params, s.sde.logStd]);
    close(values(hand.grad), values(auto[0]));
    close(values(hand.logStdGrad!), values(auto[1]));
    assert.deepEqual(s.sde.logStd.shape, [8, 1]); // latent = the last hidden layer (8), one action
    sac.dispose();
  });

  it('the exploration matrices change at each rollout start and every sde_sample_freq steps, not in between', () => {
    const sac = new SAC(sacConfig({ train_freq: 8, sde_sample_freq: 3, learning_starts: 100 }));
    const s = sac as unknown as SacInternals;
    const calls: number[] = [];
    const original = s.sde.resetRolloutNoise.bind(s.sde);
    s.sde.resetRolloutNoise = (rng) => {
      calls.push(s.buffer.size);
      original(rng);
    };
    sac.iteration();
    sac.iteration();
    // Steps 0, 3, 6 of each 8-step rollout (SB3: also at the rollout start).
    assert.deepEqual(calls, [0, 3, 6, 8, 11, 14]);
    sac.dispose();
  });

  it('without use_sde_at_warmup the warm-up is uniform; with it, the warm-up actions are the gSDE policy\'s', () => {
    for (const atWarmup of [false, true]) {
      const sac = new SAC(sacConfig({ train_freq: 50, learning_starts: 1000, use_sde_at_warmup: atWarmup }, { log_std_init: -2 }));
      const s = sac as unknown as SacInternals;
      sac.iteration();
      // Replay the stored observations through the policy with the rollout's (unchanged) matrices.
      let agree = 0;
      const out = new Float32Array(1);
      for (let k = 0; k < 50; k++) {
        s.sde.act(s.buffer.obs.slice(k * 3, k * 3 + 3), 1, out);
        const envAction = -2 + 0.5 * (out[0] + 1) * 4;
        if (Math.abs(envAction - s.buffer.actions[k]) < 1e-4) agree++;
      }
      assert.equal(agree, atWarmup ? 50 : 0);
      sac.dispose();
    }
  });

  it('the tensor count stays flat across training phases', () => {
    const sac = new SAC(sacConfig({ gradient_steps: 2, sde_sample_freq: 2 }, { use_expln: true }));
    sac.iteration();
    sac.iteration();
    const after2 = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) sac.iteration();
    assert.equal(tf.memory().numTensors, after2);
    sac.dispose();
  });

  it('a restored checkpoint has the same state; the export (clipped mean as two relu layers) reproduces the deterministic action', async () => {
    // clip_mean 0.05 so that the clip is active on some observations.
    const c = sacConfig({}, { clip_mean: 0.05 });
    const a = new SAC(c);
    for (let i = 0; i < 30; i++) a.iteration();
    const saved = JSON.parse(JSON.stringify(await a.saveCheckpoint()));
    assert.ok(saved.state.sdeLogStd);
    const b = new SAC(c);
    await b.loadCheckpoint(saved);
    const again = await b.saveCheckpoint();
    assert.deepEqual({ ...again, savedAt: '', elapsedSeconds: 0 }, { ...saved, savedAt: '', elapsedSeconds: 0 });
    const restored = await restorePolicy(c, saved);
    let clipped = 0;
    for (const obs of [[0.6, -0.8, 1.5], [-1, 0, -8], [0.1, 0.99, 7], [1, 0, 0]].map((o) => Float32Array.from(o))) {
      const expected = Array.from(a.trainedPolicy()!.actDeterministic(obs));
      close(Array.from(restored.policy.actDeterministic(obs)), expected, 1e-6);
      if (Math.abs(Math.abs(expected[0]) - 2 * Math.tanh(0.05)) < 1e-5) clipped++;
      close(runExportedLayers(saved.policy.layers, obs), expected, 1e-5);
    }
    assert.ok(clipped > 0, 'no observation hit the clip');
    restored.dispose();
    a.dispose();
    b.dispose();
  });
});

describe("RL Baselines3 Zoo's sac.yml with use_sde", () => {
  it('MountainCarContinuous-v0: gSDE on, log_std_init -3.67, no "not implemented" warning; the actor emits the mean only', () => {
    const file = join(root, 'test/fixtures/zoo/sac.yml');
    const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), '/ws/hyperparams/sac.yml', 'MountainCarContinuous-v0');
    if ('error' in loaded) throw new Error(loaded.error.message);
    assert.deepEqual(loaded.warnings, []);
    const hp = loaded.config.hyperparameters as SacHyperparameters;
    assert.equal(hp.use_sde, true);
    assert.equal(loaded.config.policy_kwargs.log_std_init, -3.67);
    const sac = new SAC(loaded.config);
    const s = sac as unknown as SacInternals;
    assert.deepEqual(s.actor.layers.map((l) => l.outDim), [64, 64, 1]);
    assert.deepEqual(s.sde.logStd.shape, [64, 1]);
    close(values(s.sde.logStd), new Array(64).fill(-3.67), 1e-6);
    sac.dispose();
  });

  it("SAC's log_std_init defaults to SB3's -3", () => {
    const loaded = loadExperimentConfig('e:\n  algo: sac\n  env: Pendulum-v1\n  use_sde: true\n', '/ws/x.rl.yaml', 'e');
    if ('error' in loaded) throw new Error(loaded.error.message);
    assert.equal(loaded.config.policy_kwargs.log_std_init, -3);
  });
});
