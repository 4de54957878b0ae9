/**
 * Evaluate: plays a run's saved policy (its newest checkpoint) deterministically for N
 * episodes and records the result in the run: one line in evaluations.jsonl, the summary in
 * run.json's `evaluation`. Episode i resets from Rng.stream(seed + i, 'playback') with
 * evaluate.ts's recordEpisode, so episode 0 is the run's playback episode and the same
 * checkpoint always scores the same. Observations pass through the normalization statistics
 * saved with the checkpoint, frozen.
 */
import type { EvaluationResult } from '../protocol/types';
import { latestCheckpoint } from './checkpointStore';
import { restorePolicy } from './engine';
import { resolveTrainingEnv } from './envs/trainingEnv';
import { recordEpisode } from './evaluate';
import { appendEvaluation, readRunConfig, readRunSummary, writeRunSummary } from './runStore';

export const DEFAULT_EVAL_EPISODES = 10;
export const MAX_EVAL_EPISODES = 10000;

export async function evaluateRun(runDir: string, episodes = DEFAULT_EVAL_EPISODES): Promise<EvaluationResult> {
  if (!Number.isInteger(episodes) || episodes < 1 || episodes > MAX_EVAL_EPISODES) {
    throw new Error(`episodes must be a whole number from 1 to ${MAX_EVAL_EPISODES}, got ${episodes}`);
  }
  const config = readRunConfig(runDir);
  const latest = latestCheckpoint(runDir);
  if (!latest) throw new Error('the run has no checkpoint to evaluate (it was recorded before checkpoints existed, or stopped before its first one)');
  const env = await resolveTrainingEnv(config);
  const { policy, dispose } = await restorePolicy(config, latest.checkpoint);
  const returns: number[] = [];
  const lengths: number[] = [];
  try {
    const transform = policy.transformObs?.bind(policy);
    for (let i = 0; i < episodes; i++) {
      // Fresh dynamics per episode (LunarLander keeps a Box2D world in its dynamics object).
      const source = { spec: env.spec, dynamics: env.makeVecEnv(1, config.seed + i).dynamics };
      const episode = recordEpisode(
        { env: config.env, kwargs: config.env_kwargs ?? {}, seed: config.seed + i, source },
        (obs) => policy.actDeterministic(transform ? transform(obs) : obs),
      );
      returns.push(episode.rewards.reduce((a, b) => a + b, 0));
      lengths.push(episode.rewards.length);
    }
  } finally {
    dispose();
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
  const result: EvaluationResult = {
    time: new Date().toISOString(),
    episodes,
    step: latest.checkpoint.globalStep,
    meanReturn: mean,
    stdReturn: std,
    minReturn: Math.min(...returns),
    maxReturn: Math.max(...returns),
    meanLength: lengths.reduce((a, b) => a + b, 0) / lengths.length,
    returns,
    lengths,
    seed: config.seed,
    deterministic: true,
  };
  appendEvaluation(runDir, result);
  const { returns: _r, lengths: _l, seed: _s, deterministic: _d, ...summary } = result;
  // A run still training elsewhere rewrites run.json; the newest evaluation is in evaluations.jsonl regardless.
  writeRunSummary(runDir, { ...readRunSummary(runDir), evaluation: summary }, { replaceMeta: true });
  return result;
}
