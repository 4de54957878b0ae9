import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { NormalizeConfig, ResolvedConfig } from '../../server/src/schema';
import { makeVecEnv } from '../../server/src/training/envs/registry';
import { RMS_INITIAL_COUNT, RunningMeanStd } from '../../server/src/training/envs/runningMeanStd';
import { NORMALIZE_DEFAULTS, VecNormalize } from '../../server/src/training/envs/vecNormalize';
import { loadNormalizer, NORMALIZATION_FILE, readNormalization } from '../../server/src/training/normalizationFile';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { Rng } from '../../server/src/training/rng';
import { createRun } from '../../server/src/training/runStore';

/** Mean and population variance per column, pooled with SB3's prior (mean 0, var 1, count 1e-4). */
function direct(rows: number[][]): { mean: number[]; var: number[] } {
  const n = rows.length;
  const dim = rows[0].length;
  const total = n + RMS_INITIAL_COUNT;
  const mean = Array.from({ length: dim }, (_, d) => rows.reduce((a, r) => a + r[d], 0) / total);
  // Pooled M2 of the prior group and the data: eps * (var0 + (0 - mean)^2) + sum (x - mean)^2.
  const variance = mean.map((m, d) => (RMS_INITIAL_COUNT * (1 + m * m) + rows.reduce((a, r) => a + (r[d] - m) ** 2, 0)) / total);
  return { mean, var: variance };
}

describe('RunningMeanStd (Chan et al. parallel update, as SB3)', () => {
  it('matches a direct computation over every sample, whatever the batch sizes', () => {
    const rng = new Rng(7);
    const rows = Array.from({ length: 1000 }, () => [rng.normal() * 3 + 5, rng.uniform(-2, 10), rng.normal() * 0.01]);
    const rms = new RunningMeanStd(3);
    let i = 0;
    for (const size of [1, 7, 100, 2, 390, 500]) {
      rms.update(rows.slice(i, i + size).flat(), size);
      i += size;
    }
    assert.equal(i, rows.length);
    const want = direct(rows);
    for (let d = 0; d < 3; d++) {
      assert.ok(Math.abs(rms.mean[d] - want.mean[d]) < 1e-9 * Math.max(1, Math.abs(want.mean[d])), `mean[${d}]`);
      assert.ok(Math.abs(rms.var[d] - want.var[d]) < 1e-9 * Math.max(1, want.var[d]), `var[${d}] ${rms.var[d]} vs ${want.var[d]}`);
    }
    assert.ok(Math.abs(rms.count - (1000 + RMS_INITIAL_COUNT)) < 1e-9);
  });

  it('round-trips through JSON', () => {
    const rms = new RunningMeanStd(2);
    rms.update([1, 2, 3, 4, 5, 7], 3);
    const back = RunningMeanStd.fromJSON(JSON.parse(JSON.stringify(rms.toJSON())));
    assert.deepEqual(Array.from(back.mean), Array.from(rms.mean));
    assert.deepEqual(Array.from(back.var), Array.from(rms.var));
    assert.equal(back.count, rms.count);
  });
});

function randomRollout(venv: VecNormalize, steps: number, seed: number, onStep: (t: number) => void): void {
  const rng = new Rng(seed);
  const actions = new Float32Array(venv.numEnvs);
  venv.reset();
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < actions.length; i++) actions[i] = rng.int(2);
    venv.step(actions, 1);
    onStep(t);
  }
}

describe('VecNormalize on CartPole-v1 random rollouts', () => {
  it('gives observations with about zero mean and unit variance', () => {
    const venv = new VecNormalize(makeVecEnv('CartPole-v1', 8, 0), NORMALIZE_DEFAULTS);
    const seen: number[][] = [];
    randomRollout(venv, 3000, 1, (t) => {
      if (t < 500) return; // let the statistics settle first
      for (let i = 0; i < venv.numEnvs; i++) seen.push(Array.from(venv.obs.subarray(i * 4, i * 4 + 4)));
    });
    for (let d = 0; d < 4; d++) {
      const col = seen.map((r) => r[d]);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
      assert.ok(Math.abs(mean) < 0.1, `obs[${d}] mean ${mean}`);
      assert.ok(variance > 0.8 && variance < 1.2, `obs[${d}] variance ${variance}`);
    }
  });

  it('scales rewards by the std of the discounted return, keeps episode returns raw', () => {
    const config: NormalizeConfig = { ...NORMALIZE_DEFAULTS, gamma: 0.9 };
    const venv = new VecNormalize(makeVecEnv('CartPole-v1', 4, 2), config);
    // The discounted-return series, computed directly: ret = gamma * ret + r, zeroed after each episode.
    const ret = new Float64Array(4);
    const series: number[] = [];
    let episodes = 0;
    randomRollout(venv, 400, 3, () => {
      const raw = (venv.venv as unknown as { rewards: Float64Array }).rewards;
      for (let i = 0; i < 4; i++) {
        ret[i] = ret[i] * 0.9 + raw[i];
        series.push(ret[i]);
        const expected = Math.min(Math.max(raw[i] / Math.sqrt(venv.normalizer.retRms.var[0] + 1e-8), -10), 10);
        assert.ok(Math.abs(venv.rewards[i] - expected) < 1e-12);
        if (venv.terminated[i] || venv.truncated[i]) ret[i] = 0;
      }
      for (const ep of venv.finished) {
        // CartPole pays +1 per step: the raw return equals the length.
        assert.equal(ep.return, ep.length);
        episodes++;
      }
    });
    assert.ok(episodes > 10);
    const want = direct(series.map((x) => [x]));
    assert.ok(Math.abs(venv.normalizer.retRms.var[0] - want.var[0]) < 1e-9 * want.var[0]);
    assert.ok(Math.abs(venv.normalizer.retRms.mean[0] - want.mean[0]) < 1e-9 * want.mean[0]);
  });

  it('freezes the statistics when not training', () => {
    const venv = new VecNormalize(makeVecEnv('CartPole-v1', 2, 0), NORMALIZE_DEFAULTS);
    randomRollout(venv, 50, 1, () => undefined);
    const before = JSON.stringify(venv.toJSON());
    venv.training = false;
    randomRollout(venv, 50, 2, () => undefined);
    assert.equal(JSON.stringify(venv.toJSON()), before);
  });

  it('normalizes the final observation of an ended episode with the same statistics', () => {
    const venv = new VecNormalize(makeVecEnv('CartPole-v1', 1, 0), NORMALIZE_DEFAULTS);
    const raw = venv.venv as unknown as { finalObs: Float32Array };
    let checked = false;
    randomRollout(venv, 200, 4, () => {
      if (!venv.terminated[0] && !venv.truncated[0]) return;
      const copy = Float32Array.from(raw.finalObs.subarray(0, 4));
      venv.normalizer.normalizeObs(copy, 1);
      assert.deepEqual(Array.from(venv.finalObs.subarray(0, 4)), Array.from(copy));
      checked = true;
    });
    assert.ok(checked);
  });
});

describe('normalize in experiment files', () => {
  const load = (value: string) => loadExperimentConfig(`e:\n  algo: ppo\n  env: CartPole-v1\n  seed: 1\n  gamma: 0.95\n  normalize: ${value}\n`, 'x.rl.yaml', undefined);

  it('true means SB3 defaults with the algorithm gamma; false is off', () => {
    const on = load('true');
    assert.ok('config' in on);
    assert.deepEqual(on.config.normalize, { ...NORMALIZE_DEFAULTS, gamma: 0.95 });
    assert.equal(on.warnings.length, 0);
    const off = load('false');
    assert.ok('config' in off && off.config.normalize === false);
  });

  it("reads RL Zoo's dict string and a YAML mapping", () => {
    const zoo = load(`"{'norm_obs': True, 'norm_reward': False}"`);
    assert.ok('config' in zoo, JSON.stringify(zoo));
    assert.deepEqual(zoo.config.normalize, { ...NORMALIZE_DEFAULTS, gamma: 0.95, norm_reward: false });
    const mapping = load('\n    norm_obs: false\n    clip_reward: 5\n    gamma: 0.999');
    assert.ok('config' in mapping, JSON.stringify(mapping));
    assert.deepEqual(mapping.config.normalize, { ...NORMALIZE_DEFAULTS, norm_obs: false, clip_reward: 5, gamma: 0.999 });
  });

  it('rejects unknown options and bad values with the key and line', () => {
    const bad = load(`"{'norm_obs': True, 'clip_ob': 5}"`);
    assert.ok('error' in bad);
    assert.equal(bad.error.line, 6);
    assert.match(bad.error.message, /unknown VecNormalize option 'clip_ob'.*clip_obs/);
    const neg = load('\n    clip_obs: -1');
    assert.ok('error' in neg);
    assert.match(neg.error.message, /clip_obs' must be a number > 0/);
  });
});

describe('PPO with normalize: true', () => {
  it('trains on CartPole-v1 and saves normalization.json that loads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-lab-norm-'));
    try {
      const config: ResolvedConfig = {
        experiment: 'norm', algo: 'ppo', env: 'CartPole-v1', env_kwargs: {}, n_envs: 8, n_timesteps: 20000, seed: 1,
        normalize: { ...NORMALIZE_DEFAULTS, gamma: 0.98 },
        policy: 'MlpPolicy',
        policy_kwargs: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
        hyperparameters: {
          learning_rate: 'lin_0.001', n_steps: 32, batch_size: 256, n_epochs: 20, gamma: 0.98, gae_lambda: 0.8,
          clip_range: 'lin_0.2', clip_range_vf: null, normalize_advantage: true, ent_coef: 0, vf_coef: 0.5,
          max_grad_norm: 0.5, target_kl: null,
        },
      };
      const run = createRun({ runsDir: dir, workspaceRoot: dir, filePath: join(dir, 'x.rl.yaml'), config, pid: process.pid });
      const returns: number[] = [];
      const { run: done } = await trainAndRecord({
        runDir: run.runDir, config, shouldStop: () => false,
        events: { metrics: (row) => row['charts/episodic_return'] !== undefined && returns.push(row['charts/episodic_return']) },
      });
      assert.equal(done.status, 'completed', done.error);
      // Episodic returns are the raw CartPole returns (steps survived), and learning happened.
      assert.ok(returns.every((r) => r >= 8 && r <= 500 && Number.isFinite(r)));
      console.log(`normalize: true, CartPole-v1, ${done.globalStep} steps: mean return ${done.meanReturn}`);
      assert.ok(done.meanReturn !== undefined && done.meanReturn > 100, `mean return ${done.meanReturn}`);

      const state = readNormalization(run.runDir);
      assert.ok(state, `${NORMALIZATION_FILE} written`);
      assert.deepEqual(state.config, config.normalize);
      // Every observation the policy saw: the 8 after reset and one per env step.
      assert.ok(Math.abs(state.obsRms.count - (8 + done.globalStep + RMS_INITIAL_COUNT)) < 1e-6);
      assert.ok(state.obsRms.var.every((v) => v > 0 && Number.isFinite(v)));
      JSON.parse(readFileSync(join(run.runDir, NORMALIZATION_FILE), 'utf8'));

      const normalizer = loadNormalizer(run.runDir);
      assert.ok(normalizer);
      assert.equal(normalizer.training, false);
      const obs = Float32Array.from(state.obsRms.mean);
      normalizer.normalizeObs(obs, 1);
      assert.ok(Array.from(obs).every((x) => Math.abs(x) < 1e-6), 'the mean observation normalizes to 0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
