/**
 * What DDPG, TD3 and SAC share on top of OffPolicyAlgorithm (SB3's TD3/SAC policies): an actor
 * MLP and a set of critic MLPs Q(s, a) (one for DDPG, twin for TD3/SAC) with target copies,
 * one Adam optimizer each (PyTorch's eps 1e-8, the same learning-rate schedule), actions in a
 * normalized space, the replay minibatch as tensors, the deterministic policy for evaluation
 * and export, and checkpoints.
 *
 * Actions (SB3's scale_action / unscale_action): the networks work in [-1, 1]^A; the env gets
 *   env_action = low + (a + 1) / 2 * (high - low).
 * The replay buffer stores the env action (what OffPolicyAlgorithm passes to the env), and the
 * critic's minibatch is mapped back to [-1, 1] before it enters Q(s, a), so Q sees the same
 * inputs as SB3's. The warm-up before learning_starts samples uniformly in the Box bounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AlgoId, ContinuousOffPolicyHyperparameters, ResolvedConfig, TrainFreqValue } from '../../../schema';
import type { BoxSpace } from '../../envs/spaces';
import type { TrainingEnv } from '../../envs/trainingEnv';
import type { VecEnv } from '../../envs/vecEnv';
import { frozenObsTransform, VecNormalize, type VecNormalizeState } from '../../envs/vecNormalize';
import { MlpSet } from '../../nn/mlp';
import { ScheduledAdam } from '../../nn/optimizer';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import type { TrainedPolicy } from '../../types';
import {
  assignVariable, encodeArray, encodeTensor, isEncodedArray, isOptimizerState, loadOptimizer, loadRngs, saveOptimizer, saveRngs,
  type AlgoCheckpoint, type PolicyLayer, type PolicyNetwork,
} from '../checkpoint';
import { OffPolicyAlgorithm } from '../offPolicy';
import { emptySample, type ReplaySample } from '../replayBuffer';

/** The minibatch as tensors (actions normalized to [-1, 1]); rewards and dones as [B, 1] columns. */
export interface BatchTensors {
  obs: tf.Tensor2D;
  actions: tf.Tensor2D;
  rewards: tf.Tensor2D;
  dones: tf.Tensor2D;
  nextObs: tf.Tensor2D;
}

export interface ContinuousSetup {
  algo: Extract<AlgoId, 'ddpg' | 'td3' | 'sac'>;
  hp: ContinuousOffPolicyHyperparameters;
  /** Actor outputs per action dimension: 1 (deterministic) or 2 (mean and log std). */
  actorOutputsPerAction: 1 | 2;
  nCritics: number;
}

/** SB3's train_freq as (frequency, unit). */
export function trainFrequency(value: TrainFreqValue): { n: number; unit: 'step' | 'episode' } {
  return Array.isArray(value) ? { n: value[0], unit: value[1] } : { n: value, unit: 'step' };
}

export function boxActionSpace(env: TrainingEnv, algo: string): BoxSpace {
  const space = env.spec.actionSpace;
  if (space.kind !== 'box') throw new Error(`${algo.toUpperCase()} needs a continuous (Box) action space; ${env.spec.id} has a discrete one (try dqn or ppo)`);
  return space;
}

export abstract class ContinuousOffPolicy extends OffPolicyAlgorithm {
  protected readonly algo: ContinuousSetup['algo'];
  protected readonly learningRate: Schedule;
  protected readonly batchSize: number;
  protected readonly gamma: number;
  protected readonly tau: number;
  protected readonly actDim: number;
  protected readonly obsDim: number;
  protected readonly low: Float32Array;
  protected readonly high: Float32Array;
  /** The actor: obs -> A (deterministic, pre-tanh) or 2A (mean | log std) outputs. */
  protected readonly actor: MlpSet;
  /** nCritics Q-networks of [obs | action] -> 1. */
  protected readonly critic: MlpSet;
  protected readonly actorOptimizer: ScheduledAdam;
  protected readonly criticOptimizer: ScheduledAdam;
  /** Exploration noise and warm-up actions. */
  protected readonly exploreRng: Rng;
  /** Replay minibatches. */
  protected readonly sampleRng: Rng;
  /** Noise inside updates (TD3's target smoothing, SAC's reparameterization). */
  protected readonly updateRng: Rng;
  protected readonly normalizer: VecNormalize | null;
  private readonly vecEnv: VecEnv;
  private readonly envId: string;
  private readonly batch: ReplaySample;
  private readonly scaledActions: Float32Array;

  constructor(config: ResolvedConfig, env: TrainingEnv, setup: ContinuousSetup) {
    const { hp } = setup;
    const space = boxActionSpace(env, setup.algo);
    const vecEnv = env.makeVecEnv(config.n_envs, config.seed);
    const normalizer = config.normalize ? new VecNormalize(vecEnv, config.normalize) : null;
    const freq = trainFrequency(hp.train_freq);
    super({
      totalTimesteps: config.n_timesteps,
      env: normalizer ?? vecEnv,
      actionDim: space.low.length,
      bufferSize: hp.buffer_size,
      learningStarts: hp.learning_starts,
      trainFreq: freq.n,
      trainFreqUnit: freq.unit,
      gradientSteps: hp.gradient_steps,
    });
    this.algo = setup.algo;
    this.envId = config.env;
    this.vecEnv = vecEnv;
    this.normalizer = normalizer;
    this.learningRate = toSchedule(hp.learning_rate);
    this.batchSize = hp.batch_size;
    this.gamma = hp.gamma;
    this.tau = hp.tau;
    this.actDim = space.low.length;
    this.obsDim = this.env.obsDim;
    this.low = Float32Array.from(space.low);
    this.high = Float32Array.from(space.high);
    for (let j = 0; j < this.actDim; j++) {
      if (!Number.isFinite(this.low[j]) || !Number.isFinite(this.high[j])) {
        throw new Error(`${setup.algo.toUpperCase()} squashes actions into the Box bounds, but ${env.spec.id}'s action bounds are not finite`);
      }
    }
    const { net_arch: arch, activation_fn: activation } = config.policy_kwargs;
    const initRng = Rng.stream(config.seed, 'init');
    this.actor = new MlpSet('actor', [this.obsDim, ...arch.pi, setup.actorOutputsPerAction * this.actDim], activation, 1, initRng);
    this.critic = new MlpSet('critic', [this.obsDim + this.actDim, ...(arch.qf ?? arch.vf), 1], activation, setup.nCritics, initRng);
    this.actorOptimizer = new ScheduledAdam(this.learningRate(1), 1e-8);
    this.criticOptimizer = new ScheduledAdam(this.learningRate(1), 1e-8);
    this.exploreRng = Rng.stream(config.seed, 'actions');
    this.sampleRng = Rng.stream(config.seed, 'minibatches');
    this.updateRng = Rng.stream(config.seed, 'update-noise');
    this.batch = emptySample(this.batchSize, this.obsDim, this.actDim);
    this.scaledActions = new Float32Array(this.batchSize * this.actDim);
    this.stepScaled = new Float32Array(this.env.numEnvs * this.actDim);
    this.env.reset();
  }

  // ------------------------------------------------------------------ actions
  /** Env action from a normalized one: low + (a + 1) / 2 * (high - low), per row of [rows x A]. */
  /** Scratch for the normalized actions of one vectorized step. */
  protected readonly stepScaled: Float32Array;

  protected unscale(scaled: ArrayLike<number>, out: Float32Array): void {
    const { actDim, low, high } = this;
    for (let i = 0; i < out.length; i++) {
      const j = i % actDim;
      out[i] = low[j] + 0.5 * (scaled[i] + 1) * (high[j] - low[j]);
    }
  }

  protected randomActions(out: Float32Array): void {
    const { actDim, low, high } = this;
    for (let i = 0; i < out.length; i++) out[i] = this.exploreRng.uniform(low[i % actDim], high[i % actDim]);
  }

  /** The actor's raw outputs for a batch of observations, [rows x outputs] row-major (one read-back). */
  protected actorOutputs(obs: Float32Array, rows: number): Float32Array {
    const [net] = this.actor.currentWeights();
    const out = tf.tidy(() => this.actor.forward(tf.tensor2d(obs, [rows, this.obsDim]), net));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    return data;
  }

  /** The deterministic action in [-1, 1] from the actor's raw outputs (tanh of the pre-activation or of the mean). */
  protected abstract deterministicFromOutputs(outputs: Float32Array, rows: number, out: Float32Array): void;

  /** A bound c on the actor's first A outputs before the tanh (SAC gSDE's clip_mean); 0: none. */
  protected exportMeanClip(): number {
    return 0;
  }

  // ------------------------------------------------------------------ minibatches
  /** A minibatch from the replay buffer as tensors, actions mapped to [-1, 1]. Call inside tf.tidy. */
  protected sampleBatch(): BatchTensors {
    const b = this.buffer.sample(this.batchSize, this.sampleRng, this.batch);
    const { actDim, low, high, scaledActions } = this;
    for (let i = 0; i < scaledActions.length; i++) {
      const j = i % actDim;
      scaledActions[i] = (2 * (b.actions[i] - low[j])) / (high[j] - low[j]) - 1;
    }
    const B = this.batchSize;
    return {
      obs: tf.tensor2d(b.obs, [B, this.obsDim]),
      actions: tf.tensor2d(scaledActions, [B, actDim]),
      rewards: tf.tensor2d(b.rewards, [B, 1]),
      dones: tf.tensor2d(b.dones, [B, 1]),
      nextObs: tf.tensor2d(b.nextObs, [B, this.obsDim]),
    };
  }

  /** B x A standard normal draws from the update stream, as a tensor (seeded, backend-independent). */
  protected standardNormal(rows: number, cols: number): tf.Tensor2D {
    const v = new Float32Array(rows * cols);
    for (let i = 0; i < v.length; i++) v[i] = this.updateRng.normal();
    return tf.tensor2d(v, [rows, cols]);
  }

  /** Sets every optimizer's learning rate for this phase (SB3's _update_learning_rate). */
  protected setLearningRate(progressRemaining: number): void {
    const lr = this.learningRate(progressRemaining);
    this.actorOptimizer.setLearningRate(lr);
    this.criticOptimizer.setLearningRate(lr);
  }

  protected override scheduleMetrics(progressRemaining: number): Record<string, number> {
    return { 'charts/learning_rate': this.learningRate(progressRemaining) };
  }

  // ------------------------------------------------------------------ evaluation
  override trainedPolicy(): TrainedPolicy {
    const scaled = new Float32Array(this.actDim);
    const action = new Float32Array(this.actDim);
    return {
      actDeterministic: (obs) => {
        this.deterministicFromOutputs(this.actorOutputs(obs, 1), 1, scaled);
        this.unscale(scaled, action);
        return action;
      },
      ...(this.normalizer ? { transformObs: frozenObsTransform(this.normalizer.toJSON()) } : {}),
    };
  }

  /**
   * The deterministic policy as plain layers for export: the actor's layers with the last one
   * cut to the A action (or mean) columns and a tanh, then one linear layer that maps [-1, 1]
   * to the Box bounds (diagonal kernel (high - low) / 2, bias (high + low) / 2). A clipped mean
   * (exportMeanClip() = c > 0) becomes two layers, exactly: clip(x, -c, c) = relu(x + c) - relu(x - c) - c.
   */
  private policyNetwork(): PolicyNetwork {
    const A = this.actDim;
    const clip = this.exportMeanClip();
    const values = this.actor.layerValues();
    const layers: PolicyLayer[] = values.flatMap((l, i): PolicyLayer[] => {
      if (i < values.length - 1) {
        return [{ inDim: l.inDim, outDim: l.outDim, activation: l.activation, kernel: encodeArray(l.w, [l.inDim, l.outDim]), bias: encodeArray(l.b, [l.outDim]) }];
      }
      const w = new Float32Array(l.inDim * A);
      for (let r = 0; r < l.inDim; r++) for (let c = 0; c < A; c++) w[r * A + c] = l.w[r * l.outDim + c];
      if (clip <= 0) return [{ inDim: l.inDim, outDim: A, activation: 'tanh', kernel: encodeArray(w, [l.inDim, A]), bias: encodeArray(l.b.slice(0, A), [A]) }];
      // [x + c | x - c] through relu, then tanh(relu(x + c) - relu(x - c) - c).
      const w2 = new Float32Array(l.inDim * 2 * A);
      for (let r = 0; r < l.inDim; r++) for (let c = 0; c < A; c++) w2[r * 2 * A + c] = w2[r * 2 * A + A + c] = w[r * A + c];
      const b2 = new Float32Array(2 * A);
      const diff = new Float32Array(2 * A * A);
      for (let c = 0; c < A; c++) {
        b2[c] = l.b[c] + clip;
        b2[A + c] = l.b[c] - clip;
        diff[c * A + c] = 1;
        diff[(A + c) * A + c] = -1;
      }
      return [
        { inDim: l.inDim, outDim: 2 * A, activation: 'relu', kernel: encodeArray(w2, [l.inDim, 2 * A]), bias: encodeArray(b2, [2 * A]) },
        { inDim: 2 * A, outDim: A, activation: 'tanh', kernel: encodeArray(diff, [2 * A, A]), bias: encodeArray(new Float32Array(A).fill(-clip), [A]) },
      ];
    });
    const kernel = new Float32Array(A * A);
    const bias = new Float32Array(A);
    for (let j = 0; j < A; j++) {
      kernel[j * A + j] = (this.high[j] - this.low[j]) / 2;
      bias[j] = (this.high[j] + this.low[j]) / 2;
    }
    layers.push({ inDim: A, outDim: A, activation: 'linear', kernel: encodeArray(kernel, [A, A]), bias: encodeArray(bias, [A]) });
    return {
      obsDim: this.obsDim,
      distribution: 'gaussian',
      actionDim: A,
      actionLow: Array.from(this.low),
      actionHigh: Array.from(this.high),
      layers,
      ...(this.normalizer ? { normalization: this.normalizer.toJSON() } : {}),
    };
  }

  override normalizationState(): VecNormalizeState | undefined {
    return this.normalizer?.toJSON();
  }

  // ------------------------------------------------------------------ checkpoints
  protected algoName(): string {
    return this.algo;
  }

  protected envName(): string {
    return this.envId;
  }

  /** The subclass's own state (noise process, entropy coefficient, update counters). */
  protected abstract extraState(): Promise<Record<string, unknown>>;
  protected abstract loadExtraState(state: Record<string, unknown>): Promise<void>;

  protected override async saveAlgoState(): Promise<{ state: Record<string, unknown>; policy?: PolicyNetwork }> {
    const state: Record<string, unknown> = {
      actor: encodeTensor(this.actor.params),
      actorTarget: encodeTensor(this.actor.targetParams),
      critic: encodeTensor(this.critic.params),
      criticTarget: encodeTensor(this.critic.targetParams),
      actorOptimizer: await saveOptimizer(this.actorOptimizer),
      criticOptimizer: await saveOptimizer(this.criticOptimizer),
      rng: saveRngs({ actions: this.exploreRng, minibatches: this.sampleRng, update: this.updateRng, envReset: this.vecEnv.rng }),
      normalization: this.normalizer?.toJSON() ?? null,
      ...(await this.extraState()),
    };
    return { state, policy: this.policyNetwork() };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    const variables: [string, tf.Variable][] = [
      ['actor', this.actor.params], ['actorTarget', this.actor.targetParams],
      ['critic', this.critic.params], ['criticTarget', this.critic.targetParams],
    ];
    for (const [key, variable] of variables) {
      const saved = s[key];
      if (!isEncodedArray(saved)) throw new Error(`checkpoint has no ${this.algo.toUpperCase()} '${key}' parameters`);
      assignVariable(variable, saved, `${key} parameters`);
    }
    // Drop cached views (tau 0 leaves the restored target values as they are).
    for (const net of [this.actor, this.critic]) {
      net.invalidate();
      net.updateTarget(0);
    }
    if (!isOptimizerState(s.actorOptimizer) || !isOptimizerState(s.criticOptimizer)) throw new Error('checkpoint has no optimizer state');
    await loadOptimizer(this.actorOptimizer, s.actorOptimizer);
    await loadOptimizer(this.criticOptimizer, s.criticOptimizer);
    loadRngs({ actions: this.exploreRng, minibatches: this.sampleRng, update: this.updateRng, envReset: this.vecEnv.rng }, s.rng);
    if (this.normalizer) {
      const saved = s.normalization as VecNormalizeState | null;
      if (!saved) throw new Error('checkpoint has no normalization statistics, but the config normalizes');
      this.normalizer.restoreStats(saved);
    }
    await this.loadExtraState(s);
    // As DQN: the envs start fresh episodes and the replay buffer refills (OffPolicyAlgorithm.saveAlgoState).
  }

  dispose(): void {
    this.actorOptimizer.dispose();
    this.criticOptimizer.dispose();
    this.actor.dispose();
    this.critic.dispose();
  }
}
