/**
 * `--set key=value` for the keys whose file values may be Python-dict strings (normalize,
 * policy_kwargs, env_kwargs): the command line gives the same resolved config as the same text
 * quoted in the file, and YAML-only spellings keep working.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { ResolvedConfig } from '../../server/src/schema';

const FILE = '/ws/set.rl.yaml';
const BASE = `cartpole:
  algo: ppo
  env: CartPole-v1
  seed: 3
  n_envs: 2
lake:
  algo: ppo
  env: FrozenLake-v1
  seed: 3
`;

type Key = 'normalize' | 'policy_kwargs' | 'env_kwargs';

function load(text: string, experiment: string, overrides: string[] = []): ResolvedConfig | string {
  const r = loadExperimentConfig(text, FILE, experiment, overrides, () => 1);
  return 'error' in r ? `${r.error.line}: ${r.error.message}` : r.config;
}

/** The same value written into the file as a quoted YAML string under `experiment`. */
function quotedInFile(experiment: string, key: Key, value: string): string {
  const line = `  ${key}: "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`;
  return BASE.replace(`${experiment}:\n`, `${experiment}:\n${line}`);
}

function resolved(c: ResolvedConfig | string, key: Key): unknown {
  assert.equal(typeof c, 'object', `loads: ${String(c)}`);
  return (c as ResolvedConfig)[key];
}

describe('--set reads Python-dict values as the file does', () => {
  const cases: { experiment: string; key: Key; value: string }[] = [
    { experiment: 'cartpole', key: 'normalize', value: "{'norm_obs': True}" },
    { experiment: 'cartpole', key: 'normalize', value: "{'norm_obs': True, 'norm_reward': False, 'clip_obs': 5.}" },
    { experiment: 'cartpole', key: 'normalize', value: 'dict(norm_obs=False, gamma=0.9)' },
    // A tuple: YAML reads `(64, 32)` as the string '(64, 32)', the Python-literal reader as a list.
    { experiment: 'cartpole', key: 'policy_kwargs', value: "{'net_arch': (64, 32), 'activation_fn': nn.ReLU}" },
    { experiment: 'cartpole', key: 'policy_kwargs', value: 'dict(net_arch=dict(pi=[16], vf=[8]), ortho_init=False)' },
    { experiment: 'lake', key: 'env_kwargs', value: "{'is_slippery': False}" },
  ];
  for (const c of cases) {
    it(`${c.key}=${c.value}`, () => {
      const fromFile = resolved(load(quotedInFile(c.experiment, c.key, c.value), c.experiment), c.key);
      const fromSet = resolved(load(BASE, c.experiment, [`${c.key}=${c.value}`]), c.key);
      assert.deepEqual(fromSet, fromFile);
      assert.notDeepEqual(fromSet, resolved(load(BASE, c.experiment), c.key), 'the override changes the value');
    });
  }

  it('reads the tuple in policy_kwargs as layer sizes and the Python booleans in normalize', () => {
    const c = load(BASE, 'cartpole', ["policy_kwargs={'net_arch': (64, 32)}", "normalize={'norm_obs': True, 'norm_reward': False}"]);
    assert.deepEqual(resolved(c, 'policy_kwargs'), { ...(resolved(load(BASE, 'cartpole'), 'policy_kwargs') as object), net_arch: { pi: [64, 32], vf: [64, 32] } });
    const n = resolved(c, 'normalize') as { norm_obs: boolean; norm_reward: boolean };
    assert.equal(n.norm_obs, true);
    assert.equal(n.norm_reward, false);
  });

  it('keeps the YAML spellings: true, a YAML flow mapping, YAML booleans in a quoted-key mapping', () => {
    for (const value of ['true', 'True', '{norm_obs: true}', "{'norm_obs': true}"]) {
      const n = resolved(load(BASE, 'cartpole', [`normalize=${value}`]), 'normalize') as { norm_obs: boolean };
      assert.equal(n.norm_obs, true, value);
    }
    assert.equal(resolved(load(BASE, 'cartpole', ['normalize=false']), 'normalize'), false);
    const pk = resolved(load(BASE, 'cartpole', ['policy_kwargs={net_arch: [32]}']), 'policy_kwargs') as { net_arch: unknown };
    assert.deepEqual(pk.net_arch, { pi: [32], vf: [32] });
  });

  it('reports a bad Python-dict value in one line naming the key, as for the file', () => {
    const wrong = load(BASE, 'cartpole', ["normalize={'norm_obs': Ture}"]);
    assert.equal(typeof wrong, 'string');
    assert.match(wrong as string, /^\d+: --set normalize=.*'norm_obs' must be True or False$/);
    const unclosed = load(BASE, 'cartpole', ["normalize={'norm_obs': True"]);
    assert.match(unclosed as string, /^\d+: --set normalize=.*not valid normalize options: expected ',' or '\}'/);
    // Not Python and not YAML, for a key that takes no Python dict: the YAML error, as before.
    assert.match(load(BASE, 'cartpole', ['gamma=[0.9']) as string, /^\d+: override 'gamma=\[0\.9': the value is not valid YAML/);
    assert.match(load(BASE, 'cartpole', ['n_envs=dict(a=1)']) as string, /must be a whole number/);
  });

  it('checks --set env_kwargs against the environment, as the file is checked', () => {
    const inFile = load(quotedInFile('cartpole', 'env_kwargs', "{'no_such_option': True}"), 'cartpole');
    assert.equal(typeof inFile, 'string', 'the file form is rejected');
    const viaSet = load(BASE, 'cartpole', ["env_kwargs={'no_such_option': True}"]);
    assert.equal(typeof viaSet, 'string', 'the --set form is rejected too');
    assert.match(viaSet as string, /^\d+: --set env_kwargs: /);
    assert.ok((viaSet as string).endsWith((inFile as string).replace(/^\d+: /, '')), `same reason: ${String(viaSet)} / ${String(inFile)}`);
    // Changing env to one that rejects the file's kwargs is caught as well.
    const lakeKwargs = quotedInFile('lake', 'env_kwargs', "{'is_slippery': False}");
    assert.equal(typeof load(lakeKwargs, 'lake'), 'object');
    assert.match(load(lakeKwargs, 'lake', ['env=CartPole-v1']) as string, /--set env_kwargs: /);
  });
});
