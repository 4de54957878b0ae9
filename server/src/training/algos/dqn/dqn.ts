/**
 * Deep Q-Network (Mnih et al. 2015), read top to bottom like CleanRL's dqn.py, with SB3's
 * hyperparameter names and rules: epsilon-greedy behaviour policy on a linear schedule,
 * uniform replay, Huber loss on the TD error, a target network updated every
 * target_update_interval env steps (hard copy, or Polyak averaging with tau < 1), gradient-norm
 * clipping. Options: Double DQN targets (double_q) and a dueling head (dueling).
 *
 * The collection loop, replay buffer and logging cadence are OffPolicyAlgorithm's. The update
 * and acting run on WebAssembly SIMD kernels (wasmLearner.ts) where they apply; otherwise on
 * TensorFlow.js (gradientStep below), with the same maths.
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import type { VecEnv } from '../../envs/vecEnv';
import { frozenObsTransform, VecNormalize, type VecNormalizeState } from '../../envs/vecNormalize';
import { FlatAdam } from '../../nn/flatOptimizer';
import { QNetwork } from '../../nn/qNetwork';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import type { TrainedPolicy } from '../../types';
import {
  assignVariable, encodeArray, encodeTensor, isEncodedArray, isOptimizerState, loadRngs, saveRngs,
  type AlgoCheckpoint, type PolicyNetwork,
} from '../checkpoint';
import { OffPolicyAlgorithm } from '../offPolicy';
import { emptySample, type ReplaySample } from '../replayBuffer';
import { linearSchedule } from './exploration';
import { huberGradient, huberLoss, tdTarget } from './loss';
import { WasmQLearner } from './wasmLearner';

export class DQN extends OffPolicyAlgorithm {
  // ---- hyperparameters (SB3 names; see server/src/schema/dqn.ts for each one's doc)
  private readonly learningRate: Schedule;
  private readonly batchSize: number; // transitions per gradient step
  private readonly gamma: number; // discount
  private readonly tau: number; // target update: 1 = hard copy, < 1 = Polyak
  private readonly targetUpdateEvery: number; // in vectorized env steps
  private readonly exploration: Schedule; // epsilon(progress_remaining)
  private readonly maxGradNorm: number;
  private readonly doubleQ: boolean; // Double DQN target

  // ---- state
  private readonly envId: string;
  private readonly vecEnv: VecEnv;
  private readonly normalizer: VecNormalize | null;
  private readonly net: QNetwork;
  private readonly optimizer: FlatAdam;
  /** The WebAssembly update/acting path; null = TensorFlow.js (see dqnLearner()). */
  private readonly learner: WasmQLearner | null;
  private readonly nActions: number;
  private readonly exploreRng: Rng; // epsilon draws and random actions
  private readonly sampleRng: Rng; // replay minibatches
  private readonly batch: ReplaySample;
  private readonly batchActions: Int32Array;
  /** Vectorized env steps so far (SB3's _n_calls), for the target-update interval. */
  private envCalls = 0;

  /** `env` defaults to the config's built-in environment; the engine passes custom ones. */
  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'dqn');
    const space = env.spec.actionSpace;
    if (space.kind !== 'discrete') {
      throw new Error(`DQN needs a discrete action space; ${env.spec.id} has a continuous one (try ppo)`);
    }
    const vecEnv = env.makeVecEnv(config.n_envs, config.seed);
    const normalizer = config.normalize ? new VecNormalize(vecEnv, config.normalize) : null;
    super({
      totalTimesteps: config.n_timesteps,
      env: normalizer ?? vecEnv,
      actionDim: 1,
      bufferSize: hp.buffer_size,
      learningStarts: hp.learning_starts,
      // SB3's TrainFreq: n vectorized steps, or [n, "episode"]: until n episodes have ended.
      ...(Array.isArray(hp.train_freq) ? { trainFreq: hp.train_freq[0], trainFreqUnit: hp.train_freq[1] } : { trainFreq: hp.train_freq }),
      gradientSteps: hp.gradient_steps,
    });
    this.envId = config.env;
    this.vecEnv = vecEnv;
    this.normalizer = normalizer;
    this.learningRate = toSchedule(hp.learning_rate);
    this.batchSize = hp.batch_size;
    this.gamma = hp.gamma;
    this.tau = hp.tau;
    // SB3: target_update_interval counts env steps over all envs.
    this.targetUpdateEvery = Math.max(Math.floor(hp.target_update_interval / config.n_envs), 1);
    this.exploration = linearSchedule(hp.exploration_initial_eps, hp.exploration_final_eps, hp.exploration_fraction);
    this.maxGradNorm = hp.max_grad_norm;
    this.doubleQ = hp.double_q;

    this.nActions = space.n;
    this.net = new QNetwork(this.env.obsDim, this.nActions, config.policy_kwargs, Rng.stream(config.seed, 'init'), hp.dueling);
    // PyTorch's default Adam epsilon (1e-8), which SB3's DQN and CleanRL's dqn.py use.
    this.optimizer = new FlatAdam(this.learningRate(1), 1e-8);
    this.learner = dqnLearner(this.net, this.batchSize, this.env.numEnvs);
    this.exploreRng = Rng.stream(config.seed, 'actions');
    this.sampleRng = Rng.stream(config.seed, 'minibatches');
    this.batch = emptySample(this.batchSize, this.env.obsDim, 1);
    this.batchActions = new Int32Array(this.batchSize);
    this.env.reset();
  }

  // ------------------------------------------------------------------ acting
  /**
   * Epsilon-greedy, decided per env copy (SB3 draws once for the whole vector): one batched
   * forward pass and one read-back for all copies, skipped when every copy explores.
   */
  protected selectActions(obs: Float32Array, out: Float32Array, progressRemaining: number): void {
    const n = this.env.numEnvs;
    const epsilon = this.exploration(progressRemaining);
    let greedy = 0;
    for (let i = 0; i < n; i++) {
      const explore = this.exploreRng.random() < epsilon;
      out[i] = explore ? this.exploreRng.int(this.nActions) : -1;
      if (!explore) greedy++;
    }
    if (greedy === 0) return;
    const q = this.qValues(obs, n);
    for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = argmaxRow(q, i, this.nActions);
  }

  protected randomActions(out: Float32Array): void {
    for (let i = 0; i < this.env.numEnvs; i++) out[i] = this.exploreRng.int(this.nActions);
  }

  /** SB3's _on_step: update the target network every target_update_interval env steps. */
  protected override onStep(): void {
    this.envCalls++;
    if (this.envCalls % this.targetUpdateEvery === 0) this.updateTarget();
  }

  private updateTarget(): void {
    if (this.learner) this.learner.updateTarget(this.tau);
    else this.net.updateTarget(this.tau);
  }

  /** Q(s, .) of the online network, [rows x nActions] row-major. */
  private qValues(obs: Float32Array, rows: number): Float32Array {
    return this.learner ? this.learner.qValues(obs, rows) : this.net.qValues(obs, rows);
  }

  // ------------------------------------------------------------------ update
  protected train(gradientSteps: number, progressRemaining: number): Record<string, number> {
    const learningRate = this.learningRate(progressRemaining);
    this.optimizer.setLearningRate(learningRate);
    if (this.learner) {
      let lossSum = 0;
      let qSum = 0;
      for (let g = 0; g < gradientSteps; g++) {
        const batch = this.buffer.sample(this.batchSize, this.sampleRng, this.batch);
        const { loss, qMean } = this.learner.step(batch, this.gamma, this.doubleQ, this.maxGradNorm, this.optimizer);
        lossSum += loss;
        qSum += qMean;
      }
      return { 'losses/td_loss': lossSum / gradientSteps, 'losses/q_values': qSum / gradientSteps };
    }
    const losses: tf.Scalar[] = [];
    const qMeans: tf.Scalar[] = [];
    for (let g = 0; g < gradientSteps; g++) {
      const batch = this.buffer.sample(this.batchSize, this.sampleRng, this.batch);
      const { grads, loss, qMean } = this.gradientStep(batch);
      this.optimizer.stepClipped(this.net.params, grads, this.maxGradNorm);
      grads.dispose();
      losses.push(loss);
      qMeans.push(qMean);
    }
    this.net.invalidate();
    // One read-back per training phase, not per gradient step.
    const [lossSum, qSum] = tf.tidy(() => tf.stack([tf.addN(losses), tf.addN(qMeans)]).dataSync());
    tf.dispose([...losses, ...qMeans]);
    return {
      'losses/td_loss': lossSum / gradientSteps,
      'losses/q_values': qSum / gradientSteps,
    };
  }

  /**
   * One minibatch: the TD target from the target network (no gradient), the Huber loss of
   * Q(s, a) against it, and the gradient w.r.t. the online parameters (clipped by the optimizer).
   */
  private gradientStep(batch: ReplaySample): { grads: tf.Tensor; loss: tf.Scalar; qMean: tf.Scalar } {
    const { net, batchSize } = this;
    const obsDim = this.env.obsDim;
    for (let j = 0; j < batchSize; j++) this.batchActions[j] = batch.actions[j];
    return tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [batchSize, obsDim]);
      const nextObs = tf.tensor2d(batch.nextObs, [batchSize, obsDim]);
      const actions = tf.tensor1d(this.batchActions, 'int32');
      const rewards = tf.tensor1d(batch.rewards);
      const dones = tf.tensor1d(batch.dones);

      // y = r + gamma (1 - terminated) max_a' Q_target(s', a')   (Double DQN: a' from the online net)
      const nextQTarget = net.forward(nextObs, net.targetWeights(), false);
      const nextQOnline = this.doubleQ ? net.forward(nextObs, net.weights(), false) : undefined;
      const target = tdTarget(nextQTarget, rewards, dones, this.gamma, nextQOnline);

      // loss = mean Huber(Q(s, a) - y); its gradient w.r.t. Q(s, .) is nonzero only at the taken action.
      let loss: tf.Scalar | undefined;
      let qMean: tf.Scalar | undefined;
      const grad = net.gradient(obs, (q) => {
        const taken = tf.oneHot(actions, this.nActions);
        const qTaken = tf.sum(tf.mul(q, taken), 1) as tf.Tensor1D;
        const diff = tf.sub(qTaken, target) as tf.Tensor1D;
        loss = huberLoss(diff);
        qMean = tf.mean(qTaken) as tf.Scalar;
        return tf.mul(taken, tf.expandDims(huberGradient(diff), 1)) as tf.Tensor2D;
      });
      return { grads: grad, loss: loss!, qMean: qMean! };
    });
  }

  protected override scheduleMetrics(progressRemaining: number): Record<string, number> {
    return {
      'charts/epsilon': this.exploration(progressRemaining),
      'charts/learning_rate': this.learningRate(progressRemaining),
    };
  }

  /** Greedy actions: argmax_a Q(s, a), no exploration. */
  override trainedPolicy(): TrainedPolicy {
    const action = new Float32Array(1);
    return {
      actDeterministic: (obs) => {
        action[0] = argmaxRow(this.qValues(obs, 1), 0, this.nActions);
        return action;
      },
      ...(this.normalizer ? { transformObs: frozenObsTransform(this.normalizer.toJSON()) } : {}),
    };
  }

  // ------------------------------------------------------------------ checkpoints
  protected algoName(): string {
    return 'dqn';
  }

  protected envName(): string {
    return this.envId;
  }

  protected override async saveAlgoState(): Promise<{ state: Record<string, unknown>; policy?: PolicyNetwork }> {
    this.learner?.writeTo(this.optimizer);
    const state: Record<string, unknown> = {
      params: encodeTensor(this.net.params),
      targetParams: encodeTensor(this.net.targetParams),
      // tf.train.adam's slot format (what this checkpoint held before FlatAdam).
      optimizer: this.optimizer.saveState('params'),
      rng: saveRngs({ actions: this.exploreRng, minibatches: this.sampleRng, envReset: this.vecEnv.rng }),
      envCalls: this.envCalls,
      normalization: this.normalizer?.toJSON() ?? null,
    };
    // A dueling head is not a plain layer list, so only the plain Q-network is exportable.
    return { state, ...(this.net.dueling ? {} : { policy: this.policyNetwork() }) };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    if (!isEncodedArray(s.params) || !isEncodedArray(s.targetParams)) throw new Error('checkpoint has no DQN parameters');
    assignVariable(this.net.params, s.params, 'parameters');
    assignVariable(this.net.targetParams, s.targetParams, 'target parameters');
    this.net.invalidate();
    this.net.updateTarget(0); // drops cached target views (tau 0 leaves the values as restored)
    if (!isOptimizerState(s.optimizer)) throw new Error('checkpoint has no optimizer state');
    this.optimizer.loadState(s.optimizer);
    this.learner?.readFrom(this.optimizer);
    loadRngs({ actions: this.exploreRng, minibatches: this.sampleRng, envReset: this.vecEnv.rng }, s.rng);
    if (typeof s.envCalls === 'number') this.envCalls = s.envCalls;
    if (this.normalizer) {
      const saved = s.normalization as VecNormalizeState | null;
      if (!saved) throw new Error('checkpoint has no normalization statistics, but the config normalizes');
      this.normalizer.restoreStats(saved);
    }
    // The envs keep the fresh episodes the constructor reset them to and the replay buffer
    // starts empty (see OffPolicyAlgorithm.saveAlgoState).
  }

  /** The greedy policy as plain layers: action = argmax of the Q-values (the "categorical" export). */
  private policyNetwork(): PolicyNetwork {
    return {
      obsDim: this.env.obsDim,
      distribution: 'categorical',
      actionDim: this.nActions,
      layers: this.net.layerValues().map((l) => ({
        inDim: l.inDim, outDim: l.outDim, activation: l.activation,
        kernel: encodeArray(l.w, [l.inDim, l.outDim]), bias: encodeArray(l.b, [l.outDim]),
      })),
      ...(this.normalizer ? { normalization: this.normalizer.toJSON() } : {}),
    };
  }

  override normalizationState(): VecNormalizeState | undefined {
    return this.normalizer?.toJSON();
  }

  dispose(): void {
    this.optimizer.dispose();
    this.net.dispose();
  }
}

/**
 * The WebAssembly learner where it applies: on the WASM and plain-JS backends (where
 * TensorFlow.js's per-kernel overhead dominates these small networks; native and GPU backends
 * keep their own kernels), unless RL_LAB_WASM_KERNELS=0 (for comparisons), and where the
 * runtime has WebAssembly SIMD.
 */
function dqnLearner(net: QNetwork, batchSize: number, numEnvs: number): WasmQLearner | null {
  const backend = tf.getBackend();
  if (process.env.RL_LAB_WASM_KERNELS === '0' || (backend !== 'wasm' && backend !== 'cpu')) return null;
  return WasmQLearner.create(net, batchSize, numEnvs);
}

function argmaxRow(q: Float32Array, row: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (q[row * n + k] > q[row * n + best]) best = k;
  return best;
}
