/**
 * One A3C worker (runs inside a worker thread): its own env copies and network copy on its
 * own TensorFlow.js, reusing A2C's rollout (ActorCriticBase: sampling, time-limit
 * bootstrapping, n-step returns / GAE). Each update (Mnih et al. 2016, Algorithm S3):
 * copy the shared parameters, play n_steps on each env, compute the actor-critic gradient,
 * clip it and apply it to the shared parameters with the shared RMSProp, without a lock.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import type { TrainingEnv } from '../../envs/trainingEnv';
import type { FlatOptimizer } from '../../nn/flatOptimizer';
import { jsLossGradient } from '../../nn/lossHead';
import { toSchedule, type Schedule } from '../../schedule';
import { ActorCriticBase } from '../pg/actorCriticBase';
import { policyGradientLoss, type PgStats } from '../pg/losses';
import { explainedVariance } from '../ppo/buffer';
import type { EpisodeSummary } from './messages';
import { sharedRmsPropStep, type SharedState } from './shared';

export interface WorkerReport {
  updates: number;
  metrics: Record<string, number>;
  episodes: EpisodeSummary[];
}

export class A3cWorkerAgent extends ActorCriticBase {
  private readonly learningRate: Schedule;
  private readonly entCoef: number;
  private readonly vfCoef: number;
  private readonly maxGradNorm: number;
  private readonly alpha: number;
  private readonly eps: number;
  private readonly normalizeAdvantage: boolean;
  private readonly allRows: Int32Array;
  /** Shared update count when this worker last copied the parameters (staleness = updates since). */
  private copiedAt = 0;

  constructor(config: ResolvedConfig, env: TrainingEnv, private readonly shared: SharedState) {
    const hp = hyperparametersOf(config, 'a3c');
    // The separate actor/critic layout on every backend: the main thread and all workers must
    // agree on the parameter layout whatever backend each one ends up on.
    super(config, env, { nSteps: hp.n_steps, gamma: hp.gamma, gaeLambda: hp.gae_lambda, separateNetworks: true });
    if (this.net.params.size !== shared.params.length) {
      throw new Error(`the worker's network has ${this.net.params.size} parameters, the shared vector ${shared.params.length}`);
    }
    this.learningRate = toSchedule(hp.learning_rate);
    this.entCoef = hp.ent_coef;
    this.vfCoef = hp.vf_coef;
    this.maxGradNorm = hp.max_grad_norm;
    this.alpha = hp.rms_prop_alpha;
    this.eps = hp.rms_prop_eps;
    this.normalizeAdvantage = hp.normalize_advantage;
    this.allRows = Int32Array.from({ length: this.buffer.size }, (_, i) => i);
  }

  protected override algoName(): string {
    return 'a3c';
  }

  /** theta' <- theta: a private copy of the shared parameters, then the rollout with it. */
  protected override collectRollouts(): void {
    this.copiedAt = this.shared.updates;
    // slice() copies out of the SharedArrayBuffer: other workers keep writing into it.
    const snapshot = this.shared.params.slice();
    tf.tidy(() => this.net.params.assign(tf.tensor1d(snapshot)));
    this.actor.invalidate();
    super.collectRollouts();
  }

  /** The gradient on this rollout, applied to the SHARED parameters (not the local copy). */
  protected train(progressRemaining: number): Record<string, number> {
    const learningRate = this.learningRate(progressRemaining);
    const { obs, batch } = this.gather(this.allRows, this.normalizeAdvantage);
    let stats: PgStats | undefined;
    const raw = jsLossGradient(this.net, obs, batch.rows, this.env.obsDim, (head) => {
      const r = policyGradientLoss(head, batch, { entCoef: this.entCoef, vfCoef: this.vfCoef });
      stats = r.stats;
      return r;
    });
    // Read back once and clip in JS (the update itself is JS on shared memory anyway):
    // torch.nn.utils.clip_grad_norm_, coef = max_norm / (norm + 1e-6) when below 1.
    const grad = Float32Array.from(raw.dataSync() as Float32Array);
    raw.dispose();
    let sq = 0;
    for (let i = 0; i < grad.length; i++) sq += grad[i] * grad[i];
    const gradNorm = Math.sqrt(sq);
    const coef = Math.min(1, this.maxGradNorm / (gradNorm + 1e-6));
    if (coef < 1) for (let i = 0; i < grad.length; i++) grad[i] *= coef;
    sharedRmsPropStepChecked(this.shared, grad, learningRate, this.alpha, this.eps);
    const staleness = this.shared.countUpdate() - this.copiedAt;
    return {
      ...stats!,
      'losses/explained_variance': explainedVariance(this.buffer.values, this.buffer.returns),
      'charts/learning_rate': learningRate,
      // The norm before clipping (what torch's clip_grad_norm_ returns).
      'train/grad_norm': gradNorm,
      // Updates other workers applied between this worker's copy and its own update (0 in A2C).
      'charts/staleness': staleness,
    };
  }

  /**
   * Updates until the shared step count reaches n_timesteps or a stop is requested; calls
   * `report` every `reportEvery` of this worker's env steps and once at the end.
   */
  run(totalTimesteps: number, reportEvery: number, report: (r: WorkerReport) => void): void {
    const perUpdate = this.nSteps * this.env.numEnvs;
    let sums: Record<string, number> = {};
    let counts: Record<string, number> = {};
    let updates = 0;
    let episodes: EpisodeSummary[] = [];
    let sinceReport = 0;
    const flush = () => {
      if (!updates && !episodes.length) return;
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(sums)) metrics[k] = v / counts[k];
      report({ updates, metrics, episodes });
      sums = {};
      counts = {};
      updates = 0;
      episodes = [];
      sinceReport = 0;
    };
    while (!this.shared.stopRequested) {
      const step = this.shared.step;
      if (step >= totalTimesteps) break;
      const metrics = this.iteration(1 - step / totalTimesteps);
      // Explained variance is undefined (NaN) when the returns of a short rollout do not vary; not a failure.
      const bad = Object.entries(metrics).find(([k, v]) => k.startsWith('losses/') && k !== 'losses/explained_variance' && !Number.isFinite(v));
      if (bad) throw new Error(`${bad[0]} became ${bad[1]} at global step ${this.shared.step}; training stopped (try a lower learning_rate or max_grad_norm)`);
      this.shared.addSteps(perUpdate);
      for (const [k, v] of Object.entries(metrics)) {
        if (!Number.isFinite(v)) continue;
        sums[k] = (sums[k] ?? 0) + v;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      updates++;
      for (const e of this.rolloutEpisodes) episodes.push({ return: e.return, length: e.length });
      sinceReport += perUpdate;
      if (sinceReport >= reportEvery) flush();
    }
    flush();
  }

  /** No local optimizer: the optimizer state lives in shared memory (the main thread saves it). */
  protected checkpointOptimizers(): Record<string, FlatOptimizer> {
    return {};
  }
}

/** A non-finite gradient would poison every worker's parameters: refuse it before writing. */
function sharedRmsPropStepChecked(shared: SharedState, grad: Float32Array, lr: number, alpha: number, eps: number): void {
  for (let i = 0; i < grad.length; i++) {
    if (!Number.isFinite(grad[i])) throw new Error(`the gradient became ${grad[i]} at global step ${shared.step}; training stopped (try a lower learning_rate or max_grad_norm)`);
  }
  sharedRmsPropStep(shared, grad, lr, alpha, eps);
}
