/** Sweep expansion: grid x seeds, random draws fixed by sampler_seed, validation through --set. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandSweep, loadExperimentConfig, planSweep, readSweep, sweepConfigs, sweepSize } from '../../server/src/experiments';
import type { PpoHyperparameters, SweepSpec } from '../../server/src/schema';

const FILE = `
grid:
  algo: ppo
  env: CartPole-v1
  seed: 5
  n_timesteps: 4096
  sweep:
    method: grid
    values:
      learning_rate: [0.001, lin_0.0003]
      n_epochs: [4, 10]
      gae_lambda: [0.9, 0.95, 0.98]
    seeds: [1, 2, 3]
random:
  algo: ppo
  env: CartPole-v1
  seed: 5
  sweep:
    method: random
    n_trials: 6
    values:
      learning_rate: { min: 0.00001, max: 0.01, log: true }
      n_steps: [64, 128, 256]
      batch_size: { min: 32, max: 64, int: true }
bad:
  algo: ppo
  env: CartPole-v1
  seed: 5
  sweep:
    values:
      clip_range: [0.2, -1]
noseeds:
  algo: ppo
  env: CartPole-v1
  seed: 9
  sweep:
    values:
      ent_coef: [0.0, 0.01]
`;

const load = (experiment: string) => (overrides: string[]) => loadExperimentConfig(FILE, '/w/sweeps.rl.yaml', experiment, overrides);

describe('sweeps', () => {
  it('grid: every combination times every seed, seeds innermost', () => {
    const base = load('grid')([]);
    assert.ok('config' in base);
    const spec = base.config.sweep!;
    assert.equal(sweepSize(spec), 2 * 2 * 3 * 3);
    const trials = expandSweep(spec);
    assert.equal(trials.length, 36);
    assert.deepEqual(trials.slice(0, 4), [
      { params: { learning_rate: 0.001, n_epochs: 4, gae_lambda: 0.9 }, seed: 1 },
      { params: { learning_rate: 0.001, n_epochs: 4, gae_lambda: 0.9 }, seed: 2 },
      { params: { learning_rate: 0.001, n_epochs: 4, gae_lambda: 0.9 }, seed: 3 },
      { params: { learning_rate: 0.001, n_epochs: 4, gae_lambda: 0.95 }, seed: 1 },
    ]);
    const unique = new Set(trials.map((t) => JSON.stringify(t)));
    assert.equal(unique.size, 36, 'no combination twice');

    const expanded = sweepConfigs(base.config, load('grid'));
    assert.ok('trials' in expanded);
    assert.equal(expanded.trials.length, 36);
    const last = expanded.trials[35];
    assert.equal(last.config.seed, 3);
    assert.equal((last.config.hyperparameters as PpoHyperparameters).learning_rate, 'lin_0.0003', 'schedules pass through --set');
    assert.equal((last.config.hyperparameters as { n_epochs: number }).n_epochs, 10);
    assert.equal(last.config.n_timesteps, 4096, 'the rest of the experiment is kept');
    assert.equal(last.config.sweep, undefined, 'a combination carries no sweep');
    assert.deepEqual(last.params, { learning_rate: 'lin_0.0003', n_epochs: 10, gae_lambda: 0.98, seed: 3 });
  });

  it('random: n_trials draws, the same ones every time, different with another sampler_seed', () => {
    const base = load('random')([]);
    assert.ok('config' in base);
    const spec = base.config.sweep!;
    const a = expandSweep(spec);
    const b = expandSweep(JSON.parse(JSON.stringify(spec)) as SweepSpec);
    assert.equal(a.length, 6);
    assert.deepEqual(a, b, 'deterministic');
    for (const t of a) {
      const lr = t.params.learning_rate as number;
      assert.ok(lr >= 1e-5 && lr <= 1e-2, `lr ${lr} in range`);
      assert.ok([64, 128, 256].includes(t.params.n_steps as number));
      const bs = t.params.batch_size as number;
      assert.ok(Number.isInteger(bs) && bs >= 32 && bs <= 64);
      assert.equal(t.seed, undefined, 'no seeds: the experiment seed');
    }
    assert.ok(new Set(a.map((t) => t.params.learning_rate)).size > 1, 'draws differ between trials');
    assert.notDeepEqual(expandSweep({ ...spec, sampler_seed: 1 }), a);
    const expanded = sweepConfigs(base.config, load('random'));
    assert.ok('trials' in expanded);
    assert.ok(expanded.trials.every((t) => t.config.seed === 5));
  });

  it('validates every combination like --set, naming the key', () => {
    // The file's own validation (the editor's sweep diagnostics) already rejects the value ...
    const bad = load('bad')([]);
    assert.ok('error' in bad);
    assert.equal(bad.error.key, 'sweep');
    assert.match(bad.error.message, /clip_range value must be > 0/);
    // ... and the expansion checks each combination again, as `--set` (the value is read by the run).
    const base = load('noseeds')([]);
    assert.ok('config' in base);
    const expanded = sweepConfigs({ ...base.config, sweep: { method: 'grid', values: { clip_range: [0.2, -1] } } }, load('noseeds'));
    assert.ok('error' in expanded);
    const e = expanded.error;
    assert.ok(typeof e !== 'string');
    assert.equal(e.key, 'clip_range');
    assert.match(e.message, /clip_range=-1/);
  });

  it('without seeds every combination uses the experiment seed', () => {
    const base = load('noseeds')([]);
    assert.ok('config' in base);
    const expanded = sweepConfigs(base.config, load('noseeds'));
    assert.ok('trials' in expanded);
    assert.deepEqual(expanded.trials.map((t) => [t.config.seed, (t.config.hyperparameters as PpoHyperparameters).ent_coef]), [[9, 0], [9, 0.01]]);
  });

  it('rejects malformed sweeps with a reason', () => {
    const bad: [unknown, RegExp][] = [
      ['grid', /must be a mapping/],
      [{ method: 'bayes', values: { a: [1] } }, /method must be grid or random/],
      [{ values: {} }, /names no keys/],
      [{ values: { a: [] } }, /empty list/],
      [{ values: { seed: [1, 2] } }, /seeds/],
      [{ method: 'random', values: { a: [1] } }, /n_trials/],
      [{ values: { a: { min: 0, max: 1 } } }, /list of values/],
      [{ values: { a: [1] }, seeds: [1.5] }, /seeds must be/],
      [{ values: { a: Array.from({ length: 40 }, (_, i) => i), b: Array.from({ length: 40 }, (_, i) => i) } }, /1600 runs; at most 1000/],
    ];
    for (const [value, message] of bad) {
      const r = readSweep(value);
      assert.equal(r.value, undefined, JSON.stringify(value));
      assert.match(r.issues.map((i) => i.message).join('; '), message);
    }
    assert.match(readSweep({ values: { a: [1] }, typo: 1 }).issues[0].message, /unknown sweep option 'typo'/);
  });

  it('plans the code lens runs in the same order as the sweep', () => {
    const planned = planSweep({ value: { values: { clip_range: [0.1, 0.2] }, seeds: [1, 2] } });
    assert.deepEqual(planned, [
      { seed: 1, overrides: ['clip_range=0.1'] },
      { seed: 2, overrides: ['clip_range=0.1'] },
      { seed: 1, overrides: ['clip_range=0.2'] },
      { seed: 2, overrides: ['clip_range=0.2'] },
    ]);
    assert.deepEqual(planSweep(undefined), []);
  });
});
