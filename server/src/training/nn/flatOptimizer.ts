/**
 * Optimizers for the one flat parameter vector of nn/actorCritic.ts: Adam (ScheduledAdam) and
 * RMSprop with PyTorch's update rule, which SB3's A2C uses. tf.train.rmsprop differs: it puts
 * epsilon inside the square root, so with SB3's eps = 1e-5 its steps would be far smaller.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assignVariable, encodeTensor, isEncodedArray, isOptimizerState, loadOptimizer, saveOptimizer } from '../algos/checkpoint';
import { ScheduledAdam } from './optimizer';

export interface FlatOptimizer {
  setLearningRate(value: number): void;
  /** param <- update(param, grad); does not dispose grad. */
  step(param: tf.Variable, grad: tf.Tensor): void;
  /** The optimizer's state for a checkpoint (algos/checkpoint.ts) and its restore. */
  save(): Promise<Record<string, unknown>>;
  load(state: unknown): Promise<void>;
  dispose(): void;
}

export class FlatAdam implements FlatOptimizer {
  readonly adam: ScheduledAdam;
  constructor(learningRate: number, epsilon = 1e-5) {
    this.adam = new ScheduledAdam(learningRate, epsilon);
  }
  setLearningRate(value: number): void {
    this.adam.setLearningRate(value);
  }
  step(param: tf.Variable, grad: tf.Tensor): void {
    this.adam.applyGradients([{ name: param.name, tensor: grad }]);
  }
  async save(): Promise<Record<string, unknown>> {
    return { adam: await saveOptimizer(this.adam), learningRate: this.adam.getLearningRate() };
  }
  async load(state: unknown): Promise<void> {
    const s = (state ?? {}) as Record<string, unknown>;
    if (!isOptimizerState(s.adam)) throw new Error('checkpoint has no Adam state');
    await loadOptimizer(this.adam, s.adam);
    if (typeof s.learningRate === 'number') this.setLearningRate(s.learningRate);
  }
  dispose(): void {
    this.adam.dispose();
  }
}

/**
 * torch.optim.RMSprop (no momentum, not centered):
 *   v <- alpha v + (1 - alpha) g^2;   theta <- theta - lr g / (sqrt(v) + eps)
 */
export class TorchRmsProp implements FlatOptimizer {
  private square: tf.Variable | null = null;

  constructor(private learningRate: number, readonly alpha = 0.99, readonly eps = 1e-5) {}

  setLearningRate(value: number): void {
    this.learningRate = value;
  }

  step(param: tf.Variable, grad: tf.Tensor): void {
    if (!this.square) this.square = tf.variable(tf.zerosLike(param), false);
    const square = this.square;
    tf.tidy(() => {
      const v = tf.add(tf.mul(square, this.alpha), tf.mul(tf.square(grad), 1 - this.alpha));
      square.assign(v);
      param.assign(tf.sub(param, tf.mul(tf.div(grad, tf.add(tf.sqrt(v), this.eps)), this.learningRate)));
    });
  }

  save(): Promise<Record<string, unknown>> {
    return Promise.resolve({ square: this.square ? encodeTensor(this.square) : null, learningRate: this.learningRate });
  }

  load(state: unknown): Promise<void> {
    const s = (state ?? {}) as Record<string, unknown>;
    if (isEncodedArray(s.square)) {
      if (!this.square) this.square = tf.variable(tf.zeros(s.square.shape), false);
      assignVariable(this.square, s.square, 'RMSprop square average');
    }
    if (typeof s.learningRate === 'number') this.learningRate = s.learningRate;
    return Promise.resolve();
  }

  dispose(): void {
    this.square?.dispose();
    this.square = null;
  }
}
