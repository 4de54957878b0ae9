/**
 * Checkpoints of PPO: a restored algorithm has exactly the saved parameters, optimizer state,
 * RNG streams and normalization statistics; training from a checkpoint continues the step
 * count; checkpoints are written atomically and the newest readable one wins; the exported
 * TensorFlow.js layers model loads back (tfjs-core + a minimal Dense loader) and acts as the
 * restored policy does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PPO } from '../../server/src/training/algos/ppo/ppo';
import { decodeFloat32, type AlgoCheckpoint } from '../../server/src/training/algos/checkpoint';
import { checkpointPath, KEEP_CHECKPOINTS, latestCheckpoint, listCheckpoints, writeCheckpoint } from '../../server/src/training/checkpointStore';
import { restorePolicy, selectBackend, train } from '../../server/src/training/engine';
import { exportPolicy, MODEL_FILE, WEIGHTS_FILE, type LayersModelJson } from '../../server/src/training/exportPolicy';
import { Rng } from '../../server/src/training/rng';
import type { ResolvedConfig } from '../../server/src/schema';

function config(env: 'CartPole-v1' | 'Pendulum-v1', n_timesteps = 1024, normalize = false): ResolvedConfig {
  return {
    experiment: 'ckpt',
    algo: 'ppo',
    env,
    n_envs: 2,
    n_timesteps,
    seed: 11,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [16, 16], vf: [16, 16] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    ...(normalize ? { normalize: { norm_obs: true, norm_reward: true, clip_obs: 10, clip_reward: 10, gamma: 0.99, epsilon: 1e-8 } } : {}),
    hyperparameters: {
      learning_rate: 'lin_0.001', n_steps: 64, batch_size: 32, n_epochs: 2, gamma: 0.99, gae_lambda: 0.95,
      clip_range: 0.2, clip_range_vf: null, normalize_advantage: true, ent_coef: 0.01, vf_coef: 0.5,
      max_grad_norm: 0.5, target_kl: null,
    },
  };
}

const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rl-lab-ckpt-'));
  temps.push(d);
  return d;
};
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Strips what legitimately differs between two snapshots of the same state (the time taken). */
function comparable(c: AlgoCheckpoint): unknown {
  const { savedAt: _s, elapsedSeconds: _e, ...rest } = c;
  return rest;
}

describe('checkpoints', () => {
  before(async () => {
    await selectBackend();
  });

  it('Rng state round-trips: a restored stream continues identically', () => {
    const a = new Rng(5, 'x');
    for (let i = 0; i < 7; i++) a.normal(); // leaves a spare Box–Muller deviate
    const b = new Rng(0, 'other');
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 0; i < 20; i++) assert.equal(b.normal(), a.normal());
  });

  for (const [env, normalize] of [['CartPole-v1', false], ['Pendulum-v1', true]] as const) {
    it(`${env}${normalize ? ' (normalized)' : ''}: a restored PPO has exactly the saved state`, async () => {
      const ppo = new PPO(config(env, 1024, normalize));
      ppo.iteration(1);
      ppo.iteration(0.9);
      const tensorsBeforeSave = tf.memory().numTensors;
      const saved = await ppo.saveCheckpoint();
      assert.equal(tf.memory().numTensors, tensorsBeforeSave, 'saving leaks no tensors');
      assert.equal(saved.globalStep, 256);
      assert.equal(saved.algo, 'ppo');
      assert.equal(saved.env, env);
      const opt = saved.state.optimizer as { iterations: number; weights: unknown[] };
      assert.ok(opt.iterations > 0, 'Adam step count saved');
      assert.equal(opt.weights.length, 2, 'Adam first and second moments saved');
      ppo.dispose();

      const tensorsBefore = tf.memory().numTensors;
      const restored = new PPO(config(env, 1024, normalize));
      await restored.loadCheckpoint(JSON.parse(JSON.stringify(saved)) as AlgoCheckpoint);
      const again = await restored.saveCheckpoint();
      // Parameters, Adam moments and step, RNG streams, normalization statistics, counters.
      assert.deepEqual(comparable(again), comparable(saved));
      restored.dispose();
      assert.equal(tf.memory().numTensors, tensorsBefore, 'restoring leaks no tensors');
    });
  }

  it('a resumed run continues from the checkpoint step to the end, with periodic and final checkpoints', async () => {
    const cfg = config('CartPole-v1', 1024);
    const checkpoints: { step: number; final: boolean; ckpt: AlgoCheckpoint }[] = [];
    const first = await train(cfg, {
      onMetrics: () => undefined,
      checkpointFreq: 256,
      shouldStop: () => checkpoints.some((c) => c.step >= 512),
      onCheckpoint: (ckpt, final) => void checkpoints.push({ step: ckpt.globalStep, final, ckpt }),
    });
    assert.equal(first.status, 'stopped');
    assert.deepEqual(checkpoints.map((c) => [c.step, c.final]), [[256, false], [512, false], [512, true]]);

    const steps: number[] = [];
    const resumed = await train(cfg, { onMetrics: (row) => void steps.push(row.step), checkpointFreq: 0 }, { resume: checkpoints[1].ckpt });
    assert.equal(resumed.status, 'completed', resumed.error);
    assert.equal(resumed.globalStep, 1024);
    assert.deepEqual(steps, [640, 768, 896, 1024], 'steps continue after the checkpoint');
  });

  it('refuses a checkpoint of another env', async () => {
    const ppo = new PPO(config('CartPole-v1'));
    const saved = await ppo.saveCheckpoint();
    ppo.dispose();
    const r = await train(config('Pendulum-v1'), { onMetrics: () => undefined }, { resume: saved });
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /env 'CartPole-v1'/);
  });

  it('writes checkpoints atomically, keeps the newest, and falls back past a damaged one', async () => {
    const runDir = tempDir();
    const ppo = new PPO(config('CartPole-v1'));
    const base = await ppo.saveCheckpoint();
    ppo.dispose();
    for (const step of [100, 200, 300, 400]) writeCheckpoint(runDir, { ...base, globalStep: step });
    assert.deepEqual(listCheckpoints(runDir).map((c) => c.step), [200, 300, 400].slice(-KEEP_CHECKPOINTS));
    assert.deepEqual(readdirSync(join(runDir, 'checkpoints')).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
    writeFileSync(checkpointPath(runDir, 500), '{"version":1,"algo":"ppo","glo'); // torn by hand
    assert.equal(latestCheckpoint(runDir)?.checkpoint.globalStep, 400);
    assert.equal(latestCheckpoint(tempDir()), undefined);
  });

  it('exports a TensorFlow.js layers model that loads back and acts like the restored policy', async () => {
    for (const env of ['CartPole-v1', 'Pendulum-v1'] as const) {
      const runDir = tempDir();
      const cfg = config(env);
      const ppo = new PPO(cfg);
      ppo.iteration(1);
      const ckpt = await ppo.saveCheckpoint();
      ppo.dispose();
      writeCheckpoint(runDir, ckpt);
      const { dir } = exportPolicy(runDir);

      // Loaded by TensorFlow.js's own layers loader (tfjs-layers), as a user of the export would.
      const model = JSON.parse(readFileSync(join(dir, MODEL_FILE), 'utf8')) as LayersModelJson;
      assert.equal(model.format, 'layers-model');
      assert.equal(model.modelTopology.class_name, 'Sequential');
      const bin = readFileSync(join(dir, WEIGHTS_FILE));
      const specs = model.weightsManifest[0].weights;
      assert.equal(bin.byteLength, specs.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0));
      const loaded = await tfl.loadLayersModel({
        load: async () => ({
          modelTopology: model.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
          format: model.format,
          weightSpecs: specs as tf.io.WeightsManifestEntry[],
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }),
      });
      assert.deepEqual(loaded.inputs[0].shape, [null, cfg.env === 'CartPole-v1' ? 4 : 3]);
      const forward = (obs: Float32Array): Float32Array =>
        tf.tidy(() => (loaded.predict(tf.tensor2d(obs, [1, obs.length])) as tf.Tensor).dataSync() as Float32Array);

      const { policy, dispose } = await restorePolicy(cfg, ckpt);
      const rng = new Rng(1, 'obs');
      for (let i = 0; i < 10; i++) {
        const obs = Float32Array.from({ length: env === 'CartPole-v1' ? 4 : 3 }, () => rng.uniform(-1, 1));
        const out = forward(obs);
        const action = Array.from(policy.actDeterministic(obs));
        if (env === 'CartPole-v1') assert.equal(out.indexOf(Math.max(...out)), action[0]);
        else assert.ok(Math.abs(Math.min(Math.max(out[0], -2), 2) - action[0]) < 1e-5, `${out[0]} vs ${action[0]}`);
      }
      dispose();
      loaded.dispose();
      // The policy section decodes to the kernel shapes the topology declares.
      assert.equal(decodeFloat32(ckpt.policy!.layers[0].kernel).length, specs[0].shape[0] * specs[0].shape[1]);
    }
  });
});
