/**
 * The training figures of `npm run bench` beyond PPO's per-backend throughput (bench/ppo.ts):
 * PPO's steps to a mean return of 475 with CleanRL's defaults on the default backend (against
 * CleanRL's own median), PPO with 64 envs, DQN on CartPole-v1 (RL Zoo's config) and SAC on
 * Pendulum-v1, each in its own child process (bench/jobs.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cleanRlCartPole } from './configs';
import { exampleConfig, runJob, type JobFigures, type JobOutcome } from './jobs';
import { cleanRlReference } from './ppo';

export interface ThroughputFigures {
  sps: number;
  cpu_sps: number;
  steps: number;
  backend: string;
  peak_rss_mib: number;
  wall_s: number;
}

export interface TrainingBenchResult {
  /** CleanRL defaults, default backend, until the mean of the last 20 returns reaches 475 or 500k steps. */
  ppo_steps_to_475: (ThroughputFigures & { steps_to_475: number | null; cleanrl_steps_to_475_median: number; equal_or_fewer_than_cleanrl: boolean | null; ratio_to_cleanrl: number }) | { error: string } | null;
  ppo_n_envs_64: ThroughputFigures | { error: string };
  dqn: (ThroughputFigures & { config: string }) | { error: string };
  sac: (ThroughputFigures & { config: string }) | { error: string };
}

function figures(o: JobFigures): ThroughputFigures {
  return { sps: o.sps, cpu_sps: o.cpu_sps, steps: o.steps, backend: o.backend, peak_rss_mib: o.peak_rss_mib, wall_s: o.wall_s };
}

function orError<T>(o: JobOutcome, f: (x: JobFigures) => T): T | { error: string } {
  return 'error' in o ? { error: o.error } : f(o);
}

export async function benchTraining(options: { skipLearn?: boolean; log?: (line: string) => void } = {}): Promise<TrainingBenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const reference = cleanRlReference();

  let toGoal: TrainingBenchResult['ppo_steps_to_475'] = null;
  if (!options.skipLearn) {
    const o = await runJob({ config: cleanRlCartPole(500_000), stopAtReturn: 475 });
    toGoal = orError(o, (x) => ({
      ...figures(x),
      steps_to_475: x.steps_to_return ?? null,
      cleanrl_steps_to_475_median: reference.steps_to_mean_return_475_median,
      equal_or_fewer_than_cleanrl: x.steps_to_return == null ? null : x.steps_to_return <= reference.steps_to_mean_return_475_median,
      ratio_to_cleanrl: Math.round((x.sps / reference.steps_per_second_median) * 100) / 100,
    }));
    log(`ppo to 475: ${JSON.stringify(toGoal)}`);
  }

  // 64 envs x 128 steps = 8,192 per update; 8 updates.
  const many = cleanRlCartPole(65_536);
  many.n_envs = 64;
  const ppo64 = orError(await runJob({ config: many }), figures);
  log(`ppo n_envs 64: ${JSON.stringify(ppo64)}`);

  const dqnConfig = 'examples/dqn.rl.yaml#cartpole-dqn-zoo';
  const dqn = orError(await runJob({ config: exampleConfig('examples/dqn.rl.yaml', 'cartpole-dqn-zoo', ['n_timesteps=6000']) }), (x) => ({ ...figures(x), config: dqnConfig }));
  log(`dqn: ${JSON.stringify(dqn)}`);

  const sacConfig = 'examples/continuous.rl.yaml#pendulum-sac';
  const sacPresent = existsSync(join(__dirname, '../server/src/training/algos/sac'));
  const sac = sacPresent
    ? orError(await runJob({ config: exampleConfig('examples/continuous.rl.yaml', 'pendulum-sac', ['n_timesteps=2000']) }), (x) => ({ ...figures(x), config: sacConfig }))
    : { error: 'SAC is not implemented in this tree (server/src/training/algos/sac missing)' };
  log(`sac: ${JSON.stringify(sac)}`);
  return { ppo_steps_to_475: toGoal, ppo_n_envs_64: ppo64, dqn, sac };
}
