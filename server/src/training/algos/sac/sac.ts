/**
 * Soft Actor-Critic (Haarnoja et al. 2018, "SAC: Algorithms and Applications"), read like SB3's
 * sac.py with its names: a tanh-squashed Gaussian actor (nn/squashedGaussian.ts), twin critics
 * with a Polyak-averaged target, and the entropy coefficient alpha fixed or learned.
 *
 * Per gradient step, on one minibatch (SB3's order):
 *   a~, log pi(a~|s) sampled with the reparameterization trick
 *   alpha loss = -mean( log_alpha * (log pi(a~|s) + target_entropy) )      (eq. 18; when ent_coef is auto)
 *   y = r + gamma (1 - terminated) ( min_i Q'_i(s', a') - alpha log pi(a'|s') ),  a' ~ pi(.|s')   (soft Bellman target)
 *   critic loss = 0.5 * sum_i mean((Q_i(s, a) - y)^2)
 *   actor loss = mean( alpha log pi(a~|s) - min_i Q_i(s, a~) )                                      (eq. 7)
 *   every target_update_interval steps: theta' <- tau theta + (1 - tau) theta'
 * alpha is the value before this step's alpha update, for both the target and the actor.
 *
 * With use_sde the policy is gSDE's (gsdePolicy.ts, nn/squashedGsde.ts): exploration noise
 * z(s) @ M from the actor's last hidden layer and a learned log-std matrix, M resampled per
 * gradient step and per rollout (or every sde_sample_freq steps); use_sde_at_warmup also explores
 * that way before learning_starts instead of uniformly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { ScheduledAdam } from '../../nn/optimizer';
import type { MlpCache } from '../../nn/mlp';
import { squashedBackward, squashedSample, LOG_STD_MAX, LOG_STD_MIN, type SquashedSample } from '../../nn/squashedGaussian';
import { gsdeBackward, gsdeMeanValue, type GsdeSample } from '../../nn/squashedGsde';
import { assignVariable, encodeTensor, isEncodedArray, isOptimizerState, loadOptimizer, saveOptimizer } from '../checkpoint';
import { ContinuousOffPolicy } from '../ddpg/continuousOffPolicy';
import { entropyCoefficient } from './entropy';
import { SacGsde } from './gsdePolicy';

/** The actor's forward pass on a minibatch's states and the squashed sample drawn from it (gSDE's when use_sde). */
interface PolicyPass {
  cache: MlpCache;
  sample: SquashedSample | GsdeSample;
}

export class SAC extends ContinuousOffPolicy {
  private readonly targetUpdateInterval: number;
  private readonly targetEntropy: number;
  /** Fixed alpha, or null when learned (logAlpha). */
  private readonly fixedAlpha: number | null;
  private readonly logAlpha: tf.Variable<tf.Rank.R1> | null;
  private readonly alphaOptimizer: ScheduledAdam | null;
  /** gSDE's log-std parameter and exploration matrices; null without use_sde. */
  private readonly sde: SacGsde | null;
  private readonly sdeSampleFreq: number;
  private readonly sdeAtWarmup: boolean;
  private nUpdates = 0;

  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'sac');
    // gSDE's actor emits the mean only (its log std is a parameter, not an output).
    super(config, env, { algo: 'sac', hp, actorOutputsPerAction: hp.use_sde ? 1 : 2, nCritics: 2 });
    this.sde = hp.use_sde ? new SacGsde(this.actor, this.actDim, this.env.numEnvs, config.policy_kwargs) : null;
    this.sdeSampleFreq = hp.sde_sample_freq;
    this.sdeAtWarmup = hp.use_sde_at_warmup;
    this.targetUpdateInterval = hp.target_update_interval;
    const ent = entropyCoefficient(hp.ent_coef, hp.target_entropy, this.actDim);
    this.targetEntropy = ent.targetEntropy;
    this.fixedAlpha = ent.learned ? null : ent.initial;
    // SB3: log_ent_coef = log(init), its own Adam with the same learning-rate schedule.
    this.logAlpha = ent.learned ? tf.tidy(() => tf.variable(tf.tensor1d([Math.log(ent.initial)]), true)) : null;
    this.alphaOptimizer = ent.learned ? new ScheduledAdam(this.learningRate(1), 1e-8) : null;
  }

  // ------------------------------------------------------------------ acting
  protected deterministicFromOutputs(outputs: Float32Array, rows: number, out: Float32Array): void {
    const A = this.actDim;
    const width = this.sde ? A : 2 * A;
    const clip = this.sde?.options.clipMean ?? 0;
    for (let r = 0; r < rows; r++) for (let j = 0; j < A; j++) out[r * A + j] = Math.tanh(gsdeMeanValue(outputs[r * width + j], clip));
  }

  protected override exportMeanClip(): number {
    return this.sde?.options.clipMean ?? 0;
  }

  /** gSDE: new exploration matrices at each rollout's start and every sde_sample_freq steps (SB3 collect_rollouts). */
  protected override beforeCollectStep(collected: number): void {
    if (this.sde && (collected === 0 || (this.sdeSampleFreq > 0 && collected % this.sdeSampleFreq === 0))) this.sde.resetRolloutNoise(this.exploreRng);
  }

  /** The warm-up: uniform in the Box, or gSDE's exploration with use_sde_at_warmup (SB3 _sample_action). */
  protected override randomActions(out: Float32Array): void {
    if (this.sde && this.sdeAtWarmup) this.selectActions(this.env.obs, out);
    else super.randomActions(out);
  }

  /** a = tanh(mean + std * eps): a sample of the squashed Gaussian per env copy (gSDE: tanh(clip(mean) + z @ M)). */
  protected selectActions(obs: Float32Array, out: Float32Array): void {
    const n = this.env.numEnvs;
    const A = this.actDim;
    if (this.sde) {
      this.sde.act(obs, n, this.stepScaled);
      this.unscale(this.stepScaled, out);
      return;
    }
    const outputs = this.actorOutputs(obs, n);
    const scaled = this.stepScaled;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < A; j++) {
        const mean = outputs[r * 2 * A + j];
        const logStd = Math.min(LOG_STD_MAX, Math.max(LOG_STD_MIN, outputs[r * 2 * A + A + j]));
        scaled[r * A + j] = Math.tanh(mean + Math.exp(logStd) * this.exploreRng.normal());
      }
    }
    this.unscale(scaled, out);
  }

  // ------------------------------------------------------------------ update
  protected train(gradientSteps: number, progressRemaining: number): Record<string, number> {
    this.setLearningRate(progressRemaining);
    this.alphaOptimizer?.setLearningRate(this.learningRate(progressRemaining));
    const metrics: tf.Scalar[][] = [];
    for (let g = 0; g < gradientSteps; g++) {
      this.nUpdates++;
      const step = this.criticStep();
      if (this.logAlpha && step.alphaGrad) {
        this.alphaOptimizer!.applyGradients([{ name: this.logAlpha.name, tensor: step.alphaGrad }]);
      }
      this.criticOptimizer.applyGradients([{ name: this.critic.params.name, tensor: step.criticGrad }]);
      this.critic.invalidate();
      const actor = this.actorStep(step.obs, step.policy, step.alpha);
      // One Adam over the actor's parameters and gSDE's log std, as SB3's actor.optimizer (always in this order).
      const sdeGrad = this.sde && actor.logStdGrad ? [{ name: this.sde.logStd.name, tensor: actor.logStdGrad }] : [];
      this.actorOptimizer.applyGradients([{ name: this.actor.params.name, tensor: actor.grad }, ...sdeGrad]);
      this.actor.invalidate();
      if (this.nUpdates % this.targetUpdateInterval === 0) this.critic.updateTarget(this.tau);
      metrics.push([step.criticLoss, actor.loss, step.qMean, step.alpha, step.alphaLoss, actor.entropy]);
      tf.dispose([step.obs, step.criticGrad, actor.grad, ...(step.alphaGrad ? [step.alphaGrad] : []), ...(actor.logStdGrad ? [actor.logStdGrad] : [])]);
      tf.dispose(step.policy as unknown as tf.TensorContainer);
    }
    // One read-back per training phase, not per gradient step.
    const sums = tf.tidy(() => tf.addN(metrics.map((m) => tf.stack(m))).dataSync());
    tf.dispose(metrics.flat());
    const mean = (k: number) => sums[k] / gradientSteps;
    return {
      'losses/critic_loss': mean(0),
      'losses/actor_loss': mean(1),
      'losses/q_values': mean(2),
      'losses/ent_coef': mean(3),
      ...(this.logAlpha ? { 'losses/ent_coef_loss': mean(4) } : {}),
      'losses/entropy': mean(5),
    };
  }

  /**
   * The entropy-coefficient gradient and the critics' gradient on one minibatch. Returns the
   * batch's states and the policy's forward pass and sample on them for the actor step (the
   * same a~ as SB3's actions_pi, computed once: the actor does not change in between).
   */
  private criticStep(): {
    criticGrad: tf.Tensor1D; criticLoss: tf.Scalar; qMean: tf.Scalar; alpha: tf.Scalar; alphaLoss: tf.Scalar;
    alphaGrad: tf.Tensor1D | undefined; obs: tf.Tensor2D; policy: PolicyPass;
  } {
    return tidy(() => {
      const { obs, actions, rewards, dones, nextObs } = this.sampleBatch();
      const B = this.batchSize;
      const actorW = this.actor.currentWeights()[0];
      // gSDE: one exploration matrix per gradient step, shared by the samples on s and s' (SB3 reset_noise()).
      const sdeEps = this.sde ? this.standardNormal(this.sde.latentDim, this.actDim) : null;
      const draw = (pass: { out: tf.Tensor2D; cache: MlpCache }) =>
        this.sde ? this.sde.sample(pass, sdeEps!) : squashedSample(pass.out, this.standardNormal(B, this.actDim));
      const pass = this.actor.forwardCached(obs, actorW);
      const policy: PolicyPass = { cache: pass.cache, sample: draw(pass) };
      const { logProb } = policy.sample;
      // alpha before this step's update (SB3 detaches exp(log_ent_coef) first).
      const alpha = (this.logAlpha ? tf.reshape(tf.exp(this.logAlpha), []) : tf.scalar(this.fixedAlpha!)) as tf.Scalar;
      let alphaLoss = tf.scalar(0);
      let alphaGrad: tf.Tensor1D | undefined;
      if (this.logAlpha) {
        // L(log_alpha) = -mean(log_alpha * (log pi + target_entropy));  dL/dlog_alpha = -mean(log pi + target_entropy)
        const gap = tf.mean(tf.add(logProb, this.targetEntropy));
        alphaLoss = tf.neg(tf.mul(tf.reshape(this.logAlpha, []), gap)) as tf.Scalar;
        alphaGrad = tf.reshape(tf.neg(gap), [1]) as tf.Tensor1D;
      }

      // Soft Bellman target (no gradient), a' ~ pi(.|s') from the current actor.
      const next = draw(this.actor.forwardCached(nextObs, actorW));
      const nextInput = tf.concat([nextObs, next.action], 1) as tf.Tensor2D;
      const nextQ = this.critic.targetWeights().map((w) => this.critic.forward(nextInput, w)).reduce((a, b) => tf.minimum(a, b) as tf.Tensor2D);
      const softQ = tf.sub(nextQ, tf.mul(alpha, tf.expandDims(next.logProb, 1)));
      const y = tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), this.gamma), softQ));

      // critic loss = 0.5 * sum_i mean((Q_i - y)^2);  dL/dQ_i = (Q_i - y) / B
      const input = tf.concat([obs, actions], 1) as tf.Tensor2D;
      const losses: tf.Scalar[] = [];
      let qMean: tf.Scalar | undefined;
      const pieces = this.critic.currentWeights().map((w, i) => {
        const { out, cache } = this.critic.forwardCached(input, w);
        const diff = tf.sub(out, y) as tf.Tensor2D;
        losses.push(tf.mul(tf.mean(tf.square(diff)), 0.5) as tf.Scalar);
        if (i === 0) qMean = tf.mean(out) as tf.Scalar;
        return this.critic.backward(w, cache, tf.div(diff, B) as tf.Tensor2D, { params: true, input: false }).pieces;
      });
      return {
        criticGrad: this.critic.flatGradient(pieces), criticLoss: tf.addN(losses) as tf.Scalar, qMean: qMean!,
        alpha, alphaLoss, alphaGrad, obs, policy,
      };
    });
  }

  /**
   * The actor's gradient: L = mean(alpha log pi(a~|s) - min_i Q_i(s, a~)) with the updated
   * critics. dL/dQ_i = -1/B on the rows where Q_i is the smaller, dL/dlog pi = alpha / B; both
   * flow through the squashed sample into [mean | log std] and the actor network.
   */
  private actorStep(obs: tf.Tensor2D, policy: PolicyPass, alpha: tf.Scalar): { grad: tf.Tensor1D; logStdGrad?: tf.Tensor2D; loss: tf.Scalar; entropy: tf.Scalar } {
    return tf.tidy(() => {
      const B = obs.shape[0];
      const [actorW] = this.actor.currentWeights();
      const { cache, sample } = policy;
      const input = tf.concat([obs, sample.action], 1) as tf.Tensor2D;
      const criticW = this.critic.currentWeights();
      const qs = criticW.map((w) => this.critic.forwardCached(input, w));
      const minQ = qs.map((q) => q.out).reduce((a, b) => tf.minimum(a, b) as tf.Tensor2D);
      const loss = tf.mean(tf.sub(tf.mul(alpha, tf.expandDims(sample.logProb, 1)), minQ)) as tf.Scalar;
      // Route -1/B to the critic that is the minimum on each row (ties: the first, as torch.min).
      let taken = tf.zeros([B, 1]) as tf.Tensor2D;
      let dAction: tf.Tensor2D | null = null;
      qs.forEach((q, i) => {
        const isMin = tf.logicalAnd(tf.equal(q.out, minQ), tf.equal(taken, 0));
        const dq = tf.where(isMin, tf.fill([B, 1], -1 / B), tf.zeros([B, 1])) as tf.Tensor2D;
        taken = tf.add(taken, tf.cast(isMin, 'float32')) as tf.Tensor2D;
        const { dInput } = this.critic.backward(criticW[i], q.cache, dq, { params: false, input: true });
        const dA = tf.slice(dInput!, [0, this.obsDim], [B, this.actDim]) as tf.Tensor2D;
        dAction = dAction ? (tf.add(dAction, dA) as tf.Tensor2D) : dA;
      });
      const dLogProb = tf.mul(tf.fill([B], 1 / B), alpha) as tf.Tensor1D;
      const entropy = tf.neg(tf.mean(sample.logProb)) as tf.Scalar;
      if ('sigmaGrad' in sample.cache) {
        // gSDE: the mean's gradient enters at the output, the noise's at the latent features.
        const { dMeanRaw, dLatent, dLogStd } = gsdeBackward(sample.cache, dAction!, dLogProb);
        const { pieces } = this.actor.backward(actorW, cache, dMeanRaw, { params: true, input: false, dLatent });
        return { grad: this.actor.flatGradient([pieces]), logStdGrad: dLogStd, loss, entropy };
      }
      const dOut = squashedBackward(sample.cache, dAction!, dLogProb);
      const { pieces } = this.actor.backward(actorW, cache, dOut, { params: true, input: false });
      return { grad: this.actor.flatGradient([pieces]), loss, entropy };
    });
  }

  // ------------------------------------------------------------------ checkpoints
  protected async extraState(): Promise<Record<string, unknown>> {
    return {
      nUpdates: this.nUpdates,
      logAlpha: this.logAlpha ? (await this.logAlpha.data())[0] : null,
      alphaOptimizer: this.alphaOptimizer ? await saveOptimizer(this.alphaOptimizer) : null,
      ...(this.sde ? { sdeLogStd: encodeTensor(this.sde.logStd) } : {}),
    };
  }

  protected async loadExtraState(s: Record<string, unknown>): Promise<void> {
    if (typeof s.nUpdates === 'number') this.nUpdates = s.nUpdates;
    if (this.logAlpha) {
      if (typeof s.logAlpha !== 'number' || !isOptimizerState(s.alphaOptimizer)) throw new Error('checkpoint has no learned entropy coefficient, but ent_coef is auto');
      const t = tf.tensor1d([s.logAlpha]);
      this.logAlpha.assign(t);
      t.dispose();
      await loadOptimizer(this.alphaOptimizer!, s.alphaOptimizer);
    }
    if (this.sde) {
      if (!isEncodedArray(s.sdeLogStd)) throw new Error('checkpoint has no gSDE log std, but use_sde is true');
      assignVariable(this.sde.logStd, s.sdeLogStd, 'gSDE log std');
    }
  }

  override dispose(): void {
    super.dispose();
    this.alphaOptimizer?.dispose();
    this.logAlpha?.dispose();
    this.sde?.dispose();
  }
}

/** tf.tidy for results whose interfaces hold tensors (MlpCache, SquashedSample): every tensor in them is kept. */
function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
