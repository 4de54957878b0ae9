/**
 * Smoke test, not a learning threshold: the engine's PPO trains on both LunarLander variants for
 * a few thousand steps, finishes episodes (crashes end them early) and reports finite losses.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ResolvedConfig } from '../../server/src/schema';
import { selectBackend, train, type MetricRow } from '../../server/src/training/engine';

function config(env: string): ResolvedConfig {
  return {
    experiment: 'lunar-smoke',
    algo: 'ppo',
    env,
    env_kwargs: {},
    n_envs: 4,
    n_timesteps: 4096,
    seed: 5,
    policy: 'MlpPolicy',
    policy_kwargs: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
    hyperparameters: {
      learning_rate: 3e-4, n_steps: 256, batch_size: 64, n_epochs: 2, gamma: 0.999, gae_lambda: 0.98,
      clip_range: 0.2, clip_range_vf: null, normalize_advantage: true, ent_coef: 0.01, vf_coef: 0.5,
      max_grad_norm: 0.5, target_kl: null,
    },
  };
}

describe('PPO on LunarLander (smoke)', () => {
  before(async () => {
    await selectBackend();
  });

  for (const env of ['LunarLander-v3', 'LunarLanderContinuous-v3']) {
    it(`${env}: 4096 steps complete with finite losses and finished episodes`, async () => {
      const rows: MetricRow[] = [];
      const result = await train(config(env), { onMetrics: (r) => rows.push(r) });
      assert.equal(result.status, 'completed', result.error);
      assert.equal(result.globalStep, 4096);
      const returns = rows.map((r) => r['charts/episodic_return']).filter((v): v is number => typeof v === 'number');
      assert.ok(returns.length > 0, 'no episode finished in 4096 steps');
      for (const r of returns) assert.ok(Number.isFinite(r) && r > -1000 && r < 400, `episodic return ${r}`);
      const losses = rows.map((r) => r['losses/value_loss']).filter((v): v is number => typeof v === 'number');
      assert.ok(losses.length > 0 && losses.every(Number.isFinite));
    });
  }
});
