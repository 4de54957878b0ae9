/**
 * DDPG, TD3 and SAC (issue 4): the hand-written gradients against tf.grad (MLP, squashed
 * Gaussian, each algorithm's critic and actor losses end to end), the SAC entropy settings,
 * action noise, train_freq in episodes, tensor hygiene, checkpoints, evaluation and export,
 * RL Baselines3 Zoo files.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DDPG } from '../../server/src/training/algos/ddpg/ddpg';
import { ActionNoise } from '../../server/src/training/algos/ddpg/actionNoise';
import type { ContinuousOffPolicy } from '../../server/src/training/algos/ddpg/continuousOffPolicy';
import { runExportedLayers } from '../helpers/exportedPolicy';
import { SAC } from '../../server/src/training/algos/sac/sac';
import { entropyCoefficient } from '../../server/src/training/algos/sac/entropy';
import { sacPendulumSps } from '../../server/src/training/algos/sac/speed';
import { TD3 } from '../../server/src/training/algos/td3/td3';
import { restorePolicy, selectBackend, train, type MetricRow } from '../../server/src/training/engine';
import { MlpSet } from '../../server/src/training/nn/mlp';
import { squashedBackward, squashedSample } from '../../server/src/training/nn/squashedGaussian';
import { Rng } from '../../server/src/training/rng';
import { loadExperimentConfig } from '../../server/src/experiments';
import { diagnostics, editorDocument, hover } from '../../server/src/editor';
import type { DdpgHyperparameters, ResolvedConfig, SacHyperparameters, Td3Hyperparameters } from '../../server/src/schema';

const root = join(__dirname, '../..');

const COMMON = {
  learning_rate: 1e-3, buffer_size: 5000, learning_starts: 100, batch_size: 32, tau: 0.01, gamma: 0.98,
  train_freq: 1, gradient_steps: 1, optimize_memory_usage: false,
} as const;

function config(algo: 'ddpg' | 'td3' | 'sac', patch: Record<string, unknown> = {}, rest: Partial<ResolvedConfig> = {}): ResolvedConfig {
  const noise = { noise_type: 'normal', noise_std: 0.1, noise_std_final: null };
  const hp =
    algo === 'sac'
      ? ({ ...COMMON, ent_coef: 'auto', target_entropy: 'auto', target_update_interval: 1, use_sde: false, sde_sample_freq: -1, use_sde_at_warmup: false } as SacHyperparameters)
      : algo === 'td3'
        ? ({ ...COMMON, ...noise, policy_delay: 2, target_policy_noise: 0.2, target_noise_clip: 0.5 } as Td3Hyperparameters)
        : ({ ...COMMON, ...noise } as DdpgHyperparameters);
  return {
    experiment: 'unit', algo, env: 'Pendulum-v1', env_kwargs: {}, normalize: false, n_envs: 1, n_timesteps: 1000, seed: 3,
    policy: 'MlpPolicy', policy_kwargs: { net_arch: { pi: [16, 16], vf: [16, 16] }, activation_fn: 'relu', ortho_init: false, log_std_init: 0 },
    hyperparameters: { ...hp, ...patch } as never, ...rest,
  };
}

const make = (c: ResolvedConfig): ContinuousOffPolicy => (c.algo === 'sac' ? new SAC(c) : c.algo === 'td3' ? new TD3(c) : new DDPG(c));
const values = (t: tf.Tensor) => Array.from(t.dataSync());
function close(a: number[], b: number[], tol = 1e-4): void {
  assert.equal(a.length, b.length);
  const scale = Math.max(1e-3, ...b.map(Math.abs));
  const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
  assert.ok(worst <= tol * scale, `max |diff| ${worst} (scale ${scale})`);
}

before(async () => {
  await selectBackend();
});

describe('MLP set (flat parameters, hand-written backward)', () => {
  for (const activation of ['relu', 'tanh'] as const) {
    it(`parameter and input gradients match tf.grad (${activation}, twin networks)`, () => {
      const set = new MlpSet('t', [5, 7, 6, 2], activation, 2, new Rng(1));
      const rng = new Rng(2);
      const x = tf.tensor2d(Array.from({ length: 4 * 5 }, () => rng.normal()), [4, 5]);
      const coef = tf.tensor2d(Array.from({ length: 4 * 2 }, () => rng.normal()), [4, 2]);
      // L = sum(coef * net_0(x)) + 2 sum(coef * net_1(x))
      const loss = (p: tf.Tensor1D, input: tf.Tensor2D) => {
        const [a, b] = set.weights(p);
        return tf.add(tf.sum(tf.mul(coef, set.forward(input, a))), tf.mul(2, tf.sum(tf.mul(coef, set.forward(input, b)))));
      };
      const autoParams = tf.grad((p: tf.Tensor) => loss(p as tf.Tensor1D, x))(set.params);
      const autoInput = tf.grad((i: tf.Tensor) => loss(set.params, i as tf.Tensor2D))(x);
      const ws = set.weights();
      const r0 = set.backward(ws[0], set.forwardCached(x, ws[0]).cache, coef, { params: true, input: true });
      const r1 = set.backward(ws[1], set.forwardCached(x, ws[1]).cache, tf.mul(coef, 2) as tf.Tensor2D, { params: true, input: true });
      close(values(set.flatGradient([r0.pieces, r1.pieces])), values(autoParams));
      close(values(tf.add(r0.dInput!, r1.dInput!)), values(autoInput));
      // A network left out of the loss gets zeros.
      const only0 = values(set.flatGradient([r0.pieces, null]));
      assert.ok(only0.slice(only0.length / 2).every((v) => v === 0));
      set.dispose();
    });
  }

  it('moves the target by Polyak averaging', () => {
    const set = new MlpSet('t', [2, 3, 1], 'relu', 1, new Rng(1));
    const p0 = values(set.params);
    set.params.assign(tf.zerosLike(set.params));
    set.updateTarget(0.25);
    close(values(set.targetParams), p0.map((v) => 0.75 * v));
    set.dispose();
  });
});

describe('squashed Gaussian (SAC policy head)', () => {
  it('log-prob is the Gaussian log-density of u minus the tanh correction', () => {
    const out = tf.tensor2d([[0.3, -0.5, -1, 0.2]], [1, 4]); // mean (0.3, -0.5), log std (-1, 0.2)
    const eps = tf.tensor2d([[0.7, -1.2]], [1, 2]);
    const { action, logProb } = squashedSample(out, eps);
    let expected = 0;
    const a: number[] = [];
    [[0.3, -1, 0.7], [-0.5, 0.2, -1.2]].forEach(([m, ls, e]) => {
      const u = m + Math.exp(ls) * e;
      a.push(Math.tanh(u));
      expected += -0.5 * e * e - ls - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - Math.tanh(u) ** 2 + 1e-6);
    });
    close(values(action), a, 1e-5);
    close(values(logProb), [expected], 1e-5);
  });

  it('backward matches tf.grad through the sample, log-prob and log-std clipping', () => {
    const rng = new Rng(4);
    const B = 6;
    const A = 2;
    // Some log stds outside [-20, 2] so the clip's zero gradient is exercised.
    const raw = Array.from({ length: B * 2 * A }, (_, i) => (i % 4 === 3 && i < 8 ? 3 : rng.normal()));
    const out = tf.tensor2d(raw, [B, 2 * A]);
    const eps = tf.tensor2d(Array.from({ length: B * A }, () => rng.normal()), [B, A]);
    const cA = tf.tensor2d(Array.from({ length: B * A }, () => rng.normal()), [B, A]);
    const cL = tf.tensor1d(Array.from({ length: B }, () => rng.normal()));
    const auto = tf.grad((o: tf.Tensor) => {
      const s = squashedSample(o as tf.Tensor2D, eps);
      return tf.add(tf.sum(tf.mul(cA, s.action)), tf.sum(tf.mul(cL, s.logProb)));
    })(out);
    const hand = squashedBackward(squashedSample(out, eps).cache, cA, cL);
    close(values(hand), values(auto), 1e-3);
  });
});

/** The private update steps, for checking them against autodiff of the loss they claim. */
interface Steps {
  criticStep(): { grad?: tf.Tensor1D; criticGrad?: tf.Tensor1D; obs: tf.Tensor2D; policy?: { sample: { cache: { eps: tf.Tensor2D } } }; alpha?: tf.Scalar };
  actorStep(obs: tf.Tensor2D, policy?: unknown, alpha?: tf.Scalar): { grad: tf.Tensor1D };
}

describe('DDPG / TD3 / SAC losses: hand-written gradients equal tf.grad of the stated loss', () => {
  it('TD3 actor: -mean Q_1(s, tanh(actor(s)))', () => {
    const td3 = new TD3(config('td3', { learning_starts: 0 }));
    for (let i = 0; i < 40; i++) td3.iteration();
    const steps = td3 as unknown as Steps & { actor: MlpSet; critic: MlpSet };
    const { obs } = steps.criticStep();
    const hand = steps.actorStep(obs).grad;
    const [q1] = steps.critic.weights();
    const auto = tf.grad((p: tf.Tensor) => {
      const a = tf.tanh(steps.actor.forward(obs, steps.actor.weights(p as tf.Tensor1D)[0]));
      return tf.neg(tf.mean(steps.critic.forward(tf.concat([obs, a], 1) as tf.Tensor2D, q1)));
    })(steps.actor.params);
    close(values(hand), values(auto));
    td3.dispose();
  });

  it('SAC actor: mean(alpha log pi(a~|s) - min_i Q_i(s, a~))', () => {
    const sac = new SAC(config('sac', { learning_starts: 0 }));
    for (let i = 0; i < 40; i++) sac.iteration();
    const steps = sac as unknown as Steps & { actor: MlpSet; critic: MlpSet };
    const { obs, policy, alpha } = steps.criticStep();
    const eps = policy!.sample.cache.eps;
    const hand = steps.actorStep(obs, policy, alpha).grad;
    const qs = steps.critic.weights();
    const auto = tf.grad((p: tf.Tensor) => {
      const s = squashedSample(steps.actor.forward(obs, steps.actor.weights(p as tf.Tensor1D)[0]), eps);
      const input = tf.concat([obs, s.action], 1) as tf.Tensor2D;
      const minQ = tf.minimum(steps.critic.forward(input, qs[0]), steps.critic.forward(input, qs[1]));
      return tf.mean(tf.sub(tf.mul(alpha!, tf.expandDims(s.logProb, 1)), minQ));
    })(steps.actor.params);
    close(values(hand), values(auto));
    sac.dispose();
  });

  it('TD3 critic: sum_i mean((Q_i(s, a) - y)^2) with y from the target networks (the same minibatch twice)', () => {
    // Two algorithms with the same seed draw the same minibatch and target noise: one gives the
    // hand-written gradient, the other the inputs of an autodiff of the loss rebuilt here.
    const a = new TD3(config('td3', { learning_starts: 0 }));
    const b = new TD3(config('td3', { learning_starts: 0 }));
    for (let i = 0; i < 40; i++) {
      a.iteration();
      b.iteration();
    }
    const hand = (a as unknown as Steps).criticStep().grad!;
    const sb = b as unknown as { sampleBatch(): { obs: tf.Tensor2D; actions: tf.Tensor2D; rewards: tf.Tensor2D; dones: tf.Tensor2D; nextObs: tf.Tensor2D }; standardNormal(r: number, c: number): tf.Tensor2D; actor: MlpSet; critic: MlpSet };
    const batch = sb.sampleBatch();
    const noise = tf.clipByValue(tf.mul(sb.standardNormal(32, 1), 0.2), -0.5, 0.5);
    const nextA = tf.clipByValue(tf.add(tf.tanh(sb.actor.forward(batch.nextObs, sb.actor.targetWeights()[0])), noise), -1, 1);
    const nextIn = tf.concat([batch.nextObs, nextA], 1) as tf.Tensor2D;
    const [t1, t2] = sb.critic.targetWeights();
    const y = tf.add(batch.rewards, tf.mul(tf.mul(tf.sub(1, batch.dones), 0.98), tf.minimum(sb.critic.forward(nextIn, t1), sb.critic.forward(nextIn, t2))));
    const input = tf.concat([batch.obs, batch.actions], 1) as tf.Tensor2D;
    const auto = tf.grad((p: tf.Tensor) => {
      const [w1, w2] = sb.critic.weights(p as tf.Tensor1D);
      return tf.add(tf.mean(tf.square(tf.sub(sb.critic.forward(input, w1), y))), tf.mean(tf.square(tf.sub(sb.critic.forward(input, w2), y))));
    })(sb.critic.params);
    close(values(hand), values(auto));
    a.dispose();
    b.dispose();
  });
});

describe('SAC entropy settings', () => {
  it("reads ent_coef auto / auto_0.1 / a number and target_entropy auto = -dim(A)", () => {
    assert.deepEqual(entropyCoefficient('auto', 'auto', 3), { learned: true, initial: 1, targetEntropy: -3 });
    assert.deepEqual(entropyCoefficient('auto_0.1', -0.5, 1), { learned: true, initial: 0.1, targetEntropy: -0.5 });
    assert.deepEqual(entropyCoefficient(0.2, 'auto', 2), { learned: false, initial: 0.2, targetEntropy: -2 });
    assert.throws(() => entropyCoefficient('automatic', 'auto', 1), /ent_coef/);
  });

  it('learns alpha: it falls while the policy is more random than the target entropy', async () => {
    const rows: MetricRow[] = [];
    await train(config('sac', { ent_coef: 'auto_0.5', learning_starts: 200 }, { n_timesteps: 1000 }), { onMetrics: (r) => rows.push(r) });
    const alphas = rows.map((r) => r['losses/ent_coef']);
    assert.ok(alphas.every(Number.isFinite) && alphas[alphas.length - 1] < 0.5, alphas.join());
    assert.ok(rows.every((r) => Number.isFinite(r['losses/ent_coef_loss'])));
  });
});

describe('action noise', () => {
  it('normal noise is clipped to [-1, 1]; Ornstein-Uhlenbeck noise is correlated and restarts per env copy', () => {
    const normal = new ActionNoise('normal', 1, 2, new Rng(1));
    const a = Float32Array.from([0.99, -0.99]);
    normal.apply(a, 5);
    assert.ok(a.every((v) => Math.abs(v) <= 1));
    const ou = new ActionNoise('ornstein-uhlenbeck', 2, 1, new Rng(1));
    const zero = new Float32Array(2);
    const seen: number[] = [];
    for (let i = 0; i < 50; i++) {
      zero.fill(0);
      ou.apply(zero, 0.5);
      seen.push(ou.state[0]);
    }
    // x_{t+1} - x_t has std sigma sqrt(dt) = 0.05: consecutive values stay close.
    for (let i = 1; i < seen.length; i++) assert.ok(Math.abs(seen[i] - seen[i - 1]) < 0.3);
    ou.reset(0);
    assert.equal(ou.state[0], 0);
    assert.notEqual(ou.state[1], 0);
  });
});

describe('training loops', () => {
  for (const [algo, patch] of [
    ['ddpg', { noise_type: 'ornstein-uhlenbeck' }],
    ['td3', {}],
    ['sac', {}],
    ['sac', { ent_coef: 0.1, target_update_interval: 2 }],
    ['sac', { use_sde: true, sde_sample_freq: 3, use_sde_at_warmup: true }],
  ] as const) {
    it(`${algo} ${JSON.stringify(patch)}: the tensor count stays flat across training phases`, () => {
      const algorithm = make(config(algo, { ...patch, learning_starts: 0, gradient_steps: 2 }));
      algorithm.iteration();
      algorithm.iteration();
      const after2 = tf.memory().numTensors;
      for (let i = 0; i < 8; i++) algorithm.iteration();
      assert.equal(tf.memory().numTensors, after2);
      algorithm.dispose();
    });
  }

  for (const algo of ['ddpg', 'td3', 'sac'] as const) {
    it(`${algo} trains through the engine: SB3-style metrics, actions within the bounds, every tensor released`, async () => {
      const before = tf.memory().numTensors;
      const rows: MetricRow[] = [];
      let action: number[] = [];
      const result = await train(config(algo, {}, { n_timesteps: 1000 }), {
        onMetrics: (r) => rows.push(r),
        onTrained: (policy) => void (action = Array.from(policy.actDeterministic(Float32Array.from([1, 0, 0.5])))),
      });
      assert.equal(result.status, 'completed', result.error);
      assert.equal(tf.memory().numTensors, before);
      const keys = ['losses/critic_loss', 'losses/actor_loss', 'losses/q_values', 'charts/learning_rate', 'charts/SPS', 'charts/episodic_return'];
      if (algo === 'sac') keys.push('losses/ent_coef', 'losses/ent_coef_loss', 'losses/entropy');
      for (const key of keys) assert.ok(Number.isFinite(rows[rows.length - 1][key]), `${key} in ${JSON.stringify(rows[rows.length - 1])}`);
      assert.equal(action.length, 1);
      assert.ok(action[0] >= -2 && action[0] <= 2);
    });
  }

  it("the bench's SAC speed probe times training steps after the warm-up and frees its tensors", async () => {
    const before = tf.memory().numTensors;
    const speed = await sacPendulumSps({ steps: 20, warmup: 40, netArch: [16, 16], batchSize: 32 });
    assert.ok(speed.sps > 0 && speed.steps === 20 && speed.backend !== 'unknown', JSON.stringify(speed));
    assert.equal(tf.memory().numTensors, before);
  });

  it('repeats exactly for the same seed', async () => {
    const run = async () => {
      const rows: MetricRow[] = [];
      await train(config('td3', {}, { n_timesteps: 1000 }), { onMetrics: (r) => rows.push(r) });
      return rows.map((r) => [r['losses/critic_loss'], r['losses/actor_loss'], r['charts/episodic_return']]);
    };
    assert.deepEqual(await run(), await run());
  });

  it('train_freq [1, "episode"] with gradient_steps -1 trains once per episode, one step per transition', () => {
    const td3 = new TD3(config('td3', { train_freq: [1, 'episode'], gradient_steps: -1, learning_starts: 0 }));
    let steps = 0;
    const inner = td3 as unknown as { train(n: number, p: number): Record<string, number> };
    const original = inner.train.bind(td3);
    inner.train = (n, p) => {
      steps += n;
      return original(1, p);
    };
    const before = td3.meanRecentReturn();
    td3.iteration();
    assert.equal(before, undefined);
    assert.notEqual(td3.meanRecentReturn(), undefined); // one whole 200-step Pendulum episode
    assert.equal(steps, 200);
    td3.dispose();
  });
});

describe('checkpoints, evaluation and export', () => {
  for (const algo of ['td3', 'sac'] as const) {
    it(`${algo}: a restored checkpoint has the same state and acts as the trained policy; the export reproduces the action`, async () => {
      const c = config(algo, { learning_starts: 0 });
      const a = make(c);
      for (let i = 0; i < 30; i++) a.iteration();
      const saved = JSON.parse(JSON.stringify(await a.saveCheckpoint()));
      assert.equal(saved.algo, algo);
      const b = make(c);
      await b.loadCheckpoint(saved);
      const again = await b.saveCheckpoint();
      assert.deepEqual({ ...again, savedAt: '', elapsedSeconds: 0 }, { ...saved, savedAt: '', elapsedSeconds: 0 });
      const obs = Float32Array.from([0.6, -0.8, 1.5]);
      const expected = Array.from(a.trainedPolicy()!.actDeterministic(obs));
      const restored = await restorePolicy(c, saved);
      close(Array.from(restored.policy.actDeterministic(obs)), expected, 1e-6);
      restored.dispose();
      // The exported plain layers: tanh head then the linear map to the bounds.
      close(runExportedLayers(saved.policy.layers, obs), expected, 1e-5);
      a.dispose();
      b.dispose();
    });
  }
});

describe('resume', () => {
  it('sac: training resumed from the final checkpoint continues the step count', async () => {
    let last: unknown;
    const first = await train(config('sac', {}, { n_timesteps: 600 }), { onMetrics() {}, onCheckpoint: (c) => void (last = c) });
    assert.equal(first.status, 'completed', first.error);
    const rows: MetricRow[] = [];
    const resumed = await train(config('sac', {}, { n_timesteps: 900 }), { onMetrics: (r) => rows.push(r) }, { resume: JSON.parse(JSON.stringify(last)) });
    assert.equal(resumed.status, 'completed', resumed.error);
    assert.equal(resumed.globalStep, 900);
    assert.deepEqual(rows.map((r) => r.step), [900]);
    assert.ok(Number.isFinite(rows[0]['losses/critic_loss']));
  });
});

describe('RL Baselines3 Zoo files', () => {
  const zoo = (algo: string, env: string) => {
    const file = join(root, 'test/fixtures/zoo', `${algo}.yml`);
    const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), join('/ws/hyperparams', `${algo}.yml`), env);
    if ('error' in loaded) throw new Error(`${loaded.error.line}: ${loaded.error.message}`);
    return loaded.config;
  };

  it("ddpg.yml and td3.yml's Pendulum-v1: normal noise, [1, episode] train_freq, net_arch [400, 300]", () => {
    for (const algo of ['ddpg', 'td3'] as const) {
      const c = zoo(algo, 'Pendulum-v1');
      const hp = c.hyperparameters as DdpgHyperparameters;
      assert.equal(c.algo, algo);
      assert.equal(hp.noise_type, 'normal');
      assert.equal(hp.noise_std, 0.1);
      assert.deepEqual(hp.train_freq, [1, 'episode']);
      assert.equal(hp.gradient_steps, -1);
      assert.equal(hp.learning_starts, 10000);
      assert.deepEqual(c.policy_kwargs.net_arch.pi, [400, 300]);
    }
    const hp = zoo('td3', 'MountainCarContinuous-v0').hyperparameters as Td3Hyperparameters;
    assert.equal(hp.noise_type, 'ornstein-uhlenbeck');
    assert.equal(hp.policy_delay, 2);
  });

  it("sac.yml's Pendulum-v1 and MountainCarContinuous-v0 (ent_coef a number, gSDE on)", () => {
    const p = zoo('sac', 'Pendulum-v1');
    assert.equal((p.hyperparameters as SacHyperparameters).ent_coef, 'auto');
    assert.deepEqual(p.policy_kwargs.net_arch.pi, [256, 256]);
    assert.equal(p.policy_kwargs.activation_fn, 'relu');
    const m = zoo('sac', 'MountainCarContinuous-v0').hyperparameters as SacHyperparameters;
    assert.equal(m.ent_coef, 0.1);
    assert.equal(m.train_freq, 32);
    assert.equal(m.use_sde, true);
  });

  it("net_arch dict(pi=[...], qf=[...]) sizes the actor and the critics separately", async () => {
    const text = 'e:\n  algo: sac\n  env: Pendulum-v1\n  policy_kwargs: "dict(net_arch=dict(pi=[8], qf=[12, 4]))"\n';
    const loaded = loadExperimentConfig(text, '/ws/x.rl.yaml', 'e');
    if ('error' in loaded) throw new Error(loaded.error.message);
    assert.deepEqual(loaded.config.policy_kwargs.net_arch.qf, [12, 4]);
    const sac = new SAC(loaded.config);
    const s = sac as unknown as { actor: MlpSet; critic: MlpSet };
    assert.deepEqual(s.actor.layers.map((l) => l.outDim), [8, 2]);
    assert.deepEqual(s.critic.layers.map((l) => [l.inDim, l.outDim]), [[4, 12], [12, 4], [4, 1]]);
    sac.dispose();
  });

  it('rejects gSDE keys for DDPG and TD3 (SB3 has none there) with an error naming the key and why, in files, Zoo files and --set', () => {
    const load = (text: string, path = '/ws/x.rl.yaml', overrides: string[] = []) => loadExperimentConfig(text, path, 'e', overrides);
    for (const algo of ['ddpg', 'td3'] as const) {
      for (const key of ['use_sde', 'sde_sample_freq', 'use_sde_at_warmup']) {
        const loaded = load(`e:\n  algo: ${algo}\n  env: Pendulum-v1\n  ${key}: ${key === 'sde_sample_freq' ? 4 : 'true'}\n`);
        assert.ok('error' in loaded, `${algo} ${key} was accepted`);
        assert.equal(loaded.error.key, key);
        assert.equal(loaded.error.line, 4);
        assert.match(loaded.error.message, new RegExp(`'${key}' is not a ${algo.toUpperCase()} setting: .*gSDE.*action noise`));
      }
      // An RL Baselines3 Zoo file (algo from the file name) and a command-line override.
      const zoo = loadExperimentConfig('Pendulum-v1:\n  n_timesteps: 1000\n  use_sde: True\n', `/ws/hyperparams/${algo}.yml`, 'Pendulum-v1');
      assert.ok('error' in zoo && zoo.error.key === 'use_sde' && /not a (DDPG|TD3) setting/.test(zoo.error.message));
      const set = load(`e:\n  algo: ${algo}\n  env: Pendulum-v1\n`, '/ws/x.rl.yaml', ['use_sde=true']);
      assert.ok('error' in set && set.error.key === 'use_sde' && /^--set use_sde: 'use_sde' is not a/.test(set.error.message), JSON.stringify(set));
    }
    // SAC takes them.
    const sac = load('e:\n  algo: sac\n  env: Pendulum-v1\n  use_sde: true\n  sde_sample_freq: 4\n  use_sde_at_warmup: true\n');
    assert.ok('config' in sac && sac.warnings.length === 0, JSON.stringify(sac));
    // The editor says the same: an error diagnostic, and a hover with the reason.
    const text = 'e:\n  algo: td3\n  env: Pendulum-v1\n  use_sde: true\n';
    const doc = editorDocument(text, 'file:///ws/x.rl.yaml');
    const diag = diagnostics(doc).find((d) => /use_sde/.test(typeof d.message === 'string' ? d.message : d.message.value));
    assert.equal(diag?.severity, 1);
    const h = hover(doc, { line: 3, character: 4 });
    assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents && /not a TD3 setting/.test(h.contents.value), JSON.stringify(h));
  });

  it('rejects a discrete action space and a bad ent_coef with clear messages', () => {
    const bad = (text: string) => {
      const loaded = loadExperimentConfig(text, '/ws/x.rl.yaml', 'e');
      return 'error' in loaded ? loaded.error.message : '';
    };
    assert.match(bad('e:\n  algo: td3\n  env: CartPole-v1\n'), /continuous|discrete/i);
    assert.match(bad('e:\n  algo: sac\n  env: Pendulum-v1\n  ent_coef: automatic\n'), /auto/);
  });
});
