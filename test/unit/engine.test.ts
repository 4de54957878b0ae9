import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { PPO } from '../../server/src/training/algos/ppo/ppo';
import { currentBackend, selectBackend, train, type MetricRow } from '../../server/src/training/engine';
import type { PpoHyperparameters, ResolvedConfig } from '../../server/src/schema';

function config(env: 'CartPole-v1' | 'Pendulum-v1', patch: Partial<PpoHyperparameters> = {}, n_timesteps = 2048): ResolvedConfig {
  return {
    experiment: 'unit',
    algo: 'ppo',
    env,
    n_envs: 2,
    n_timesteps,
    seed: 3,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [32, 32], vf: [32, 32] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    hyperparameters: {
      learning_rate: 'lin_0.0003', n_steps: 64, batch_size: 32, n_epochs: 2, gamma: 0.99, gae_lambda: 0.95,
      clip_range: 0.2, clip_range_vf: 0.5, normalize_advantage: true, ent_coef: 0.01, vf_coef: 0.5,
      max_grad_norm: 0.5, target_kl: null, ...patch,
    },
  };
}

const LOSS_KEYS = [
  'losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/approx_kl', 'losses/old_approx_kl',
  'losses/clipfrac', 'losses/explained_variance', 'charts/learning_rate', 'charts/clip_range', 'charts/SPS',
];

describe('engine', () => {
  let processHandlers: [number, number] = [0, 0];
  const countHandlers = (): [number, number] => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];

  before(async () => {
    // The fastest backend that loads here; the run records the notes for the skipped ones.
    processHandlers = countHandlers();
    const choice = await selectBackend();
    assert.ok(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'].includes(choice.name));
    for (const note of choice.notes) assert.match(note, /^(tfjs-[a-z-]+|webgpu): /);
  });

  it('leaves process-wide error handlers to the host (the WASM glue adds rethrowing ones)', () => {
    assert.deepEqual(countHandlers(), processHandlers);
  });

  it('keeps the tensor count flat across updates (no leaks)', () => {
    for (const env of ['CartPole-v1', 'Pendulum-v1'] as const) {
      const ppo = new PPO(config(env, { target_kl: 0.01 }));
      ppo.iteration(1);
      ppo.iteration(0.9);
      const after2 = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) ppo.iteration(0.8 - i * 0.1);
      assert.equal(tf.memory().numTensors, after2, `${env}: tensors grew`);
      ppo.dispose();
    }
  });

  it('releases every tensor when a run ends', async () => {
    const before = tf.memory().numTensors;
    const result = await train(config('CartPole-v1', {}, 512), { onMetrics() {} });
    assert.equal(result.status, 'completed');
    assert.equal(tf.memory().numTensors, before);
  });

  it('reports namespaced metrics per update at the global env step', async () => {
    const rows: MetricRow[] = [];
    const progress: number[] = [];
    const result = await train(config('CartPole-v1'), {
      onMetrics: (row) => rows.push(row),
      onProgress: (step, total) => {
        assert.equal(total, 2048);
        progress.push(step);
      },
    });
    assert.equal(result.status, 'completed');
    assert.equal(result.globalStep, 2048);
    assert.deepEqual(rows.map((r) => r.step), [128, 256, 384, 512, 640, 768, 896, 1024, 1152, 1280, 1408, 1536, 1664, 1792, 1920, 2048]);
    assert.deepEqual(progress, rows.map((r) => r.step));
    for (const row of rows) {
      for (const key of LOSS_KEYS) assert.ok(Number.isFinite(row[key]), `${key} in ${JSON.stringify(row)}`);
      assert.ok(row.time > 0);
    }
    assert.ok(rows.some((r) => r['charts/episodic_return'] > 0 && r['charts/episodic_length'] > 0));
    assert.ok(result.meanReturn! > 0 && result.sps > 0);
    // lin_0.0003 decays with the remaining progress, CleanRL-style.
    assert.equal(rows[0]['charts/learning_rate'], 0.0003);
    assert.ok(rows[15]['charts/learning_rate'] < rows[0]['charts/learning_rate']);
  });

  it('repeats exactly for the same seed', async () => {
    const run = async () => {
      const rows: MetricRow[] = [];
      await train(config('CartPole-v1', {}, 512), { onMetrics: (r) => rows.push(r) });
      return rows.map((r) => [r['losses/policy_loss'], r['losses/value_loss'], r['charts/episodic_return']]);
    };
    assert.deepEqual(await run(), await run());
  });

  it('trains a Gaussian policy on Pendulum-v1 with finite metrics', async () => {
    const rows: MetricRow[] = [];
    const result = await train(config('Pendulum-v1', {}, 1600), { onMetrics: (r) => rows.push(r) });
    assert.equal(result.status, 'completed', result.error);
    assert.ok(rows.length > 0);
    for (const row of rows) for (const key of LOSS_KEYS) assert.ok(Number.isFinite(row[key]), key);
    // 200-step episodes, all truncated: every finished episode is exactly 200 long.
    const withEpisodes = rows.filter((r) => r['charts/episodic_length'] !== undefined);
    assert.ok(withEpisodes.length > 0);
    for (const r of withEpisodes) assert.equal(r['charts/episodic_length'], 200);
    // Gaussian entropy with log_std 0 starts near 0.5 * log(2 pi e) = 1.419 per dimension.
    assert.ok(Math.abs(rows[0]['losses/entropy'] - 1.419) < 0.05);
  });

  it('stops between rollouts when asked', async () => {
    let polls = 0;
    const result = await train(config('CartPole-v1', {}, 100000), { onMetrics() {}, shouldStop: () => ++polls > 3 });
    assert.equal(result.status, 'stopped');
    assert.equal(result.globalStep, 3 * 128);
  });

  it('fails with a clear error naming the metric and step when a loss becomes NaN', async () => {
    const rows: MetricRow[] = [];
    // A learning rate of 1e30 (outside the schema's range; set by hand here) blows the weights up.
    const result = await train(config('Pendulum-v1', { learning_rate: 1e30, max_grad_norm: 1e30 }, 4096), { onMetrics: (r) => rows.push(r) });
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /^losses\/[a-z_]+ became (NaN|Infinity|-Infinity) at global step \d+/);
    const step = Number(/at global step (\d+)/.exec(result.error!)![1]);
    assert.equal(rows.length, step / 128 - 1, 'the rows before the failure were reported');
  });

  it('selects a backend once and can be forced; a missing one fails with a reason', async () => {
    const first = currentBackend()!;
    assert.equal(await selectBackend(), first);
    await assert.rejects(selectBackend('nope'), /unknown backend 'nope'/);
    const cpu = await selectBackend('cpu');
    assert.equal(cpu.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    await selectBackend(first.name);
    assert.equal(currentBackend()!.name, first.name);
  });
});
