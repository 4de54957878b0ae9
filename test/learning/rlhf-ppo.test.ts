/**
 * PPO-RLHF learning test: from an SFT model that writes fluent but neutral text on
 * text/positive-words, PPO with the per-token KL penalty and the task's reward raises the
 * held-out task reward clearly above the SFT model's (eval/reward_mean at step 0), while the
 * KL to the reference stays bounded.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mean, POSITIVE_SFT, series, Workspace } from './rlhfChain';

const ws = new Workspace(`${POSITIVE_SFT}
ppo:
  algo: ppo_rlhf
  env: text/positive-words
  init_from: sft
  seed: 1
  n_timesteps: 448
  batch_size: 32
  mini_batch_size: 8
  n_epochs: 4
  learning_rate: 0.0003
  kl_coef: 0.1
  max_new_tokens: 16
`);
after(() => ws.dispose());

describe('ppo_rlhf learning', () => {
  it('raises the task reward clearly above the SFT model with a bounded KL', { timeout: 20 * 60_000 }, async () => {
    await ws.train('sft');
    const { rows } = await ws.train('ppo');
    const evals = series(rows, 'eval/reward_mean');
    const kl = series(rows, 'objective/kl');
    console.log(`ppo_rlhf: eval/reward_mean ${evals.map((x) => x.toFixed(2)).join(' ')}; objective/kl ${kl.map((x) => x.toFixed(2)).join(' ')}`);
    const [start, end] = [evals[0], evals[evals.length - 1]];
    assert.ok(end >= start + 0.3, `held-out reward ${start.toFixed(3)} (SFT) -> ${end.toFixed(3)}`);
    assert.ok(kl.every(Number.isFinite));
    // Summed over a completion of <= 16 tokens: a few nats, not a collapse away from the reference.
    assert.ok(mean(kl.slice(-3)) < 10, `objective/kl at the end ${mean(kl.slice(-3))}`);
    for (const k of ['loss/policy', 'loss/value', 'policy/clipfrac', 'val/clipfrac', 'objective/entropy', 'objective/scores', 'completions/mean_length']) assert.ok(k in rows[rows.length - 1], k);
  });
});
