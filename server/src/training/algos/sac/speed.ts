/**
 * SAC's training speed on Pendulum-v1, for the bench (`npm run bench`): environment steps per
 * second with one gradient step per env step (train_freq 1, gradient_steps 1), timed after the
 * warm-up so it measures steady-state training, not random-action collection.
 */
import { performance } from 'node:perf_hooks';
import { loadExperimentConfig } from '../../../experiments';
import { currentBackend, selectBackend } from '../../backends';
import { SAC } from './sac';

export interface SacSpeed {
  /** Env steps per second while training (one SAC gradient step per env step). */
  sps: number;
  /** Timed env steps (and gradient steps). */
  steps: number;
  backend: string;
  /** The network and batch the figure is for. */
  netArch: number[];
  batchSize: number;
}

/**
 * Times `steps` training steps of SAC on Pendulum-v1 after `learning_starts` (`warmup`) random
 * steps. Defaults: SB3's SAC (net_arch [256, 256], batch 256); `netArch`/`batchSize` change it
 * (examples/continuous.rl.yaml's pendulum-sac uses [64, 64] and 128).
 */
export async function sacPendulumSps(opts: { steps?: number; warmup?: number; netArch?: number[]; batchSize?: number; seed?: number } = {}): Promise<SacSpeed> {
  const { steps = 1000, warmup = 256, netArch = [256, 256], batchSize = 256, seed = 1 } = opts;
  if (!currentBackend()) await selectBackend(process.env.RL_LAB_BACKEND);
  const text = [
    'speed:', '  algo: sac', '  env: Pendulum-v1', `  seed: ${seed}`, `  n_timesteps: ${warmup + steps + 1}`,
    `  learning_starts: ${warmup}`, `  batch_size: ${batchSize}`, `  policy_kwargs: "dict(net_arch=[${netArch.join(', ')}])"`, '',
  ].join('\n');
  const loaded = loadExperimentConfig(text, 'sac-speed.rl.yaml', 'speed');
  if ('error' in loaded) throw new Error(loaded.error.message);
  const sac = new SAC(loaded.config);
  try {
    // One env step per iteration (n_envs 1, train_freq 1); the first gradient step comes after warmup.
    for (let i = 0; i <= warmup; i++) sac.iteration();
    const start = performance.now();
    for (let i = 0; i < steps; i++) sac.iteration();
    const seconds = (performance.now() - start) / 1000;
    return { sps: Math.round(steps / seconds), steps, backend: currentBackend()?.name ?? 'unknown', netArch, batchSize };
  } finally {
    sac.dispose();
  }
}
