/**
 * One-step temporal-difference control on a table (Sutton & Barto, ch. 6), one transition at
 * a time, acting epsilon-greedily with respect to Q:
 *
 *   Q(s, a) <- Q(s, a) + alpha * delta,   delta = target - Q(s, a)
 *   q_learning      target = r + gamma * max_a' Q(s', a')                 (off-policy, eq. 6.8)
 *   sarsa           target = r + gamma * Q(s', a'),  a' ~ epsilon-greedy    (on-policy, eq. 6.7)
 *   expected_sarsa  target = r + gamma * sum_a' pi(a'|s') Q(s', a')        (eq. 6.9)
 *
 * and target = r when s' is terminal. An episode cut by the time limit is not terminal: the
 * target still bootstraps from s' (the state is not an end of the MDP).
 */
import type { ResolvedConfig, TabularTdHyperparameters } from '../../../schema';
import { toSchedule, type Schedule } from '../../schedule';
import { epsilonAt } from './exploration';
import { reset, step, type TabularTask } from './task';
import { TabularAlgorithm, type ChunkMetrics } from './tabularAlgorithm';

export type TdKind = 'q_learning' | 'sarsa' | 'expected_sarsa';

/** Env steps per chunk (one metric row each). */
export const TABULAR_LOG_INTERVAL = 1000;

export class TdControl extends TabularAlgorithm {
  private readonly kind: TdKind;
  private readonly params: TabularTdHyperparameters;
  private readonly lr: Schedule;
  /** The current episode: state, the action chosen for it (Sarsa picks a' ahead), return, length. */
  private s = -1;
  private a = -1;
  private epReturn = 0;
  private epLength = 0;

  constructor(config: ResolvedConfig, task: TabularTask) {
    const params = config.hyperparameters as TabularTdHyperparameters;
    super(config, task, params.q_init);
    this.kind = config.algo as TdKind;
    this.params = params;
    this.lr = toSchedule(this.params.learning_rate);
  }

  private epsilon(): number {
    return epsilonAt(this.params, this.progressRemaining(), this.episodes);
  }

  protected override scheduleMetrics(): Record<string, number> {
    return { 'charts/epsilon': this.epsilon(), 'charts/learning_rate': this.lr(this.progressRemaining()) };
  }

  private startEpisode(): void {
    this.s = reset(this.task, this.envRng);
    this.a = this.q.epsilonGreedy(this.s, this.epsilon(), this.actRng);
    this.epReturn = 0;
    this.epLength = 0;
  }

  protected override chunk(): ChunkMetrics {
    const { q, task } = this;
    const gamma = this.params.gamma;
    const end = Math.min(this.globalStep + TABULAR_LOG_INTERVAL, this.config.n_timesteps);
    let absDelta = 0;
    let updates = 0;
    if (this.s < 0) this.startEpisode();
    while (this.globalStep < end) {
      const alpha = this.lr(this.progressRemaining());
      const { s, a } = this;
      const o = step(task, s, a, this.envRng);
      this.globalStep++;
      this.epReturn += o.reward;
      this.epLength++;
      const truncated = !o.terminated && this.epLength >= task.maxEpisodeSteps;
      // The behaviour policy's next action (Sarsa's a' is also the one taken next).
      const eps = this.epsilon();
      const next = o.terminated || truncated ? -1 : q.epsilonGreedy(o.next, eps, this.actRng);
      let bootstrap = 0;
      if (!o.terminated) {
        if (this.kind === 'q_learning') bootstrap = q.max(o.next);
        else if (this.kind === 'expected_sarsa') bootstrap = q.expectedEpsilonGreedy(o.next, eps);
        // On truncation there is no a' taken; Sarsa samples one from its policy for the target.
        else bootstrap = q.get(o.next, next >= 0 ? next : q.epsilonGreedy(o.next, eps, this.actRng));
      }
      const delta = o.reward + gamma * bootstrap - q.get(s, a);
      q.add(s, a, alpha * delta);
      absDelta += Math.abs(delta);
      updates++;
      if (o.terminated || truncated) {
        this.recordEpisode(this.epReturn, this.epLength);
        this.startEpisode();
      } else {
        this.s = o.next;
        this.a = next;
      }
    }
    return updates ? { 'losses/td_error': absDelta / updates } : {};
  }

  protected override algoState(): Record<string, unknown> {
    return { episode: { s: this.s, a: this.a, ret: this.epReturn, length: this.epLength } };
  }

  protected override loadAlgoState(state: Record<string, unknown>): void {
    const e = state.episode as { s?: unknown; a?: unknown; ret?: unknown; length?: unknown } | undefined;
    if (e && typeof e.s === 'number' && typeof e.a === 'number' && typeof e.ret === 'number' && typeof e.length === 'number') {
      this.s = e.s;
      this.a = e.a;
      this.epReturn = e.ret;
      this.epLength = e.length;
    }
  }
}
