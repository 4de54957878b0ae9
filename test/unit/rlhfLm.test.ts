/**
 * The miniature transformer LM: shapes, causality, normalized log-probs, deterministic init,
 * sampling (temperature / top-k / eos), save/load round trip, tokenizer round trip, no tensor leaks.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/src/training/engine';
import { TransformerLM, tokenLogProbs, sample, drawToken, type LmConfig } from '../../server/src/training/rlhf/lm/model';
import { saveLm, loadLm } from '../../server/src/training/rlhf/lm/io';
import { createTokenizer, tokenizerByName, PAD_ID, BOS_ID, EOS_ID } from '../../server/src/training/rlhf/tokenizer';
import { Rng } from '../../server/src/training/rng';

const cfg: LmConfig = { vocabSize: 20, contextLength: 12, nLayers: 2, dModel: 16, nHeads: 4 };

before(async () => {
  await selectBackend();
});

test('logits and hidden have the documented shapes', () => {
  const lm = new TransformerLM(cfg, 1);
  tf.tidy(() => {
    const tokens = tf.tensor2d([[1, 5, 6, 7], [1, 8, 9, 0]], [2, 4], 'int32');
    assert.deepEqual(lm.logits(tokens).shape, [2, 4, 20]);
    assert.deepEqual(lm.hidden(tokens).shape, [2, 4, 16]);
    assert.deepEqual(tokenLogProbs(lm, tokens).shape, [2, 3]);
  });
  assert.ok(lm.parameterCount() > 0);
  assert.throws(() => tf.tidy(() => lm.logits(tf.zeros([1, 13], 'int32') as tf.Tensor2D)), /context_length 12/);
  lm.dispose();
});

test('causal: changing a later token does not change earlier logits', () => {
  const lm = new TransformerLM(cfg, 2);
  const [a, b] = tf.tidy(() => {
    const x = lm.logits(tf.tensor2d([[1, 4, 5, 6, 7, 8]], [1, 6], 'int32')).arraySync()[0];
    const y = lm.logits(tf.tensor2d([[1, 4, 5, 19, 3, 2]], [1, 6], 'int32')).arraySync()[0];
    return [x, y];
  });
  for (let t = 0; t < 3; t++) for (let v = 0; v < 20; v++) assert.ok(Math.abs(a[t][v] - b[t][v]) < 1e-5, `t=${t} v=${v}`);
  // ...and the later positions do change (the model is not constant).
  assert.ok(a[3].some((x, v) => Math.abs(x - b[3][v]) > 1e-4));
  lm.dispose();
});

test('next-token probabilities sum to 1 over the vocabulary; tokenLogProbs picks the target', () => {
  const lm = new TransformerLM(cfg, 3);
  const tokens = [[1, 4, 9, 11, 2]];
  const { sums, picked, expected } = tf.tidy(() => {
    const t = tf.tensor2d(tokens, [1, 5], 'int32');
    const logp = tf.logSoftmax(lm.logits(t));
    const sums = tf.sum(tf.exp(logp), -1).arraySync() as number[][];
    const all = logp.arraySync() as number[][][];
    const expected = [0, 1, 2, 3].map((i) => all[0][i][tokens[0][i + 1]]);
    return { sums, picked: (tokenLogProbs(lm, t).arraySync() as number[][])[0], expected };
  });
  for (const s of sums[0]) assert.ok(Math.abs(s - 1) < 1e-5);
  picked.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-5));
  lm.dispose();
});

test('the same seed gives the same weights; another seed different ones', () => {
  const a = new TransformerLM(cfg, 7);
  const b = new TransformerLM(cfg, 7);
  const c = new TransformerLM(cfg, 8);
  const wa = a.getWeights();
  const wb = b.getWeights();
  const wc = c.getWeights();
  for (const k of Object.keys(wa)) assert.deepEqual(wa[k], wb[k]);
  assert.notDeepEqual(wa['wte'], wc['wte']);
  const cl = a.clone();
  assert.deepEqual(cl.getWeights()['h1.mlp.fc.w'], wa['h1.mlp.fc.w']);
  assert.notEqual(cl.trainableVariables()[0], a.trainableVariables()[0]);
  for (const m of [a, b, c, cl]) m.dispose();
});

test('sampling: shapes, masks, eos stop, determinism, greedy and top-k', () => {
  const lm = new TransformerLM(cfg, 4);
  const prompts = [[BOS_ID, 5, 6], [BOS_ID, 7]];
  const opts = { maxNewTokens: 5, temperature: 1, topK: 0, eosId: EOS_ID, padId: PAD_ID, bosId: BOS_ID };
  const r1 = sample(lm, prompts, { ...opts, rng: new Rng(1, 's') });
  const r2 = sample(lm, prompts, { ...opts, rng: new Rng(1, 's') });
  assert.deepEqual(r1, r2);
  const T = r1.tokens[0].length;
  assert.ok(r1.tokens.every((r) => r.length === T) && r1.responseMask.every((r) => r.length === T));
  prompts.forEach((p, i) => {
    assert.deepEqual(r1.tokens[i].slice(0, p.length), p);
    const gen = r1.tokens[i].filter((_, t) => r1.responseMask[i][t] === 1);
    assert.ok(gen.length >= 1 && gen.length <= 5);
    assert.ok(!gen.includes(PAD_ID) && !gen.includes(BOS_ID));
    const eos = gen.indexOf(EOS_ID);
    if (eos >= 0) assert.equal(eos, gen.length - 1, 'nothing generated after eos');
  });
  // Context limit: a prompt of 10 in a context of 12 gets at most 2 new tokens.
  const long = sample(lm, [[BOS_ID, 4, 4, 4, 4, 4, 4, 4, 4, 4]], { ...opts, maxNewTokens: 8, eosId: undefined, rng: new Rng(2) });
  assert.equal(long.tokens[0].length, 12);
  lm.dispose();
  // drawToken: greedy and top-k
  const logits = new Float32Array([0, 3, 1, 2.9]);
  assert.equal(drawToken(logits, 0, 0, new Rng(1)), 1);
  const rng = new Rng(5);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) seen.add(drawToken(logits, 5, 2, rng));
  assert.deepEqual([...seen].sort(), [1, 3]);
  assert.equal(drawToken(logits, 0, 0, new Rng(1), new Set([1])), 3);
});

test('save/load round trip restores identical logits and the tokenizer', () => {
  const tok = createTokenizer({ kind: 'char', alphabet: '0123456789 >' });
  const lm = new TransformerLM({ ...cfg, vocabSize: tok.vocabSize }, 9);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-lab-lm-'));
  saveLm(path.join(dir, 'model'), lm, tok, { note: 'x' });
  const { lm: back, tokenizer, extra } = loadLm(path.join(dir, 'model'));
  assert.deepEqual(tokenizer.spec, tok.spec);
  assert.deepEqual(extra, { note: 'x' });
  const t = [[BOS_ID, ...tok.encode('3 1 2>')]];
  const [x, y] = tf.tidy(() => [lm, back].map((m) => m.logits(tf.tensor2d(t, [1, t[0].length], 'int32')).arraySync()));
  assert.deepEqual(x, y);
  lm.dispose();
  back.dispose();
  assert.throws(() => loadLm(path.join(dir, 'nothing')), /no language model/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('tokenizers round-trip text; specials are reserved', () => {
  const ch = tokenizerByName('char');
  const text = 'sort: 3 1 2 -> 1 2 3\n';
  assert.equal(ch.decode(ch.encode(text)), text);
  assert.ok(ch.encode(text).every((id) => id > EOS_ID));
  assert.equal(ch.decode([BOS_ID, ...ch.encode('ab'), EOS_ID, PAD_ID]), 'ab');
  const by = tokenizerByName('byte');
  assert.equal(by.vocabSize, 260);
  assert.equal(by.decode(by.encode('héllo ✓')), 'héllo ✓');
  assert.throws(() => tokenizerByName('bpe'), /unknown tokenizer/);
});

test('numTensors stays flat across training steps', () => {
  const lm = new TransformerLM({ ...cfg, dropout: 0.1 }, 11);
  lm.training = true;
  const opt = tf.train.adam(1e-3);
  const tokens = tf.tensor2d([[1, 4, 5, 6, 7, 2], [1, 8, 9, 10, 2, 0]], [2, 6], 'int32');
  const step = (): number => {
    const loss = opt.minimize(() => tf.neg(tf.mean(tokenLogProbs(lm, tokens))) as tf.Scalar, true, lm.trainableVariables());
    const v = loss!.dataSync()[0];
    loss!.dispose();
    return v;
  };
  const first = step();
  step();
  const n = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 20; i++) last = step();
  assert.equal(tf.memory().numTensors, n);
  assert.ok(last < first, `loss ${first} -> ${last}`);
  tokens.dispose();
  opt.dispose();
  lm.dispose();
});
