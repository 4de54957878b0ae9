/**
 * A3C (server/src/training/algos/a3c): the shared RMSProp rule, a worker's update (no tensor
 * leak, writes the shared parameters and counters), and whole runs with real worker threads:
 * metrics and the worker count, checkpoint and resume, stop, and a worker that crashes.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadExperimentConfig } from '../../server/src/experiments';
import { createAlgorithm, selectBackend, train } from '../../server/src/training/engine';
import { builtinTrainingEnv } from '../../server/src/training/envs/trainingEnv';
import { SharedState, sharedRmsPropStep } from '../../server/src/training/algos/a3c/shared';
import { A3cWorkerAgent } from '../../server/src/training/algos/a3c/workerAgent';
import type { A3C } from '../../server/src/training/algos/a3c/a3c';
import type { AlgoCheckpoint } from '../../server/src/training/algos/checkpoint';
import type { ResolvedConfig } from '../../server/src/schema';
import type { MetricRow } from '../../server/src/training/engine';

function config(extra = '', env = 'CartPole-v1', file = 'unit.rl.yaml', overrides: string[] = []): ResolvedConfig {
  const text = `exp:\n  algo: a3c\n  env: ${env}\n  seed: 3\n  n_envs: 2\n  n_timesteps: 4000\n  n_workers: 2\n  policy_kwargs: "dict(net_arch=[16])"\n${extra}`;
  const r = loadExperimentConfig(text, file, 'exp', overrides);
  if ('error' in r) throw new Error(r.error.message);
  return r.config;
}

describe('a3c', () => {
  before(async () => {
    await selectBackend();
  });

  it('shared RMSProp: v <- alpha v + (1 - alpha) g^2; theta <- theta - lr g / (sqrt(v) + eps), in place', () => {
    const s = SharedState.create(2);
    s.params.set([1, -2]);
    s.square.set([0.5, 0]);
    sharedRmsPropStep(s, Float32Array.from([2, -1]), 0.1, 0.9, 1e-5);
    const v0 = 0.9 * 0.5 + 0.1 * 4;
    const v1 = 0.1 * 1;
    assert.ok(Math.abs(s.square[0] - v0) < 1e-6 && Math.abs(s.square[1] - v1) < 1e-6);
    assert.ok(Math.abs(s.params[0] - (1 - (0.1 * 2) / (Math.sqrt(v0) + 1e-5))) < 1e-6);
    assert.ok(Math.abs(s.params[1] - (-2 + 0.1 / (Math.sqrt(v1) + 1e-5))) < 1e-6);
  });

  it('a worker update writes the shared parameters and counters, and leaks no tensors', async () => {
    const cfg = config();
    const main = (await createAlgorithm(cfg)) as A3C;
    const shared = (main as unknown as { shared: SharedState }).shared;
    const before = shared.params.slice();
    const agent = new A3cWorkerAgent({ ...cfg, seed: 11 }, builtinTrainingEnv(cfg), shared);
    const first = agent.iteration(1);
    for (const k of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'losses/explained_variance', 'charts/learning_rate', 'charts/staleness']) {
      assert.ok(Number.isFinite(first[k]), `${k} = ${first[k]}`);
    }
    const tensors = tf.memory().numTensors;
    agent.iteration(0.9);
    agent.iteration(0.8);
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked by an update');
    assert.equal(shared.updates, 3);
    assert.notDeepEqual(Array.from(shared.params), Array.from(before), 'the shared parameters moved');
    // The main thread's policy reads the shared parameters each time it is asked for.
    const obs = Float32Array.from([0.01, 0, 0.02, 0]);
    main.trainedPolicy().actDeterministic(obs);
    const mainTensors = tf.memory().numTensors;
    agent.iteration(0.7);
    main.trainedPolicy().actDeterministic(obs);
    assert.equal(tf.memory().numTensors, mainTensors, 'tensors leaked by reading the shared parameters');
    agent.dispose();
    main.dispose();
  });

  it('trains with real worker threads: metrics, worker count, async updates, checkpoint and resume', { timeout: 120_000 }, async () => {
    const rows: MetricRow[] = [];
    let final: AlgoCheckpoint | undefined;
    const cfg = config();
    const result = await train(cfg, {
      onMetrics: (r) => rows.push(r),
      onCheckpoint: (c, isFinal) => {
        if (isFinal) final = c;
      },
    });
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.globalStep >= 4000);
    assert.ok(rows.length >= 2);
    const last = rows[rows.length - 1];
    assert.equal(last['charts/workers'], 2);
    assert.ok(last['charts/async_updates'] >= 4000 / (5 * 2) - 2, `async updates ${last['charts/async_updates']}`);
    assert.deepEqual(new Set(rows.map((r) => r['charts/worker'])), new Set([0, 1]), 'both workers reported');
    for (const k of ['losses/policy_loss', 'losses/value_loss', 'losses/entropy', 'charts/SPS', 'charts/episodic_return']) assert.ok(rows.some((r) => Number.isFinite(r[k])), k);
    assert.ok(final && final.algo === 'a3c' && final.globalStep === result.globalStep && final.policy);
    const updates = final.state.updates as number;

    // Resume with a larger budget: the step and update counts continue, the parameters are the saved ones.
    const longer = { ...cfg, n_timesteps: 6000 };
    const a = (await createAlgorithm(longer)) as A3C;
    await a.loadCheckpoint(final);
    const resumedRows: MetricRow[] = [];
    const resumed = await a.learn({ onMetrics: (r) => resumedRows.push(r) });
    assert.equal(resumed.status, 'completed', resumed.error);
    assert.ok(resumed.globalStep >= 6000);
    assert.ok(resumedRows[0].step > final.globalStep);
    assert.ok(resumedRows[resumedRows.length - 1]['charts/async_updates'] > updates);
  });

  it('stop: the threads finish their update and exit, the run is stopped with a final checkpoint', { timeout: 120_000 }, async () => {
    let rows = 0;
    let finalCheckpoints = 0;
    const result = await train({ ...config(), n_timesteps: 1_000_000 }, {
      onMetrics: () => rows++,
      shouldStop: () => rows >= 2,
      onCheckpoint: (_c, isFinal) => {
        if (isFinal) finalCheckpoints++;
      },
    });
    assert.equal(result.status, 'stopped');
    assert.ok(result.globalStep < 1_000_000);
    assert.equal(finalCheckpoints, 1);
  });

  it('a worker that crashes fails the run with its error; the metrics before it are kept', { timeout: 120_000 }, async () => {
    const file = join(__dirname, '../fixtures/envs/unit.rl.yaml');
    const cfg = config('  env_module: fails-later.js\n', 'custom', file, ['n_timesteps=100000', 'n_envs=1']);
    const rows: MetricRow[] = [];
    const result = await train(cfg, { onMetrics: (r) => rows.push(r) });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /A3C worker [01] failed: .*the env failed after 1500 steps/);
    assert.ok(rows.length >= 1, `metrics before the crash: ${rows.length}`);
  });

  it('refuses normalize with a clear error', async () => {
    const result = await train(config('  normalize: true\n'), { onMetrics() {} });
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /a3c does not support normalize/);
  });
});
