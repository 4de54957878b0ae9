import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DQN } from '../../server/src/training/algos/dqn/dqn';
import { linearSchedule } from '../../server/src/training/algos/dqn/exploration';
import { chosenQ, huberGradient, huberLoss, tdTarget } from '../../server/src/training/algos/dqn/loss';
import { ReplayBuffer } from '../../server/src/training/algos/replayBuffer';
import { selectBackend, train, type MetricRow } from '../../server/src/training/engine';
import type { VectorEnv } from '../../server/src/training/envs/vecEnv';
import { duelingAggregate, QNetwork } from '../../server/src/training/nn/qNetwork';
import { Rng } from '../../server/src/training/rng';
import { ALGOS, type DqnHyperparameters, type ResolvedConfig } from '../../server/src/schema';
import { actionSpaceProblem, loadExperimentConfig } from '../../server/src/experiments';
import { ENV_SPECS } from '../../server/src/training/envs/registry';

function config(patch: Partial<DqnHyperparameters> = {}, rest: Partial<ResolvedConfig> = {}): ResolvedConfig {
  const hyperparameters: DqnHyperparameters = {
    learning_rate: 1e-3, buffer_size: 1000, learning_starts: 64, batch_size: 32, tau: 1, gamma: 0.99,
    train_freq: 4, gradient_steps: 2, target_update_interval: 100, exploration_fraction: 0.5,
    exploration_initial_eps: 1, exploration_final_eps: 0.05, max_grad_norm: 10, double_q: false, dueling: false,
    optimize_memory_usage: false, ...patch,
  };
  return {
    experiment: 'unit', algo: 'dqn', env: 'CartPole-v1', env_kwargs: {}, normalize: false, n_envs: 2, n_timesteps: 2000, seed: 5,
    policy: 'MlpPolicy', policy_kwargs: { net_arch: { pi: [16, 16], vf: [16, 16] }, activation_fn: 'relu', ortho_init: false, log_std_init: 0 },
    hyperparameters, ...rest,
  };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const close = (a: number[], b: number[], tol = 1e-5) =>
  assert.ok(a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= tol), `${JSON.stringify(a)} != ${JSON.stringify(b)}`);

before(async () => {
  await selectBackend();
});

describe('replay buffer', () => {
  it('wraps around, overwriting the oldest transitions', () => {
    const buf = new ReplayBuffer(3, 2, 1);
    for (let i = 0; i < 5; i++) buf.add([i, i], [i], i * 10, [i + 1, i + 1], false);
    assert.equal(buf.size, 3);
    // Slots 0 and 1 now hold transitions 3 and 4; slot 2 still holds transition 2.
    assert.deepEqual(Array.from(buf.rewards), [30, 40, 20]);
    assert.deepEqual(Array.from(buf.obs), [3, 3, 4, 4, 2, 2]);
  });

  it('samples whole transitions uniformly from what is stored, repeatably', () => {
    const buf = new ReplayBuffer(100, 2, 1);
    for (let i = 0; i < 10; i++) buf.add([i, -i], [i % 2], i, [i + 1, -i - 1], i === 9);
    const a = buf.sample(500, new Rng(1));
    const b = buf.sample(500, new Rng(1));
    assert.deepEqual(a, b);
    const seen = new Set<number>();
    for (let j = 0; j < a.rows; j++) {
      const i = a.rewards[j];
      seen.add(i);
      assert.deepEqual([a.obs[2 * j], a.obs[2 * j + 1], a.nextObs[2 * j], a.actions[j], a.dones[j]], [i, -i, i + 1, i % 2, i === 9 ? 1 : 0]);
    }
    assert.equal(seen.size, 10, 'every stored transition is drawn from a buffer of 10 in 500 samples');
  });

  it('stores done = terminated only, and the final observation as s\' when an episode ended', () => {
    // Three copies after one step: copy 0 continues, copy 1 terminated, copy 2 was truncated.
    const env: VectorEnv = {
      numEnvs: 3, obsDim: 1,
      obs: Float32Array.from([10, 20, 30]), // copies 1 and 2 already hold their next episode's first obs
      finalObs: Float32Array.from([0, 21, 31]),
      rewards: Float64Array.from([1, 2, 3]),
      terminated: Uint8Array.from([0, 1, 0]),
      truncated: Uint8Array.from([0, 0, 1]),
      finished: [], reset: () => new Float32Array(3), step: () => {},
    };
    const buf = new ReplayBuffer(10, 1, 1);
    buf.addVecStep(Float32Array.from([9, 19, 29]), Float32Array.from([0, 1, 0]), env);
    assert.deepEqual(Array.from(buf.nextObs.subarray(0, 3)), [10, 21, 31]);
    assert.deepEqual(Array.from(buf.dones.subarray(0, 3)), [0, 1, 0], 'a time-limit truncation still bootstraps');
    assert.deepEqual(Array.from(buf.obs.subarray(0, 3)), [9, 19, 29]);
  });
});

describe('epsilon schedule (SB3 get_linear_fn)', () => {
  it('decays linearly over exploration_fraction, then stays at the final value', () => {
    const eps = linearSchedule(1, 0.05, 0.1);
    assert.equal(eps(1), 1);
    assert.ok(Math.abs(eps(1 - 0.05) - 0.525) < 1e-12);
    assert.ok(Math.abs(eps(0.9) - 0.05) < 1e-12);
    assert.equal(eps(0.5), 0.05);
    assert.equal(eps(0), 0.05);
    assert.equal(linearSchedule(1, 0.1, 0)(1), 0.1, 'fraction 0: final value at once');
  });
});

describe('DQN loss pieces', () => {
  it('TD target: r + gamma (1 - done) max_a Q_target(s\', a)', () => {
    tf.tidy(() => {
      const nextQTarget = tf.tensor2d([[1, 3], [5, 2], [7, 8]]);
      const y = tdTarget(nextQTarget, tf.tensor1d([1, 0.5, -1]), tf.tensor1d([0, 0, 1]), 0.9);
      close(values(y), [1 + 0.9 * 3, 0.5 + 0.9 * 5, -1]);
    });
  });

  it('Double DQN target: action from the online net, value from the target net', () => {
    tf.tidy(() => {
      const nextQTarget = tf.tensor2d([[1, 3, 2], [5, 2, 4]]);
      const nextQOnline = tf.tensor2d([[9, 0, 1], [0, 0, 6]]); // argmax: 0 and 2
      const y = tdTarget(nextQTarget, tf.tensor1d([1, 2]), tf.tensor1d([0, 0]), 0.5, nextQOnline);
      // Hand-computed: 1 + 0.5 * Q_target(s'_0, 0) = 1.5; 2 + 0.5 * Q_target(s'_1, 2) = 4.
      close(values(y), [1.5, 4]);
      // The plain target would have used the maxima 3 and 5 instead.
      close(values(tdTarget(nextQTarget, tf.tensor1d([1, 2]), tf.tensor1d([0, 0]), 0.5)), [2.5, 4.5]);
    });
  });

  it('picks Q(s, a) of the taken action', () => {
    tf.tidy(() => close(values(chosenQ(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([1, 0], 'int32'))), [2, 3]));
  });

  it('Huber loss (smooth L1, delta 1) and its gradient clip(d, -1, 1) / n', () => {
    tf.tidy(() => {
      const d = tf.tensor1d([0.5, -2, 3, 0]);
      // 0.5 * 0.25, 2 - 0.5, 3 - 0.5, 0 -> mean
      close(values(huberLoss(d)), [(0.125 + 1.5 + 2.5 + 0) / 4]);
      close(values(huberGradient(d)), [0.5 / 4, -1 / 4, 1 / 4, 0]);
      // Agrees with automatic differentiation of the loss.
      close(values(tf.grad((x: tf.Tensor) => huberLoss(x as tf.Tensor1D))(d)), values(huberGradient(d)));
    });
  });

  it('dueling aggregation: Q = V + A - mean(A)', () => {
    tf.tidy(() => {
      const q = duelingAggregate(tf.tensor2d([[10, 1, 2, 3], [0, -1, 1, 3]]));
      close(values(q), [10 - 1, 10, 10 + 1, -1 - 1, 1 - 1, 3 - 1]);
    });
  });
});

describe('Q-network', () => {
  for (const [activation, dueling] of [['relu', false], ['relu', true], ['tanh', true]] as const) {
    it(`hand-written gradient matches tf.grad (${activation}${dueling ? ', dueling' : ''})`, () => {
      const kwargs = { net_arch: { pi: [8, 6], vf: [8, 6] }, activation_fn: activation, ortho_init: false, log_std_init: 0 };
      const net = new QNetwork(3, 4, kwargs, new Rng(2), dueling);
      tf.tidy(() => {
        const obs = tf.tensor2d(Array.from({ length: 15 }, (_, i) => Math.sin(i)), [5, 3]);
        const coef = tf.tensor2d(Array.from({ length: 20 }, (_, i) => Math.cos(i)), [5, 4]);
        // Loss sum(coef * Q): dLoss/dQ = coef.
        const mine = net.gradient(obs, () => coef);
        const auto = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(coef, net.forward(obs, net.weights(p as tf.Tensor1D), true))))(net.params);
        close(values(mine), values(auto), 1e-4);
      });
      net.dispose();
    });
  }

  it('moves the target by Polyak averaging, or copies it when tau = 1', () => {
    const kwargs = { net_arch: { pi: [4], vf: [4] }, activation_fn: 'relu' as const, ortho_init: false, log_std_init: 0 };
    const net = new QNetwork(2, 2, kwargs, new Rng(3));
    const theta = values(net.params).map((x) => x + 1);
    tf.tidy(() => net.params.assign(tf.tensor1d(theta)));
    const before = values(net.targetParams);
    net.updateTarget(0.25);
    close(values(net.targetParams), theta.map((t, i) => 0.25 * t + 0.75 * before[i]));
    net.updateTarget(1);
    close(values(net.targetParams), theta);
    net.dispose();
  });
});

describe('DQN', () => {
  it('updates the target network every target_update_interval env steps (over all envs)', () => {
    const dqn = new DQN(config({ target_update_interval: 8, train_freq: 1, gradient_steps: 1, learning_starts: 0 }));
    // updateTarget() moves the target of whichever update path runs (WebAssembly or TensorFlow.js).
    const internals = dqn as unknown as { updateTarget(): void; globalStep: number };
    const steps: number[] = [];
    const update = internals.updateTarget.bind(dqn);
    internals.updateTarget = () => {
      steps.push(internals.globalStep);
      update();
    };
    for (let i = 0; i < 20; i++) dqn.iteration();
    // 2 envs: every 4 vectorized steps = every 8 env steps.
    assert.deepEqual(steps, [8, 16, 24, 32, 40]);
    dqn.dispose();
  });

  it('train_freq [n, "episode"] (Zoo\'s form of SB3\'s TrainFreq) collects until n episodes have ended', () => {
    const file = 'hyperparams/dqn.yml';
    const text = 'CartPole-v1:\n  n_timesteps: 2000\n  train_freq: [1, "episode"]\n  gradient_steps: -1\n  learning_starts: 0\n';
    const loaded = loadExperimentConfig(text, file, 'CartPole-v1');
    if ('error' in loaded) assert.fail(loaded.error.message);
    assert.deepEqual((loaded.config.hyperparameters as DqnHyperparameters).train_freq, [1, 'episode']);
    const dqn = new DQN({ ...loaded.config, n_envs: 1, seed: 3 });
    const internals = dqn as unknown as { globalStep: number; progress: { meanRecentReturn(): number | undefined } };
    const trained: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = internals.globalStep;
      dqn.iteration();
      trained.push(internals.globalStep - before);
    }
    // One env copy, one episode per phase: the phase lengths are the episodes' lengths (CartPole: reward 1 per step).
    const mean = trained.reduce((a, b) => a + b, 0) / trained.length;
    assert.ok(Math.abs(internals.progress.meanRecentReturn()! - mean) < 1e-9, `${trained} vs ${internals.progress.meanRecentReturn()}`);
    dqn.dispose();
  });

  it('keeps the tensor count flat across training phases (no leaks), with every option', () => {
    for (const patch of [{}, { double_q: true, dueling: true, tau: 0.1, target_update_interval: 1 }]) {
      const dqn = new DQN(config({ ...patch, learning_starts: 0 }));
      dqn.iteration();
      dqn.iteration();
      const after2 = tf.memory().numTensors;
      for (let i = 0; i < 6; i++) dqn.iteration();
      assert.equal(tf.memory().numTensors, after2, `${JSON.stringify(patch)}: tensors grew`);
      dqn.dispose();
    }
  });

  it('trains through the engine: namespaced metrics, every tensor released', async () => {
    const before = tf.memory().numTensors;
    const rows: MetricRow[] = [];
    const result = await train(config({ double_q: true, dueling: true }), { onMetrics: (r) => rows.push(r) });
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.globalStep, 2000);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(rows.map((r) => r.step), [1000, 2000]);
    for (const row of rows) {
      for (const key of ['losses/td_loss', 'losses/q_values', 'charts/epsilon', 'charts/learning_rate', 'charts/SPS']) {
        assert.ok(Number.isFinite(row[key]), `${key} in ${JSON.stringify(row)}`);
      }
      assert.ok(row['charts/episodic_return'] > 0);
    }
    // exploration_fraction 0.5 of 2000 steps: epsilon 1 -> 0.05 by step 1000, then flat.
    assert.ok(Math.abs(rows[0]['charts/epsilon'] - 0.05) < 1e-9);
    assert.ok(result.meanReturn! > 0 && result.sps > 0);
  });

  it('repeats exactly for the same seed', async () => {
    const run = async () => {
      const rows: MetricRow[] = [];
      await train(config(), { onMetrics: (r) => rows.push(r) });
      return rows.map((r) => [r['losses/td_loss'], r['losses/q_values'], r['charts/episodic_return']]);
    };
    assert.deepEqual(await run(), await run());
  });

  it('hands out a greedy policy for playback', async () => {
    let action: number[] | undefined;
    await train(config({}, { n_timesteps: 200 }), {
      onMetrics() {},
      onTrained: (policy) => {
        action = Array.from(policy.actDeterministic(Float32Array.from([0, 0, 0.1, 0])));
      },
    });
    assert.ok(action && action.length === 1 && (action[0] === 0 || action[0] === 1));
  });

  it('checkpoints networks, optimizer and random streams, and restores them', async () => {
    const a = new DQN(config({ learning_starts: 0 }));
    for (let i = 0; i < 10; i++) a.iteration();
    const saved = await a.saveCheckpoint();
    assert.equal(saved.algo, 'dqn');
    assert.equal(saved.env, 'CartPole-v1');
    assert.equal(saved.globalStep, 80);
    assert.equal(saved.policy?.distribution, 'categorical');
    const b = new DQN(config({ learning_starts: 0 }));
    await b.loadCheckpoint(JSON.parse(JSON.stringify(saved)));
    const again = await b.saveCheckpoint();
    assert.deepEqual({ ...again, savedAt: '', elapsedSeconds: 0 }, { ...saved, savedAt: '', elapsedSeconds: 0 });
    a.dispose();
    b.dispose();
    // Through the engine: periodic checkpoints on row boundaries, then a final one.
    const taken: [number, boolean][] = [];
    await train(config({}, { n_timesteps: 3000 }), { onMetrics() {}, checkpointFreq: 1500, onCheckpoint: (c, final) => void taken.push([c.globalStep, final]) });
    assert.deepEqual(taken, [[2000, false], [3000, true]]);
  });

  it('stops when asked', async () => {
    let polls = 0;
    const result = await train(config({}, { n_timesteps: 100000 }), { onMetrics() {}, shouldStop: () => ++polls > 3 });
    assert.equal(result.status, 'stopped');
    assert.ok(result.globalStep < 100000);
  });
});

describe('DQN configs', () => {
  it('is discrete-only: the editor check flags it on Pendulum-v1', () => {
    assert.deepEqual(ALGOS.dqn.actionSpaces, ['discrete']);
    assert.match(actionSpaceProblem(ALGOS.dqn, ENV_SPECS['Pendulum-v1'])!, /supports only discrete/);
    assert.equal(actionSpaceProblem(ALGOS.dqn, ENV_SPECS['CartPole-v1']), undefined);
  });

  it('loads RL Baselines3 Zoo\'s hyperparams/dqn.yml for the environments RL Lab has', () => {
    const path = join(__dirname, '../fixtures/hyperparams/dqn.yml');
    const text = readFileSync(path, 'utf8');
    for (const env of ['CartPole-v1', 'MountainCar-v0', 'Acrobot-v1']) {
      const r = loadExperimentConfig(text, path, env);
      assert.ok('config' in r, JSON.stringify(r));
      assert.equal(r.config.algo, 'dqn');
      assert.deepEqual(r.warnings, []);
      assert.deepEqual(r.config.policy_kwargs.net_arch.pi, [256, 256]);
      assert.equal(r.config.policy_kwargs.activation_fn, 'relu', "SB3's QNetwork default");
    }
    const cartpole = loadExperimentConfig(text, path, 'CartPole-v1');
    assert.ok('config' in cartpole);
    assert.deepEqual(
      { ...cartpole.config.hyperparameters },
      {
        learning_rate: 0.0023, buffer_size: 100000, learning_starts: 1000, batch_size: 64, tau: 1, gamma: 0.99, train_freq: 256,
        gradient_steps: 128, target_update_interval: 10, exploration_fraction: 0.16, exploration_initial_eps: 1,
        exploration_final_eps: 0.04, max_grad_norm: 10, double_q: false, dueling: false, optimize_memory_usage: false,
      },
    );
    const acrobot = loadExperimentConfig(text, path, 'Acrobot-v1');
    assert.ok('config' in acrobot && (acrobot.config.hyperparameters as DqnHyperparameters).gradient_steps === -1);
    // Zoo's LunarLander-v2 is not an RL Lab environment (LunarLander-v3 is).
    const lunar = loadExperimentConfig(text, path, 'LunarLander-v2');
    assert.ok('error' in lunar && /LunarLander-v3/.test(lunar.error.message));
  });
});
