import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperimentConfig, validateExperiment, parseExperimentFile, actionSpaceProblem } from '../../server/src/experiments';
import { ALGOS, type AlgoSpec } from '../../server/src/schema';
import { loadCustomEnv } from '../../server/src/training/envs/custom/source';
import { CustomEnvError } from '../../server/src/training/envs/custom/validate';
import { complete, editorDocument, hover } from '../../server/src/editor';
import { ENV_IDS, ENV_SPECS } from '../../server/src/training/envs/registry';
import { Rng } from '../../server/src/training/rng';
import { train } from '../../server/src/training/engine';
import { resolveTrainingEnv } from '../../server/src/training/envs/trainingEnv';

const fixtures = resolve(__dirname, '../fixtures/envs');
const fixture = (name: string) => join(fixtures, name);
const examples = resolve(__dirname, '../../examples');

/** Loads the module and runs a reset and a step on one copy: where the checks fire. */
async function exercise(file: string, action = 0): Promise<void> {
  const source = await loadCustomEnv(file);
  const dynamics = source.makeDynamics(1);
  const state = new Float64Array(dynamics.stateDim);
  dynamics.reset(state, 0, new Rng(1));
  dynamics.step(state, 0, Float32Array.of(action), 0);
}

async function rejects(file: string, pattern: RegExp, action?: number): Promise<void> {
  await assert.rejects(exercise(file, action), (e: unknown) => {
    assert.ok(e instanceof CustomEnvError, String(e));
    assert.ok(e.message.startsWith(`${file}: `), `names the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('custom environment modules: clear errors naming the file', () => {
  it('missing file', () => rejects(fixture('nope.js'), /file not found/));
  it('module that throws while loading', () => rejects(fixture('throws.js'), /loading the module failed: broken on purpose/));
  it('no usable export', () => rejects(fixture('no-exports.js'), /exports no environment: export a class or a factory/));
  it('missing step()', () => rejects(fixture('no-step.js'), /has no step\(\) method/));
  it('malformed space', () => rejects(fixture('bad-space.js'), /observationSpace\.low must be a list of 2 numbers/));
  it('reset() returning the wrong shape', () => rejects(fixture('wrong-shape.js'), /reset\(\) returned an observation of 3 values, expected 2/));
  it('step() returning a non-finite reward', () => rejects(fixture('nan-reward.js'), /step\(\) returned reward NaN, expected a finite number/));
  it('step() that throws', () => rejects(fixture('step-throws.js'), /step\(\) threw: step exploded/));
  it('an action outside the action space', () => rejects(join(examples, 'envs/gridworld.js'), /action 5 is outside the action space Discrete\(2\)/, 5));
  it('TypeScript that does not compile', () => rejects(fixture('broken.mts'), /does not compile: .*\(line 4/));
});

describe('custom environment modules that load', () => {
  it('TypeScript, with its own relative imports, compiled by esbuild; env_kwargs reach the constructor', async () => {
    const source = await loadCustomEnv(fixture('corridor.ts'), { size: 3 });
    assert.deepEqual(source.spec.actionSpace, { kind: 'discrete', n: 2 });
    assert.equal(source.spec.maxEpisodeSteps, 20);
    const d = source.makeDynamics(2);
    const state = new Float64Array(2 * d.stateDim);
    d.reset(state, d.stateDim, new Rng(1));
    assert.equal(d.step(state, d.stateDim, Float32Array.of(1), 0), 0);
    assert.equal(d.step(state, d.stateDim, Float32Array.of(1), 0), 1); // size 3: two steps right
    assert.equal(d.terminated(state, d.stateDim), true);
  });

  it('an ES module (.mjs) with a Box action space and its own truncation', async () => {
    const env = await resolveTrainingEnv({ env: 'custom', env_module: fixture('esm.mjs'), env_kwargs: {} });
    const venv = env.makeVecEnv(2, 0);
    venv.reset();
    for (let t = 0; t < 10; t++) venv.step(Float32Array.of(0.5, -0.5), 1);
    assert.deepEqual(Array.from(venv.truncated), [1, 1]);
    assert.equal(venv.finished.length, 2);
    assert.ok(Math.abs(venv.finished[0].return + 5) < 1e-9);
    assert.deepEqual(Array.from(venv.obs), [0, 0]); // autoreset: the new episode's first obs
    assert.deepEqual(Array.from(venv.finalObs), [10, 10]);
  });

  it('the example gridworld trains with PPO through train()', async () => {
    const file = join(examples, 'custom-env.rl.yaml');
    const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), file, undefined);
    assert.ok('config' in loaded, JSON.stringify(loaded));
    assert.deepEqual(loaded.warnings, []);
    assert.equal(loaded.config.env_module, join(examples, 'envs/gridworld.js'));
    const result = await train(loaded.config, { onMetrics: () => undefined });
    assert.equal(result.status, 'completed', result.error);
    // Always walking right earns about 0.97; a random walk loses most episodes to the time limit.
    assert.ok(result.meanReturn !== undefined && result.meanReturn > 0.9, `mean return ${result.meanReturn}`);
  });

  it('a run on a broken module fails with the message, not a crash', async () => {
    const result = await train(
      { ...loadedExample(), env_module: fixture('wrong-shape.js') },
      { onMetrics: () => undefined },
    );
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /wrong-shape\.js: reset\(\) returned an observation of 3 values/);
  });
});

function loadedExample() {
  const file = join(examples, 'custom-env.rl.yaml');
  const loaded = loadExperimentConfig(readFileSync(file, 'utf8'), file, undefined);
  if (!('config' in loaded)) throw new Error('example does not load');
  return loaded.config;
}

describe('custom environments in experiment files', () => {
  const issues = (text: string, path = join(examples, 'x.rl.yaml')) => {
    const model = parseExperimentFile(text, path);
    return validateExperiment(model, model.experiments[0]);
  };

  it('env: custom needs env_module', () => {
    const found = issues('e:\n  algo: ppo\n  env: custom\n');
    assert.ok(found.some((i) => i.severity === 'error' && /needs 'env_module'/.test(i.message)));
  });

  it('an env_module that does not exist is an error on the value', () => {
    const text = 'e:\n  algo: ppo\n  env: custom\n  env_module: ./envs/nope.js\n';
    const found = issues(text).filter((i) => i.key === 'env_module');
    assert.equal(found.length, 1);
    assert.match(found[0].message, /'\.\/envs\/nope\.js' does not exist/);
    assert.equal(text.slice(found[0].range.start, found[0].range.end), './envs/nope.js');
  });

  it('an existing module is fine; a non-JS file is not', () => {
    assert.deepEqual(issues('e:\n  algo: ppo\n  env: custom\n  env_module: ./envs/gridworld.js\n'), []);
    assert.ok(issues('e:\n  algo: ppo\n  env: custom\n  env_module: ./cartpole.rl.yaml\n').some((i) => /JavaScript or TypeScript file/.test(i.message)));
  });
});

describe('action space compatibility', () => {
  const discreteOnly: AlgoSpec = { ...ALGOS.ppo, id: 'ppo', name: 'Discrete-only test algorithm', actionSpaces: ['discrete'] };

  it('a discrete-only algorithm on a continuous action space is an error', () => {
    assert.match(actionSpaceProblem(discreteOnly, ENV_SPECS['Pendulum-v1']) ?? '', /supports only discrete action spaces, but Pendulum-v1 has a continuous action space Box\(1,\)/);
    assert.equal(actionSpaceProblem(discreteOnly, ENV_SPECS['CartPole-v1']), undefined);
  });

  it('PPO takes both', () => {
    for (const spec of Object.values(ENV_SPECS)) assert.equal(actionSpaceProblem(ALGOS.ppo, spec), undefined);
  });
});

describe('env metadata in the editor', () => {
  it('hover on every registered env id shows its spaces, reward threshold and step limit', () => {
    for (const id of ENV_IDS) {
      const text = `e:\n  algo: ppo\n  env: ${id}\n`;
      const h = hover(editorDocument(text, 'file:///ws/e.rl.yaml'), { line: 2, character: 8 });
      assert.ok(h && typeof h.contents === 'object' && 'value' in h.contents, id);
      const md = h.contents.value;
      const spec = ENV_SPECS[id];
      const obsText = spec.discreteObservation ? `Discrete\\(${spec.discreteObservation.n}\\)` : `Box\\(${spec.observationSpace.shape.join(', ')},\\)`;
      assert.match(md, new RegExp(`Observation space \\| ${obsText}`), id);
      assert.match(md, spec.actionSpace.kind === 'discrete' ? new RegExp(`Action space \\| Discrete\\(${spec.actionSpace.n}\\)`) : /Action space \| Box\(/, id);
      assert.match(md, new RegExp(`Reward threshold \\| ${spec.rewardThreshold === null ? 'none registered' : spec.rewardThreshold}`), id);
      assert.match(md, new RegExp(`Step limit \\| ${Number.isFinite(spec.maxEpisodeSteps) ? `${spec.maxEpisodeSteps} steps` : 'none registered'}`), id);
    }
  });

  it('completion offers custom beside the env ids', () => {
    const text = 'e:\n  algo: ppo\n  env: \n';
    const items = complete(editorDocument(text, 'file:///ws/e.rl.yaml'), { line: 2, character: 7 });
    const labels = items.map((i) => i.label);
    assert.deepEqual(labels, [...ENV_IDS, 'custom']);
  });
});
