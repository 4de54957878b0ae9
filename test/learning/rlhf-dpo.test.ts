/**
 * DPO learning test: from an SFT model on text/positive-words, DPO on the task's preference
 * pairs (chosen = the more positive completion) ranks held-out pairs correctly by its implicit
 * reward beta * log(pi / pi_ref) more than 90% of the time (eval/rewards/accuracies).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { POSITIVE_SFT, series, Workspace } from './rlhfChain';

const ws = new Workspace(`${POSITIVE_SFT}
dpo:
  algo: dpo
  env: text/positive-words
  init_from: sft
  seed: 1
  beta: 0.1
  n_examples: 800
  n_epochs: 3
  batch_size: 32
  learning_rate: 0.001
`);
after(() => ws.dispose());

describe('dpo learning', () => {
  it('raises held-out preference accuracy above 90%', { timeout: 20 * 60_000 }, async () => {
    await ws.train('sft');
    const { rows } = await ws.train('dpo');
    const acc = series(rows, 'eval/rewards/accuracies');
    const margins = series(rows, 'eval/rewards/margins');
    console.log(`dpo: eval/rewards/accuracies ${acc.map((x) => x.toFixed(3)).join(' ')}; margins ${margins.map((x) => x.toFixed(3)).join(' ')}`);
    assert.equal(acc[0], 0, 'the reference itself has no preference (all implicit rewards 0)');
    assert.ok(acc[acc.length - 1] > 0.9, `held-out accuracy ${acc[acc.length - 1]}`);
    assert.ok(margins[margins.length - 1] > 0);
    for (const k of ['rewards/chosen', 'rewards/rejected', 'rewards/margins', 'rewards/accuracies', 'loss/dpo']) assert.ok(k in rows[rows.length - 2] || k in rows[rows.length - 3], k);
  });
});
