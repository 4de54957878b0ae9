import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand, UsageError } from '../../server/src/cli/args';
import { helpText } from '../../server/src/cli/help';
import { paramsFor } from '../../server/src/schema';

describe('rl-lab command line', () => {
  it('parses FILE#EXPERIMENT and the options', () => {
    assert.deepEqual(
      parseCommand(['train', 'examples/cartpole.rl.yaml#cartpole-ppo', '--set', 'gamma=0.9', '--seed', '4', '--set', 'n_envs=2', '--json', '--backend', 'wasm', '--runs-dir', 'out']),
      {
        kind: 'train',
        file: 'examples/cartpole.rl.yaml',
        experiment: 'cartpole-ppo',
        overrides: ['gamma=0.9', 'n_envs=2', 'seed=4'],
        backend: 'wasm',
        json: true,
        runsDir: 'out',
      },
    );
    assert.deepEqual(parseCommand(['train', 'hyperparams/ppo.yml']), { kind: 'train', file: 'hyperparams/ppo.yml', overrides: [], json: false });
    assert.equal('backend' in parseCommand(['train', 'x.rl.yaml', '--backend', 'auto']), false, 'auto is the default');
    assert.deepEqual(parseCommand(['--help']), { kind: 'help' });
    assert.deepEqual(parseCommand(['-v']), { kind: 'version' });
  });

  it('rejects mistakes with a one-line usage error', () => {
    const bad: string[][] = [
      [],
      ['fit', 'x.rl.yaml'],
      ['train'],
      ['train', 'a.rl.yaml', 'b.rl.yaml'],
      ['train', 'x.rl.yaml', '--seed', '1.5'],
      ['train', 'x.rl.yaml', '--seed', '-3'],
      ['train', 'x.rl.yaml', '--set', 'gamma'],
      ['train', 'x.rl.yaml', '--backend', 'cuda'],
      ['train', 'x.rl.yaml', '--bogus'],
      ['train', 'x.rl.yaml#'],
      ['train', '#exp'],
    ];
    for (const argv of bad) {
      assert.throws(
        () => parseCommand(argv),
        (e: unknown) => e instanceof UsageError && !e.message.includes('\n'),
        `rejects ${JSON.stringify(argv)}`,
      );
    }
  });

  it('help lists every hyperparameter of every algorithm from the schema', () => {
    const text = helpText('9.9.9');
    for (const p of paramsFor('ppo')) assert.match(text, new RegExp(`^  ${p.key} `, 'm'), p.key);
    assert.match(text, /^  clip_range +schedule \(0, 1\] +default 0\.2 /m);
  });
});
