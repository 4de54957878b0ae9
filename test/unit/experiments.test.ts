/** Experiment files: parsing both formats with ranges, validation messages, loading and overrides. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENV_IDS } from '../../server/src/training/envs/registry';
import { TEXT_ENV_IDS } from '../../server/src/training/rlhf/tasks';
import {
  formatConfigError,
  listExperiments,
  loadExperimentConfig,
  parseExperimentFile,
  validateExperiment,
  type ConfigError,
  type ExperimentFileModel,
} from '../../server/src/experiments';
import { ALGO_IDS, hyperparametersOf } from '../../server/src/schema';

/** gamma of a config (AlgoHyperparameters is a union: the language-model stages have none). */
const gammaOf = (c: { hyperparameters: unknown }): number => (c.hyperparameters as { gamma: number }).gamma;

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const EXAMPLE = read('examples/cartpole.rl.yaml');
const ZOO_PATH = 'test/fixtures/hyperparams/ppo.yml';
const ZOO = read(ZOO_PATH);

function issuesOf(text: string, filePath = 'exp.rl.yaml', experiment?: string) {
  const model = parseExperimentFile(text, filePath);
  const exp = experiment ? model.experiments.find((e) => e.name === experiment)! : model.experiments[0];
  return validateExperiment(model, exp).map((i) => ({ severity: i.severity, key: i.key, message: i.message, text: text.slice(i.range.start, i.range.end) }));
}

function config(text: string, filePath = 'exp.rl.yaml', experiment?: string, overrides?: string[]) {
  const r = loadExperimentConfig(text, filePath, experiment, overrides, () => 12345);
  if ('error' in r) assert.fail(formatConfigError(r.error));
  return r.config;
}

function error(text: string, filePath = 'exp.rl.yaml', experiment?: string, overrides?: string[]): ConfigError {
  const r = loadExperimentConfig(text, filePath, experiment, overrides);
  if (!('error' in r)) assert.fail('expected an error');
  return r.error;
}

function slice(model: ExperimentFileModel, text: string, name: string, key: string) {
  const entry = model.experiments.find((e) => e.name === name)!.entries.find((e) => e.key === key)!;
  return { key: text.slice(entry.keyRange.start, entry.keyRange.end), value: text.slice(entry.valueRange.start, entry.valueRange.end), entry };
}

describe('parsing RL Lab experiment files', () => {
  it('finds experiments with name, key and value ranges', () => {
    const model = parseExperimentFile(EXAMPLE, 'examples/cartpole.rl.yaml');
    assert.equal(model.format, 'rl-lab');
    assert.deepEqual(model.syntaxIssues, []);
    assert.deepEqual(model.experiments.map((e) => e.name), ['cartpole-ppo', 'cartpole-ppo-cleanrl']);
    const first = model.experiments[0];
    assert.equal(EXAMPLE.slice(first.nameRange.start, first.nameRange.end), 'cartpole-ppo');
    const clip = slice(model, EXAMPLE, 'cartpole-ppo', 'clip_range');
    assert.deepEqual([clip.key, clip.value, clip.entry.value], ['clip_range', 'lin_0.2', 'lin_0.2']);
    const steps = slice(model, EXAMPLE, 'cartpole-ppo', 'n_timesteps');
    assert.equal(steps.value, '1e5', 'the range of the scalar itself, after its tag');
    assert.equal(steps.entry.value, 100000);
  });

  it('lists experiments with 1-based lines', () => {
    assert.deepEqual(listExperiments(EXAMPLE, 'examples/cartpole.rl.yaml'), [
      { name: 'cartpole-ppo', line: 6 },
      { name: 'cartpole-ppo-cleanrl', line: 23 },
    ]);
  });

  it('reads hyperparameters nested under `hyperparameters:` like flat ones', () => {
    const text = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  hyperparameters:\n    gamma: 0.9\n    n_steps: 64\n';
    const model = parseExperimentFile(text, 'a.rl.yaml');
    const gamma = slice(model, text, 'exp', 'gamma');
    assert.equal(gamma.entry.nested, true);
    assert.equal(gamma.value, '0.9');
    assert.deepEqual(issuesOf(text), []);
    const c = config(text);
    assert.equal(gammaOf(c), 0.9);
    assert.equal(hyperparametersOf(c, 'ppo').n_steps, 64);
  });

  it('flags a key given both flat and nested', () => {
    const text = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  gamma: 0.9\n  hyperparameters:\n    gamma: 0.8\n';
    assert.deepEqual(issuesOf(text).map((i) => i.message), ["'gamma' is set both at the top level and under 'hyperparameters'"]);
  });

  it('resolves anchors, `<<` merges (explicit keys win) and templates', () => {
    const text = [
      '.defaults: &defaults',
      '  algo: ppo',
      '  env: CartPole-v1',
      '  gamma: 0.95',
      'a:',
      '  <<: *defaults',
      '  gamma: 0.9',
      'b:',
      '  <<: *defaults',
      '',
    ].join('\n');
    const model = parseExperimentFile(text, 'a.rl.yaml');
    assert.deepEqual(model.experiments.map((e) => e.name), ['a', 'b'], 'dot-names are templates, not experiments');
    assert.equal(gammaOf(config(text, 'a.rl.yaml', 'a')), 0.9);
    assert.equal(gammaOf(config(text, 'a.rl.yaml', 'b')), 0.95);
    const merged = slice(model, text, 'b', 'gamma');
    assert.equal(merged.entry.merged, true);
    assert.equal(merged.value, '0.95', 'a merged entry points at its source');
  });

  it('reports YAML syntax errors with their position', () => {
    const text = read('test/fixtures/syntax-error.rl.yaml');
    const model = parseExperimentFile(text, 'syntax-error.rl.yaml');
    assert.ok(model.syntaxIssues.length > 0);
    const e = error(text, 'syntax-error.rl.yaml');
    assert.ok(e.line >= 4 && e.line <= 5, `line ${e.line}`);
    assert.match(e.message, /Flow sequence/);
    const dup = error('a:\n  algo: ppo\n  algo: ppo\n', 'x.rl.yaml');
    assert.equal(dup.line, 3);
    assert.match(dup.message, /unique/);
  });

  it('does not crash on odd documents', () => {
    for (const text of ['', '# only a comment\n', '- a\n- b\n', 'just a string', 'a:\n', 'a: 3\n', ':\n', '? [a, b]\n: 1\n', 'a: &x\n  <<: *x\n', 'a:\n  <<: 3\n']) {
      const model = parseExperimentFile(text, 'odd.rl.yaml');
      for (const exp of model.experiments) validateExperiment(model, exp);
      loadExperimentConfig(text, 'odd.rl.yaml', undefined);
    }
    assert.match(error('- a\n', 'x.rl.yaml').message, /mapping from experiment names/);
    assert.match(error('a: 3\n', 'x.rl.yaml').message, /must be a mapping of settings/);
    assert.match(error('a:\n  <<: 3\n', 'x.rl.yaml').message, /merge takes a mapping/);
  });
});

describe('parsing RL Baselines3 Zoo files', () => {
  const model = parseExperimentFile(ZOO, ZOO_PATH);

  it('takes the algorithm from the file name and env ids from the top-level keys', () => {
    assert.equal(model.format, 'zoo');
    assert.equal(model.fileAlgo, 'ppo');
    assert.deepEqual(model.syntaxIssues, []);
    assert.deepEqual(
      model.experiments.map((e) => e.name),
      ['atari', 'CartPole-v1', 'Pendulum-v1', 'MountainCarContinuous-v0', 'Acrobot-v1', 'BipedalWalker-v3'],
    );
  });

  it('reads !!float, merges and policy_kwargs strings', () => {
    const mc = config(ZOO, ZOO_PATH, 'Pendulum-v1');
    assert.equal(mc.n_timesteps, 100000);
    assert.equal(hyperparametersOf(mc, 'ppo').learning_rate, 0.001);
    assert.deepEqual(mc.policy_kwargs, { net_arch: { pi: [256, 256], vf: [256, 256] }, activation_fn: 'relu', ortho_init: false, log_std_init: -2 });
    const mountain = model.experiments.find((e) => e.name === 'MountainCarContinuous-v0')!;
    const byKey = Object.fromEntries(mountain.entries.map((e) => [e.key, e]));
    assert.equal(byKey.n_timesteps.value, 20000, '!!float 20000 is a number, as in PyYAML');
    assert.equal(byKey.gae_lambda.value, 0.95, 'merged from the Pendulum anchor');
    assert.equal(byKey.gae_lambda.merged, true);
    assert.equal(byKey.n_envs.value, 1, 'the explicit key wins over the merged one');
    assert.equal(byKey.learning_rate.value, 7.77e-5);
  });

  it('loads the CartPole entry as the example does', () => {
    const zoo = config(ZOO, ZOO_PATH, 'CartPole-v1');
    const example = config(EXAMPLE, 'examples/cartpole.rl.yaml', 'cartpole-ppo');
    assert.deepEqual({ ...zoo, experiment: '', seed: 0 }, { ...example, experiment: '', seed: 0 });
    assert.equal(zoo.env, 'CartPole-v1');
    assert.equal(zoo.algo, 'ppo');
  });

  it('reads Zoo\'s Pendulum-v1 entry without warnings: gSDE (use_sde, sde_sample_freq) is implemented', () => {
    const pendulum = issuesOf(ZOO, ZOO_PATH, 'Pendulum-v1');
    assert.deepEqual(pendulum, []);
    const r = loadExperimentConfig(ZOO, ZOO_PATH, 'Pendulum-v1');
    assert.ok('config' in r);
    assert.deepEqual(r.warnings, []);
    const hp = r.config.hyperparameters as { use_sde?: boolean; sde_sample_freq?: number };
    assert.deepEqual([hp.use_sde, hp.sde_sample_freq], [true, 4]);
    // `normalize: true` is implemented: SB3's VecNormalize defaults with the file's gamma.
    assert.deepEqual(r.config.normalize, { norm_obs: true, norm_reward: true, clip_obs: 10, clip_reward: 10, gamma: 0.9, epsilon: 1e-8 });
  });

  it('warns about unknown env ids, and refuses to run them', () => {
    const atari = issuesOf(ZOO, ZOO_PATH, 'atari');
    assert.ok(atari.every((i) => i.severity === 'warning'), JSON.stringify(atari));
    assert.match(atari[0].message, /no environment 'atari'/);
    assert.ok(atari.some((i) => i.key === 'frame_stack' && /frame_stack/.test(i.message)));
    assert.ok(atari.some((i) => i.key === 'env_wrapper'));
    const e = error(ZOO, ZOO_PATH, 'BipedalWalker-v3');
    assert.equal(e.key, 'env');
    assert.equal(e.line, ZOO.split('\n').indexOf('BipedalWalker-v3:') + 1);
  });

  it('reports an algorithm RL Lab lacks once, as a warning, and refuses to run it', () => {
    const text = 'CartPole-v1:\n  n_timesteps: !!float 1e5\n  buffer_size: 10000\n';
    // sb3-contrib's QR-DQN: a Zoo algorithm RL Lab does not implement.
    const qrdqn = parseExperimentFile(text, 'zoo/hyperparams/qrdqn.yml');
    assert.equal(qrdqn.fileAlgo, 'qrdqn');
    assert.deepEqual(validateExperiment(qrdqn, qrdqn.experiments[0]), []);
    assert.match(error(text, 'zoo/hyperparams/qrdqn.yml').message, /does not implement the algorithm 'qrdqn'/);
  });
});

describe('validation messages', () => {
  const base = 'exp:\n  algo: ppo\n  env: CartPole-v1\n';

  it('unknown key with did-you-mean', () => {
    assert.deepEqual(issuesOf(base + '  clip_rnage: 0.2\n'), [
      { severity: 'error', key: 'clip_rnage', message: "unknown key 'clip_rnage' — did you mean 'clip_range'?", text: 'clip_rnage' },
    ]);
    assert.equal(issuesOf(base + '  zzz: 1\n')[0].message, "unknown key 'zzz'");
  });

  it('types, bounds, enums, nulls and schedules', () => {
    const cases: [string, string, string][] = [
      ['n_steps: many', 'n_steps', "must be a whole number, got 'many'"],
      ['n_steps: 2.5', 'n_steps', 'must be a whole number, got 2.5'],
      ['gamma: 1.5', 'gamma', 'must be >= 0 and <= 1, got 1.5'],
      ['learning_rate: 0', 'learning_rate', 'must be > 0 and <= 1, got 0'],
      ['learning_rate: lin_2', 'learning_rate', 'must be > 0 and <= 1, got 2'],
      ['clip_range: lin_x', 'clip_range', "must be a number or lin_<start> (linear decay to 0, e.g. lin_0.001), got 'lin_x'"],
      ['normalize_advantage: yes', 'normalize_advantage', "must be true or false, got 'yes'"],
      ['policy: CnnPolicy', 'policy', "unknown value 'CnnPolicy' — did you mean 'MlpPolicy'? (valid: MlpPolicy)"],
      ['gamma: null', 'gamma', 'a value is required (default: 0.99)'],
      ['n_envs: 0', 'n_envs', 'must be >= 1 and <= 4096, got 0'],
    ];
    for (const [line, key, message] of cases) {
      const issues = issuesOf(`${base}  ${line}\n`);
      assert.deepEqual(issues.map((i) => [i.severity, i.key, i.message]), [['error', key, message]], line);
      assert.equal(issues[0].text, line.slice(line.indexOf(':') + 2), 'the range covers the value');
    }
    assert.deepEqual(issuesOf(`${base}  target_kl: null\n  clip_range_vf: ~\n  learning_rate: lin_2.5e-4\n`), []);
  });

  it('env and algo enums with did-you-mean, required keys', () => {
    assert.deepEqual(issuesOf('exp:\n  algo: ppo\n  env: CartPol-v1\n').map((i) => i.message), [
      `unknown value 'CartPol-v1' — did you mean 'CartPole-v1'? (valid: ${[...ENV_IDS, 'custom', ...TEXT_ENV_IDS].join(', ')})`,
    ]);
    assert.deepEqual(issuesOf('exp:\n  algo: pppo\n  env: CartPole-v1\n').map((i) => i.message), [`unknown value 'pppo' — did you mean 'ppo'? (valid: ${ALGO_IDS.join(', ')})`]);
    assert.deepEqual(issuesOf('exp:\n  env: CartPole-v1\n').map((i) => [i.key, i.text]), [['algo', 'exp']]);
  });

  it('policy_kwargs strings are checked as data, with ranges inside the string', () => {
    const issues = issuesOf(`${base}  policy_kwargs: "dict(net_arch=[64, 64], activation_fn=nn.ELU)"\n`);
    assert.deepEqual(issues.map((i) => [i.key, i.text]), [['policy_kwargs', 'nn.ELU']]);
    const evil = issuesOf(`${base}  policy_kwargs: "__import__('os').system('x')"\n`);
    assert.equal(evil.length, 1);
    assert.equal(evil[0].severity, 'error');
    assert.match(evil[0].message, /not valid policy_kwargs data: calling '__import__\(\.\.\.\)' is not allowed/);
    assert.equal(evil[0].text, '__import__');
  });

  it('policy_kwargs as a YAML mapping', () => {
    const text = `${base}  policy_kwargs:\n    net_arch: {pi: [32], vf: [16]}\n    activation_fn: relu\n    ortho_init: false\n`;
    assert.deepEqual(issuesOf(text), []);
    assert.deepEqual(config(text).policy_kwargs, { net_arch: { pi: [32], vf: [16] }, activation_fn: 'relu', ortho_init: false, log_std_init: 0 });
    const bad = issuesOf(`${base}  policy_kwargs:\n    net_arch: [64]\n    activation_fn: gelu\n`);
    assert.deepEqual(bad.map((i) => i.text), ['gelu']);
  });

  it('warns when batch_size exceeds n_steps x n_envs', () => {
    const issues = issuesOf(`${base}  n_steps: 16\n  n_envs: 2\n  batch_size: 64\n`);
    assert.deepEqual(issues.map((i) => [i.severity, i.key, i.text]), [['warning', 'batch_size', '64']]);
    assert.match(issues[0].message, /n_steps x n_envs = 16 x 2 = 32/);
    assert.deepEqual(issuesOf(`${base}  n_steps: 16\n  n_envs: 4\n  batch_size: 64\n`), []);
  });
});

describe('loadExperimentConfig', () => {
  it('fills every default into the resolved config', () => {
    const c = config('exp:\n  algo: ppo\n  env: CartPole-v1\n  seed: 4\n');
    assert.deepEqual(c, {
      experiment: 'exp',
      algo: 'ppo',
      env: 'CartPole-v1',
      env_kwargs: {},
      normalize: false,
      n_envs: 1,
      n_timesteps: 100000,
      seed: 4,
      policy: 'MlpPolicy',
      policy_kwargs: { net_arch: { pi: [64, 64], vf: [64, 64] }, activation_fn: 'tanh', ortho_init: true, log_std_init: 0 },
      checkpoint_freq: 10000,
      hyperparameters: {
        learning_rate: 3e-4,
        n_steps: 2048,
        batch_size: 64,
        n_epochs: 10,
        gamma: 0.99,
        gae_lambda: 0.95,
        clip_range: 0.2,
        clip_range_vf: null,
        normalize_advantage: true,
        ent_coef: 0,
        vf_coef: 0.5,
        max_grad_norm: 0.5,
        target_kl: null,
        ppo_mode: 'clip',
        kl_coef: 1,
        kl_target: 0.01,
        use_sde: false,
        sde_sample_freq: -1,
      },
    });
  });

  it('draws a seed when the file leaves it out', () => {
    assert.equal(config('exp:\n  algo: ppo\n  env: CartPole-v1\n').seed, 12345);
    const r = loadExperimentConfig('exp:\n  algo: ppo\n  env: CartPole-v1\n', 'x.rl.yaml', undefined);
    assert.ok('config' in r && Number.isInteger(r.config.seed) && r.config.seed >= 0 && r.config.seed < 2 ** 31);
  });

  it('picks the first experiment by default, or the named one', () => {
    assert.equal(config(EXAMPLE, 'ex.rl.yaml').experiment, 'cartpole-ppo');
    assert.equal(config(EXAMPLE, 'ex.rl.yaml', 'cartpole-ppo-cleanrl').n_envs, 4);
    const e = error(EXAMPLE, 'ex.rl.yaml', 'cartpole-pp');
    assert.equal(e.message, "no experiment 'cartpole-pp' — did you mean 'cartpole-ppo'? (experiments: cartpole-ppo, cartpole-ppo-cleanrl)");
  });

  it('names file, line and key in errors', () => {
    const e = error(read('test/fixtures/bad.rl.yaml'), 'test/fixtures/bad.rl.yaml');
    assert.deepEqual(e, {
      file: 'test/fixtures/bad.rl.yaml',
      line: 5,
      key: 'clip_rnage',
      message: "unknown key 'clip_rnage' — did you mean 'clip_range'?",
    });
    assert.equal(formatConfigError(e), "test/fixtures/bad.rl.yaml:5: unknown key 'clip_rnage' — did you mean 'clip_range'?");
    const gamma = error('exp:\n  algo: ppo\n  env: CartPole-v1\n  gamma: 2\n', 'g.rl.yaml');
    assert.equal(formatConfigError(gamma), 'g.rl.yaml:4: gamma: must be >= 0 and <= 1, got 2');
  });
});

describe('--set overrides', () => {
  const text = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  seed: 1\n  gamma: 0.9\n';

  it('parses values as YAML scalars and applies them', () => {
    const c = config(text, 'o.rl.yaml', undefined, ['gamma=0.95', 'n_timesteps=!!float 2e4', 'learning_rate=lin_1e-3', 'target_kl=0.02', 'normalize_advantage=false', 'seed=9']);
    assert.equal(gammaOf(c), 0.95);
    assert.equal(c.n_timesteps, 20000);
    assert.equal(hyperparametersOf(c, 'ppo').learning_rate, 'lin_1e-3');
    assert.equal(hyperparametersOf(c, 'ppo').target_kl, 0.02);
    assert.equal(hyperparametersOf(c, 'ppo').normalize_advantage, false);
    assert.equal(c.seed, 9);
    const kw = config(text, 'o.rl.yaml', undefined, ['policy_kwargs=dict(net_arch=[16], activation_fn=nn.ReLU)']);
    assert.deepEqual(kw.policy_kwargs.net_arch, { pi: [16], vf: [16] });
    const mapping = config(text, 'o.rl.yaml', undefined, ['policy_kwargs={net_arch: [8, 8]}']);
    assert.deepEqual(mapping.policy_kwargs.net_arch, { pi: [8, 8], vf: [8, 8] });
  });

  it('validates overrides the same way and names the key', () => {
    const bad = error(text, 'o.rl.yaml', undefined, ['gamma=abc']);
    assert.equal(bad.key, 'gamma');
    assert.equal(bad.line, 5, 'the line of the key in the file');
    assert.match(bad.message, /--set gamma=abc: must be a number, got 'abc'/);
    const unknown = error(text, 'o.rl.yaml', undefined, ['clip_rnage=0.1']);
    assert.equal(unknown.key, 'clip_rnage');
    assert.match(unknown.message, /unknown key 'clip_rnage' — did you mean 'clip_range'\?/);
    assert.match(error(text, 'o.rl.yaml', undefined, ['gamma']).message, /must look like key=value/);
    assert.match(error(text, 'o.rl.yaml', undefined, ['n_envs=0']).message, />= 1/);
  });

  it('an override replaces a bad value in the file', () => {
    const badFile = 'exp:\n  algo: ppo\n  env: CartPole-v1\n  gamma: 7\n';
    assert.equal(error(badFile, 'o.rl.yaml').key, 'gamma');
    assert.equal(gammaOf(config(badFile, 'o.rl.yaml', undefined, ['gamma=0.5'])), 0.5);
  });
});
