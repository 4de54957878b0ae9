/**
 * Natural policy gradient (Kakade 2001) in TRPO's formulation, and the base of TRPO:
 *   g = grad L(theta_k),  L = mean( pi_theta(a|s) / pi_k(a|s) * A )       (surrogate advantage)
 *   x ~ (F + damping I)^-1 g                                              (conjugate gradient, cg_max_steps)
 *   theta_{k+1} = theta_k + sqrt(2 delta / (x^T F x)) x                  (delta = target_kl)
 * F is the Fisher information (the Hessian of the mean KL), used only through exact
 * Fisher-vector products (fisher.ts). The critic is fitted separately, n_critic_updates passes
 * of Adam minibatches on the squared error to the GAE returns (sb3-contrib's TRPO.train).
 * TRPO (algos/trpo) replaces the unconditional step with its line search.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type NpgHyperparameters, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { FlatAdam, type FlatOptimizer } from '../../nn/flatOptimizer';
import { jsLossGradient, readHead } from '../../nn/lossHead';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import { explainedVariance } from '../ppo/buffer';
import { ActorCriticBase } from '../pg/actorCriticBase';
import { meanKlLoss, surrogateLoss, valueLoss } from '../pg/losses';
import type { PpoMinibatch } from '../ppo/loss';
import { conjugateGradient, dot } from './conjugateGradient';
import { fisherVectorProduct, type FisherContext } from './fisher';

export interface StepOutcome {
  accepted: boolean;
  /** Fraction of the full natural step taken. */
  fraction: number;
  objective: number;
  kl: number;
  tries: number;
}

export class NPG extends ActorCriticBase {
  protected readonly hp: NpgHyperparameters;
  private readonly learningRate: Schedule;
  private readonly critic: FlatAdam;
  private readonly actorMask: Float32Array;
  private readonly shuffleRng: Rng;
  private readonly indices: Int32Array;

  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config), algo: 'npg' | 'trpo' = 'npg') {
    const hp = hyperparametersOf(config, algo);
    super(config, env, { nSteps: hp.n_steps, gamma: hp.gamma, gaeLambda: hp.gae_lambda, separateNetworks: true });
    this.hp = hp;
    this.learningRate = toSchedule(hp.learning_rate);
    this.critic = new FlatAdam(this.learningRate(1), 1e-5); // SB3's ActorCriticPolicy Adam (eps 1e-5), which sb3-contrib's TRPO uses for the critic
    this.actorMask = this.net.actorMask();
    this.shuffleRng = Rng.stream(config.seed, 'minibatches');
    this.indices = Int32Array.from({ length: this.buffer.size }, (_, i) => i);
  }

  protected override algoName(): string {
    return 'npg';
  }

  protected train(progressRemaining: number): Record<string, number> {
    const { hp, net } = this;
    const obsDim = this.env.obsDim;
    const { obs, batch } = this.gather(this.indices, hp.normalize_advantage);

    // ---- policy gradient g of the surrogate at theta_k (the loss is -L, so negate)
    let entropy = 0;
    let objective = 0;
    const lossGrad = jsLossGradient(net, obs, batch.rows, obsDim, (head) => {
      const r = surrogateLoss(head, batch);
      entropy = r.entropy;
      objective = r.objective;
      return r;
    });
    const g = Float32Array.from(lossGrad.dataSync() as Float32Array, (x, i) => -x * this.actorMask[i]);
    lossGrad.dispose();

    // ---- natural direction x = (F + damping I)^-1 g and the step length from the KL budget
    const fisher = this.fisherContext(obs, batch);
    const fvp = (v: Float32Array) => fisherVectorProduct(fisher, v, hp.cg_damping);
    const { x, iterations } = conjugateGradient(fvp, g, hp.cg_max_steps);
    const xFx = dot(x, fvp(x));
    const maxStep = xFx > 0 ? Math.sqrt((2 * hp.target_kl) / xFx) : 0;
    const theta = Float32Array.from(net.params.dataSync() as Float32Array);
    const setParams = (fraction: number) => {
      const next = tf.tensor1d(Float32Array.from(theta, (t, i) => t + fraction * maxStep * x[i]));
      net.params.assign(next);
      next.dispose(); // assign keeps its own reference
    };
    const evaluate = (fraction: number) => {
      setParams(fraction);
      const head = readHead(net, obs, batch.rows, obsDim);
      return { objective: surrogateLoss(head, batch).objective, kl: meanKlLoss(head, batch.old!, batch.rows).loss };
    };
    const outcome = this.policyStep(evaluate, objective);
    if (!outcome.accepted) setParams(0);
    this.actor.invalidate();

    // ---- critic: n_critic_updates passes of Adam minibatches on (V - R)^2
    const learningRate = this.learningRate(progressRemaining);
    const valueLoss = this.fitCritic(learningRate);
    this.actor.invalidate();

    // A rejected step leaves the policy as it was: objective unchanged, zero divergence.
    const newObjective = outcome.accepted ? outcome.objective : objective;
    const kl = outcome.accepted ? outcome.kl : 0;
    const metrics: Record<string, number> = {
      'losses/policy_loss': -newObjective,
      'losses/value_loss': valueLoss,
      'losses/entropy': entropy,
      'losses/approx_kl': kl,
      'losses/explained_variance': explainedVariance(this.buffer.values, this.buffer.returns),
      'charts/learning_rate': learningRate,
      'train/policy_objective': objective,
      'train/kl_divergence_loss': kl,
      'train/step_size': outcome.fraction * maxStep,
      'train/cg_iterations': iterations,
    };
    if (this.rolloutLogStd) metrics['train/std'] = Math.exp(this.rolloutLogStd.reduce((a, b) => a + b, 0) / this.rolloutLogStd.length);
    return { ...metrics, ...this.stepMetrics(outcome) };
  }

  /** NPG takes the full natural step; TRPO overrides this with its line search. */
  protected policyStep(evaluate: (fraction: number) => { objective: number; kl: number }, _oldObjective: number): StepOutcome {
    return { ...evaluate(1), accepted: true, fraction: 1, tries: 1 };
  }

  protected stepMetrics(_outcome: StepOutcome): Record<string, number> {
    return {};
  }

  /** Fisher context on every sub_sampling_factor-th row (sb3-contrib's sub-sampling). */
  private fisherContext(obs: Float32Array, batch: PpoMinibatch): FisherContext {
    const k = this.hp.sub_sampling_factor;
    const obsDim = this.env.obsDim;
    const piDim = this.net.piDim;
    if (k <= 1) return { net: this.net, obs, rows: batch.rows, obsDim, old: batch.old!, mask: this.actorMask };
    const rows = Math.ceil(batch.rows / k);
    const subObs = new Float32Array(rows * obsDim);
    const subPi = new Float32Array(rows * piDim);
    const rowLogStd = batch.old!.rowLogStd;
    const subLogStd = rowLogStd ? new Float32Array(rows * piDim) : undefined;
    for (let j = 0; j < rows; j++) {
      subObs.set(obs.subarray(j * k * obsDim, (j * k + 1) * obsDim), j * obsDim);
      subPi.set(batch.old!.pi.subarray(j * k * piDim, (j * k + 1) * piDim), j * piDim);
      for (let d = 0; d < piDim; d++) if (subLogStd) subLogStd[j * piDim + d] = rowLogStd![j * k * piDim + d];
    }
    const old = { pi: subPi, logStd: batch.old!.logStd, ...(subLogStd ? { rowLogStd: subLogStd } : {}) };
    return { net: this.net, obs: subObs, rows, obsDim, old, mask: this.actorMask };
  }

  private fitCritic(learningRate: number): number {
    this.critic.setLearningRate(learningRate);
    const obsDim = this.env.obsDim;
    let sum = 0;
    let count = 0;
    for (let epoch = 0; epoch < this.hp.n_critic_updates; epoch++) {
      this.shuffleRng.shuffle(this.indices);
      for (let start = 0; start < this.buffer.size; start += this.hp.batch_size) {
        const mb = this.indices.subarray(start, Math.min(start + this.hp.batch_size, this.buffer.size));
        const { obs, batch } = this.gather(mb, false);
        let loss = 0;
        const grad = jsLossGradient(this.net, obs, batch.rows, obsDim, (head) => {
          const r = valueLoss(head, batch.returns, batch.rows);
          loss = r.loss;
          return r;
        });
        this.critic.step(this.net.params, grad);
        grad.dispose();
        sum += loss;
        count++;
      }
    }
    // The shuffles above permuted `indices`; the policy step gathers in buffer order.
    for (let i = 0; i < this.indices.length; i++) this.indices[i] = i;
    return sum / count;
  }

  protected checkpointOptimizers(): Record<string, FlatOptimizer> {
    return { critic: this.critic };
  }

  protected override checkpointRngs(): Record<string, Rng> {
    return { minibatches: this.shuffleRng };
  }

  override dispose(): void {
    this.critic.dispose();
    super.dispose();
  }
}
