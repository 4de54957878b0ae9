/** Editor features as pure functions of (text, uri, position). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CompletionItem, Hover, Position } from 'vscode-languageserver';
import {
  codeLenses,
  complete,
  diagnostics,
  editorDocument,
  ExperimentFilePatterns,
  hover,
  ParseCache,
  RUN_LENS_TITLE,
} from '../../server/src/editor';
import { CommandIds } from '../../server/src/protocol/types';
import { ENV_IDS } from '../../server/src/training/envs/registry';
import { TEXT_ENV_IDS } from '../../server/src/training/rlhf/tasks';
import { ALGO_IDS, paramSpec } from '../../server/src/schema';
import { TextDocument } from 'vscode-languageserver-textdocument';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const EXAMPLE = readFileSync(join(root, 'examples/cartpole.rl.yaml'), 'utf8');
const ZOO = readFileSync(join(root, 'test/fixtures/hyperparams/ppo.yml'), 'utf8');
const URI = 'file:///ws/examples/cartpole.rl.yaml';
const ZOO_URI = 'file:///ws/zoo/hyperparams/ppo.yml';

/** The position of the n-th occurrence of `needle` (plus `shift` characters). */
function at(text: string, needle: string, shift = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} not found`);
  return TextDocument.create('x', 'yaml', 0, text).positionAt(offset + shift);
}

function hoverText(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents;
  assert.ok(typeof c === 'object' && 'kind' in c);
  return c.value;
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

describe('hover', () => {
  const doc = editorDocument(EXAMPLE, URI);

  it('explains a key: summary, type, default, ranges, formula, algorithms', () => {
    const h = hover(doc, at(EXAMPLE, 'clip_range', 3));
    const text = hoverText(h);
    assert.match(text, /\*\*clip_range\*\*/);
    assert.match(text, /Default \| `0.2`/);
    assert.match(text, /Valid range \| > 0 and <= 1/);
    assert.match(text, /Sensible range \| 0.1 – 0.3/);
    assert.match(text, /clipped|surrogate objective/);
    assert.match(text, /```text\n[\s\S]*L_CLIP[\s\S]*```/);
    assert.match(text, /Proximal Policy Optimization/);
    assert.deepEqual(h?.range, { start: at(EXAMPLE, 'clip_range'), end: at(EXAMPLE, 'clip_range', 'clip_range'.length) });
  });

  it('explains a lin_ schedule value', () => {
    const text = hoverText(hover(doc, at(EXAMPLE, 'lin_0.001', 2)));
    assert.match(text, /starts at 0.001 and decreases linearly to 0/);
    assert.match(text, /Halfway \(step 50000 of 100000\) it is 0.0005/);
  });

  it('describes an env id and an algorithm', () => {
    const env = hoverText(hover(doc, at(EXAMPLE, 'env: CartPole-v1', 7)));
    assert.match(env, /Discrete\(2\)/);
    assert.match(env, /Box\(4,\)/);
    assert.match(env, /Reward threshold \| 475/);
    assert.match(env, /500 steps/);
    assert.match(hoverText(hover(doc, at(EXAMPLE, 'algo: ppo', 7))), /Proximal Policy Optimization \(clip\)/);
  });

  it('describes Zoo top-level env ids and has nothing on comments', () => {
    const zoo = editorDocument(ZOO, ZOO_URI);
    assert.match(hoverText(hover(zoo, at(ZOO, 'Pendulum-v1:', 1))), /Box\(1,\) low \[-2\] high \[2\]/);
    assert.equal(hover(doc, { line: 0, character: 3 }), null);
  });

  it('works on keys merged and written in a Zoo file', () => {
    const zoo = editorDocument(ZOO, ZOO_URI);
    assert.match(hoverText(hover(zoo, at(ZOO, 'gae_lambda', 1, 1))), /GAE lambda/);
    assert.match(hoverText(hover(zoo, at(ZOO, 'normalize:', 1))), /SB3 VecNormalize/);
  });
});

describe('completion', () => {
  it('offers the keys not yet written, with docs', () => {
    const text = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  gamma: 0.9\n  \n';
    const items = complete(editorDocument(text, URI), { line: 4, character: 2 });
    const names = labels(items);
    for (const key of ['clip_range', 'learning_rate', 'n_envs', 'seed', 'policy_kwargs']) assert.ok(names.includes(key), key);
    for (const key of ['algo', 'env', 'gamma']) assert.ok(!names.includes(key), key);
    const clip = items.find((i) => i.label === 'clip_range')!;
    assert.equal(clip.insertText, 'clip_range: ');
    assert.match(JSON.stringify(clip.documentation), /Default/);
  });

  it('offers only algorithm keys inside `hyperparameters:`', () => {
    const text = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  hyperparameters:\n    gamma: 0.9\n    \n';
    const names = labels(complete(editorDocument(text, URI), { line: 5, character: 4 }));
    assert.ok(names.includes('clip_range'));
    assert.ok(!names.includes('n_envs') && !names.includes('gamma'));
  });

  it('offers enum values for algo, env, policy and bool keys', () => {
    const text = 'exp:\n  algo: \n  env: Cart\n  policy: \n  normalize_advantage: \n  target_kl: \n';
    const doc = editorDocument(text, URI);
    assert.deepEqual(labels(complete(doc, { line: 1, character: 8 })), paramSpec(undefined, 'algo')?.values);
    const env = complete(doc, { line: 2, character: 11 });
    assert.deepEqual(labels(env), [...ENV_IDS, 'custom', ...TEXT_ENV_IDS]);
    assert.deepEqual(env[0].textEdit && 'range' in env[0].textEdit ? env[0].textEdit.range : undefined, {
      start: { line: 2, character: 7 },
      end: { line: 2, character: 11 },
    });
    assert.deepEqual(labels(complete(doc, { line: 3, character: 10 })), ['MlpPolicy']);
    assert.deepEqual(labels(complete(doc, { line: 4, character: 23 })), ['true', 'false']);
    assert.ok(labels(complete(doc, { line: 5, character: 13 })).includes('null'));
  });

  it('offers policy_kwargs entries inside a policy_kwargs mapping', () => {
    const text = 'exp:\n  algo: ppo\n  policy_kwargs:\n    net_arch: [64]\n    \n    activation_fn: \n';
    const doc = editorDocument(text, URI);
    assert.deepEqual(labels(complete(doc, { line: 4, character: 4 })).slice(0, 6), ['net_arch', 'activation_fn', 'ortho_init', 'log_std_init', 'full_std', 'use_expln']);
    assert.deepEqual(labels(complete(doc, { line: 5, character: 19 })), ['nn.Tanh', 'nn.ReLU']);
  });

  it('puts a space after a bare colon', () => {
    const doc = editorDocument('exp:\n  algo:\n', URI);
    const [item] = complete(doc, { line: 1, character: 7 });
    assert.ok(item.textEdit && 'newText' in item.textEdit);
    assert.equal(item.textEdit.newText, ' ppo');
  });

  it('offers a new-experiment snippet at the top level', () => {
    const items = complete(editorDocument(EXAMPLE + '\n\n', URI), { line: EXAMPLE.split('\n').length + 1, character: 0 });
    const snippet = items.find((i) => i.label === 'new experiment');
    assert.ok(snippet && snippet.textEdit && 'newText' in snippet.textEdit);
    assert.ok(snippet.textEdit.newText.includes(`algo: ${'$'}{2|${ALGO_IDS.join(',')}|}`), snippet.textEdit.newText);
    assert.ok(snippet.textEdit.newText.includes(`env: ${'$'}{3|${ENV_IDS.join(',')}|}`), snippet.textEdit.newText);
  });

  it('in a Zoo file leaves out algo and env', () => {
    const text = 'CartPole-v1:\n  n_envs: 8\n  \n';
    const names = labels(complete(editorDocument(text, ZOO_URI), { line: 2, character: 2 }));
    assert.ok(!names.includes('algo') && !names.includes('env') && !names.includes('n_envs'));
    assert.ok(names.includes('clip_range'));
  });
});

describe('diagnostics', () => {
  it('none for the example', () => {
    assert.deepEqual(diagnostics(editorDocument(EXAMPLE, URI)), []);
  });

  it('report syntax errors, unknown keys, types, ranges and Zoo-only keys with ranges', () => {
    const text = readFileSync(join(root, 'test/fixtures/bad.rl.yaml'), 'utf8');
    const found = diagnostics(editorDocument(text, 'file:///ws/bad.rl.yaml')).map((d) => ({
      severity: d.severity,
      line: d.range.start.line,
      text: text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character),
      message: String(d.message),
    }));
    assert.deepEqual(found, [
      { severity: 1, line: 4, text: 'clip_rnage', message: "unknown key 'clip_rnage' — did you mean 'clip_range'?" },
      { severity: 1, line: 5, text: 'many', message: "n_epochs: must be a whole number, got 'many'" },
      { severity: 1, line: 6, text: '1.5', message: 'gamma: must be >= 0 and <= 1, got 1.5' },
      {
        severity: 2,
        line: 10,
        text: 'frame_stack',
        message: "'frame_stack' (stacking of consecutive observations) is an RL Baselines3 Zoo setting that RL Lab does not implement yet; it is ignored",
      },
      {
        severity: 2,
        line: 9,
        text: '4096',
        message: 'batch_size: batch_size 4096 is larger than the rollout n_steps x n_envs = 16 x 4 = 64; each minibatch will be the whole rollout',
      },
    ]);
    const syntax = diagnostics(editorDocument(readFileSync(join(root, 'test/fixtures/syntax-error.rl.yaml'), 'utf8'), 'file:///ws/s.rl.yaml'));
    assert.ok(syntax.some((d) => d.severity === 1 && /Flow sequence/.test(String(d.message)) && d.range.start.line >= 3));
  });

  it('report a value merged into several experiments once', () => {
    const zoo = diagnostics(editorDocument(ZOO, ZOO_URI));
    // frame_stack (not implemented) sits in an anchor merged into two experiments.
    const merged = diagnostics(editorDocument('CartPole-v1: &base\n  n_envs: 4\n  frame_stack: 4\nAcrobot-v1:\n  <<: *base\nPendulum-v1:\n  <<: *base\n', ZOO_URI));
    assert.equal(merged.filter((d) => String(d.message).includes("'frame_stack'") && d.range.start.line === 2).length, 1);
    assert.ok(zoo.every((d) => d.severity === 2), 'a real Zoo file gives only warnings');
  });
});

describe('code lenses', () => {
  it('one Run lens per experiment, with the run command and its arguments', () => {
    const lenses = codeLenses(editorDocument(EXAMPLE, URI)).filter((l) => l.command?.command === CommandIds.runExperiment);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [5, RUN_LENS_TITLE, CommandIds.runExperiment, [{ uri: URI, experiment: 'cartpole-ppo' }]],
        [22, RUN_LENS_TITLE, CommandIds.runExperiment, [{ uri: URI, experiment: 'cartpole-ppo-cleanrl' }]],
      ],
    );
    assert.equal(RUN_LENS_TITLE, '$(play) Run experiment');
  });

  it('in a Zoo file only for environments RL Lab has', () => {
    const lenses = codeLenses(editorDocument(ZOO, ZOO_URI)).filter((l) => l.command?.command === CommandIds.runExperiment);
    assert.deepEqual(lenses.map((l) => (l.command?.arguments?.[0] as { experiment: string }).experiment), ['CartPole-v1', 'Pendulum-v1', 'MountainCarContinuous-v0', 'Acrobot-v1']);
  });
});

describe('parse cache and file patterns', () => {
  it('parses once per document version', () => {
    const cache = new ParseCache();
    const v1 = TextDocument.create(URI, 'yaml', 1, EXAMPLE);
    const a = cache.get(v1);
    assert.equal(cache.get(v1), a);
    const v2 = TextDocument.update(v1, [{ text: 'x:\n  algo: ppo\n' }], 2);
    const b = cache.get(v2);
    assert.notEqual(b, a);
    assert.deepEqual(b.model.experiments.map((e) => e.name), ['x']);
  });

  it('matches the default experiment-file patterns', () => {
    const p = new ExperimentFilePatterns(undefined, ['/ws']);
    assert.ok(p.matches('/ws/examples/cartpole.rl.yaml'));
    assert.ok(p.matches('/ws/a.rl.yml'));
    assert.ok(p.matches('/ws/rl-zoo/hyperparams/ppo.yml'));
    assert.ok(p.matches('/elsewhere/hyperparams/a2c.yml'));
    assert.ok(!p.matches('/ws/docker-compose.yml'));
    assert.ok(!p.matches('/ws/hyperparams/sub/ppo.yml'));
    assert.ok(!p.matches('/ws/a.rl.yaml.bak'));
  });

  it('matches configured patterns, relative to the workspace', () => {
    const p = new ExperimentFilePatterns(['configs/*.yaml', '*.exp.{yml,yaml}'], ['/ws']);
    assert.ok(p.matches('/ws/configs/a.yaml'));
    assert.ok(!p.matches('/ws/other/configs/a.yaml'));
    assert.ok(p.matches('/ws/deep/x.exp.yml'));
    assert.ok(!p.matches('/ws/examples/cartpole.rl.yaml'));
  });
});

describe('robustness while typing', () => {
  it('every prefix of the example and the Zoo file parses, validates, hovers and completes without throwing', () => {
    for (const [text, uri] of [
      [EXAMPLE, URI],
      [ZOO, ZOO_URI],
      [readFileSync(join(root, 'test/fixtures/bad.rl.yaml'), 'utf8'), 'file:///ws/bad.rl.yaml'],
    ] as const) {
      // Every third prefix: enough to cut every key, value and indentation at some point.
      for (let n = 0; n <= text.length; n += 3) {
        const doc = editorDocument(text.slice(0, n), uri);
        const end = doc.document.positionAt(n);
        diagnostics(doc);
        codeLenses(doc);
        complete(doc, end);
        hover(doc, end);
      }
    }
  });
});
