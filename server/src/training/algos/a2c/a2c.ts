/**
 * Advantage Actor-Critic (Mnih et al. 2016), synchronous, as Stable-Baselines3's A2C: a short
 * rollout of n_steps x n_envs, n-step returns (gae_lambda = 1) or GAE, and ONE gradient step
 * on the whole rollout with RMSprop (PyTorch's rule) or Adam, gradient-norm clipped.
 */
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { FlatAdam, TorchRmsProp, type FlatOptimizer } from '../../nn/flatOptimizer';
import { jsLossGradient } from '../../nn/lossHead';
import { clipByGlobalNorm } from '../../nn/optimizer';
import { toSchedule, type Schedule } from '../../schedule';
import { explainedVariance } from '../ppo/buffer';
import { ActorCriticBase } from '../pg/actorCriticBase';
import { policyGradientLoss, type PgStats } from '../pg/losses';

export class A2C extends ActorCriticBase {
  private readonly learningRate: Schedule;
  private readonly entCoef: number;
  private readonly vfCoef: number;
  private readonly maxGradNorm: number;
  private readonly normalizeAdvantage: boolean;
  private readonly optimizer: FlatOptimizer;
  private readonly allRows: Int32Array;

  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'a2c');
    super(config, env, { nSteps: hp.n_steps, gamma: hp.gamma, gaeLambda: hp.gae_lambda });
    this.learningRate = toSchedule(hp.learning_rate);
    this.entCoef = hp.ent_coef;
    this.vfCoef = hp.vf_coef;
    this.maxGradNorm = hp.max_grad_norm;
    this.normalizeAdvantage = hp.normalize_advantage;
    // SB3: RMSprop(alpha=0.99, eps=rms_prop_eps, weight_decay=0), else Adam (eps 1e-5 as SB3's policy default).
    this.optimizer = hp.use_rms_prop ? new TorchRmsProp(this.learningRate(1), 0.99, hp.rms_prop_eps) : new FlatAdam(this.learningRate(1), 1e-5);
    this.allRows = Int32Array.from({ length: this.buffer.size }, (_, i) => i);
  }

  protected override algoName(): string {
    return 'a2c';
  }

  protected train(progressRemaining: number): Record<string, number> {
    const learningRate = this.learningRate(progressRemaining);
    this.optimizer.setLearningRate(learningRate);
    const { obs, batch } = this.gather(this.allRows, this.normalizeAdvantage);
    let stats: PgStats | undefined;
    const raw = jsLossGradient(this.net, obs, batch.rows, this.env.obsDim, (head) => {
      const r = policyGradientLoss(head, batch, { entCoef: this.entCoef, vfCoef: this.vfCoef });
      stats = r.stats;
      return r;
    });
    const grad = clipByGlobalNorm(raw, this.maxGradNorm);
    raw.dispose();
    this.optimizer.step(this.net.params, grad);
    grad.dispose();
    this.actor.invalidate();
    return {
      ...stats!,
      'losses/explained_variance': explainedVariance(this.buffer.values, this.buffer.returns),
      'charts/learning_rate': learningRate,
    };
  }

  protected checkpointOptimizers(): Record<string, FlatOptimizer> {
    return { optimizer: this.optimizer };
  }

  override dispose(): void {
    this.optimizer.dispose();
    super.dispose();
  }
}
