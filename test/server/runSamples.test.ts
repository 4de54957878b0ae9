/**
 * What the dashboard reads of stored runs over a real LSP connection: `rlLab/runSamples` serves
 * an RLHF run's samples.jsonl (all rows, or those after a step; torn lines skipped), and
 * `rlLab/runMetrics` keeps a logged NaN (null in metrics.jsonl) as null, so the dashboard can
 * mark it on the chart of a finished run. The runs are written with the run store's own
 * functions, as a trainer leaves them.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { RunMetricsRequest, RunSamplesRequest, type SamplesRow } from '../../server/src/protocol';
import { loadExperimentConfig } from '../../server/src/experiments';
import { createRun, defaultRunsDir, MetricsWriter, writeRunSummary } from '../../server/src/training/runStore';
import { SAMPLES_FILE, SamplesWriter } from '../../server/src/training/samplesFile';
import { LspClient, repoRoot } from './lspClient';

const FILE = `tiny:
  algo: ppo
  env: CartPole-v1
  seed: 3
  n_timesteps: 1024
`;

const samples = (step: number): SamplesRow => ({ step, samples: [{ prompt: `p${step}`, completion: `c${step}`, reward: step / 100 }] });

describe('dashboard reads of stored runs over LSP', () => {
  let ws: string;
  let client: LspClient;
  let runId: string;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
    ws = mkdtempSync(join(tmpdir(), 'rl-lab-samples-lsp-'));
    const filePath = join(ws, 'x.rl.yaml');
    writeFileSync(filePath, FILE);
    const loaded = loadExperimentConfig(FILE, filePath, 'tiny');
    if ('error' in loaded) throw new Error(loaded.error.message);
    const run = createRun({ runsDir: defaultRunsDir(ws), workspaceRoot: ws, filePath, config: loaded.config });
    runId = run.id;
    const metrics = new MetricsWriter(run.runDir);
    metrics.append({ step: 16, time: 1, 'losses/policy_loss': 0.1 });
    metrics.append({ step: 32, time: 2, 'losses/policy_loss': Number.NaN, 'losses/value_loss': 1 });
    metrics.close();
    const writer = new SamplesWriter(run.runDir);
    for (const step of [16, 32, 48]) writer.append({ ...samples(step), time: step });
    writer.close();
    appendFileSync(join(run.runDir, SAMPLES_FILE), '{"step":64,"samples":[{"prompt":"torn');
    writeRunSummary(run.runDir, { ...run, status: 'completed', globalStep: 48 });
    client = await LspClient.start(ws, { backend: 'cpu' });
  });

  after(async () => {
    await client?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it('serves every sample row, then only those after a step', async () => {
    const all = await client.connection.sendRequest(RunSamplesRequest, { runId });
    assert.deepEqual(all, { runId, rows: [samples(16), samples(32), samples(48)] });
    const later = await client.connection.sendRequest(RunSamplesRequest, { runId, afterStep: 16 });
    assert.deepEqual(later.rows.map((r) => r.step), [32, 48]);
  });

  it('answers no rows for a run without samples or an unknown run', async () => {
    assert.deepEqual((await client.connection.sendRequest(RunSamplesRequest, { runId: 'no-such-run' })).rows, []);
    assert.deepEqual((await client.connection.sendRequest(RunSamplesRequest, { runId: '../escape' })).rows, []);
  });

  it('keeps a logged NaN in the stored metrics it serves (null over JSON)', async () => {
    const { rows } = await client.connection.sendRequest(RunMetricsRequest, { runId });
    assert.deepEqual(rows, [
      { step: 16, time: 1, 'losses/policy_loss': 0.1 },
      { step: 32, time: 2, 'losses/policy_loss': null as unknown as number, 'losses/value_loss': 1 },
    ]);
  });
});
