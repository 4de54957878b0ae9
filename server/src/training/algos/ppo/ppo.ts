/**
 * Proximal Policy Optimization, clip variant (Schulman et al. 2017), read top to bottom like
 * CleanRL's ppo.py, with SB3's hyperparameter names and rules (minibatch size = batch_size,
 * target_kl stop at 1.5 x target_kl, bootstrapping on time-limit truncation).
 */
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { actionDim } from '../../envs/registry';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import type { BoxSpace } from '../../envs/spaces';
import type { VecEnv, VectorEnv } from '../../envs/vecEnv';
import { frozenObsTransform, VecNormalize, type VecNormalizeState } from '../../envs/vecNormalize';
import { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import { sampleCategorical, sampleGaussian } from '../../nn/distributions';
import { jsLossGradient, readHead } from '../../nn/lossHead';
import { klFromOld } from '../pg/head';
import { adaptKlCoef } from './klPenalty';
import { clipByGlobalNorm, ScheduledAdam } from '../../nn/optimizer';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import type { TrainedPolicy } from '../../types';
import { OnPolicyAlgorithm } from '../onPolicy';
import { assignVariable, encodeArray, encodeTensor, isEncodedArray, isOptimizerState, loadOptimizer, loadRngs, saveOptimizer, saveRngs, type AlgoCheckpoint, type PolicyNetwork } from '../checkpoint';
import { explainedVariance, RolloutBuffer } from './buffer';
import { ppoLoss, type PpoCoefficients, type PpoLossResult, type PpoMinibatch, type PpoStats } from './loss';

export class PPO extends OnPolicyAlgorithm {
  // ---- hyperparameters (SB3 names; see server/src/schema/ppo.ts for each one's doc)
  private readonly nSteps: number; // steps per env per rollout
  private readonly batchSize: number; // minibatch size
  private readonly nEpochs: number; // passes over each rollout
  private readonly gamma: number; // discount
  private readonly gaeLambda: number; // GAE bias/variance trade-off
  private readonly learningRate: Schedule;
  private readonly clipRange: Schedule; // PPO epsilon
  private readonly clipRangeVf: Schedule | null; // value clipping, null = off
  private readonly normalizeAdvantage: boolean;
  private readonly entCoef: number; // entropy bonus weight
  private readonly vfCoef: number; // value loss weight
  private readonly maxGradNorm: number; // global gradient-norm clip
  private readonly targetKl: number | null; // early stop of the epochs
  /** kl_penalty mode: d_targ; null in clip mode. */
  private readonly klTarget: number | null;
  /** kl_penalty mode: the current beta (adapted after every update). */
  private klCoef: number;
  /** Gaussian: the log std of the last rollout (the old policy of the KL penalty). */
  private rolloutLogStd: Float32Array | null = null;

  // ---- state
  /** The vectorized env, wrapped in VecNormalize when `normalize` is on (then obs and rewards are normalized). */
  private readonly env: VectorEnv;
  private readonly normalizer: VecNormalize | null;
  private readonly envId: string;
  /** The unwrapped copies (their reset RNG is part of a checkpoint). */
  private readonly vecEnv: VecEnv;
  private readonly net: ActorCritic;
  private readonly actor: RolloutActor;
  private readonly optimizer: ScheduledAdam;
  private readonly buffer: RolloutBuffer;
  private readonly actionDim: number;
  private readonly actionBounds: BoxSpace | null;
  private readonly actionRng: Rng;
  private readonly shuffleRng: Rng;
  // Scratch arrays reused every step / minibatch (no allocation in the hot loops).
  private readonly piOut: Float32Array;
  private readonly valueOut: Float32Array;
  private readonly envActions: Float32Array;
  private readonly indices: Int32Array;

  /** `env` defaults to the config's built-in environment; the engine passes custom ones. */
  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    super(config.n_timesteps);
    const hp = hyperparametersOf(config, 'ppo');
    this.nSteps = hp.n_steps;
    this.batchSize = hp.batch_size;
    this.nEpochs = hp.n_epochs;
    this.gamma = hp.gamma;
    this.gaeLambda = hp.gae_lambda;
    this.learningRate = toSchedule(hp.learning_rate);
    this.clipRange = toSchedule(hp.clip_range);
    this.clipRangeVf = hp.clip_range_vf === null ? null : toSchedule(hp.clip_range_vf);
    this.normalizeAdvantage = hp.normalize_advantage;
    this.entCoef = hp.ent_coef;
    this.vfCoef = hp.vf_coef;
    this.maxGradNorm = hp.max_grad_norm;
    this.targetKl = hp.target_kl;
    this.klTarget = hp.ppo_mode === 'kl_penalty' ? (hp.kl_target ?? 0.01) : null;
    this.klCoef = hp.kl_coef ?? 1;

    const spec = env.spec;
    const nEnvs = config.n_envs;
    const vecEnv = env.makeVecEnv(nEnvs, config.seed);
    this.vecEnv = vecEnv;
    this.envId = config.env;
    this.normalizer = config.normalize ? new VecNormalize(vecEnv, config.normalize) : null;
    this.env = this.normalizer ?? vecEnv;
    this.actionDim = actionDim(spec);
    this.actionBounds = spec.actionSpace.kind === 'box' ? spec.actionSpace : null;
    this.net = new ActorCritic(this.env.obsDim, spec.actionSpace, config.policy_kwargs, Rng.stream(config.seed, 'init'));
    this.actor = new RolloutActor(this.net);
    this.optimizer = new ScheduledAdam(this.learningRate(1));
    // The KL penalty needs the rollout policy's outputs per row.
    this.buffer = new RolloutBuffer(this.nSteps, nEnvs, this.env.obsDim, this.actionDim, this.klTarget !== null ? this.net.piDim : 0);
    this.actionRng = Rng.stream(config.seed, 'actions');
    this.shuffleRng = Rng.stream(config.seed, 'minibatches');

    this.piOut = new Float32Array(nEnvs * this.net.piDim);
    this.valueOut = new Float32Array(nEnvs);
    this.envActions = new Float32Array(nEnvs * this.actionDim);
    this.indices = Int32Array.from({ length: this.buffer.size }, (_, i) => i);
    this.env.reset();
  }

  // ------------------------------------------------------------------ rollout
  protected collectRollouts(): void {
    const { env, buffer, actor, net } = this;
    const n = env.numEnvs;
    const obsDim = env.obsDim;
    const logStd = actor.logStd(); // gaussian: constant during the rollout
    this.rolloutLogStd = logStd;
    const keepPi = buffer.pi.length > 0;
    for (let step = 0; step < this.nSteps; step++) {
      const row = step * n;
      buffer.obs.set(env.obs, row * obsDim);

      // One batched forward pass for all envs, then sampling in JS.
      actor.act(env.obs, n, obsDim, this.piOut, this.valueOut);
      buffer.values.set(this.valueOut, row);
      if (keepPi) buffer.pi.set(this.piOut, row * net.piDim);
      if (net.distribution === 'categorical') {
        sampleCategorical(this.piOut, n, net.piDim, this.actionRng, buffer.actions, buffer.logProbs, row);
        this.envActions.set(buffer.actions.subarray(row, row + n));
      } else {
        sampleGaussian(this.piOut, logStd!, n, net.piDim, this.actionRng, buffer.actions, buffer.logProbs, row);
        // The buffer keeps the raw sample (its log-prob is what the loss needs); the env gets
        // it clipped to the Box bounds, as SB3 does.
        const raw = buffer.actions.subarray(row * this.actionDim, (row + n) * this.actionDim);
        const { low, high } = this.actionBounds!;
        for (let k = 0; k < raw.length; k++) {
          const d = k % this.actionDim;
          this.envActions[k] = Math.min(Math.max(raw[k], low[d]), high[d]);
        }
      }

      env.step(this.envActions, this.actionDim);
      this.globalStep += n;

      for (let i = 0; i < n; i++) {
        buffer.rewards[row + i] = env.rewards[i];
        buffer.dones[row + i] = env.terminated[i] | env.truncated[i];
      }
      this.bootstrapTruncated(row);
      for (const episode of env.finished) this.recordEpisode(episode);
    }
    const lastValues = actor.values(env.obs, n, obsDim);
    buffer.computeReturnsAndAdvantages(lastValues, this.gamma, this.gaeLambda);
  }

  /**
   * A time-limit cut is not a terminal state: the return continues past it, so its value is
   * estimated by V(final obs) and folded into the reward, r += gamma * V(s_final) (SB3's rule).
   * A real termination gets no bootstrap.
   */
  private bootstrapTruncated(row: number): void {
    const { env } = this;
    const cut: number[] = [];
    for (let i = 0; i < env.numEnvs; i++) if (env.truncated[i] && !env.terminated[i]) cut.push(i);
    if (!cut.length) return;
    const obs = new Float32Array(cut.length * env.obsDim);
    cut.forEach((i, j) => obs.set(env.finalObs.subarray(i * env.obsDim, (i + 1) * env.obsDim), j * env.obsDim));
    const values = this.actor.values(obs, cut.length, env.obsDim);
    cut.forEach((i, j) => (this.buffer.rewards[row + i] += this.gamma * values[j]));
  }

  // ------------------------------------------------------------------ update
  protected train(progressRemaining: number): Record<string, number> {
    const learningRate = this.learningRate(progressRemaining);
    const clipRange = this.clipRange(progressRemaining);
    const clipRangeVf = this.clipRangeVf ? this.clipRangeVf(progressRemaining) : null;
    this.optimizer.setLearningRate(learningRate);

    const coefs: PpoCoefficients = { clipRange, clipRangeVf, entCoef: this.entCoef, vfCoef: this.vfCoef };
    if (this.klTarget !== null) coefs.klCoef = this.klCoef;
    const sums: Record<string, number> = {};
    let minibatches = 0;
    let stoppedEarly = false;
    for (let epoch = 0; epoch < this.nEpochs && !stoppedEarly; epoch++) {
      this.shuffleRng.shuffle(this.indices);
      for (let start = 0; start < this.buffer.size; start += this.batchSize) {
        const mb = this.indices.subarray(start, Math.min(start + this.batchSize, this.buffer.size));
        const { grads, stats } = this.minibatchGradients(mb, coefs);
        for (const [k, v] of Object.entries(stats)) sums[k] = (sums[k] ?? 0) + v;
        minibatches++;
        // SB3: skip this step and the remaining epochs once approx_kl > 1.5 * target_kl.
        if (this.targetKl !== null && stats['losses/approx_kl'] > 1.5 * this.targetKl) {
          grads.dispose();
          stoppedEarly = true;
          break;
        }
        this.optimizer.applyGradients([{ name: this.net.params.name, tensor: grads }]);
        grads.dispose();
      }
    }
    this.actor.invalidate();

    // Means over all minibatches of the update, as SB3 logs them.
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) metrics[k] = v / minibatches;
    metrics['losses/explained_variance'] = explainedVariance(this.buffer.values, this.buffer.returns);
    metrics['charts/learning_rate'] = learningRate;
    metrics['charts/clip_range'] = clipRange;
    if (this.targetKl !== null) metrics['charts/stopped_early'] = stoppedEarly ? 1 : 0;
    if (this.klTarget !== null) {
      // The paper's adaptive rule on the exact mean KL of the whole rollout after the update.
      const kl = this.rolloutKl();
      metrics['charts/kl_coef'] = this.klCoef;
      metrics['losses/kl'] = kl;
      this.klCoef = adaptKlCoef(this.klCoef, kl, this.klTarget);
    }
    return metrics;
  }

  /** Mean KL[pi_rollout || pi_current] over the rollout buffer (one forward pass). */
  private rolloutKl(): number {
    const { buffer } = this;
    const head = readHead(this.net, buffer.obs, buffer.size, this.env.obsDim);
    const kl = klFromOld(head, { pi: buffer.pi, logStd: this.rolloutLogStd }, buffer.size);
    return kl.reduce((a, b) => a + b, 0) / buffer.size;
  }

  /**
   * Loss, statistics and the clipped gradient for one minibatch (rows of the buffer); the PPO
   * loss runs in JS (loss.ts) behind a custom-gradient node (nn/lossHead.ts).
   */
  private minibatchGradients(mb: Int32Array, coefs: PpoCoefficients): { grads: tf.Tensor; stats: PpoStats } {
    const { obs, batch } = this.gather(mb);
    let result: PpoLossResult | undefined;
    const raw = jsLossGradient(this.net, obs, mb.length, this.env.obsDim, (head) => (result = ppoLoss(head, batch, coefs)));
    const grads = clipByGlobalNorm(raw, this.maxGradNorm);
    raw.dispose();
    return { grads, stats: result!.stats };
  }

  /** Copies the minibatch rows out of the buffer; normalizes advantages per minibatch. */
  private gather(mb: Int32Array): { obs: Float32Array; batch: PpoMinibatch } {
    const { buffer, env, actionDim } = this;
    const m = mb.length;
    const obsDim = env.obsDim;
    const obs = new Float32Array(m * obsDim);
    const batch: PpoMinibatch = {
      rows: m,
      actions: new Float32Array(m * actionDim),
      oldLogProbs: new Float32Array(m),
      advantages: new Float32Array(m),
      returns: new Float32Array(m),
      oldValues: new Float32Array(m),
    };
    const piDim = this.net.piDim;
    if (buffer.pi.length) batch.old = { pi: new Float32Array(m * piDim), logStd: this.rolloutLogStd };
    for (let j = 0; j < m; j++) {
      const k = mb[j];
      batch.old?.pi.set(buffer.pi.subarray(k * piDim, (k + 1) * piDim), j * piDim);
      obs.set(buffer.obs.subarray(k * obsDim, (k + 1) * obsDim), j * obsDim);
      batch.actions.set(buffer.actions.subarray(k * actionDim, (k + 1) * actionDim), j * actionDim);
      batch.oldLogProbs[j] = buffer.logProbs[k];
      batch.advantages[j] = buffer.advantages[k];
      batch.returns[j] = buffer.returns[k];
      batch.oldValues[j] = buffer.values[k];
    }
    if (this.normalizeAdvantage && m > 1) normalize(batch.advantages);
    return { obs, batch };
  }

  /** Greedy actions from the current network: argmax logits, or the mean clipped to the Box. */
  override trainedPolicy(): TrainedPolicy {
    const pi = new Float32Array(this.net.piDim);
    const value = new Float32Array(1);
    const action = new Float32Array(this.actionDim);
    return {
      actDeterministic: (obs) => {
        this.actor.act(obs, 1, this.env.obsDim, pi, value);
        if (this.net.distribution === 'categorical') {
          let best = 0;
          for (let k = 1; k < pi.length; k++) if (pi[k] > pi[best]) best = k;
          action[0] = best;
        } else {
          const { low, high } = this.actionBounds!;
          for (let d = 0; d < action.length; d++) action[d] = Math.min(Math.max(pi[d], low[d]), high[d]);
        }
        return action;
      },
      ...(this.normalizer ? { transformObs: frozenObsTransform(this.normalizer.toJSON()) } : {}),
    };
  }

  // ------------------------------------------------------------------ checkpoints
  protected override algoName(): string {
    return 'ppo';
  }
  protected override envName(): string {
    return this.envId;
  }

  /**
   * PPO's part of a checkpoint (algos/checkpoint.ts): the flat parameter vector (with its
   * layout, which depends on the backend), Adam's moments and step count, the action,
   * minibatch and env-reset RNG streams and the VecNormalize statistics. The rollout buffer
   * is not saved: a checkpoint is taken between updates, when it holds nothing still needed.
   */
  protected override saveAlgoState(): Promise<{ state: Record<string, unknown>; policy: PolicyNetwork }> {
    return this.savePpoState();
  }

  private async savePpoState(): Promise<{ state: Record<string, unknown>; policy: PolicyNetwork }> {
    const state: Record<string, unknown> = {
      params: encodeTensor(this.net.params),
      merged: this.net.merged,
      optimizer: await saveOptimizer(this.optimizer),
      rng: saveRngs({ actions: this.actionRng, minibatches: this.shuffleRng, envReset: this.vecEnv.rng }),
      normalization: this.normalizer?.toJSON() ?? null,
      learningRate: this.optimizer.getLearningRate(),
      klCoef: this.klCoef, // kl_penalty mode's adapted beta
    };
    return { state, policy: this.policyNetwork() };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    if (!isEncodedArray(s.params)) throw new Error('checkpoint has no PPO parameters');
    if (s.merged !== this.net.merged) {
      // The merged (block-diagonal) layout is chosen by backend; the flat vectors differ.
      throw new Error(`checkpoint was saved with the ${s.merged ? 'merged' : 'separate'} network layout; this backend uses the ${this.net.merged ? 'merged' : 'separate'} one (resume on the backend the run trained with)`);
    }
    assignVariable(this.net.params, s.params, 'parameters');
    this.actor.invalidate();
    if (!isOptimizerState(s.optimizer)) throw new Error('checkpoint has no optimizer state');
    await loadOptimizer(this.optimizer, s.optimizer);
    if (typeof s.learningRate === 'number') this.optimizer.setLearningRate(s.learningRate);
    if (typeof s.klCoef === 'number') this.klCoef = s.klCoef;
    loadRngs({ actions: this.actionRng, minibatches: this.shuffleRng, envReset: this.vecEnv.rng }, s.rng);
    if (this.normalizer) {
      const saved = s.normalization as VecNormalizeState | null;
      if (!saved) throw new Error('checkpoint has no normalization statistics, but the config normalizes');
      const { obsRms, retRms } = this.normalizer.normalizer;
      obsRms.mean.set(saved.obsRms.mean);
      obsRms.var.set(saved.obsRms.var);
      obsRms.count = saved.obsRms.count;
      retRms.mean.set(saved.retRms.mean);
      retRms.var.set(saved.retRms.var);
      retRms.count = saved.retRms.count;
    }
    // The envs keep the fresh episodes the constructor reset them to (the episode in progress
    // at the checkpoint is not saved; SB3 also resets envs when learning resumes); the reset
    // stream continues from the saved state. Their first observations are normalized again
    // with the restored statistics.
    if (this.normalizer) {
      this.normalizer.obs.set(this.normalizer.originalObs);
      this.normalizer.normalizer.normalizeObs(this.normalizer.obs, this.normalizer.numEnvs);
    }
  }

  /** The deterministic policy as plain layers, for the TensorFlow.js export. */
  private policyNetwork(): PolicyNetwork {
    const layers = this.net.actorLayers().map((l) => ({
      inDim: l.inDim,
      outDim: l.outDim,
      activation: l.activation,
      kernel: encodeArray(l.w, [l.inDim, l.outDim]),
      bias: encodeArray(l.b, [l.outDim]),
    }));
    return {
      obsDim: this.env.obsDim,
      distribution: this.net.distribution,
      actionDim: this.net.piDim,
      ...(this.actionBounds ? { actionLow: Array.from(this.actionBounds.low), actionHigh: Array.from(this.actionBounds.high) } : {}),
      layers,
      ...(this.normalizer ? { normalization: this.normalizer.toJSON() } : {}),
    };
  }

  /** The VecNormalize statistics, when normalization is on (saved as normalization.json). */
  override normalizationState(): VecNormalizeState | undefined {
    return this.normalizer?.toJSON();
  }

  dispose(): void {
    this.actor.dispose();
    this.optimizer.dispose();
    this.net.dispose();
  }
}

/** (A - mean) / (std + 1e-8) with the unbiased std, as torch's .std() in SB3 and CleanRL. */
export function normalize(x: Float32Array): void {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (x[i] - mean) ** 2;
  const std = Math.sqrt(sq / (n - 1));
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / (std + 1e-8);
}
