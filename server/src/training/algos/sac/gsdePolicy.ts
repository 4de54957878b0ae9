/**
 * SAC's actor with gSDE (`use_sde`), as SB3's sac/policies.py Actor builds it: the actor MLP
 * emits the mean only, its last hidden layer is the latent z the noise is computed from (learned
 * through the noise: learn_features=True), and the log std is a parameter matrix
 * [latent dim x A] (full_std) started at policy_kwargs log_std_init (SACPolicy's default -3).
 * The distribution's maths are nn/squashedGsde.ts; this file holds the parameter, the rollout's
 * exploration matrices and the glue to the actor MLP.
 *
 * When the noise is resampled (SB3): every gradient step draws one matrix E shared by the
 * policy's sample on s and on s' (SAC.train calls actor.reset_noise() per step); every rollout
 * starts with one matrix per env copy (collect_rollouts: reset_noise(n_envs)), redrawn every
 * sde_sample_freq steps when that is > 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PolicyKwargs } from '../../../schema';
import { GsdeExploration, gsdeLogStdCols } from '../../nn/gsde';
import type { MlpCache, MlpSet } from '../../nn/mlp';
import { gsdeAct, gsdeSample, type GsdeSample, type SquashedGsdeOptions } from '../../nn/squashedGsde';
import type { Rng } from '../../rng';

/** SB3's SACPolicy defaults for gSDE (log_std_init comes from policy_kwargs). */
export const SAC_CLIP_MEAN = 2.0;

export class SacGsde {
  /** The log-std parameter [latentDim, A] (or [latentDim, 1] without full_std); trained by the actor's optimizer. */
  readonly logStd: tf.Variable<tf.Rank.R2>;
  readonly options: SquashedGsdeOptions;
  readonly latentDim: number;
  private readonly exploration: GsdeExploration;

  constructor(private readonly actor: MlpSet, readonly actDim: number, numEnvs: number, kwargs: PolicyKwargs) {
    // The latent is the last hidden layer's output (the observation itself without hidden layers).
    this.latentDim = actor.layers[actor.layers.length - 1].inDim;
    this.options = { fullStd: kwargs.full_std ?? true, useExpln: kwargs.use_expln ?? false, clipMean: kwargs.clip_mean ?? SAC_CLIP_MEAN };
    const cols = gsdeLogStdCols(actDim, this.options.fullStd);
    this.logStd = tf.variable(tf.fill([this.latentDim, cols], kwargs.log_std_init), true, `${actor.name}_sde_log_std_${SacGsde.serial++}`) as tf.Variable<tf.Rank.R2>;
    this.exploration = new GsdeExploration(this.latentDim, actDim, this.options, numEnvs);
  }

  /** Variable names must be unique per process. */
  private static serial = 0;

  /** The latent z of a cached actor pass: the input of its last layer. */
  static latentOf(cache: MlpCache): tf.Tensor2D {
    return cache.inputs[cache.inputs.length - 1];
  }

  /** New exploration matrices for the env copies (SB3 reset_noise(n_envs)). */
  resetRolloutNoise(rng: Rng): void {
    this.exploration.resample(this.logStd.dataSync(), rng);
  }

  /** Behaviour actions in [-1, 1] for `rows` observations (one per env copy): tanh(clip(mean) + z @ M_env). */
  act(obs: Float32Array, rows: number, out: Float32Array): void {
    const A = this.actDim;
    const L = this.latentDim;
    const [net] = this.actor.currentWeights();
    const joined = tf.tidy(() => {
      const { out: mean, cache } = this.actor.forwardCached(tf.tensor2d(obs, [rows, obs.length / rows]), net);
      return tf.concat([mean, SacGsde.latentOf(cache)], 1);
    });
    const data = joined.dataSync() as Float32Array;
    joined.dispose();
    const size = L * A;
    for (let r = 0; r < rows; r++) {
      const row = data.subarray(r * (A + L), (r + 1) * (A + L));
      gsdeAct(row.subarray(0, A), row.subarray(A), this.exploration.matrices.subarray(r * size, (r + 1) * size), this.options.clipMean, out, r * A);
    }
  }

  /** The squashed gSDE sample of a cached actor pass with this gradient step's E [latentDim, A]. Call inside tf.tidy. */
  sample(pass: { out: tf.Tensor2D; cache: MlpCache }, eps: tf.Tensor2D): GsdeSample {
    return gsdeSample(pass.out, SacGsde.latentOf(pass.cache), this.logStd, eps, this.options);
  }

  dispose(): void {
    this.logStd.dispose();
  }
}
