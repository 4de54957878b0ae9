/**
 * Behaviour cloning (server/src/training/algos/bc): reading demonstrations (pairs, episodes,
 * errors naming file and line), the imitation losses' gradients, no tensor leak across
 * epochs, and a checkpoint that resumes exactly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { loadExperimentConfig } from '../../server/src/experiments';
import { createAlgorithm, selectBackend } from '../../server/src/training/engine';
import { envSpec } from '../../server/src/training/envs/registry';
import { parseDemonstrations } from '../../server/src/training/algos/bc/demonstrations';
import { imitationLoss } from '../../server/src/training/algos/bc/loss';
import type { BC } from '../../server/src/training/algos/bc/bc';
import type { PolicyHead } from '../../server/src/training/algos/pg/head';
import type { ResolvedConfig } from '../../server/src/schema';

const CARTPOLE = envSpec('CartPole-v1', {});
const PENDULUM = envSpec('Pendulum-v1', {});

function config(file: string, extra = ''): ResolvedConfig {
  const text = `exp:\n  algo: bc\n  env: CartPole-v1\n  seed: 4\n  demonstrations: demos.jsonl\n  batch_size: 32\n  n_epochs: 5\n  eval_episodes: 1\n  policy_kwargs: "dict(net_arch=[16])"\n${extra}`;
  const r = loadExperimentConfig(text, file, 'exp');
  if ('error' in r) throw new Error(r.error.message);
  return r.config;
}

/** A toy expert on CartPole's observation space: push towards the side the pole leans to. */
function demoFile(dir: string): string {
  const lines: string[] = [];
  for (let e = 0; e < 4; e++) {
    const observations: number[][] = [];
    const actions: number[] = [];
    for (let t = 0; t < 50; t++) {
      const o = [Math.sin(e + t), Math.cos(3 * t), Math.sin(7 * t + e) * 0.2, Math.cos(5 * t)];
      observations.push(o);
      actions.push(o[2] + 0.5 * o[3] > 0 ? 1 : 0);
    }
    lines.push(JSON.stringify({ return: 50, observations, actions }));
  }
  lines.push(JSON.stringify({ obs: [0, 0, 0.1, 0], action: 1 }));
  const file = join(dir, 'demos.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('bc', () => {
  before(async () => {
    await selectBackend();
  });

  it('reads pairs and episodes; errors name the file, the line and what is wrong', () => {
    const d = parseDemonstrations('{"obs":[1,2,3,4],"action":1}\n\n{"observations":[[0,0,0,0],[1,1,1,1]],"actions":[0,1],"return":2}\n', 'd.jsonl', CARTPOLE, 4);
    assert.equal(d.count, 3);
    assert.deepEqual(Array.from(d.actions), [1, 0, 1]);
    assert.deepEqual(Array.from(d.obs.subarray(8, 12)), [1, 1, 1, 1]);
    assert.deepEqual(d.episodeReturns, [2]);
    const box = parseDemonstrations('{"obs":[1,0,0],"action":[0.5]}\n{"obs":[1,0,0],"action":-1.5}\n', 'p.jsonl', PENDULUM, 3);
    assert.deepEqual(Array.from(box.actions), [0.5, -1.5]);
    const bad: [string, RegExp][] = [
      ['{"obs":[1,2,3],"action":1}', /d\.jsonl:1: observation 0 must be 4 finite numbers/],
      ['{"obs":[1,2,3,4],"action":2}', /d\.jsonl:1: action 0 must be an integer in \[0, 2\)/],
      ['\n{"obs":[1,2,3,4]}', /d\.jsonl:2: expected \{"obs"/],
      ['{nope', /d\.jsonl:1: not JSON/],
      ['{"observations":[[1,2,3,4]],"actions":[]}', /1 observations but 0 actions/],
      ['', /no demonstration pairs/],
    ];
    for (const [text, message] of bad) assert.throws(() => parseDemonstrations(text, 'd.jsonl', CARTPOLE, 4), message);
  });

  it('imitation losses: the gradients match finite differences (cross-entropy and MSE)', () => {
    const check = (head: PolicyHead, actions: Float32Array, rows: number) => {
      const { gradOut, loss } = imitationLoss(head, actions, rows);
      const h = 1e-3;
      for (let i = 0; i < head.out.length; i++) {
        const out = Float32Array.from(head.out);
        out[i] += h;
        const numeric = (imitationLoss({ ...head, out }, actions, rows).loss - loss) / h;
        assert.ok(Math.abs(numeric - gradOut[i]) < 2e-3, `d loss / d out[${i}]: ${gradOut[i]} vs ${numeric}`);
      }
    };
    check({ distribution: 'categorical', piDim: 3, out: Float32Array.from([0.1, -0.4, 0.7, 9, 1.2, 0.3, -0.5, 9]), logStd: null }, Float32Array.from([2, 0]), 2);
    check({ distribution: 'gaussian', piDim: 2, out: Float32Array.from([0.1, -0.4, 9, 1.2, 0.3, 9]), logStd: Float32Array.from([0, 0]) }, Float32Array.from([0.5, 0.5, -1, 2]), 2);
    const ce = imitationLoss({ distribution: 'categorical', piDim: 2, out: Float32Array.from([0, 0, 0]), logStd: null }, Float32Array.from([1]), 1);
    assert.ok(Math.abs(ce.loss - Math.log(2)) < 1e-9);
  });

  it('trains epochs without leaking tensors, imitates, and resumes exactly from a checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-lab-bc-'));
    demoFile(dir);
    const cfg = config(join(dir, 'exp.rl.yaml'));
    assert.equal((cfg.hyperparameters as { demonstrations: string }).demonstrations, join(dir, 'demos.jsonl'), 'resolved against the experiment file');
    const a = (await createAlgorithm(cfg)) as BC;
    const demos = await a.prepare();
    assert.equal(demos.count, 201);
    const first = a.trainEpoch(1);
    for (const k of ['losses/bc_loss', 'eval/bc_loss', 'train/action_accuracy', 'eval/action_accuracy']) assert.ok(Number.isFinite(first[k]), k);
    const tensors = tf.memory().numTensors;
    a.trainEpoch(0.8);
    a.trainEpoch(0.6);
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked by an epoch');

    const checkpoint = await a.saveCheckpoint();
    assert.equal(checkpoint.algo, 'bc');
    assert.ok(checkpoint.policy && checkpoint.policy.layers.length === 2);
    // Two restores continue identically (Adam's bias-correction powers are recomputed from the
    // step count on restore, so the original may differ from them in the last float bits).
    const restore = async () => {
      const x = (await createAlgorithm(cfg)) as BC;
      await x.prepare();
      await x.loadCheckpoint(checkpoint);
      return x;
    };
    const b = await restore();
    const c = await restore();
    const mb = b.trainEpoch(0.4);
    assert.deepEqual(mb, c.trainEpoch(0.4));
    const ma = a.trainEpoch(0.4);
    assert.ok(Math.abs(ma['losses/bc_loss'] - mb['losses/bc_loss']) < 1e-5, 'the restored run continues the original');
    assert.equal(mb['train/epoch'], ma['train/epoch']);
    for (let k = 0; k < 20; k++) a.trainEpoch(0.5);
    const held = a.trainEpoch(0.5)['eval/action_accuracy'];
    assert.ok(held >= 0.8, `held-out accuracy on a linear expert: ${held}`);
    assert.equal(a.evaluate(2).length, 2);
    for (const x of [a, b, c]) x.dispose();
  });

  it('a missing file or demonstrations key fails the run with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-lab-bc-'));
    const { train } = await import('../../server/src/training/engine');
    const missing = await train(config(join(dir, 'exp.rl.yaml')), { onMetrics() {} });
    assert.equal(missing.status, 'failed');
    assert.match(missing.error ?? '', /demonstrations file .*demos\.jsonl does not exist/);
    const text = 'exp:\n  algo: bc\n  env: CartPole-v1\n  seed: 1\n';
    const r = loadExperimentConfig(text, join(dir, 'x.rl.yaml'), 'exp');
    if ('error' in r) throw new Error(r.error.message);
    const none = await train(r.config, { onMetrics() {} });
    assert.match(none.error ?? '', /bc needs `demonstrations`/);
  });
});
