/**
 * Twin Delayed DDPG (Fujimoto et al. 2018), read like SB3's td3.py, with SB3's names:
 *
 *   1. Clipped double Q-learning: twin critics, the target takes the smaller estimate
 *        y = r + gamma * (1 - terminated) * min_i Q'_i(s', a~')
 *   2. Target policy smoothing: a~' = clip(mu'(s') + clip(eps, -c, c), -1, 1), eps ~ N(0, sigma~^2)
 *      (target_policy_noise sigma~, target_noise_clip c)
 *   3. Delayed policy updates: the actor and every target move once per policy_delay critic steps:
 *        actor loss = -mean Q_1(s, mu(s));   theta' <- tau theta + (1 - tau) theta'   (Polyak)
 *
 * Critic loss (SB3): sum_i mean((Q_i(s, a) - y)^2). The actor is deterministic,
 * mu(s) = tanh(MLP(s)) in [-1, 1] scaled to the Box bounds; exploration adds action noise
 * (actionNoise.ts). DDPG (Lillicrap et al. 2016) is this with one critic, policy_delay 1 and no
 * target smoothing, as SB3's DDPG subclass of TD3.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type DdpgHyperparameters, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { Rng } from '../../rng';
import { ActionNoise, type NoiseType } from '../ddpg/actionNoise';
import { ContinuousOffPolicy } from '../ddpg/continuousOffPolicy';
import { linearSchedule } from '../dqn/exploration';
import type { Schedule } from '../../schedule';

export interface DeterministicVariant {
  algo: 'ddpg' | 'td3';
  hp: DdpgHyperparameters;
  nCritics: number;
  policyDelay: number;
  targetPolicyNoise: number;
  targetNoiseClip: number;
}

export class TD3 extends ContinuousOffPolicy {
  private readonly policyDelay: number;
  private readonly targetPolicyNoise: number;
  private readonly targetNoiseClip: number;
  private readonly noise: ActionNoise | null;
  /** noise_std(progress_remaining): constant, or linear to noise_std_final (Zoo). */
  private readonly noiseStd: Schedule;
  /** Gradient steps so far (SB3's _n_updates), for the policy delay. */
  private nUpdates = 0;

  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config), variant?: DeterministicVariant) {
    const v = variant ?? td3Variant(config);
    super(config, env, { algo: v.algo, hp: v.hp, actorOutputsPerAction: 1, nCritics: v.nCritics });
    this.policyDelay = v.policyDelay;
    this.targetPolicyNoise = v.targetPolicyNoise;
    this.targetNoiseClip = v.targetNoiseClip;
    const { noise_type: type, noise_std: std, noise_std_final: final } = v.hp;
    this.noise = type ? new ActionNoise(type as NoiseType, this.env.numEnvs, this.actDim, Rng.stream(config.seed, 'action-noise')) : null;
    this.noiseStd = final === null || final === undefined ? () => std : linearSchedule(std, final, 1);
  }

  // ------------------------------------------------------------------ acting
  protected deterministicFromOutputs(outputs: Float32Array, rows: number, out: Float32Array): void {
    for (let i = 0; i < rows * this.actDim; i++) out[i] = Math.tanh(outputs[i]);
  }

  /** mu(s) + noise, clipped to [-1, 1], then scaled to the bounds (SB3's _sample_action). */
  protected selectActions(obs: Float32Array, out: Float32Array, progressRemaining: number): void {
    const n = this.env.numEnvs;
    const scaled = this.stepScaled;
    this.deterministicFromOutputs(this.actorOutputs(obs, n), n, scaled);
    this.noise?.apply(scaled, this.noiseStd(progressRemaining));
    this.unscale(scaled, out);
  }

  /** The OU process restarts with each episode of its env copy. */
  protected override onStep(): void {
    if (!this.noise) return;
    for (let e = 0; e < this.env.numEnvs; e++) if (this.env.terminated[e] || this.env.truncated[e]) this.noise.reset(e);
  }

  // ------------------------------------------------------------------ update
  protected train(gradientSteps: number, progressRemaining: number): Record<string, number> {
    this.setLearningRate(progressRemaining);
    const criticLosses: tf.Scalar[] = [];
    const actorLosses: tf.Scalar[] = [];
    const qMeans: tf.Scalar[] = [];
    for (let g = 0; g < gradientSteps; g++) {
      this.nUpdates++;
      const critic = this.criticStep();
      this.criticOptimizer.applyGradients([{ name: this.critic.params.name, tensor: critic.grad }]);
      this.critic.invalidate();
      critic.grad.dispose();
      criticLosses.push(critic.loss);
      qMeans.push(critic.qMean);
      if (this.nUpdates % this.policyDelay === 0) {
        const actor = this.actorStep(critic.obs);
        this.actorOptimizer.applyGradients([{ name: this.actor.params.name, tensor: actor.grad }]);
        actor.grad.dispose();
        actorLosses.push(actor.loss);
        this.actor.invalidate();
        this.critic.updateTarget(this.tau);
        this.actor.updateTarget(this.tau);
      }
      critic.obs.dispose();
    }
    // One read-back per training phase, not per gradient step.
    const sums = tf.tidy(() => tf.stack([tf.addN(criticLosses), tf.addN(qMeans), actorLosses.length ? tf.addN(actorLosses) : tf.scalar(0)]).dataSync());
    tf.dispose([...criticLosses, ...qMeans, ...actorLosses]);
    return {
      'losses/critic_loss': sums[0] / gradientSteps,
      'losses/q_values': sums[1] / gradientSteps,
      ...(actorLosses.length ? { 'losses/actor_loss': sums[2] / actorLosses.length } : {}),
    };
  }

  /** The critics' gradient on one minibatch: sum_i mean((Q_i(s, a) - y)^2). */
  private criticStep(): { grad: tf.Tensor1D; loss: tf.Scalar; qMean: tf.Scalar; obs: tf.Tensor2D } {
    return tf.tidy(() => {
      const { obs, actions, rewards, dones, nextObs } = this.sampleBatch();
      const B = this.batchSize;
      // Target (no gradient): a~' = clip(mu'(s') + clip(eps, -c, c), -1, 1)
      let nextActions = tf.tanh(this.actor.forward(nextObs, this.actor.targetWeights()[0])) as tf.Tensor2D;
      if (this.targetPolicyNoise > 0) {
        const eps = tf.clipByValue(tf.mul(this.standardNormal(B, this.actDim), this.targetPolicyNoise), -this.targetNoiseClip, this.targetNoiseClip);
        nextActions = tf.clipByValue(tf.add(nextActions, eps), -1, 1) as tf.Tensor2D;
      }
      const nextInput = tf.concat([nextObs, nextActions], 1) as tf.Tensor2D;
      const targets = this.critic.targetWeights().map((w) => this.critic.forward(nextInput, w));
      const nextQ = targets.reduce((a, b) => tf.minimum(a, b) as tf.Tensor2D);
      // y = r + gamma (1 - terminated) min_i Q'_i(s', a~')
      const y = tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), this.gamma), nextQ));

      const input = tf.concat([obs, actions], 1) as tf.Tensor2D;
      const weights = this.critic.currentWeights();
      const losses: tf.Scalar[] = [];
      let qMean: tf.Scalar | undefined;
      const pieces = weights.map((w, i) => {
        const { out, cache } = this.critic.forwardCached(input, w);
        const diff = tf.sub(out, y) as tf.Tensor2D;
        losses.push(tf.mean(tf.square(diff)) as tf.Scalar);
        if (i === 0) qMean = tf.mean(out) as tf.Scalar;
        // d mean(diff^2) / dQ = 2 diff / B
        return this.critic.backward(w, cache, tf.mul(diff, 2 / B) as tf.Tensor2D, { params: true, input: false }).pieces;
      });
      // The batch's states are returned for the actor step (the caller disposes them).
      return { grad: this.critic.flatGradient(pieces), loss: tf.addN(losses) as tf.Scalar, qMean: qMean!, obs };
    });
  }

  /**
   * The actor's gradient: loss = -mean_b Q_1(s_b, mu(s_b)) on the critic step's states, with
   * the updated critic (as SB3). dL/dQ_1 = -1/B flows back through Q_1's action input, the
   * tanh and the actor.
   */
  private actorStep(obs: tf.Tensor2D): { grad: tf.Tensor1D; loss: tf.Scalar } {
    return tf.tidy(() => {
      const B = obs.shape[0];
      const [actorW] = this.actor.currentWeights();
      const { out, cache } = this.actor.forwardCached(obs, actorW);
      const a = tf.tanh(out) as tf.Tensor2D;
      const q1W = this.critic.currentWeights()[0];
      const q = this.critic.forwardCached(tf.concat([obs, a], 1) as tf.Tensor2D, q1W);
      const loss = tf.neg(tf.mean(q.out)) as tf.Scalar;
      const { dInput } = this.critic.backward(q1W, q.cache, tf.fill([B, 1], -1 / B) as tf.Tensor2D, { params: false, input: true });
      const dA = tf.slice(dInput!, [0, this.obsDim], [B, this.actDim]);
      const dPre = tf.mul(dA, tf.sub(1, tf.square(a))) as tf.Tensor2D; // tanh' = 1 - a^2
      const { pieces } = this.actor.backward(actorW, cache, dPre, { params: true, input: false });
      return { grad: this.actor.flatGradient([pieces]), loss };
    });
  }

  // ------------------------------------------------------------------ checkpoints
  protected async extraState(): Promise<Record<string, unknown>> {
    return { nUpdates: this.nUpdates };
  }

  protected async loadExtraState(s: Record<string, unknown>): Promise<void> {
    if (typeof s.nUpdates === 'number') this.nUpdates = s.nUpdates;
    // The envs restart their episodes on resume, so the OU process restarts too (at 0).
  }
}

/** TD3's settings from a td3 config. */
function td3Variant(config: ResolvedConfig): DeterministicVariant {
  const hp = hyperparametersOf(config, 'td3');
  return {
    algo: 'td3', hp, nCritics: 2, policyDelay: hp.policy_delay, targetPolicyNoise: hp.target_policy_noise, targetNoiseClip: hp.target_noise_clip,
  };
}
