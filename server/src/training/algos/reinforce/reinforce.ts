/**
 * REINFORCE (Williams 1992): play n_episodes complete episodes with the current policy, then
 * one gradient step on
 *   loss = -mean_t( log pi(a_t|s_t) * (G_t - b(s_t)) ) - ent_coef * H
 * with G_t the discounted reward-to-go (or the whole episode's return G_0 when reward_to_go is
 * off) and b = V the optional learned baseline, fitted afterwards by n_critic_updates full-batch
 * Adam steps on mean( (V(s_t) - G_t)^2 ) with its own optimizer state (one step per batch
 * cannot follow returns of order 100: Adam moves each weight by about lr per step). Episodes still running when the batch is full
 * are discarded (their first steps came from the old policy) and the envs reset.
 */
import { hyperparametersOf, type ReinforceHyperparameters, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { FlatAdam, type FlatOptimizer } from '../../nn/flatOptimizer';
import { jsLossGradient } from '../../nn/lossHead';
import { clipByGlobalNorm } from '../../nn/optimizer';
import { toSchedule, type Schedule } from '../../schedule';
import { explainedVariance } from '../ppo/buffer';
import { normalize } from '../ppo/ppo';
import { ActorCriticBase } from '../pg/actorCriticBase';
import { policyGradientLoss, valueLoss, type PgStats } from '../pg/losses';

/** One env's episode in progress. */
interface Trajectory {
  obs: number[];
  actions: number[];
  values: number[];
  rewards: number[];
}

/**
 * Discounted returns of one episode, backwards: G_t = r_t + gamma G_{t+1} with G_T = bootstrap,
 * V(s_T) of the observation after the last step for a time-limit cut, 0 for a real end. rewardToGo false
 * weights every step by G_0, the original REINFORCE estimator.
 */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number, rewardToGo: boolean, bootstrap = 0): Float64Array {
  const out = new Float64Array(rewards.length);
  let g = bootstrap;
  for (let t = rewards.length - 1; t >= 0; t--) out[t] = g = rewards[t] + gamma * g;
  if (!rewardToGo) out.fill(out[0] ?? 0);
  return out;
}

export class REINFORCE extends ActorCriticBase {
  private readonly hp: ReinforceHyperparameters;
  private readonly learningRate: Schedule;
  private readonly optimizer: FlatAdam;
  private readonly critic: FlatAdam;
  // The batch of the update (filled by collectRollouts).
  private batchObs: number[] = [];
  private batchActions: number[] = [];
  private batchValues: number[] = [];
  private batchReturns: number[] = [];
  private batchWeights: number[] = [];
  private batchEpisodes = 0;

  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'reinforce');
    super(config, env, { nSteps: 0, gamma: hp.gamma, gaeLambda: 1 });
    this.hp = hp;
    this.learningRate = toSchedule(hp.learning_rate);
    // Separate Adam states: the policy step's gradient is zero on the critic and vice versa.
    this.optimizer = new FlatAdam(this.learningRate(1), 1e-8); // PyTorch's Adam default
    this.critic = new FlatAdam(this.learningRate(1), 1e-8);
  }

  protected override algoName(): string {
    return 'reinforce';
  }

  protected override collectRollouts(): void {
    const { env, hp, actionDim } = this;
    const n = env.numEnvs;
    const obsDim = env.obsDim;
    this.rolloutLogStd = this.actor.logStd();
    this.batchObs = [];
    this.batchActions = [];
    this.batchValues = [];
    this.batchReturns = [];
    this.batchWeights = [];
    this.batchEpisodes = 0;
    const trajectories: Trajectory[] = Array.from({ length: n }, () => ({ obs: [], actions: [], values: [], rewards: [] }));
    const actions = new Float32Array(n * actionDim);
    const logProbs = new Float32Array(n);
    while (this.batchEpisodes < hp.n_episodes) {
      this.sampleActions(actions, logProbs, 0);
      for (let i = 0; i < n; i++) {
        const tr = trajectories[i];
        for (let d = 0; d < obsDim; d++) tr.obs.push(env.obs[i * obsDim + d]);
        for (let d = 0; d < actionDim; d++) tr.actions.push(actions[i * actionDim + d]);
        tr.values.push(this.valueOut[i]);
      }
      env.step(this.envActions, actionDim);
      this.globalStep += n;
      // A time-limit cut is not the end of the return: with a baseline, bootstrap from V(s_T).
      const cut = new Map(hp.use_baseline ? this.truncatedValues() : []);
      for (let i = 0; i < n; i++) {
        const tr = trajectories[i];
        tr.rewards.push(env.rewards[i]);
        if (env.terminated[i] || env.truncated[i]) {
          this.addEpisode(tr, cut.get(i) ?? 0);
          trajectories[i] = { obs: [], actions: [], values: [], rewards: [] };
        }
      }
      for (const episode of env.finished) this.recordEpisode(episode);
    }
    // Partial episodes mix the old policy into the next batch: drop them and start afresh.
    if (trajectories.some((t) => t.rewards.length > 0)) env.reset();
  }

  private addEpisode(tr: Trajectory, bootstrap: number): void {
    const { hp } = this;
    const returns = discountedReturns(tr.rewards, hp.gamma, true, bootstrap);
    const weights = hp.reward_to_go ? returns : discountedReturns(tr.rewards, hp.gamma, false, bootstrap);
    for (let t = 0; t < returns.length; t++) {
      this.batchReturns.push(returns[t]);
      this.batchWeights.push(hp.use_baseline ? weights[t] - tr.values[t] : weights[t]);
    }
    this.batchObs.push(...tr.obs);
    this.batchActions.push(...tr.actions);
    this.batchValues.push(...tr.values);
    this.batchEpisodes++;
  }

  protected train(progressRemaining: number): Record<string, number> {
    const { hp } = this;
    const learningRate = this.learningRate(progressRemaining);
    this.optimizer.setLearningRate(learningRate);
    const rows = this.batchReturns.length;
    const advantages = Float32Array.from(this.batchWeights);
    if (hp.normalize_advantage && rows > 1) normalize(advantages);
    const batch = { rows, actions: Float32Array.from(this.batchActions), advantages, returns: Float32Array.from(this.batchReturns) };
    const coefs = { entCoef: hp.ent_coef, vfCoef: 0 };
    const obs = Float32Array.from(this.batchObs);
    let stats: PgStats | undefined;
    const raw = jsLossGradient(this.net, obs, rows, this.env.obsDim, (head) => {
      const r = policyGradientLoss(head, batch, coefs);
      stats = r.stats;
      return r;
    });
    const grad = hp.max_grad_norm === null ? raw : clipByGlobalNorm(raw, hp.max_grad_norm);
    this.optimizer.step(this.net.params, grad);
    raw.dispose();
    grad.dispose();
    let baselineLoss = 0;
    if (hp.use_baseline) {
      this.critic.setLearningRate(learningRate);
      for (let k = 0; k < hp.n_critic_updates; k++) {
        const g = jsLossGradient(this.net, obs, rows, this.env.obsDim, (head) => {
          const r = valueLoss(head, batch.returns, rows);
          if (k === 0) baselineLoss = r.loss;
          return r;
        });
        this.critic.step(this.net.params, g);
        g.dispose();
      }
    }
    this.actor.invalidate();
    const metrics: Record<string, number> = { ...stats!, 'charts/learning_rate': learningRate, 'charts/batch_steps': rows, 'charts/batch_episodes': this.batchEpisodes };
    delete metrics['losses/value_loss'];
    if (hp.use_baseline) {
      metrics['losses/value_loss'] = baselineLoss;
      metrics['losses/explained_variance'] = explainedVariance(this.batchValues, this.batchReturns);
    }
    return metrics;
  }

  protected checkpointOptimizers(): Record<string, FlatOptimizer> {
    return { policy: this.optimizer, critic: this.critic };
  }

  override dispose(): void {
    this.optimizer.dispose();
    this.critic.dispose();
    super.dispose();
  }
}
