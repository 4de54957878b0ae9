/**
 * The training loop the supervised LM stages share (sft, reward_model): epochs over a fixed
 * set of examples, shuffled minibatches, Adam with a schedulable learning rate and global
 * gradient-norm clipping, a metric row per update, an evaluation after every epoch, periodic
 * and final checkpoints, stop requests between minibatches, NaN -> failed.
 *
 * The step counter counts training examples (sequences or pairs), so charts/SPS is examples
 * per second and `checkpoint_freq` is in examples.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ScheduledAdam } from '../nn/optimizer';
import { toSchedule, type Schedule } from '../schedule';
import { Rng } from '../rng';
import type { MetricRow, SampleRow, TrainHooks, TrainResult } from '../types';
import { TrainingProgress, nextCheckpointStep } from '../algos/progress';
import { CHECKPOINT_VERSION, isOptimizerState, loadOptimizer, saveOptimizer, loadRngs, saveRngs, type AlgoCheckpoint, type OptimizerState } from '../algos/checkpoint';
import type { ScheduleValue } from '../../schema';

export interface SupervisedSettings {
  nTrain: number;
  batchSize: number;
  nEpochs: number;
  learningRate: ScheduleValue;
  maxGradNorm: number | null;
  seed: number;
}

/** What a stage plugs into the loop. */
export interface SupervisedStage {
  /** The variables the optimizer updates, in a fixed order. */
  variables(): tf.Variable[];
  /**
   * The loss of a minibatch of training-example indices, and extra scalar metrics (named as
   * logged), all computed in the same forward pass. Called inside a gradient scope.
   */
  loss(batch: number[]): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> };
  /** Held-out evaluation (eval/* metrics) and optional samples to log, after an epoch. */
  evaluate(): { metrics: Record<string, number>; samples?: SampleRow['samples'] };
  /** Turns dropout on/off. */
  setTraining(on: boolean): void;
}

/** Where the loop is (saved in checkpoints, so a resumed run continues the same epoch). */
export interface LoopPosition {
  epoch: number;
  /** Minibatches of `order` already trained on in this epoch. */
  batchInEpoch: number;
  order: number[];
}

export interface LoopState {
  globalStep: number;
  position: LoopPosition;
  optimizer: OptimizerState;
  rngs: Record<string, unknown>;
  lastEval: Record<string, number>;
}

export class SupervisedLoop {
  readonly progress = new TrainingProgress();
  globalStep = 0;
  position: LoopPosition;
  /** The newest evaluation metrics (eval/*). */
  lastEval: Record<string, number> = {};
  private readonly optimizer: ScheduledAdam;
  private readonly lr: Schedule;
  private readonly shuffleRng: Rng;
  private readonly totalSteps: number;

  constructor(private readonly s: SupervisedSettings) {
    if (s.nTrain < 1) throw new Error('no training examples (all were held out? lower eval_split or add data)');
    this.lr = toSchedule(s.learningRate);
    // eps 1e-8: PyTorch's Adam default, which TRL's trainers use.
    this.optimizer = new ScheduledAdam(this.lr(1), 1e-8);
    this.shuffleRng = Rng.stream(s.seed, 'lm-shuffle');
    this.totalSteps = s.nTrain * s.nEpochs;
    this.position = { epoch: 0, batchInEpoch: 0, order: this.newOrder() };
  }

  private newOrder(): number[] {
    return Array.from(this.shuffleRng.shuffle(Int32Array.from({ length: this.s.nTrain }, (_, i) => i)));
  }

  /** A checkpoint of a stage on this loop: the shared envelope, the loop's state under `loop`. */
  async checkpoint(config: { algo: string; env: string }, state: Record<string, unknown>): Promise<AlgoCheckpoint> {
    return {
      version: CHECKPOINT_VERSION,
      algo: config.algo,
      env: config.env,
      globalStep: this.globalStep,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: { ...state, loop: await this.saveState() },
    };
  }

  async saveState(): Promise<LoopState> {
    return {
      globalStep: this.globalStep,
      position: { ...this.position, order: [...this.position.order] },
      optimizer: await saveOptimizer(this.optimizer),
      rngs: saveRngs({ shuffle: this.shuffleRng }),
      lastEval: { ...this.lastEval },
    };
  }

  async loadState(state: LoopState, progress: { recentReturns: number[]; elapsedSeconds: number }): Promise<void> {
    if (!isOptimizerState(state.optimizer)) throw new Error('checkpoint has no optimizer state');
    if (!state.position || state.position.order.length !== this.s.nTrain) throw new Error('checkpoint was taken with another number of training examples (was the data or config changed?)');
    await loadOptimizer(this.optimizer, state.optimizer);
    loadRngs({ shuffle: this.shuffleRng }, state.rngs);
    this.globalStep = state.globalStep;
    this.position = state.position;
    this.lastEval = state.lastEval ?? {};
    this.progress.restore(progress);
  }

  /**
   * Runs the remaining epochs. `checkpoint` builds the stage's checkpoint (called when one is
   * due); `meanReturn` gives the run's headline number for the result.
   */
  async run(
    stage: SupervisedStage,
    hooks: TrainHooks,
    checkpoint: () => Promise<Parameters<NonNullable<TrainHooks['onCheckpoint']>>[0]>,
    meanReturn: () => number | undefined,
  ): Promise<TrainResult> {
    const vars = stage.variables();
    const { batchSize, nEpochs } = this.s;
    this.progress.start();
    let nextCheckpoint = nextCheckpointStep(this.globalStep, hooks.checkpointFreq);
    const result = (status: TrainResult['status'], error?: string): TrainResult => this.progress.result(status, this.globalStep, meanReturn(), error);
    try {
      // The starting model's scores: the baseline the curves start from (not redone on resume).
      if (this.globalStep === 0) this.evaluate(stage, hooks);
      while (this.position.epoch < nEpochs) {
        const { order } = this.position;
        const nBatches = Math.ceil(order.length / batchSize);
        while (this.position.batchInEpoch < nBatches) {
          if (hooks.shouldStop?.()) return await this.finish(stage, hooks, checkpoint, result('stopped'));
          const b = this.position.batchInEpoch;
          const batch = order.slice(b * batchSize, (b + 1) * batchSize);
          const lr = this.lr(1 - this.globalStep / this.totalSteps);
          this.optimizer.setLearningRate(lr);
          stage.setTraining(true);
          const values = this.step(stage, vars, batch);
          stage.setTraining(false);
          this.position.batchInEpoch++;
          this.globalStep += batch.length;
          const nan = Object.entries(values).find(([, v]) => !Number.isFinite(v));
          if (nan) return result('failed', `${nan[0]} became ${nan[1]} at step ${this.globalStep} (try a lower learning_rate or max_grad_norm)`);
          const row: MetricRow = { step: this.globalStep, time: Date.now(), ...values, 'charts/learning_rate': lr, 'charts/epoch': this.position.epoch + this.position.batchInEpoch / nBatches, 'charts/SPS': this.progress.sps(this.globalStep) } as MetricRow;
          hooks.onMetrics(row);
          hooks.onProgress?.(this.globalStep, this.totalSteps, meanReturn());
          if (this.globalStep >= nextCheckpoint && hooks.onCheckpoint) {
            await hooks.onCheckpoint(await checkpoint(), false);
            nextCheckpoint = nextCheckpointStep(this.globalStep, hooks.checkpointFreq);
          }
          // Let IPC (stop requests, metric batches) through between minibatches.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        this.evaluate(stage, hooks);
        // The next epoch's order is drawn now, so a checkpoint between epochs holds it.
        this.position = { epoch: this.position.epoch + 1, batchInEpoch: 0, order: this.position.epoch + 1 < nEpochs ? this.newOrder() : order };
      }
      return await this.finish(stage, hooks, checkpoint, result('completed'));
    } catch (e) {
      return result('failed', e instanceof Error ? e.message : String(e));
    }
  }

  /** One evaluation: eval/* metrics row (at the current step) and samples. */
  evaluate(stage: SupervisedStage, hooks: TrainHooks): void {
    const { metrics, samples } = stage.evaluate();
    this.lastEval = metrics;
    hooks.onMetrics({ step: this.globalStep, time: Date.now(), ...metrics } as MetricRow);
    if (samples && samples.length > 0) hooks.onSamples?.({ step: this.globalStep, time: Date.now(), samples });
  }

  private async finish(
    _stage: SupervisedStage,
    hooks: TrainHooks,
    checkpoint: () => Promise<Parameters<NonNullable<TrainHooks['onCheckpoint']>>[0]>,
    res: TrainResult,
  ): Promise<TrainResult> {
    if (hooks.onCheckpoint) await hooks.onCheckpoint(await checkpoint(), true);
    return res;
  }

  /** Gradient step on one minibatch; returns the logged scalars. */
  private step(stage: SupervisedStage, vars: tf.Variable[], batch: number[]): Record<string, number> {
    let kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const { loss, metrics } = stage.loss(batch);
      kept = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, tf.keep(v)]));
      return loss;
    }, vars);
    const gradNorm = tf.tidy(() => {
      const list = vars.map((v) => {
        const g = grads[v.name];
        if (!g) throw new Error(`internal: no gradient for a trained variable (${v.name}); is it on the loss's path?`);
        return g;
      });
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      // torch.nn.utils.clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below 1.
      const coef = this.s.maxGradNorm === null ? tf.scalar(1) : tf.minimum(tf.div(this.s.maxGradNorm, tf.add(norm, 1e-6)), 1);
      this.optimizer.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: tf.mul(list[i], coef) })));
      return norm;
    });
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(kept)) out[k] = v.dataSync()[0];
    out['losses/grad_norm'] = gradNorm.dataSync()[0];
    tf.dispose([value, gradNorm, ...Object.values(grads), ...Object.values(kept)]);
    return out;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
