/**
 * Issue 8's editor features as pure functions: hover with RL Zoo's tuned values, sweep and
 * init_from support, cross-key checks, quick fixes, code lenses from runs, outline,
 * go-to-definition, and realistic RL Baselines3 Zoo files (test/fixtures/zoo/).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Hover, Position, TextEdit } from 'vscode-languageserver';
import {
  codeActions,
  codeLenses,
  complete,
  definition,
  diagnostics,
  documentSymbols,
  editorDocument,
  freeSeeds,
  hover,
  type EditorDocument,
} from '../../server/src/editor';
import { CommandIds, type RunSummary, type RunSweepArgs, type RunWithSeedsArgs } from '../../server/src/protocol/types';
import { isAlgoId, paramSpec, ZOO_TUNED } from '../../server/src/schema';
import { ZOO_UNIMPLEMENTED_KEYS } from '../../server/src/experiments';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const EXAMPLE = readFileSync(join(root, 'examples/cartpole.rl.yaml'), 'utf8');
const URI = 'file:///ws/examples/cartpole.rl.yaml';
const ZOO_ALGOS = ['ppo', 'a2c', 'dqn', 'sac', 'td3', 'ddpg'] as const;
const zooText = (algo: string) => readFileSync(join(root, 'test/fixtures/zoo', `${algo}.yml`), 'utf8');
const zooUri = (algo: string) => `file:///ws/rl-zoo/hyperparams/${algo}.yml`;

function at(text: string, needle: string, shift = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} not found`);
  return TextDocument.create('x', 'yaml', 0, text).positionAt(offset + shift);
}

function hoverText(h: Hover | null): string {
  assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents, 'expected a markdown hover');
  return h.contents.value;
}

/** Applies a code action's single edit to the document text. */
function apply(doc: EditorDocument, action: CodeAction): string {
  const edits: TextEdit[] = action.edit?.changes?.[doc.uri] ?? [];
  assert.equal(edits.length, 1);
  return TextDocument.applyEdits(doc.document, edits);
}

function run(p: Partial<RunSummary> & { id: string; experiment: string; seed: number }): RunSummary {
  return { file: 'cartpole.rl.yaml', algo: 'ppo', env: 'CartPole-v1', status: 'completed', startTime: '2026-01-01T00:00:00Z', globalStep: 0, totalSteps: 100000, runDir: '/runs/x', ...p };
}

describe('hover (issue 8)', () => {
  const doc = editorDocument(EXAMPLE, URI);

  it("shows the value RL Baselines3 Zoo tuned for the experiment's env, or that the Zoo leaves it at the default", () => {
    const lambda = hoverText(hover(doc, at(EXAMPLE, 'gae_lambda', 2)));
    assert.match(lambda, /\| RL Zoo tuned \(ppo, CartPole-v1\) \| `0.8` \|/);
    assert.equal(ZOO_TUNED.ppo['CartPole-v1'].gae_lambda, 0.8);
    assert.match(hoverText(hover(doc, at(EXAMPLE, 'learning_rate', 2))), /RL Zoo tuned \(ppo, CartPole-v1\) \| `lin_0.001`/);
    assert.match(hoverText(hover(doc, at(EXAMPLE, 'vf_coef', 2))), /RL Zoo tuned \(ppo, CartPole-v1\) \| not set there \(SB3 default\)/);
    // Every hover on a key keeps the full documentation: type, default, range, users, formula.
    for (const part of [/Type \|/, /Default \|/, /Valid range \|/, /Used by \|/, /```text/]) assert.match(lambda, part);
  });

  it('in a Zoo file reads the algorithm from the file name and the env from the entry', () => {
    const text = zooText('ppo');
    const zoo = editorDocument(text, zooUri('ppo'));
    const h = hoverText(hover(zoo, at(text, 'gamma: 0.9999', 2)));
    assert.match(h, /RL Zoo tuned \(ppo, MountainCarContinuous-v0\) \| `0.9999`/);
    assert.match(hoverText(hover(zoo, at(text, 'use_sde', 2))), /Generalized State-Dependent Exploration \(gSDE\)[\s\S]*z\(s\) @ M_e/);
  });

  it('explains init_from (language-model stages), and the sweep block and its keys', () => {
    const text = 'a:\n  algo: ppo\n  env: CartPole-v1\n  init_from: b\n  sweep:\n    values:\n      clip_range: [0.1, lin_0.2]\n      gamma: [0.9, 0.99]\n    seeds: [1, 2]\nb:\n  algo: ppo\n  env: CartPole-v1\n';
    const d = editorDocument(text, 'file:///ws/s.rl.yaml');
    assert.match(hoverText(hover(d, at(text, 'init_from', 2))), /latest completed run[\s\S]*language-model stages/);
    assert.match(hoverText(hover(d, at(text, 'sweep:', 2))), /grid over `clip_range`, `gamma`, seeds 1, 2: \*\*8 runs\*\*/);
    assert.match(hoverText(hover(d, at(text, 'clip_range', 2))), /\*\*clip_range\*\*[\s\S]*L_CLIP/);
    assert.match(hoverText(hover(d, at(text, 'lin_0.2', 2))), /starts at 0.2 and decreases linearly to 0/);
  });
});

describe('completion (issue 8)', () => {
  const text = 'base:\n  algo: ppo\n  env: CartPole-v1\nft:\n  algo: ppo\n  init_from: \n  sweep:\n    method: \n    \n    values:\n      \n';
  const doc = editorDocument(text, 'file:///ws/c.rl.yaml');
  const labels = (p: Position) => complete(doc, p).map((i) => i.label);

  it('offers the experiments of the file for init_from, sweep fields, methods and sweepable keys', () => {
    assert.deepEqual(labels({ line: 5, character: 13 }), ['base']);
    assert.deepEqual(labels({ line: 7, character: 12 }), ['grid', 'random']);
    assert.deepEqual(labels({ line: 8, character: 4 }), ['seeds', 'n_trials', 'sampler_seed'].filter((f) => labels({ line: 8, character: 4 }).includes(f)).length ? labels({ line: 8, character: 4 }) : ['?']);
    const fields = labels({ line: 8, character: 4 });
    assert.ok(fields.includes('seeds') && fields.includes('n_trials') && !fields.includes('method') && !fields.includes('values'), fields.join());
    const swept = labels({ line: 10, character: 6 });
    assert.ok(swept.includes('clip_range') && swept.includes('gamma') && !swept.includes('seed') && !swept.includes('algo'), swept.join());
    const item = complete(doc, { line: 10, character: 6 }).find((i) => i.label === 'clip_range');
    assert.equal(item?.insertText, 'clip_range: [');
  });
});

describe('diagnostics (issue 8)', () => {
  const messages = (text: string) => diagnostics(editorDocument(text, 'file:///ws/d.rl.yaml')).map((d) => `${d.severity}@${d.range.start.line}:${d.range.start.character} ${d.message}`);

  it('checks batch_size against n_steps x n_envs: larger than the rollout, and not dividing it', () => {
    const head = 'e:\n  algo: ppo\n  env: CartPole-v1\n  n_envs: 3\n  n_steps: 100\n';
    assert.deepEqual(messages(head + '  batch_size: 64\n'), [
      '2@5:14 batch_size: the rollout n_steps x n_envs = 100 x 3 = 300 is not a multiple of batch_size 64: every epoch ends with a truncated minibatch of 44 (60 divides it)',
    ]);
    assert.deepEqual(messages(head + '  batch_size: 400\n'), [
      '2@5:14 batch_size: batch_size 400 is larger than the rollout n_steps x n_envs = 100 x 3 = 300; each minibatch will be the whole rollout',
    ]);
    assert.deepEqual(messages(head + '  batch_size: 75\n'), []);
  });

  it('checks every value of a sweep against its key, where it is written', () => {
    const text = [
      'e:',
      '  algo: ppo',
      '  env: CartPole-v1',
      '  sweep:',
      '    method: gird',
      '    values:',
      '      clip_range: [0.1, 2, "x"]',
      '      n_epoch: [1]',
      '      gamma: 0.9',
      '      normalize_advantage: [true, 3]',
      '    seeds: [1, 2, -1]',
      '',
    ].join('\n');
    assert.deepEqual(messages(text), [
      "1@4:12 sweep: method must be grid or random, got 'gird' — did you mean 'grid'?",
      '1@6:24 sweep: clip_range value must be > 0 and <= 1, got 2',
      "1@6:27 sweep: clip_range value must be a number or lin_<start> (linear decay to 0, e.g. lin_0.001), got 'x'",
      "1@7:6 sweep: unknown key 'n_epoch' — did you mean 'n_epochs'?",
      "1@8:13 sweep: 'gamma' takes a list of values to try, e.g. [0.9, 0.9999]; got 0.9",
      '1@9:34 sweep: normalize_advantage value must be true or false, got 3',
      '1@10:18 sweep: seed must be >= 0 and <= 2147483647, got -1',
    ]);
    const ok = 'e:\n  algo: ppo\n  env: CartPole-v1\n  sweep:\n    method: random\n    n_trials: 4\n    values:\n      learning_rate: { min: 1.0e-5, max: 1.0e-3, log: true }\n      clip_range: [0.1, lin_0.2]\n    seeds: [1, 2, 3]\n';
    assert.deepEqual(messages(ok), []);
  });

  it('warns that init_from is only used by the language-model stages', () => {
    assert.deepEqual(messages('e:\n  algo: ppo\n  env: CartPole-v1\n  init_from: other\n'), ["2@3:2 'init_from' is only used by the language-model stages (sft, reward_model, ppo_rlhf, dpo, grpo); ppo ignores it"]);
  });
});

describe('quick fixes', () => {
  const text = 'e:\n  algo: ppo\n  env: CartPole-v1\n  gamma: 1.5\n  learning_rate: 0\n  clip_range: lin_3\n  ent_coeff: 0.2\n  policy: MlpPolcy\n  n_envs: 2\n  n_steps: 10\n  batch_size: 64\nf:\n  algo: ppo\n';
  const doc = editorDocument(text, 'file:///ws/q.rl.yaml');
  const fixesOn = (line: number) => codeActions(doc, { start: { line, character: 0 }, end: { line, character: 40 } });

  it('clamps out-of-range values to the nearest valid one (the sensible edge for an exclusive bound)', () => {
    const [gamma] = fixesOn(3);
    assert.equal(gamma.title, 'Change to 1');
    assert.equal(gamma.kind, 'quickfix');
    assert.equal(gamma.isPreferred, true);
    assert.match(String(gamma.diagnostics?.[0].message), /gamma: must be >= 0 and <= 1/);
    assert.match(apply(doc, gamma), /\n {2}gamma: 1\n/);
    assert.match(apply(doc, fixesOn(4)[0]), /\n {2}learning_rate: 0\.00001\n/);
    assert.match(apply(doc, fixesOn(5)[0]), /\n {2}clip_range: lin_1\n/);
  });

  it("applies the did-you-mean of an unknown key or value, and batch_size that fits the rollout", () => {
    assert.match(apply(doc, fixesOn(6)[0]), /\n {2}ent_coef: 0\.2\n/);
    assert.match(apply(doc, fixesOn(7)[0]), /\n {2}policy: MlpPolicy\n/);
    const batch = fixesOn(10)[0];
    assert.equal(batch.title, 'Change to 20 (the whole rollout)');
  });

  it('adds a missing required key', () => {
    const add = codeActions(doc, { start: { line: 11, character: 0 }, end: { line: 11, character: 1 } }).find((a) => a.title.startsWith("Add 'env:"));
    assert.ok(add);
    const fixed = apply(doc, add);
    assert.match(fixed, /\nf:\n {2}env: CartPole-v1\n {2}algo: ppo\n/);
  });

  it('after applying every fix the file has no errors left', () => {
    let current = text;
    for (let round = 0; round < 10; round++) {
      const d = editorDocument(current, doc.uri);
      const actions = codeActions(d, { start: { line: 0, character: 0 }, end: d.document.positionAt(current.length) }).filter((a) => a.isPreferred);
      if (!actions.length) break;
      current = apply(d, actions[0]);
    }
    assert.deepEqual(diagnostics(editorDocument(current, doc.uri)).filter((d) => d.severity === 1), [], current);
  });
});

describe('code lenses (issue 8)', () => {
  const doc = editorDocument(EXAMPLE, URI);
  const history: Record<string, RunSummary[]> = {
    'cartpole-ppo': [
      run({ id: 'r3', experiment: 'cartpole-ppo', seed: 2, status: 'running', globalStep: 25000 }),
      run({ id: 'r2', experiment: 'cartpole-ppo', seed: 1, status: 'completed', meanReturn: 487.25 }),
    ],
  };
  const lenses = codeLenses(doc, { runsOf: (e) => history[e] ?? [] });
  const titles = (line: number) => lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title);

  it('Run, Run with 3 seeds (the next free ones), Stop while running and the last run with its mean return', () => {
    assert.deepEqual(titles(5), [
      '$(play) Run experiment',
      '$(run-all) Run with 3 seeds (3, 4, 5)',
      '$(debug-stop) Stop seed 2 at 25%',
      '$(graph) Last run: running, no episode finished yet (seed 2)',
    ]);
    assert.deepEqual(titles(22), ['$(play) Run experiment', '$(run-all) Run with 3 seeds (1, 2, 3)']);
    const seeds = lenses.find((l) => l.command?.command === CommandIds.runExperimentWithSeeds)?.command?.arguments?.[0] as RunWithSeedsArgs;
    assert.deepEqual(seeds, { uri: URI, experiment: 'cartpole-ppo', seeds: [3, 4, 5] });
    assert.deepEqual(lenses.find((l) => l.command?.command === CommandIds.stopRun)?.command?.arguments, ['r3']);
    assert.deepEqual(lenses.find((l) => l.command?.command === CommandIds.openLastRun)?.command?.arguments, ['r3']);
    assert.deepEqual(freeSeeds([run({ id: 'a', experiment: 'x', seed: 1 }), run({ id: 'b', experiment: 'x', seed: 3 })], 3), [2, 4, 5]);
  });

  it('a finished last run shows its mean return', () => {
    const done = codeLenses(doc, { runsOf: (e) => (e === 'cartpole-ppo' ? [history['cartpole-ppo'][1]] : []) });
    assert.ok(done.some((l) => l.command?.title === '$(graph) Last run: completed, mean return 487.3 (seed 1)'));
  });

  it('Sweep when declared, with every combination expanded for the fallback', () => {
    const text = 'e:\n  algo: ppo\n  env: CartPole-v1\n  sweep:\n    values:\n      clip_range: [0.1, 0.2]\n      n_epochs: [4, 10]\n    seeds: [1, 2]\nplain:\n  algo: ppo\n  env: CartPole-v1\n';
    const sweep = codeLenses(editorDocument(text, 'file:///ws/s.rl.yaml')).filter((l) => l.command?.command === CommandIds.runSweep);
    assert.equal(sweep.length, 1);
    assert.equal(sweep[0].command?.title, '$(beaker) Sweep grid: 8 runs (clip_range, n_epochs)');
    const args = sweep[0].command?.arguments?.[0] as RunSweepArgs;
    assert.equal(args.runs.length, 8);
    assert.deepEqual(args.runs[0], { seed: 1, overrides: ['clip_range=0.1', 'n_epochs=4'] });
    assert.deepEqual(args.runs[7], { seed: 2, overrides: ['clip_range=0.2', 'n_epochs=10'] });
  });
});

describe('outline and go to definition', () => {
  it('lists experiments with algo and env, and their keys as children', () => {
    const symbols = documentSymbols(editorDocument(EXAMPLE, URI));
    assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.selectionRange.start.line]), [
      ['cartpole-ppo', 'ppo · CartPole-v1', 5],
      ['cartpole-ppo-cleanrl', 'ppo · CartPole-v1', 22],
    ]);
    assert.deepEqual(symbols[0].children?.map((c) => c.name).slice(0, 4), ['algo', 'env', 'seed', 'n_envs']);
    const clip = symbols[0].children?.find((c) => c.name === 'clip_range');
    assert.equal(clip?.detail, 'lin_0.2');
  });

  it('init_from goes to the experiment of the same file, or to a run folder config.yaml', () => {
    const text = 'base:\n  algo: ppo\n  env: CartPole-v1\nft:\n  algo: ppo\n  env: CartPole-v1\n  init_from: base\nft2:\n  algo: ppo\n  env: CartPole-v1\n  init_from: run-123\n';
    const doc = editorDocument(text, 'file:///ws/d.rl.yaml');
    assert.deepEqual(definition(doc, at(text, 'init_from: base', 13)), { uri: doc.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } } });
    const ctx = { runConfigPath: (id: string) => (id === 'run-123' ? '/ws/.rl-lab/runs/run-123/config.yaml' : undefined) };
    assert.equal(definition(doc, at(text, 'run-123', 2), ctx)?.uri, pathToFileURL('/ws/.rl-lab/runs/run-123/config.yaml').href);
    assert.equal(definition(doc, at(text, 'run-123', 2)), null);
    assert.equal(definition(doc, at(text, 'algo', 1)), null);
  });

  it('env_module goes to the custom environment module', () => {
    const file = join(root, 'examples/custom-env.rl.yaml');
    const text = readFileSync(file, 'utf8');
    const doc = editorDocument(text, pathToFileURL(file).href);
    const loc = definition(doc, at(text, './envs/gridworld.js', 3));
    assert.equal(loc?.uri, pathToFileURL(join(root, 'examples/envs/gridworld.js')).href);
  });
});

describe('RL Baselines3 Zoo files (test/fixtures/zoo)', () => {
  for (const algo of ZOO_ALGOS) {
    it(`${algo}.yml: no errors, unimplemented keys are warnings naming the key, every feature answers everywhere`, () => {
      const text = zooText(algo);
      const doc = editorDocument(text, zooUri(algo));
      const found = diagnostics(doc);
      assert.deepEqual(found.filter((d) => d.severity === 1).map((d) => `${d.range.start.line}: ${d.message}`), []);
      // Every Zoo-only key written in the file gets a warning that names it, on the key.
      const lines = text.split('\n');
      for (const [i, line] of lines.entries()) {
        const key = /^\s+([a-z_]+):/.exec(line)?.[1];
        if (!key || !(key in ZOO_UNIMPLEMENTED_KEYS) || /^\s+#/.test(line)) continue;
        // A key the algorithm's schema has (gSDE's use_sde for ppo, a2c, sac) is implemented there.
        if (isAlgoId(algo) && paramSpec(algo, key)) continue;
        const w = found.find((d) => d.range.start.line === i && String(d.message).includes(`'${key}'`));
        const fileLevel = found.some((d) => d.range.start.line === 0 && /does not implement the algorithm/.test(String(d.message)));
        assert.ok(w || fileLevel, `line ${i + 1}: no warning naming '${key}'`);
        if (w) assert.equal(w.severity, 2);
      }
      for (let line = 0; line < lines.length; line++) {
        for (let character = 0; character <= lines[line].length; character += 2) {
          const p = { line, character };
          hover(doc, p);
          complete(doc, p);
          definition(doc, p);
          codeActions(doc, { start: p, end: p });
        }
      }
      codeLenses(doc);
      documentSymbols(doc);
    });
  }

  it("reads sac.yml's under-indented multi-line policy string as PyYAML does", () => {
    const text = zooText('sac');
    const doc = editorDocument(text, zooUri('sac'));
    assert.equal(doc.model.syntaxIssues.length, 0);
    const fetch = doc.model.experiments.find((e) => e.name === 'FetchReach-v1');
    const kwargs = fetch?.entries.find((e) => e.key === 'replay_buffer_kwargs')?.value;
    assert.equal(typeof kwargs, 'string');
    assert.match(String(kwargs), /online_sampling=True,\s+goal_selection_strategy='future',\s+n_sampled_goal=4\s+\)/);
    // Offsets still point into the original text.
    const entry = fetch?.entries.find((e) => e.key === 'policy_kwargs');
    assert.equal(text.slice(entry!.keyRange.start, entry!.keyRange.end), 'policy_kwargs');
  });

  it('offers the renamed env id for an old Zoo id as a quick fix', () => {
    const text = zooText('ppo');
    const doc = editorDocument(text, zooUri('ppo'));
    const p = at(text, 'LunarLander-v2:');
    const [fix] = codeActions(doc, { start: p, end: p });
    assert.equal(fix?.title, "Change to 'LunarLander-v3'");
  });
});

describe('hostile YAML', () => {
  it('a self-referencing alias with several uses expands to a bounded tree', () => {
    const doc = editorDocument('exp:\n  algo: ppo\n  env: CartPole-v1\n  policy_kwargs: &c {a: *c, b: *c, c: *c, d: *c}\n', 'file:///ws/h.rl.yaml');
    const tree = doc.model.experiments[0].entries.find((e) => e.key === 'policy_kwargs')?.tree;
    let nodes = 0;
    const walk = (n: unknown): void => {
      nodes++;
      const node = n as { kind: string; items?: unknown[]; entries?: { value: unknown }[] };
      for (const i of node.items ?? []) walk(i);
      for (const e of node.entries ?? []) walk(e.value);
    };
    walk(tree);
    assert.ok(nodes > 1000 && nodes <= 100_000, `${nodes} nodes`);
    assert.ok(Array.isArray(diagnostics(doc)));
  });
});
