/**
 * On-policy first-visit Monte-Carlo control with epsilon-greedy policies (Sutton & Barto,
 * section 5.4): play a whole episode with the epsilon-greedy policy of Q, then for the first
 * visit of each pair (s, a) in it, average the return that followed into Q:
 *
 *   G_t = r_{t+1} + gamma * G_{t+1}                  (computed backwards from the end)
 *   N(s, a) += 1;   Q(s, a) += (G_t - Q(s, a)) / N(s, a)   = the mean of the returns seen
 *
 * No bootstrapping: an episode cut by the time limit contributes its truncated returns. Steps of
 * an episode still running when n_timesteps is reached are not learned from.
 */
import type { ResolvedConfig } from '../../../schema';
import type { McControlHyperparameters } from '../../../schema/config';
import { epsilonAt } from './exploration';
import { reset, step, type TabularTask } from './task';
import { TabularAlgorithm, type ChunkMetrics } from './tabularAlgorithm';
import { TABULAR_LOG_INTERVAL } from './tdControl';

export class MonteCarloControl extends TabularAlgorithm {
  private readonly params: McControlHyperparameters;
  /** Visits counted into each Q(s, a) (the averages' denominators). */
  private readonly counts: Float64Array;
  /** Scratch: the first time step of each pair in the current episode, -1 if not visited. */
  private readonly firstVisit: Int32Array;

  constructor(config: ResolvedConfig, task: TabularTask) {
    super(config, task);
    this.params = config.hyperparameters as McControlHyperparameters;
    this.counts = new Float64Array(task.model.nS * task.model.nA);
    this.firstVisit = new Int32Array(task.model.nS * task.model.nA).fill(-1);
  }

  private epsilon(): number {
    return epsilonAt(this.params, this.progressRemaining(), this.episodes);
  }

  protected override scheduleMetrics(): Record<string, number> {
    return { 'charts/epsilon': this.epsilon() };
  }

  protected override chunk(): ChunkMetrics {
    const { q, task } = this;
    const nA = task.model.nA;
    const budget = this.config.n_timesteps;
    const chunkEnd = Math.min(this.globalStep + TABULAR_LOG_INTERVAL, budget);
    let absError = 0;
    let updates = 0;
    while (this.globalStep < chunkEnd) {
      // One episode with the current epsilon-greedy policy.
      const states: number[] = [];
      const actions: number[] = [];
      const rewards: number[] = [];
      const eps = this.epsilon();
      let s = reset(task, this.envRng);
      let ended = false;
      while (this.globalStep < budget) {
        const a = q.epsilonGreedy(s, eps, this.actRng);
        const o = step(task, s, a, this.envRng);
        this.globalStep++;
        states.push(s);
        actions.push(a);
        rewards.push(o.reward);
        s = o.next;
        if (o.terminated || rewards.length >= task.maxEpisodeSteps) {
          ended = true;
          break;
        }
      }
      if (!ended) break; // the budget ran out mid-episode
      const T = rewards.length;
      for (let t = 0; t < T; t++) {
        const i = states[t] * nA + actions[t];
        if (this.firstVisit[i] < 0) this.firstVisit[i] = t;
      }
      let g = 0;
      for (let t = T - 1; t >= 0; t--) {
        g = rewards[t] + this.params.gamma * g;
        const i = states[t] * nA + actions[t];
        if (this.firstVisit[i] !== t) continue; // not the first visit of this pair
        this.counts[i] += 1;
        const err = g - q.values[i];
        q.values[i] += err / this.counts[i];
        absError += Math.abs(err);
        updates++;
      }
      for (let t = 0; t < T; t++) this.firstVisit[states[t] * nA + actions[t]] = -1;
      this.recordEpisode(rewards.reduce((x, y) => x + y, 0), T);
    }
    return updates ? { 'losses/mc_error': absError / updates } : {};
  }

  protected override algoState(): Record<string, unknown> {
    return { counts: Array.from(this.counts) };
  }

  protected override loadAlgoState(state: Record<string, unknown>): void {
    const counts = state.counts;
    if (!Array.isArray(counts) || counts.length !== this.counts.length) throw new Error('the checkpoint has no visit counts of the right size');
    this.counts.set(counts as number[]);
  }
}
