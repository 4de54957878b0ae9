/**
 * What the on-policy family (PPO, A2C, NPG, TRPO, REINFORCE, A3C's workers) shares: the
 * (optionally normalized) vectorized env, SB3's MlpPolicy actor-critic (nn/actorCritic.ts),
 * one batched forward pass per step for all envs (plain JS for small batches, see
 * RolloutActor), sampling actions in JS, bootstrapping time-limit truncations, the
 * n_steps x n_envs rollout buffer with GAE, minibatch gathering, the greedy policy for
 * evaluation and export, and the common checkpoint state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GsdeHyperparameters, ResolvedConfig } from '../../../schema';
import { actionDim } from '../../envs/registry';
import type { BoxSpace } from '../../envs/spaces';
import type { TrainingEnv } from '../../envs/trainingEnv';
import type { VecEnv, VectorEnv } from '../../envs/vecEnv';
import { frozenObsTransform, VecNormalize, type VecNormalizeState } from '../../envs/vecNormalize';
import { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import { sampleCategorical, sampleGaussian } from '../../nn/distributions';
import { GsdeExploration, gsdeLogSigma, sampleGsdeActions } from '../../nn/gsde';
import type { FlatOptimizer } from '../../nn/flatOptimizer';
import { Rng } from '../../rng';
import type { TrainedPolicy } from '../../types';
import { decodeFloat32, encodeArray, encodeTensor, isEncodedArray, loadRngs, saveRngs, type AlgoCheckpoint, type PolicyNetwork } from '../checkpoint';
import { OnPolicyAlgorithm } from '../onPolicy';
import { normalize, RolloutBuffer } from '../ppo/buffer';
import type { PpoMinibatch } from '../ppo/loss';

export interface RolloutOptions {
  /** Steps per env per rollout (0: the subclass collects its own way, e.g. whole episodes). */
  nSteps: number;
  gamma: number;
  gaeLambda: number;
  /** Force the separate (unmerged) actor/critic layout, e.g. for forward-mode products over the actor. */
  separateNetworks?: boolean;
}

export abstract class ActorCriticBase extends OnPolicyAlgorithm {
  protected readonly nSteps: number;
  protected readonly gamma: number;
  protected readonly gaeLambda: number;
  protected readonly env: VectorEnv;
  /** The unwrapped copies (their reset RNG is part of a checkpoint). */
  private readonly vecEnv: VecEnv;
  protected readonly normalizer: VecNormalize | null;
  protected readonly net: ActorCritic;
  protected readonly actor: RolloutActor;
  protected readonly buffer: RolloutBuffer;
  protected readonly actionDim: number;
  protected readonly actionBounds: BoxSpace | null;
  protected readonly actionRng: Rng;
  protected readonly envId: string;
  /** Gaussian: the log std the last rollout sampled with (the old policy's; gSDE: the log-std matrix). */
  protected rolloutLogStd: Float32Array | null = null;
  /**
   * gSDE (use_sde, nn/gsde.ts): the per-env exploration matrices, their random stream, the
   * resampling period (sde_sample_freq, -1 = once per rollout), the latent features of the
   * current step and the rollout's log sigma per row (buffer.size x piDim, the old policy's).
   */
  protected readonly exploration: GsdeExploration | null = null;
  private readonly sdeRng: Rng;
  private readonly sdeSampleFreq: number;
  private readonly latentOut: Float32Array | null = null;
  protected readonly rolloutLogSigma: Float32Array | null = null;
  // Scratch arrays reused every step.
  protected readonly piOut: Float32Array;
  protected readonly valueOut: Float32Array;
  protected readonly envActions: Float32Array;

  constructor(config: ResolvedConfig, trainingEnv: TrainingEnv, opts: RolloutOptions) {
    super(config.n_timesteps);
    this.nSteps = opts.nSteps;
    this.gamma = opts.gamma;
    this.gaeLambda = opts.gaeLambda;
    this.envId = config.env;
    const spec = trainingEnv.spec;
    const nEnvs = config.n_envs;
    const vecEnv = trainingEnv.makeVecEnv(nEnvs, config.seed);
    this.vecEnv = vecEnv;
    this.normalizer = config.normalize ? new VecNormalize(vecEnv, config.normalize) : null;
    this.env = this.normalizer ?? vecEnv;
    this.actionDim = actionDim(spec);
    this.actionBounds = spec.actionSpace.kind === 'box' ? spec.actionSpace : null;
    // gSDE, as SB3's ActorCriticPolicy: full_std True and use_expln False unless policy_kwargs say otherwise.
    const sde = config.hyperparameters as GsdeHyperparameters;
    const gsde = sde.use_sde ? { fullStd: config.policy_kwargs.full_std ?? true, useExpln: config.policy_kwargs.use_expln ?? false } : undefined;
    this.net = new ActorCritic(this.env.obsDim, spec.actionSpace, config.policy_kwargs, Rng.stream(config.seed, 'init'), {
      ...(opts.separateNetworks ? { merged: false } : {}),
      ...(gsde ? { gsde } : {}),
    });
    this.actor = new RolloutActor(this.net);
    this.buffer = new RolloutBuffer(this.nSteps, nEnvs, this.env.obsDim, this.actionDim, this.net.piDim);
    this.actionRng = Rng.stream(config.seed, 'actions');
    this.piOut = new Float32Array(nEnvs * this.net.piDim);
    this.valueOut = new Float32Array(nEnvs);
    this.envActions = new Float32Array(nEnvs * this.actionDim);
    this.sdeRng = Rng.stream(config.seed, 'gsde');
    this.sdeSampleFreq = sde.sde_sample_freq ?? -1;
    if (this.net.gsde) {
      const { latentDim } = this.net.gsde;
      this.exploration = new GsdeExploration(latentDim, this.net.piDim, this.net.gsde, nEnvs);
      this.latentOut = new Float32Array(nEnvs * latentDim);
      this.rolloutLogSigma = new Float32Array(this.buffer.size * this.net.piDim);
    }
    this.env.reset();
  }

  protected override envName(): string {
    return this.envId;
  }

  /**
   * One forward pass for all envs on env.obs and one sampled action per env: writes the raw
   * actions and their log-probabilities at row `offset` of the given arrays, V(s) into
   * valueOut, the policy outputs into piOut, and the actions the env gets (Box: clipped to
   * the bounds, as SB3 does; the raw sample is what the loss needs) into envActions.
   * gSDE: a = mu + z @ M_env (nn/gsde.ts); `logSigmaOut` receives log sigma per row at `offset`.
   */
  protected sampleActions(actions: Float32Array, logProbs: Float32Array, offset: number, logSigmaOut?: Float32Array): void {
    const { env, net } = this;
    const n = env.numEnvs;
    this.actor.act(env.obs, n, env.obsDim, this.piOut, this.valueOut, this.latentOut ?? undefined);
    if (net.distribution === 'categorical') {
      sampleCategorical(this.piOut, n, net.piDim, this.actionRng, actions, logProbs, offset);
      this.envActions.set(actions.subarray(offset, offset + n));
    } else {
      if (net.gsde) {
        const z = this.latentOut!;
        const logSigma = gsdeLogSigma(z, n, net.gsde.latentDim, this.rolloutLogStd!, net.piDim, net.gsde);
        sampleGsdeActions(this.piOut, z, n, net.gsde.latentDim, net.piDim, logSigma, this.exploration!.matrices, actions, logProbs, offset, logSigmaOut);
      } else {
        sampleGaussian(this.piOut, this.rolloutLogStd!, n, net.piDim, this.actionRng, actions, logProbs, offset);
      }
      const raw = actions.subarray(offset * this.actionDim, (offset + n) * this.actionDim);
      const { low, high } = this.actionBounds!;
      for (let k = 0; k < raw.length; k++) {
        const d = k % this.actionDim;
        this.envActions[k] = Math.min(Math.max(raw[k], low[d]), high[d]);
      }
    }
  }

  /** The n_steps x n_envs rollout with GAE (as PPO.collectRollouts). */
  protected collectRollouts(): void {
    const { env, buffer } = this;
    const n = env.numEnvs;
    const obsDim = env.obsDim;
    this.rolloutLogStd = this.actor.logStd();
    // gSDE: fresh exploration matrices for every rollout, and every sde_sample_freq steps (SB3).
    if (this.exploration) this.exploration.resample(this.rolloutLogStd!, this.sdeRng);
    for (let step = 0; step < this.nSteps; step++) {
      const row = step * n;
      if (this.exploration && this.sdeSampleFreq > 0 && step % this.sdeSampleFreq === 0) this.exploration.resample(this.rolloutLogStd!, this.sdeRng);
      buffer.obs.set(env.obs, row * obsDim);
      this.sampleActions(buffer.actions, buffer.logProbs, row, this.rolloutLogSigma ?? undefined);
      buffer.values.set(this.valueOut, row);
      buffer.pi.set(this.piOut, row * this.net.piDim);

      env.step(this.envActions, this.actionDim);
      this.globalStep += n;
      for (let i = 0; i < n; i++) {
        buffer.rewards[row + i] = env.rewards[i];
        buffer.dones[row + i] = env.terminated[i] | env.truncated[i];
      }
      const cut = this.truncatedValues();
      for (const [i, v] of cut) buffer.rewards[row + i] += this.gamma * v;
      for (const episode of env.finished) this.recordEpisode(episode);
    }
    const lastValues = this.actor.values(env.obs, n, obsDim);
    buffer.computeReturnsAndAdvantages(lastValues, this.gamma, this.gaeLambda);
  }

  /**
   * V(final obs) of the envs whose episode was cut by the time limit in the last step (not
   * terminated): the return continues past a truncation, so r += gamma * V(s_final) (SB3).
   */
  protected truncatedValues(): [number, number][] {
    const { env } = this;
    const cut: number[] = [];
    for (let i = 0; i < env.numEnvs; i++) if (env.truncated[i] && !env.terminated[i]) cut.push(i);
    if (!cut.length) return [];
    const obs = new Float32Array(cut.length * env.obsDim);
    cut.forEach((i, j) => obs.set(env.finalObs.subarray(i * env.obsDim, (i + 1) * env.obsDim), j * env.obsDim));
    const values = this.actor.values(obs, cut.length, env.obsDim);
    return cut.map((i, j) => [i, values[j]]);
  }

  /** Rows of the buffer as a minibatch (obs separately); advantages normalized when asked. */
  protected gather(rows: ArrayLike<number>, normalizeAdvantage: boolean): { obs: Float32Array; batch: PpoMinibatch } {
    const { buffer, actionDim } = this;
    const { obsDim } = this.env;
    const piDim = this.net.piDim;
    const m = rows.length;
    const obs = new Float32Array(m * obsDim);
    const batch: PpoMinibatch = {
      rows: m,
      actions: new Float32Array(m * actionDim),
      oldLogProbs: new Float32Array(m),
      advantages: new Float32Array(m),
      returns: new Float32Array(m),
      oldValues: new Float32Array(m),
      old: { pi: new Float32Array(m * piDim), logStd: this.rolloutLogStd, ...(this.rolloutLogSigma ? { rowLogStd: new Float32Array(m * piDim) } : {}) },
    };
    const oldLogSigma = batch.old!.rowLogStd as Float32Array | undefined;
    for (let j = 0; j < m; j++) {
      const k = rows[j];
      obs.set(buffer.obs.subarray(k * obsDim, (k + 1) * obsDim), j * obsDim);
      batch.actions.set(buffer.actions.subarray(k * actionDim, (k + 1) * actionDim), j * actionDim);
      batch.old!.pi.set(buffer.pi.subarray(k * piDim, (k + 1) * piDim), j * piDim);
      if (oldLogSigma) oldLogSigma.set(this.rolloutLogSigma!.subarray(k * piDim, (k + 1) * piDim), j * piDim);
      batch.oldLogProbs[j] = buffer.logProbs[k];
      batch.advantages[j] = buffer.advantages[k];
      batch.returns[j] = buffer.returns[k];
      batch.oldValues[j] = buffer.values[k];
    }
    if (normalizeAdvantage && m > 1) normalize(batch.advantages);
    return { obs, batch };
  }

  // ------------------------------------------------------------------ checkpoints
  /** The optimizers to save, by name (subclasses list theirs). */
  protected abstract checkpointOptimizers(): Record<string, FlatOptimizer>;

  /** The random streams to save beyond the action and env-reset ones. */
  protected checkpointRngs(): Record<string, Rng> {
    return {};
  }

  /**
   * A checkpoint between updates (algos/checkpoint.ts): the common state, each optimizer's
   * state and the policy for export. Nothing of the rollout is needed: the next update
   * collects a new one.
   */
  protected override async saveAlgoState(): Promise<{ state: Record<string, unknown>; policy: PolicyNetwork }> {
    const optimizers: Record<string, unknown> = {};
    for (const [name, o] of Object.entries(this.checkpointOptimizers())) optimizers[name] = await o.save();
    return { state: { ...this.commonState(), optimizers }, policy: this.policyNetwork() };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    this.loadCommonState(s);
    const optimizers = (s.optimizers ?? {}) as Record<string, unknown>;
    for (const [name, o] of Object.entries(this.checkpointOptimizers())) {
      if (!(name in optimizers)) throw new Error(`checkpoint has no state for the optimizer '${name}'`);
      await o.load(optimizers[name], this.convertLayout(s));
    }
  }

  /** Re-lays out a flat vector saved with a checkpoint's layout (parameters, optimizer slots) for this network. */
  protected convertLayout(s: Record<string, unknown>): (v: Float32Array) => Float32Array {
    const savedMerged = s.merged === true;
    return (v) => this.net.convertLayout(v, savedMerged);
  }

  /** The flat parameters and their layout (which depends on the backend), the random streams and the VecNormalize statistics. */
  protected commonState(): Record<string, unknown> {
    return {
      params: encodeTensor(this.net.params),
      merged: this.net.merged,
      rng: saveRngs({ actions: this.actionRng, envReset: this.vecEnv.rng, ...this.gsdeRngs(), ...this.checkpointRngs() }),
      normalization: this.normalizer?.toJSON() ?? null,
      // gSDE: the exploration matrices in use (the log-std matrix is part of params).
      ...(this.exploration ? { gsde: { matrices: encodeArray(this.exploration.matrices, [this.exploration.count, this.exploration.latentDim, this.exploration.actionDim]) } } : {}),
    };
  }

  /** gSDE's random stream, in checkpoints only when gSDE is on (older checkpoints have none). */
  private gsdeRngs(): Record<string, Rng> {
    return this.exploration ? { gsde: this.sdeRng } : {};
  }

  /** Restores commonState's part of a checkpoint. */
  protected loadCommonState(s: Record<string, unknown>): void {
    if (!isEncodedArray(s.params)) throw new Error('checkpoint has no network parameters');
    // The merged (block-diagonal) layout is chosen by backend: a checkpoint of the other one
    // is re-laid out (ActorCritic.convertLayout), so a run can resume on another backend.
    const params = this.convertLayout(s)(decodeFloat32(s.params));
    const t = tf.tensor1d(params);
    this.net.params.assign(t);
    t.dispose();
    this.actor.invalidate();
    loadRngs({ actions: this.actionRng, envReset: this.vecEnv.rng, ...this.gsdeRngs(), ...this.checkpointRngs() }, s.rng);
    if (this.exploration) {
      const saved = (s.gsde as { matrices?: unknown } | undefined)?.matrices;
      if (!isEncodedArray(saved)) throw new Error('checkpoint has no gSDE exploration matrices, but the config uses use_sde');
      this.exploration.load(decodeFloat32(saved));
    }
    if (this.normalizer) {
      const saved = s.normalization as VecNormalizeState | null;
      if (!saved) throw new Error('checkpoint has no normalization statistics, but the config normalizes');
      // The episode in progress at the checkpoint is not saved (SB3 also resets envs when
      // learning resumes): the fresh episodes' first observations are normalized again.
      this.normalizer.restore(saved);
    }
  }

  /** The deterministic policy as plain layers, for the TensorFlow.js export. */
  protected policyNetwork(): PolicyNetwork {
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

  override normalizationState(): VecNormalizeState | undefined {
    return this.normalizer?.toJSON();
  }

  dispose(): void {
    this.actor.dispose();
    this.net.dispose();
  }
}
