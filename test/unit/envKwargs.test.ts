/**
 * `env_kwargs` in experiment files: read from a YAML mapping or a Zoo Python-dict string as data,
 * checked by the environment itself, and carried into the resolved config.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import { envSpec } from '../../server/src/training/envs/registry';

function load(text: string, file = 'x.rl.yaml', overrides: string[] = []) {
  return loadExperimentConfig(text, file, undefined, overrides);
}
const base = 'exp:\n  algo: ppo\n  env: LunarLander-v3\n  seed: 1\n';

describe('env_kwargs', () => {
  it('defaults to {} and carries a YAML mapping into the resolved config', () => {
    const none = load(base);
    assert.ok('config' in none);
    assert.deepEqual(none.config.env_kwargs, {});
    const r = load(`${base}  env_kwargs:\n    continuous: true\n    gravity: -5\n`);
    assert.ok('config' in r, JSON.stringify(r));
    assert.deepEqual(r.config.env_kwargs, { continuous: true, gravity: -5 });
    // The spec the engine should train against follows the kwargs.
    assert.equal(envSpec(r.config.env, r.config.env_kwargs).actionSpace.kind, 'box');
  });

  it('reads RL Baselines3 Zoo Python-dict strings as data, and --set replaces them', () => {
    const zoo = 'LunarLander-v3:\n  n_timesteps: !!float 1e5\n  env_kwargs: dict(enable_wind=True, wind_power=10.0)\n';
    const r = load(zoo, '/w/hyperparams/ppo.yml');
    assert.ok('config' in r, JSON.stringify(r));
    assert.deepEqual(r.config.env_kwargs, { enable_wind: true, wind_power: 10 });
    const o = load(zoo, '/w/hyperparams/ppo.yml', ['env_kwargs={gravity: -3}']);
    assert.ok('config' in o);
    assert.deepEqual(o.config.env_kwargs, { gravity: -3 });
  });

  it('reports what the environment rejects, on the env_kwargs line', () => {
    // [lines, message, line of the error: the value's first line]
    const cases: [string, RegExp, number][] = [
      ['  env_kwargs:\n    gravity: -15\n', /gravity must be between -12 and 0/, 6],
      ['  env_kwargs:\n    gravty: -5\n', /unknown option 'gravty'/, 6],
      ['  env_kwargs: {continuous: 1}\n', /'continuous' must be true or false/, 5],
      ['  env_kwargs: {a: [1]}\n', /env_kwargs 'a' must be a number, true\/false, a string or null/, 5],
      ['  env_kwargs: 3\n', /must be a mapping/, 5],
      ['  env_kwargs: "dict(x=os.system(1))"\n', /not valid env_kwargs data/, 5],
    ];
    for (const [lines, message, line] of cases) {
      const r = load(base + lines);
      assert.ok('error' in r, lines);
      assert.equal(r.error.key, 'env_kwargs');
      assert.equal(r.error.line, line, lines);
      assert.match(r.error.message, message);
    }
    const cartpole = load('exp:\n  algo: ppo\n  env: CartPole-v1\n  env_kwargs: {a: 1}\n');
    assert.ok('error' in cartpole);
    assert.match(cartpole.error.message, /'CartPole-v1' takes no env_kwargs/);
  });
});
