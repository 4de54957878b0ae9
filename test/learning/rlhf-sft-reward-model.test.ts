/**
 * Learning tests of the supervised language-model stages on examples/rlhf-sort-digits.rl.yaml,
 * recorded in a run store the way the CLI and the code lens record them:
 *
 *  - `sft` must lower the held-out loss and raise the task reward of sampled completions
 *    clearly above the untrained model's;
 *  - `reward-model` (init_from: sft) must rank held-out preference pairs above 90%.
 *
 * Sized for CI (2 cores): each stage takes well under 90 s on an idle machine.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { selectBackend, type MetricRow } from '../../server/src/training/engine';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { createRun, defaultRunsDir, readRunSummary } from '../../server/src/training/runStore';

const EXAMPLE = join(__dirname, '../../examples/rlhf-sort-digits.rl.yaml');

describe('rlhf supervised stages learn (sort-digits)', () => {
  let backend = '';
  const ws = mkdtempSync(join(tmpdir(), 'rl-lab-rlhf-learn-'));
  const file = join(ws, 'rlhf-sort-digits.rl.yaml');
  before(async () => {
    backend = (await selectBackend()).name;
    copyFileSync(EXAMPLE, file);
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  async function record(experiment: string): Promise<{ rows: MetricRow[]; status: string; error?: string; meanReturn?: number }> {
    const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), file, experiment);
    if ('error' in loaded) throw new Error(`${loaded.error.file}:${loaded.error.line}: ${loaded.error.message}`);
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath: file, config: loaded.config });
    const rows: MetricRow[] = [];
    await trainAndRecord({ runDir: run.runDir, config: loaded.config, shouldStop: () => false, events: { metrics: (r) => void rows.push(r) } });
    const s = readRunSummary(run.runDir);
    return { rows, status: s.status, error: s.error, meanReturn: s.meanReturn };
  }

  it('sft lowers the held-out loss and raises the sort reward clearly', { timeout: 20 * 60_000 }, async () => {
    const { rows, status, error, meanReturn } = await record('sft');
    assert.equal(status, 'completed', error);
    const evals = rows.filter((r) => r['eval/loss'] !== undefined);
    const first = evals[0];
    const last = evals[evals.length - 1];
    console.log(
      `sft on ${backend}: eval/loss ${first['eval/loss'].toFixed(3)} -> ${last['eval/loss'].toFixed(3)}, ` +
        `eval/reward_mean ${first['eval/reward_mean'].toFixed(3)} -> ${last['eval/reward_mean'].toFixed(3)}, exactly sorted ${last['eval/frac_reward_max']}`,
    );
    assert.equal(first.step, 0, 'the untrained model is measured first');
    assert.ok(last['eval/loss'] < 0.2 * first['eval/loss'], `held-out loss ${first['eval/loss']} -> ${last['eval/loss']}`);
    assert.ok(first['eval/reward_mean'] < 0.1, `untrained reward ${first['eval/reward_mean']}`);
    assert.ok(last['eval/reward_mean'] >= 0.5, `trained reward ${last['eval/reward_mean']}`);
    assert.equal(meanReturn, last['eval/reward_mean']);
  });

  it('reward-model (init_from: sft) ranks held-out pairs above 90%', { timeout: 20 * 60_000 }, async () => {
    const { rows, status, error } = await record('reward-model');
    assert.equal(status, 'completed', error);
    const evals = rows.filter((r) => r['eval/accuracy'] !== undefined);
    const last = evals[evals.length - 1];
    console.log(`reward-model on ${backend}: eval/accuracy ${evals[0]['eval/accuracy']} -> ${last['eval/accuracy']}, eval/margin ${last['eval/margin'].toFixed(3)}`);
    assert.ok(last['eval/accuracy'] > 0.9, `held-out accuracy ${last['eval/accuracy']}`);
    assert.ok(last['eval/margin'] > 0, `held-out margin ${last['eval/margin']}`);
  });
});
