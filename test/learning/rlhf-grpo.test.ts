/**
 * GRPO learning test: from an SFT model that writes fluent but neutral text on
 * text/positive-words, GRPO (8 completions per prompt, k3 KL to the reference) raises the
 * held-out task reward clearly above the SFT model's while the KL stays bounded.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mean, POSITIVE_SFT, series, Workspace } from './rlhfChain';

const ws = new Workspace(`${POSITIVE_SFT}
grpo:
  algo: grpo
  env: text/positive-words
  init_from: sft
  seed: 1
  n_timesteps: 768
  batch_size: 32
  num_generations: 8
  n_epochs: 1
  learning_rate: 0.0005
  beta: 0.04
  max_new_tokens: 16
`);
after(() => ws.dispose());

describe('grpo learning', () => {
  it('raises the task reward clearly above the SFT model with a bounded KL', { timeout: 20 * 60_000 }, async () => {
    await ws.train('sft');
    const { rows } = await ws.train('grpo');
    const evals = series(rows, 'eval/reward_mean');
    const kl = series(rows, 'objective/kl');
    console.log(`grpo: eval/reward_mean ${evals.map((x) => x.toFixed(2)).join(' ')}; objective/kl ${kl.map((x) => x.toFixed(2)).join(' ')}`);
    const [start, end] = [evals[0], evals[evals.length - 1]];
    assert.ok(end >= start + 0.3, `held-out reward ${start.toFixed(3)} (SFT) -> ${end.toFixed(3)}`);
    assert.ok(kl.every(Number.isFinite));
    assert.ok(mean(kl.slice(-3)) < 10, `objective/kl at the end ${mean(kl.slice(-3))}`);
    for (const k of ['frac_reward_zero_std', 'clip_ratio/low_mean', 'kl', 'env/reward_std']) assert.ok(k in rows[rows.length - 1], k);
  });
});
