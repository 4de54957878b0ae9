/**
 * Text tasks (rewards, preference pairs, demonstrations), TRL JSONL loaders, token layout and
 * masks, the Bradley–Terry loss against hand-computed values, and the reward model's scoring.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { Rng } from '../../server/src/training/rng';
import { createTextTask, TEXT_ENV_IDS, TEXT_TASK_SPECS, textEnvMarkdown } from '../../server/src/training/rlhf/tasks';
import { loadPreferenceDataset, loadPromptDataset, loadSftDataset } from '../../server/src/training/rlhf/data/jsonl';
import { completionText, encodeExample, lastTokenIndices, padRows, targetMask } from '../../server/src/training/rlhf/data/sequences';
import { splitHeldOut } from '../../server/src/training/rlhf/data/split';
import { bradleyTerryLoss, RewardModel } from '../../server/src/training/rlhf/rewardModel';
import { TransformerLM } from '../../server/src/training/rlhf/lm/model';
import { tokenizerByName, BOS_ID, EOS_ID, PAD_ID } from '../../server/src/training/rlhf/tokenizer';

before(async () => {
  await selectBackend();
});

test('sort-digits: reward is positional agreement; demonstrations score 1; pairs are ordered', () => {
  const task = createTextTask('text/sort-digits')!;
  assert.equal(task.reward('sort 5281:', '1258'), 1);
  assert.equal(task.reward('sort 5281:', '1285'), 0.5);
  assert.equal(task.reward('sort 5281:', '12580'), 0.8); // one digit too many
  assert.equal(task.reward('sort 5281:', ''), 0);
  assert.throws(() => task.reward('hello', '1'), /not a prompt of this task/);
  const rng = new Rng(3);
  for (let i = 0; i < 200; i++) {
    const ex = task.sftExample(rng);
    assert.match(ex.prompt, /^sort \d{3,6}:$/);
    assert.equal(task.reward(ex.prompt, ex.completion), 1);
    const p = task.preferencePair(rng);
    assert.ok(task.reward(p.prompt, p.chosen) > task.reward(p.prompt, p.rejected));
  }
  assert.throws(() => createTextTask('text/sort-digits', { max_digit: 3 }), /unknown env_kwargs key 'max_digit'/);
  assert.throws(() => createTextTask('text/sort-digits', { min_digits: 5, max_digits: 3 }), /exceeds/);
});

test('target-sum: exact sums score 1, near sums less, malformed 0', () => {
  const task = createTextTask('text/target-sum')!;
  assert.equal(task.reward('sum 17:', '9+8'), 1);
  assert.equal(task.reward('sum 10:', '9'), 0.9);
  assert.equal(task.reward('sum 10:', '9+'), 0);
  assert.equal(task.reward('sum 10:', '5+0+5'), 0); // digits are 1-9
  assert.equal(task.reward('sum 4:', '1+1+1+1+0'), 0);
  assert.equal(task.reward('sum 5:', '1+1+1+1+1'), 0); // more than max_terms (4)
  const rng = new Rng(4);
  for (let i = 0; i < 200; i++) {
    const ex = task.sftExample(rng);
    assert.equal(task.reward(ex.prompt, ex.completion), 1, `${ex.prompt} ${ex.completion}`);
    const p = task.preferencePair(rng);
    assert.ok(task.reward(p.prompt, p.chosen) > task.reward(p.prompt, p.rejected));
  }
});

test('positive-words: (positive - negative) / max(n_words, words)', () => {
  const task = createTextTask('text/positive-words')!;
  assert.equal(task.reward('the movie:', 'great fun film'), 2 / 3);
  assert.equal(task.reward('the movie:', 'bad sad awful'), -1);
  assert.equal(task.reward('the movie:', 'good good good good good good'), 1);
  assert.equal(task.reward('the movie:', 'good bad'), 0);
  const rng = new Rng(5);
  let mean = 0;
  for (let i = 0; i < 300; i++) {
    const ex = task.sftExample(rng);
    mean += task.reward(ex.prompt, ex.completion) / 300;
    const p = task.preferencePair(rng);
    assert.ok(task.reward(p.prompt, p.chosen) > task.reward(p.prompt, p.rejected));
  }
  assert.ok(Math.abs(mean) < 0.15, `demonstrations are neutral on average (${mean})`);
});

test('text env metadata: ids, hover text, text/dataset has no task', () => {
  assert.deepEqual(TEXT_ENV_IDS, ['text/sort-digits', 'text/target-sum', 'text/positive-words', 'text/dataset']);
  assert.equal(createTextTask('text/dataset'), undefined);
  assert.throws(() => createTextTask('text/nope'), /unknown text task/);
  for (const id of Object.keys(TEXT_TASK_SPECS)) {
    const md = textEnvMarkdown(id)!;
    assert.match(md, new RegExp(id.replace('/', '\\/')));
    assert.match(md, /Reward in/);
  }
  assert.match(textEnvMarkdown('text/dataset')!, /dataset/);
  assert.equal(textEnvMarkdown('CartPole-v1'), undefined);
});

test('JSONL loaders read TRL formats and name file and line on errors', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-lab-jsonl-'));
  const write = (name: string, lines: string[]): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const sft = write('sft.jsonl', ['{"prompt": "a", "completion": "b", "extra": 1}', '', '{"text": "hello"}']);
  assert.deepEqual(loadSftDataset(sft), [{ prompt: 'a', completion: 'b' }, { prompt: '', completion: 'hello', fullText: true }]);
  const pref = write('pref.jsonl', ['{"prompt": "p", "chosen": "c", "rejected": "r"}', '{"chosen": "c2", "rejected": "r2"}']);
  assert.deepEqual(loadPreferenceDataset(pref), [{ prompt: 'p', chosen: 'c', rejected: 'r' }, { prompt: '', chosen: 'c2', rejected: 'r2' }]);
  assert.deepEqual(loadPromptDataset(write('prompts.jsonl', ['{"prompt": "p1"}', '{"prompt": "p2", "chosen": "x"}'])), ['p1', 'p2']);
  assert.throws(() => loadPromptDataset(pref), new RegExp(`${pref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: expected 'prompt'`));
  const bad = write('bad.jsonl', ['{"prompt": "a", "completion": "b"}', '{"prompt": "a", "completion": 3}']);
  assert.throws(() => loadSftDataset(bad), /bad\.jsonl:2: 'completion' must be a string/);
  const notJson = write('nj.jsonl', ['{"text": "a"}', '{"text": "a"', '']);
  assert.throws(() => loadSftDataset(notJson), /nj\.jsonl:2: not valid JSON/);
  const chat = write('chat.jsonl', ['{"messages": [{"role": "user", "content": "hi"}]}']);
  assert.throws(() => loadSftDataset(chat), /chat\.jsonl:1: conversational rows/);
  const wrong = write('wrong.jsonl', ['{"prompt": "p", "chosen": "c", "rejected": "r"}']);
  assert.throws(() => loadSftDataset(wrong), /wrong\.jsonl:1: a preference row/);
  assert.throws(() => loadPreferenceDataset(sft), /sft\.jsonl:1: expected 'chosen' and 'rejected'/);
  assert.throws(() => loadSftDataset(path.join(dir, 'missing.jsonl')), /missing\.jsonl:0: cannot read/);
  assert.throws(() => loadSftDataset(write('empty.jsonl', [''])), /empty\.jsonl:1: the dataset has no rows/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('token layout: [bos] prompt completion [eos], target masks, last-token indices', () => {
  const tok = tokenizerByName('char');
  const a = encodeExample(tok, 'ab', 'cd', 10, 'x');
  assert.deepEqual(a.ids, [BOS_ID, ...tok.encode('abcd'), EOS_ID]);
  assert.equal(a.promptLen, 3);
  const b = encodeExample(tok, '', 'z', 10, 'x');
  assert.throws(() => encodeExample(tok, 'abcdef', 'ghijk', 10, 'row 7'), /row 7: 13 tokens .* exceed context_length 10/);
  const { data, batch, length } = padRows([a.ids, b.ids], PAD_ID);
  assert.equal(batch, 2);
  assert.equal(length, 6);
  assert.deepEqual(Array.from(data.slice(6)), [BOS_ID, ...tok.encode('z'), EOS_ID, PAD_ID, PAD_ID, PAD_ID]);
  // Targets are x[t+1]: completion-only marks c, d, eos of row a and z, eos of row b.
  assert.deepEqual(Array.from(targetMask([a, b], length, false)), [0, 0, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual(Array.from(targetMask([a, b], length, true)), [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  assert.deepEqual(lastTokenIndices([a.ids, [...b.ids, PAD_ID, PAD_ID]], PAD_ID), [5, 2]);
  const row = [BOS_ID, ...tok.encode('q'), ...tok.encode('xy'), EOS_ID, ...tok.encode('zz')];
  assert.equal(completionText(tok, row, [0, 0, 1, 1, 1, 1, 1]), 'xy');
});

test('held-out split is seeded and disjoint', () => {
  const a = splitHeldOut(100, 0.1, 7);
  const b = splitHeldOut(100, 0.1, 7);
  assert.deepEqual(a, b);
  assert.equal(a.held.length, 10);
  assert.equal(new Set([...a.train, ...a.held]).size, 100);
  assert.deepEqual(splitHeldOut(5, 0, 1).held, []);
  assert.equal(splitHeldOut(2, 0.01, 1).held.length, 1);
});

test('Bradley–Terry loss equals -log sigmoid(rc - rr) by hand', () => {
  const rc = [2, 0, -1, 30];
  const rr = [1, 0, 1, -30];
  // -log sigmoid(d) = log(1 + exp(-d)) for d = 1, 0, -2, 60
  const expected = (Math.log(1 + Math.exp(-1)) + Math.log(2) + Math.log(1 + Math.exp(2)) + Math.log(1 + Math.exp(-60))) / 4;
  const got = tf.tidy(() => bradleyTerryLoss(tf.tensor1d(rc), tf.tensor1d(rr)).dataSync()[0]);
  assert.ok(Math.abs(got - expected) < 1e-5, `${got} vs ${expected}`);
  // Large negative margins do not overflow.
  const big = tf.tidy(() => bradleyTerryLoss(tf.tensor1d([-100]), tf.tensor1d([100])).dataSync()[0]);
  assert.ok(Math.abs(big - 200) < 1e-3);
  // Gradient w.r.t. rc is -(1 - sigmoid(d)) / n.
  const g = tf.tidy(() => tf.grad((x: tf.Tensor) => bradleyTerryLoss(x as tf.Tensor1D, tf.tensor1d([0])))(tf.tensor1d([0])).dataSync()[0]);
  assert.ok(Math.abs(g + 0.5) < 1e-6);
});

test('reward model scores the last real token; pads after it change nothing', () => {
  const tok = tokenizerByName('char');
  const lm = new TransformerLM({ vocabSize: tok.vocabSize, contextLength: 16, nLayers: 1, dModel: 16, nHeads: 2 }, 3);
  const rm = new RewardModel(lm, tok, undefined, 3);
  const a = encodeExample(tok, 'sort 31:', '13', 16, 'a').ids;
  const [s1] = rm.scoreRows([a]);
  const [s2] = rm.scoreRows([[...a, PAD_ID, PAD_ID, PAD_ID]]);
  assert.ok(Math.abs(s1 - s2) < 1e-5);
  const both = rm.scoreTexts([{ prompt: 'sort 31:', completion: '13' }, { prompt: 'sort 31:', completion: '31' }]);
  assert.ok(Math.abs(both[0] - s1) < 1e-5);
  assert.notEqual(both[0], both[1]);
  // Score by hand: w . h_last + b.
  const h = tf.tidy(() => Array.from(lm.hidden(tf.tensor2d([a], [1, a.length], 'int32')).arraySync()[0][a.length - 1]));
  const { w, b } = rm.headWeights();
  const byHand = h.reduce((acc, x, i) => acc + x * w[i], b);
  assert.ok(Math.abs(byHand - s1) < 1e-4);
  assert.equal(rm.variables().length, lm.trainableVariables().length - 1 + 2);
  rm.dispose();
});
