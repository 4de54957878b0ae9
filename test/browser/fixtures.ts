import type { MetricRow, RunSummary } from '../../server/src/protocol/types';

/**
 * Runs and metric rows shaped like what the worker logs for PPO on CartPole-v1 (one row per
 * update, every 256 env steps). Values follow fixed formulas (no randomness), so the test is
 * deterministic.
 */
export const STEPS_PER_UPDATE = 256;

export function ppoRows(fromUpdate: number, count: number, startTime = Date.UTC(2026, 0, 1)): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let k = fromUpdate; k < fromUpdate + count; k++) {
    const step = (k + 1) * STEPS_PER_UPDATE;
    rows.push({
      step,
      time: startTime + k * 120,
      'charts/episodic_return': Math.min(500, 20 + 480 * (1 - Math.exp(-k / 60))) + 15 * Math.sin(k),
      'losses/approx_kl': 0.004 + 0.002 * Math.cos(k / 25) * Math.exp(-k / 200),
      'losses/policy_loss': -0.01 - 0.005 * Math.sin(k / 30),
      'losses/value_loss': 40 * Math.exp(-k / 80) + 1,
      'losses/entropy': 0.69 - 0.3 * (1 - Math.exp(-k / 100)),
      'losses/clipfrac': 0.1 + 0.05 * Math.sin(k / 40),
      'losses/explained_variance': 1 - Math.exp(-k / 40),
      'charts/SPS': 2000 + 100 * (1 - Math.exp(-k / 20)),
      'charts/learning_rate': 0.001 * (1 - step / 100_000),
    });
  }
  return rows;
}

export function run(over: Partial<RunSummary> & Pick<RunSummary, 'id' | 'status'>): RunSummary {
  return {
    experiment: 'cartpole-ppo',
    file: 'examples/cartpole.rl.yaml',
    algo: 'ppo',
    env: 'CartPole-v1',
    seed: 1,
    startTime: '2026-01-01T00:00:00.000Z',
    backend: 'wasm',
    globalStep: 0,
    totalSteps: 100_000,
    runDir: `.rl-lab/runs/${over.id}`,
    ...over,
  };
}
