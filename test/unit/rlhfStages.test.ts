/**
 * The RLHF stages' plumbing: init_from resolution against a run store, user reward modules
 * (clear errors naming the file), samples.jsonl, and tf.memory() flat across updates of the
 * ppo_rlhf, grpo and dpo loops (tiny models, fresh weights, a few updates each).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position } from 'vscode-languageserver';
import { codeLenses, definition, diagnostics, editorDocument, hover } from '../../server/src/editor';
import { CommandIds } from '../../server/src/protocol/types';
import * as tf from '@tensorflow/tfjs-core';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { ResolvedConfig } from '../../server/src/schema';
import { createAlgorithm, selectBackend, train, type MetricRow } from '../../server/src/training/engine';
import type { AlgoCheckpoint } from '../../server/src/training/algos/checkpoint';
import { createRun, readRunSummary, writeRunSummary } from '../../server/src/training/runStore';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { readSamples } from '../../server/src/training/samplesFile';
import { resolveInitFrom } from '../../server/src/training/rlhf/initFrom';
import { TransformerLM } from '../../server/src/training/rlhf/lm/model';
import { loadRewardModule } from '../../server/src/training/rlhf/rewardFunctions';
import { saveStageModel } from '../../server/src/training/rlhf/stageModel';
import { createTokenizer } from '../../server/src/training/rlhf/tokenizer';
import type { TrainHooks } from '../../server/src/training/types';

const rewards = resolve(__dirname, '../fixtures/rewards');
const TINY = 'n_layer: 1\n  d_model: 16\n  n_head: 2\n  context_length: 32\n  max_new_tokens: 6\n  n_log_samples: 2\n';

function config(text: string, file: string, name: string): ResolvedConfig {
  const loaded = loadExperimentConfig(text, file, name);
  if ('error' in loaded) throw new Error(`${loaded.error.line}: ${loaded.error.message}`);
  return loaded.config;
}

let ws: string;
before(async () => {
  // WASM: the language-model loops are many small kernels; plain JS would take minutes.
  await selectBackend('wasm');
  ws = mkdtempSync(join(tmpdir(), 'rlhf-stages-'));
});
after(() => rmSync(ws, { recursive: true, force: true }));

/** A run folder of `experiment` in file x.rl.yaml with the given status, optionally with a saved model. */
function fakeRun(experiment: string, status: 'completed' | 'failed' | 'running', withModel: boolean, startTime: string) {
  const file = join(ws, 'x.rl.yaml');
  const text = `${experiment}:\n  algo: grpo\n  env: text/sort-digits\n  seed: 1\n  ${TINY}`;
  const run = createRun({ runsDir: join(ws, '.rl-lab', 'runs'), workspaceRoot: ws, filePath: file, config: config(text, file, experiment), now: new Date(startTime) });
  writeRunSummary(run.runDir, { ...readRunSummary(run.runDir), status, endTime: startTime });
  if (withModel) {
    const tok = createTokenizer();
    const lm = new TransformerLM({ vocabSize: tok.vocabSize, contextLength: 32, nLayers: 1, dModel: 16, nHeads: 2 }, 1);
    saveStageModel(run.runDir, 'sft', lm, tok);
    lm.dispose();
  }
  return run;
}

describe('init_from resolution', () => {
  it('an experiment of the same file means its latest completed run; run ids and prefixes work too', () => {
    const older = fakeRun('base', 'completed', true, '2026-01-01T00:00:00Z');
    const newer = fakeRun('base', 'completed', true, '2026-01-02T00:00:00Z');
    fakeRun('base', 'failed', true, '2026-01-03T00:00:00Z');
    const me = fakeRun('next', 'running', false, '2026-01-04T00:00:00Z');
    const src = resolveInitFrom('base', me.runDir);
    assert.equal(src.run.id, newer.id);
    assert.match(src.via, /experiment 'base' \(latest completed run/);
    assert.equal(resolveInitFrom(older.id, me.runDir).run.id, older.id);
    assert.equal(resolveInitFrom(older.id.slice(0, older.id.length - 2), me.runDir).run.id, older.id);
  });

  it('says to train the stage first when it has no completed run, and names a missing model', () => {
    fakeRun('broken', 'failed', false, '2026-01-05T00:00:00Z');
    const me = fakeRun('after', 'running', false, '2026-01-06T00:00:00Z');
    assert.throws(() => resolveInitFrom('broken', me.runDir), /experiment 'broken' of x\.rl\.yaml has no completed run yet \(its runs are failed\); train it to completion first \(rl-lab train x\.rl\.yaml#broken\)/);
    assert.throws(() => resolveInitFrom('nothing', me.runDir), /'nothing' is neither an experiment of x\.rl\.yaml with a run nor a run id/);
    const noModel = fakeRun('nomodel', 'completed', false, '2026-01-07T00:00:00Z');
    assert.throws(() => resolveInitFrom('nomodel', me.runDir), /saved no language model/);
    assert.throws(() => resolveInitFrom(noModel.id, undefined), /can only be resolved for a recorded run/);
  });

  it('a run fails with that message when its init_from stage has not been trained', async () => {
    const file = join(ws, 'x.rl.yaml');
    const text = `g:\n  algo: grpo\n  env: text/sort-digits\n  seed: 1\n  init_from: untrained\n  n_timesteps: 16\n  batch_size: 8\n  num_generations: 4\n  ${TINY}`;
    const c = config(text, file, 'g');
    const run = createRun({ runsDir: join(ws, '.rl-lab', 'runs'), workspaceRoot: ws, filePath: file, config: c });
    const { run: after } = await trainAndRecord({ runDir: run.runDir, config: c, backend: 'wasm', shouldStop: () => false });
    assert.equal(after.status, 'failed');
    assert.match(after.error ?? '', /init_from: 'untrained' is neither an experiment/);
  });
});

describe('user reward modules', () => {
  it('loads a module exporting a function and scores with it', async () => {
    const fn = await loadRewardModule(join(rewards, 'length.js'));
    assert.equal(fn('p', '12345'), 0.5);
  });

  it('names the file and the prompt when the function throws or returns a non-number', async () => {
    const throws = await loadRewardModule(join(rewards, 'throws.js'));
    assert.throws(() => throws('sort 12:', 'x1'), (e: Error) => e.message.startsWith(`reward_module ${join(rewards, 'throws.js')}: threw on prompt "sort 12:", completion "x1": no x allowed`));
    const nan = await loadRewardModule(join(rewards, 'nan.js'));
    assert.throws(() => nan('a', 'b'), /nan\.js: returned null for prompt "a", completion "b"; a reward must be a finite number/);
  });

  it('names the file when it exports no function or does not exist', async () => {
    await assert.rejects(loadRewardModule(join(rewards, 'no-function.js')), /no-function\.js: exports no reward function/);
    await assert.rejects(loadRewardModule(join(rewards, 'missing.js')), /reward_module .*missing\.js: file not found/);
  });

  it('a reward_module path resolves against the experiment file; a missing one is a config error', () => {
    const file = join(rewards, 'exp.rl.yaml');
    const c = config(`g:\n  algo: grpo\n  env: text/sort-digits\n  reward_module: ./length.js\n`, file, 'g');
    assert.equal((c.hyperparameters as unknown as { reward_module: string }).reward_module, join(rewards, 'length.js'));
    const bad = loadExperimentConfig(`g:\n  algo: grpo\n  env: text/sort-digits\n  reward_module: ./nope.js\n`, file, 'g');
    assert.ok('error' in bad && /reward_module '\.\/nope\.js' does not exist/.test(bad.error.message));
  });
});

/** Trains to the end, recording tf.memory().numTensors at every metric row. */
async function tensorCounts(c: ResolvedConfig, hooks: Partial<TrainHooks> = {}): Promise<{ counts: number[]; before: number; afterAll: number; status: string; error?: string }> {
  const before = tf.memory().numTensors;
  const algorithm = await createAlgorithm(c);
  const counts: number[] = [];
  const result = await algorithm.learn({ onMetrics: () => counts.push(tf.memory().numTensors), ...hooks });
  return { counts, before, afterAll: tf.memory().numTensors, status: result.status, error: result.error };
}

describe('tensor hygiene of the RLHF loops (numTensors flat across updates, nothing left after)', () => {
  const file = join(rewards, 'exp.rl.yaml');
  for (const [name, body] of [
    ['ppo_rlhf', 'algo: ppo_rlhf\n  n_timesteps: 32\n  batch_size: 8\n  mini_batch_size: 4\n  n_epochs: 2'],
    ['grpo', 'algo: grpo\n  n_timesteps: 32\n  batch_size: 8\n  num_generations: 4\n  n_epochs: 2\n  loss_type: dapo'],
    ['grpo (gspo)', 'algo: grpo\n  n_timesteps: 24\n  batch_size: 8\n  num_generations: 4\n  loss_type: gspo\n  beta: 0'],
    ['dpo', 'algo: dpo\n  n_examples: 40\n  batch_size: 8\n  n_epochs: 2'],
  ] as const) {
    it(name, async () => {
      const c = config(`e:\n  ${body}\n  env: text/sort-digits\n  seed: 3\n  ${TINY}`, file, 'e');
      const r = await tensorCounts(c);
      assert.equal(r.status, 'completed', r.error);
      assert.ok(r.counts.length >= 3, `rows: ${r.counts.length}`);
      // After the first update (Adam's moment slots are created then) the count stays put.
      const steady = r.counts.slice(2);
      assert.ok(steady.every((n) => n === steady[0]), `numTensors per row: ${r.counts.join(', ')}`);
      assert.equal(r.afterAll, r.before, 'learn() frees every tensor it made');
    });
  }
});

describe('samples.jsonl', () => {
  it('a recorded grpo run writes sampled completions with rewards per logged step', async () => {
    const file = join(ws, 'x.rl.yaml');
    const c = config(`s:\n  algo: grpo\n  env: text/sort-digits\n  seed: 2\n  n_timesteps: 16\n  batch_size: 8\n  num_generations: 4\n  ${TINY}`, file, 's');
    const run = createRun({ runsDir: join(ws, '.rl-lab', 'runs'), workspaceRoot: ws, filePath: file, config: c });
    const { run: done } = await trainAndRecord({ runDir: run.runDir, config: c, backend: 'wasm', shouldStop: () => false });
    assert.equal(done.status, 'completed', done.error);
    const rows = readSamples(run.runDir);
    assert.deepEqual(rows.map((r) => r.step), [8, 16]);
    assert.equal(rows[0].samples.length, 2);
    for (const s of rows[0].samples) {
      assert.match(s.prompt, /^sort \d+:$/);
      assert.equal(typeof s.completion, 'string');
      assert.ok(s.reward >= 0 && s.reward <= 1);
    }
    const metrics = readFileSync(join(run.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const last = metrics[metrics.length - 1];
    for (const k of ['env/reward_mean', 'env/reward_std', 'objective/kl', 'objective/entropy', 'frac_reward_zero_std', 'loss/policy', 'policy/clipfrac', 'completions/mean_length']) assert.ok(k in last, `${k} in ${Object.keys(last).join(', ')}`);
    assert.ok('eval/reward_mean' in metrics[0] && metrics[0].step === 0, 'the starting model is evaluated at step 0');
    assert.deepEqual(JSON.parse(readFileSync(join(run.runDir, 'lineage.json'), 'utf8')), { model: 'fresh', reward: "the text/sort-digits task's reward" });
  });
});

describe('editor on the RLHF examples', () => {
  const examples = resolve(__dirname, '../../examples');
  const file = join(examples, 'rlhf.rl.yaml');
  const text = readFileSync(file, 'utf8');
  const doc = editorDocument(text, pathToFileURL(file).href);
  const at = (needle: string, shift: number): Position => TextDocument.create('x', 'yaml', 0, text).positionAt(text.indexOf(needle) + shift);
  const lineOf = (needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

  it('both example files have no diagnostics', () => {
    for (const name of ['rlhf.rl.yaml', 'rlhf-dpo-grpo.rl.yaml']) {
      const f = join(examples, name);
      assert.deepEqual(diagnostics(editorDocument(readFileSync(f, 'utf8'), pathToFileURL(f).href)).map((d) => d.message), [], name);
    }
  });

  it('Go to Definition: init_from and reward_model jump to the stage, reward_module to the module', () => {
    assert.equal(definition(doc, at('init_from: positive-sft', 14))?.range.start.line, lineOf('positive-sft:'));
    assert.equal(definition(doc, at('reward_model: positive-rm', 17))?.range.start.line, lineOf('positive-rm:'));
    assert.equal(definition(doc, at('./rewards/cheerful.js', 3))?.uri, pathToFileURL(join(examples, 'rewards/cheerful.js')).href);
  });

  it("hover on beta shows DPO's formula; a code lens runs each stage", () => {
    const f = join(examples, 'rlhf-dpo-grpo.rl.yaml');
    const t = readFileSync(f, 'utf8');
    const h = hover(editorDocument(t, pathToFileURL(f).href), TextDocument.create('x', 'yaml', 0, t).positionAt(t.indexOf('beta: 0.1') + 1));
    const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(value, /L_DPO = -E\[ log sigma\( beta log\(pi\(y_w\|x\) \/ pi_ref\(y_w\|x\)\)/);
    const lenses = codeLenses(doc).filter((l) => l.command?.command === CommandIds.runExperiment);
    assert.ok(lenses.length >= 5, `run lenses: ${lenses.length}`);
  });
});

describe('checkpoints of the RLHF loops', () => {
  const file = join(rewards, 'exp.rl.yaml');
  for (const [name, body] of [
    ['ppo_rlhf', 'algo: ppo_rlhf\n  n_timesteps: 24\n  batch_size: 8\n  mini_batch_size: 4\n  n_epochs: 1'],
    ['grpo', 'algo: grpo\n  n_timesteps: 24\n  batch_size: 8\n  num_generations: 4\n  n_epochs: 2'],
    ['dpo', 'algo: dpo\n  n_examples: 30\n  batch_size: 8\n  n_epochs: 2'],
  ] as const) {
    it(`${name}: resuming from a periodic checkpoint continues as the uninterrupted run`, async () => {
      const c = config(`e:\n  ${body}\n  env: text/sort-digits\n  seed: 5\n  ${TINY}`, file, 'e');
      const rowsOf = async (resume?: AlgoCheckpoint): Promise<{ rows: MetricRow[]; checkpoints: AlgoCheckpoint[] }> => {
        const rows: MetricRow[] = [];
        const checkpoints: AlgoCheckpoint[] = [];
        const r = await train(c, { onMetrics: (row) => rows.push(row), checkpointFreq: 8, onCheckpoint: (ck) => void checkpoints.push(ck) }, resume ? { resume } : {});
        assert.equal(r.status, 'completed', r.error);
        return { rows, checkpoints };
      };
      const full = await rowsOf();
      const mid = full.checkpoints.find((k) => k.globalStep >= 8 && k.globalStep < 24);
      assert.ok(mid, `checkpoints at ${full.checkpoints.map((k) => k.globalStep).join(', ')}`);
      const resumed = await rowsOf(JSON.parse(JSON.stringify(mid)) as AlgoCheckpoint);
      const strip = (r: MetricRow) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'time' && k !== 'charts/SPS'));
      const tail = full.rows.filter((r) => r.step > mid.globalStep).map(strip);
      assert.ok(tail.length > 0);
      const again = resumed.rows.filter((r) => r.step > mid.globalStep).map(strip);
      assert.deepEqual(again.map((r) => Object.keys(r)), tail.map((r) => Object.keys(r)));
      // Same samples, same updates; gradient norms may differ in the 7th digit (summation order).
      again.forEach((r, i) => {
        for (const [k, v] of Object.entries(r)) assert.ok(Math.abs(v - tail[i][k]) <= 1e-5 * Math.max(1, Math.abs(v)), `${k} at step ${r.step}: ${v} vs ${tail[i][k]}`);
      });
    });
  }
});
