/**
 * Behaviour cloning (Pomerleau 1991; as the `imitation` library's BC): supervised learning of
 * the policy network on an expert's (observation, action) pairs. Each epoch: shuffle the
 * training pairs, Adam steps on minibatches of the imitation loss (loss.ts), then measure
 * imitation on the held-out pairs; at the end (and every eval_freq epochs) the policy plays
 * eval_episodes episodes on the env to measure how it scores. The step counts pairs trained on.
 */
import { performance } from 'node:perf_hooks';
import { hyperparametersOf, type BcHyperparameters, type ResolvedConfig } from '../../../schema';
import type { BoxSpace } from '../../envs/spaces';
import type { TrainingEnv } from '../../envs/trainingEnv';
import { recordEpisode } from '../../evaluate';
import { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import { FlatAdam } from '../../nn/flatOptimizer';
import { jsLossGradient, readHead } from '../../nn/lossHead';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../../types';
import type { Algorithm } from '../algorithm';
import { CHECKPOINT_VERSION, assignVariable, encodeTensor, isEncodedArray, loadRngs, saveRngs, type AlgoCheckpoint } from '../checkpoint';
import { greedyPolicy, policyNetworkOf } from '../a3c/policyNetwork';
import { nextCheckpointStep, TrainingProgress } from '../progress';
import { loadDemonstrations, type Demonstrations } from './demonstrations';
import { imitationLoss, type ImitationStats } from './loss';

/** Held-out pairs are scored in chunks of this many rows (one forward pass each). */
const EVAL_CHUNK = 4096;

export class BC implements Algorithm {
  private readonly hp: BcHyperparameters;
  private readonly net: ActorCritic;
  private readonly actor: RolloutActor;
  private readonly optimizer: FlatAdam;
  private readonly learningRate: Schedule;
  private readonly progress = new TrainingProgress();
  /** Shuffles the training pairs each epoch (saved in checkpoints). */
  private readonly shuffleRng: Rng;
  private readonly obsDim: number;
  private readonly bounds: BoxSpace | null;
  private readonly discrete: boolean;
  private demos: Demonstrations | null = null;
  private trainRows = new Int32Array(0);
  private validRows = new Int32Array(0);
  private epoch = 0;
  private globalStep = 0;
  /** Mean return of the latest evaluation on the env (the run's mean return). */
  private lastEvalReturn: number | undefined;
  private disposed = false;

  constructor(private readonly config: ResolvedConfig, private readonly env: TrainingEnv) {
    this.hp = hyperparametersOf(config, 'bc');
    if (config.normalize) throw new Error('bc does not support normalize: it trains on the raw observations of the demonstrations');
    this.obsDim = env.makeVecEnv(1, config.seed).obsDim;
    this.bounds = env.spec.actionSpace.kind === 'box' ? env.spec.actionSpace : null;
    this.discrete = env.spec.actionSpace.kind === 'discrete';
    // SB3's MlpPolicy (policy_kwargs); its critic is unused and stays at its initial values.
    this.net = new ActorCritic(this.obsDim, env.spec.actionSpace, config.policy_kwargs, Rng.stream(config.seed, 'init'), { merged: false });
    this.actor = new RolloutActor(this.net);
    this.learningRate = toSchedule(this.hp.learning_rate);
    // PyTorch's Adam eps (the imitation library's BC uses torch.optim.Adam defaults).
    this.optimizer = new FlatAdam(this.learningRate(1), 1e-8);
    this.shuffleRng = Rng.stream(config.seed, 'bc-shuffle');
  }

  /** Loads the demonstrations and draws the held-out split (the same for a seed, resumed or not). */
  async prepare(): Promise<Demonstrations> {
    if (this.demos) return this.demos;
    const demos = await loadDemonstrations(this.config, this.env.spec, this.obsDim, this.hp.demo_episodes, this.hp.demonstrations);
    const order = Rng.stream(this.config.seed, 'bc-split').shuffle(Int32Array.from({ length: demos.count }, (_, i) => i));
    const nValid = this.hp.validation_split > 0 ? Math.min(demos.count - 1, Math.max(1, Math.round(demos.count * this.hp.validation_split))) : 0;
    this.validRows = order.slice(0, nValid);
    this.trainRows = order.slice(nValid);
    // No held-out pairs: measure on the training pairs (optimistic, said in the schema).
    if (!nValid) this.validRows = this.trainRows;
    this.demos = demos;
    return demos;
  }

  /** One pass over the training pairs and the held-out measurement (public for the tensor-leak test). */
  trainEpoch(progressRemaining: number): Record<string, number> {
    const demos = this.demos;
    if (!demos) throw new Error('call prepare() first');
    const learningRate = this.learningRate(progressRemaining);
    this.optimizer.setLearningRate(learningRate);
    const rows = this.shuffleRng.shuffle(this.trainRows.slice());
    const batchSize = this.hp.batch_size;
    const totals: ImitationStats = { loss: 0, correct: 0, squaredError: 0 };
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.subarray(start, Math.min(start + batchSize, rows.length));
      const { obs, actions } = this.gather(batch);
      let stats: ImitationStats | undefined;
      const grad = jsLossGradient(this.net, obs, batch.length, this.obsDim, (head) => (stats = imitationLoss(head, actions, batch.length)));
      this.optimizer.step(this.net.params, grad);
      grad.dispose();
      totals.loss += stats!.loss * batch.length;
      totals.correct += stats!.correct;
      totals.squaredError += stats!.squaredError;
    }
    this.actor.invalidate();
    this.epoch++;
    this.globalStep += rows.length;
    const n = rows.length;
    const held = this.measure(this.validRows);
    return {
      'losses/bc_loss': totals.loss / n,
      'eval/bc_loss': held.loss,
      ...(this.discrete
        ? { 'train/action_accuracy': totals.correct / n, 'eval/action_accuracy': held.accuracy }
        : { 'train/action_mse': totals.squaredError / n, 'eval/action_mse': held.mse }),
      'charts/learning_rate': learningRate,
      'train/epoch': this.epoch,
    };
  }

  /** Imitation on some pairs with the current network (no gradient). */
  measure(rows: Int32Array): { loss: number; accuracy: number; mse: number } {
    let loss = 0;
    let correct = 0;
    let squaredError = 0;
    for (let start = 0; start < rows.length; start += EVAL_CHUNK) {
      const chunk = rows.subarray(start, Math.min(start + EVAL_CHUNK, rows.length));
      const { obs, actions } = this.gather(chunk);
      const s = imitationLoss(readHead(this.net, obs, chunk.length, this.obsDim), actions, chunk.length);
      loss += s.loss * chunk.length;
      correct += s.correct;
      squaredError += s.squaredError;
    }
    const n = Math.max(1, rows.length);
    return { loss: loss / n, accuracy: correct / n, mse: squaredError / n };
  }

  /** Deterministic episodes on the env (episode i resets from seed + i, as `rl-lab eval`). */
  evaluate(episodes: number): number[] {
    const policy = this.trainedPolicy();
    const returns: number[] = [];
    for (let i = 0; i < episodes; i++) {
      const source = { spec: this.env.spec, dynamics: this.env.makeVecEnv(1, this.config.seed + i).dynamics };
      const episode = recordEpisode({ env: this.config.env, kwargs: this.config.env_kwargs ?? {}, seed: this.config.seed + i, source }, (obs) => policy.actDeterministic(obs));
      returns.push(episode.rewards.reduce((a, r) => a + r, 0));
    }
    return returns;
  }

  private gather(rows: ArrayLike<number>): { obs: Float32Array; actions: Float32Array } {
    const demos = this.demos!;
    const { obsDim, actionDim } = demos;
    const obs = new Float32Array(rows.length * obsDim);
    const actions = new Float32Array(rows.length * actionDim);
    for (let j = 0; j < rows.length; j++) {
      const k = rows[j];
      obs.set(demos.obs.subarray(k * obsDim, (k + 1) * obsDim), j * obsDim);
      actions.set(demos.actions.subarray(k * actionDim, (k + 1) * actionDim), j * actionDim);
    }
    return { obs, actions };
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    this.progress.start();
    const result = (status: TrainResult['status'], error?: string): TrainResult =>
      this.progress.result(status, this.globalStep, this.lastEvalReturn ?? this.progress.meanRecentReturn(), error);
    try {
      const demos = await this.prepare();
      const nEpochs = this.hp.n_epochs;
      const totalSteps = nEpochs * this.trainRows.length;
      const every = hooks.checkpointFreq ?? 0;
      let nextCheckpoint = nextCheckpointStep(this.globalStep, every);
      const expert = demos.episodeReturns.length ? demos.episodeReturns.reduce((a, b) => a + b, 0) / demos.episodeReturns.length : undefined;
      while (this.epoch < nEpochs) {
        if (hooks.shouldStop?.()) {
          await this.finish(hooks);
          return result('stopped');
        }
        const metrics = this.trainEpoch(1 - this.epoch / nEpochs);
        if (!Number.isFinite(metrics['losses/bc_loss'])) return result('failed', `losses/bc_loss became ${metrics['losses/bc_loss']} at epoch ${this.epoch}; training stopped (try a lower learning_rate)`);
        const row: MetricRow = { step: this.globalStep, time: Date.now(), ...metrics, 'charts/SPS': this.progress.sps(this.globalStep) };
        row['train/demonstration_pairs'] = demos.count;
        if (expert !== undefined) row['eval/expert_mean_return'] = expert;
        const evalDue = this.epoch === nEpochs || (this.hp.eval_freq > 0 && this.epoch % this.hp.eval_freq === 0);
        if (evalDue && this.hp.eval_episodes > 0) {
          const t0 = performance.now();
          const returns = this.evaluate(this.hp.eval_episodes);
          for (const r of returns) this.progress.recordReturn(r);
          this.lastEvalReturn = returns.reduce((a, b) => a + b, 0) / returns.length;
          row['eval/mean_return'] = this.lastEvalReturn;
          row['charts/episodic_return'] = this.lastEvalReturn;
          row['eval/seconds'] = (performance.now() - t0) / 1000;
        }
        hooks.onMetrics(row);
        hooks.onProgress?.(this.globalStep, totalSteps, this.lastEvalReturn);
        if (this.globalStep >= nextCheckpoint && this.epoch < nEpochs) {
          await this.checkpoint(hooks, false);
          nextCheckpoint = nextCheckpointStep(this.globalStep, every);
        }
        // Let the host process its messages (a stop request) between epochs.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.finish(hooks);
      return result('completed');
    } catch (err) {
      return result('failed', err instanceof Error ? err.message : String(err));
    } finally {
      this.dispose();
    }
  }

  private async finish(hooks: TrainHooks): Promise<void> {
    await this.checkpoint(hooks, true);
    if (hooks.onTrained) await hooks.onTrained(this.trainedPolicy());
  }

  private async checkpoint(hooks: TrainHooks, final: boolean): Promise<void> {
    if (hooks.onCheckpoint) await hooks.onCheckpoint(await this.saveCheckpoint(), final);
  }

  trainedPolicy(): TrainedPolicy {
    return greedyPolicy(this.net, this.actor, this.obsDim, this.bounds);
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    return {
      version: CHECKPOINT_VERSION,
      algo: 'bc',
      env: this.config.env,
      globalStep: this.globalStep,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: {
        params: encodeTensor(this.net.params),
        optimizer: await this.optimizer.save(),
        rng: saveRngs({ shuffle: this.shuffleRng }),
        epoch: this.epoch,
        ...(this.lastEvalReturn !== undefined ? { last_eval_return: this.lastEvalReturn } : {}),
      },
      policy: policyNetworkOf(this.net, this.obsDim, this.bounds),
    };
  }

  async loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    if (!isEncodedArray(s.params)) throw new Error('checkpoint has no network parameters');
    assignVariable(this.net.params, s.params, 'parameters');
    this.actor.invalidate();
    await this.optimizer.load(s.optimizer);
    loadRngs({ shuffle: this.shuffleRng }, s.rng);
    this.epoch = typeof s.epoch === 'number' ? s.epoch : 0;
    this.lastEvalReturn = typeof s.last_eval_return === 'number' ? s.last_eval_return : undefined;
    this.globalStep = checkpoint.globalStep;
    this.progress.restore(checkpoint);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.actor.dispose();
    this.optimizer.dispose();
    this.net.dispose();
  }
}
