/**
 * The sft and reward_model stages through the normal engine and run store: metric names,
 * samples, no tensor leaks across updates, checkpoint/resume equivalence, the model saved in
 * the run folder, init_from chaining (sft -> reward_model), and experiment-file validation of
 * text envs (editor diagnostics, hover, completion).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createAlgorithm, selectBackend, train, type MetricRow } from '../../server/src/training/engine';
import type { AlgoCheckpoint, EncodedArray } from '../../server/src/training/algos/checkpoint';
import type { SampleRow, TrainHooks } from '../../server/src/training/types';
import { loadExperimentConfig } from '../../server/src/experiments';
import { complete, definition, diagnostics, editorDocument, hover } from '../../server/src/editor';
import { pathToFileURL } from 'node:url';
import { createRun, defaultRunsDir, readRunSummary } from '../../server/src/training/runStore';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { loadStageModel } from '../../server/src/training/rlhf/stageModel';
import { loadRewardModel } from '../../server/src/training/rlhf/rewardModel';
import { decodeWeights } from '../../server/src/training/rlhf/sft';
import type { ResolvedConfig } from '../../server/src/schema';
import { TextDocument } from 'vscode-languageserver-textdocument';

const temps: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-lab-rlhf-'));
  temps.push(d);
  return d;
};
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

before(async () => {
  await selectBackend();
});

/** Tiny stages: a few seconds each. */
const FILE = `
sft:
  algo: sft
  env: text/sort-digits
  env_kwargs: {min_digits: 2, max_digits: 3}
  seed: 3
  n_layer: 1
  d_model: 16
  n_head: 2
  context_length: 24
  n_examples: 60
  eval_split: 0.2
  batch_size: 16
  n_epochs: 2
  max_new_tokens: 5
  n_log_samples: 2
reward-model:
  algo: reward_model
  env: text/sort-digits
  env_kwargs: {min_digits: 2, max_digits: 3}
  init_from: sft
  seed: 4
  n_examples: 40
  batch_size: 8
  n_epochs: 2
`;

function configOf(experiment: string, overrides: string[] = [], file = '/ws/rlhf.rl.yaml', text = FILE): ResolvedConfig {
  const r = loadExperimentConfig(text, file, experiment, overrides);
  if ('error' in r) throw new Error(`${r.error.file}:${r.error.line}: ${r.error.message}`);
  return r.config;
}

function collect(extra: Partial<TrainHooks> = {}) {
  const rows: MetricRow[] = [];
  const samples: SampleRow[] = [];
  const checkpoints: AlgoCheckpoint[] = [];
  const tensors: number[] = [];
  const hooks: TrainHooks = {
    onMetrics(row: MetricRow) {
      rows.push(row);
      if (row['losses/grad_norm'] !== undefined) tensors.push(tf.memory().numTensors);
    },
    onSamples: (s: SampleRow) => void samples.push(s),
    onCheckpoint: (c: AlgoCheckpoint) => void checkpoints.push(c),
    ...extra,
  };
  return { rows, samples, checkpoints, tensors, hooks };
}

test('sft trains through the engine: metrics, samples, flat tensor count, model saved', async () => {
  const config = configOf('sft');
  assert.equal(config.algo, 'sft');
  const runDir = tempDir();
  const c = collect({ runDir });
  const result = await train(config, c.hooks);
  assert.equal(result.status, 'completed', result.error);
  assert.equal(result.globalStep, 48 * 2); // 60 examples, 12 held out, 2 epochs
  const updates = c.rows.filter((r) => r['losses/sft_loss'] !== undefined);
  assert.equal(updates.length, 3 * 2);
  for (const k of ['charts/perplexity', 'charts/learning_rate', 'charts/SPS', 'losses/grad_norm']) assert.ok(Number.isFinite(updates[0][k]), k);
  const evals = c.rows.filter((r) => r['eval/loss'] !== undefined);
  assert.equal(evals.length, 3); // before training and after each epoch
  assert.equal(evals[0].step, 0);
  for (const k of ['eval/perplexity', 'eval/reward_mean', 'eval/reward_std', 'eval/completion_length']) assert.ok(Number.isFinite(evals[0][k]), k);
  assert.equal(result.meanReturn, evals[2]['eval/reward_mean']);
  assert.equal(c.samples.length, 3);
  assert.equal(c.samples[0].samples.length, 2);
  assert.match(c.samples[0].samples[0].prompt, /^sort \d+:$/);
  // Tensor hygiene: the count after every update is the same.
  assert.ok(new Set(c.tensors.slice(1)).size === 1, `numTensors drifted: ${c.tensors.join(' ')}`);
  assert.equal(c.checkpoints.length, 1);
  const saved = loadStageModel(runDir);
  assert.equal(saved.stage, 'sft');
  assert.equal(saved.lm.cfg.dModel, 16);
  saved.lm.dispose();
});

test('sft resumed from a mid-training checkpoint ends with the same weights as an uninterrupted run', async () => {
  const config = configOf('sft', ['n_epochs=3']);
  const before = tf.memory().numTensors;
  const full = await createAlgorithm(config);
  const fullRun = collect();
  const r1 = await full.learn(fullRun.hooks);
  assert.equal(r1.status, 'completed');
  assert.equal(tf.memory().numTensors, before, 'learn() frees its tensors when it ends');
  const finalWeights = (c: AlgoCheckpoint) => decodeWeights((c.state as { weights: Record<string, EncodedArray> }).weights);
  const wantWeights = finalWeights(fullRun.checkpoints.at(-1)!);

  let updates = 0;
  const first = collect({ shouldStop: () => updates >= 4 });
  const onMetrics = first.hooks.onMetrics;
  first.hooks.onMetrics = (row: MetricRow) => {
    if (row['losses/sft_loss'] !== undefined) updates++;
    onMetrics(row);
  };
  const part = await createAlgorithm(config);
  const r2 = await part.learn(first.hooks);
  assert.equal(r2.status, 'stopped');
  const ckpt = JSON.parse(JSON.stringify(first.checkpoints.at(-1))) as AlgoCheckpoint;
  assert.equal(ckpt.globalStep, 4 * 16);

  const resumed = await createAlgorithm(config);
  await resumed.loadCheckpoint(ckpt);
  const resumedRun = collect();
  const r3 = await resumed.learn(resumedRun.hooks);
  assert.equal(r3.status, 'completed');
  assert.equal(r3.globalStep, r1.globalStep);
  const got = finalWeights(resumedRun.checkpoints.at(-1)!);
  for (const k of Object.keys(wantWeights)) assert.deepEqual(got[k], wantWeights[k], k);
});

test('sft -> reward_model chains through init_from in a run store', async () => {
  const ws = tempDir();
  const file = path.join(ws, 'rlhf.rl.yaml');
  fs.writeFileSync(file, FILE);
  const runsDir = defaultRunsDir(ws);
  const record = async (experiment: string) => {
    const config = configOf(experiment, [], file);
    const run = createRun({ runsDir, workspaceRoot: ws, filePath: file, config });
    const rows: MetricRow[] = [];
    await trainAndRecord({ runDir: run.runDir, config, shouldStop: () => false, events: { metrics: (r) => void rows.push(r) } });
    return { run: readRunSummary(run.runDir), rows };
  };
  // Before sft has a completed run, init_from fails with a clear error.
  const early = await record('reward-model');
  assert.equal(early.run.status, 'failed');
  assert.match(early.run.error ?? '', /init_from.*sft/);

  const sft = await record('sft');
  assert.equal(sft.run.status, 'completed', sft.run.error);
  assert.ok(fs.existsSync(path.join(sft.run.runDir, 'model', 'lm.json')));
  assert.ok(fs.existsSync(path.join(sft.run.runDir, 'samples.jsonl')));

  const rm = await record('reward-model');
  assert.equal(rm.run.status, 'completed', rm.run.error);
  const evals = rm.rows.filter((r) => r['eval/accuracy'] !== undefined);
  assert.equal(evals.length, 3);
  const trainRows = rm.rows.filter((r) => r['rewards/accuracy'] !== undefined);
  for (const k of ['losses/reward_loss', 'rewards/margin', 'rewards/chosen', 'rewards/rejected']) assert.ok(Number.isFinite(trainRows[0][k]), k);
  const lineage = JSON.parse(fs.readFileSync(path.join(rm.run.runDir, 'lineage.json'), 'utf8')) as { model: string };
  assert.match(lineage.model, new RegExp(`experiment 'sft' \\(latest completed run ${sft.run.id}\\)`));
  // The reward model kept the SFT model's size (init_from), not the defaults.
  const model = loadRewardModel(rm.run.runDir);
  assert.equal(model.lm.cfg.dModel, 16);
  const [s1, s2] = model.scoreTexts([{ prompt: 'sort 31:', completion: '13' }, { prompt: 'sort 31:', completion: '31' }]);
  assert.ok(Number.isFinite(s1) && Number.isFinite(s2));
  model.dispose();
  assert.throws(() => loadRewardModel(sft.run.runDir), /no reward head/);
});

test('reward_model without init_from trains a fresh model; tensors stay flat', async () => {
  const config = configOf('reward-model', ['init_from=null', 'd_model=16', 'n_layer=1', 'n_head=2', 'context_length=24']);
  assert.equal(config.init_from, undefined);
  const c = collect();
  const r = await train(config, c.hooks);
  assert.equal(r.status, 'completed', r.error);
  assert.ok(new Set(c.tensors.slice(1)).size === 1, `numTensors drifted: ${c.tensors.join(' ')}`);
});

test('a dataset row longer than the context fails the run naming file and row', async () => {
  const dir = tempDir();
  const data = path.join(dir, 'd.jsonl');
  fs.writeFileSync(data, '{"prompt": "a", "completion": "b"}\n{"prompt": "' + 'x'.repeat(40) + '", "completion": "y"}\n');
  const text = `
ds:
  algo: sft
  env: text/dataset
  dataset: d.jsonl
  context_length: 16
  d_model: 16
  n_head: 2
  n_layer: 1
`;
  const config = configOf('ds', [], path.join(dir, 'x.rl.yaml'), text);
  // Go to Definition on the dataset value opens the file.
  const defDoc = editorDocument(text, pathToFileURL(path.join(dir, 'x.rl.yaml')).href);
  const loc = definition(defDoc, TextDocument.create('x', 'yaml', 0, text).positionAt(text.indexOf('d.jsonl') + 2));
  assert.equal(loc?.uri, pathToFileURL(data).href);
  assert.equal((config.hyperparameters as unknown as { dataset: string }).dataset, data);
  const r = await train(config, collect().hooks);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /d\.jsonl: row 2: 43 tokens .* exceed context_length 16/);
});

test('experiment files: text envs validate, hover and complete; mismatches are errors', () => {
  const bad = (text: string, pattern: RegExp) => {
    const r = loadExperimentConfig(text, '/ws/x.rl.yaml', undefined);
    assert.ok('error' in r, 'expected an error');
    assert.match(r.error.message, pattern);
  };
  bad('a:\n  algo: sft\n  env: CartPole-v1\n', /sft trains a language model on a text task/);
  bad('a:\n  algo: ppo\n  env: text/sort-digits\n', /text task for the language-model stages/);
  bad('a:\n  algo: sft\n  env: text/dataset\n', /takes its data from 'dataset'/);
  bad('a:\n  algo: sft\n  env: text/sort-digits\n  dataset: nope.jsonl\n', /dataset file not found: \/ws\/nope\.jsonl/);
  bad('a:\n  algo: sft\n  env: text/sort-digits\n  env_kwargs: {max_digits: 99}\n', /max_digits must be an integer in \[1, 20\]/);
  bad('a:\n  algo: sft\n  env: text/sort-digit\n', /text\/sort-digits/);
  bad('a:\n  algo: reward_model\n  env: text/target-sum\n  n_hed: 2\n', /unknown key 'n_hed'.*n_head/);

  const text = 'a:\n  algo: sft\n  env: text/sort-digits\n  n_layer: 2\n  \n';
  const doc = editorDocument(text, 'file:///ws/x.rl.yaml');
  assert.deepEqual(diagnostics(doc), []);
  const pos = (needle: string, shift = 0) => TextDocument.create('x', 'yaml', 0, text).positionAt(text.indexOf(needle) + shift);
  const h = hover(doc, pos('text/sort-digits', 3));
  assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents);
  assert.match(h.contents.value, /Write the digits of the prompt in ascending order/);
  const h2 = hover(doc, pos('n_layer', 2));
  assert.ok(h2 && typeof h2.contents === 'object' && 'value' in h2.contents);
  assert.match(h2.contents.value, /Transformer blocks/);
  const envDoc = editorDocument('a:\n  algo: sft\n  env: \n', 'file:///ws/x.rl.yaml');
  const envItems = complete(envDoc, { line: 2, character: 7 }).map((i) => i.label);
  assert.deepEqual(envItems, ['text/sort-digits', 'text/target-sum', 'text/positive-words', 'text/dataset']); // an LM stage: text envs only
  const ppoItems = complete(editorDocument('a:\n  algo: ppo\n  env: \n', 'file:///ws/x.rl.yaml'), { line: 2, character: 7 }).map((i) => i.label);
  assert.ok(ppoItems.includes('CartPole-v1') && !ppoItems.includes('text/sort-digits'));
  const keyItems = complete(doc, { line: 4, character: 2 }).map((i) => i.label);
  for (const k of ['d_model', 'context_length', 'completion_only_loss', 'max_new_tokens', 'top_k']) assert.ok(keyItems.includes(k), k);
});
