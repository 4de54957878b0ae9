/**
 * Every algorithm of issue 4 reads RL Baselines3 Zoo's hyperparameter file for it as it is
 * (test/fixtures/zoo/<algo>.yml, opened as `hyperparams/<algo>.yml`): each entry for an
 * environment RL Lab has resolves to a config, and `node dist/cli.js train` (built here) trains
 * one entry per file for a few thousand steps and ends `completed`.
 * An algorithm RL Lab does not register yet is reported as skipped, with the reason.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { listExperiments, loadExperimentConfig } from '../../server/src/experiments';
import { isAlgoId } from '../../server/src/schema';
import { ENV_IDS } from '../../server/src/training/envs/registry';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
const cli = join(root, 'dist', 'cli.js');
const FIXTURES = join(__dirname, '../fixtures/zoo');

/** Zoo file, the entry the CLI trains, and the steps (enough for at least one update). */
const FILES: [string, string, number][] = [
  ['ppo', 'CartPole-v1', 2048],
  ['a2c', 'CartPole-v1', 2048],
  ['dqn', 'CartPole-v1', 2048],
  ['trpo', 'CartPole-v1', 2048],
  ['ddpg', 'Pendulum-v1', 300],
  ['td3', 'Pendulum-v1', 300],
  ['sac', 'Pendulum-v1', 300],
];

const workspace = mkdtempSync(join(tmpdir(), 'rl-lab-zoo-'));
writeFileSync(join(workspace, 'package.json'), '{"name": "ws"}\n');
mkdirSync(join(workspace, 'hyperparams'));
after(() => rmSync(workspace, { recursive: true, force: true }));

describe('RL Baselines3 Zoo hyperparameter files', () => {
  for (const [algo, entry, steps] of FILES) {
    const skip = isAlgoId(algo) ? false : `RL Lab does not implement ${algo} yet`;
    const file = join(workspace, 'hyperparams', `${algo}.yml`);
    copyFileSync(join(FIXTURES, `${algo}.yml`), file);

    it(`hyperparams/${algo}.yml: every entry for an RL Lab environment loads`, { skip }, () => {
      const text = readFileSync(file, 'utf8');
      const entries = listExperiments(text, file).map((e) => e.name).filter((n) => (ENV_IDS as readonly string[]).includes(n));
      assert.ok(entries.includes(entry), `${algo}.yml has no ${entry} entry (entries: ${entries.join(', ')})`);
      for (const env of entries) {
        const loaded = loadExperimentConfig(text, file, env);
        if ('error' in loaded) assert.fail(`${algo}.yml#${env}: line ${loaded.error.line}: ${loaded.error.message}`);
        assert.equal(loaded.config.algo, algo);
        assert.equal(loaded.config.env, env);
      }
    });

    it(`rl-lab train hyperparams/${algo}.yml#${entry} completes`, { skip, timeout: 5 * 60_000 }, () => {
      const run = spawnSync(process.execPath, [cli, 'train', `hyperparams/${algo}.yml#${entry}`, '--set', `n_timesteps=${steps}`, '--seed', '1', '--json'], {
        cwd: workspace, encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const start = lines.find((l) => l.event === 'start');
      const end = lines[lines.length - 1];
      assert.equal((start?.config as { algo?: string } | undefined)?.algo, algo);
      assert.equal(end.event, 'end');
      assert.equal(end.status, 'completed', JSON.stringify(end));
      // On-policy runs end at the first whole rollout at or past n_timesteps.
      assert.ok(typeof end.global_step === 'number' && end.global_step >= steps, JSON.stringify(end));
    });
  }
});
