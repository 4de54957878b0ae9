/**
 * What A2C, NPG, TRPO and REINFORCE share with PPO's rollout: the (optionally normalized)
 * vectorized env, SB3's MlpPolicy actor-critic (nn/actorCritic.ts), sampling actions in JS,
 * bootstrapping time-limit truncations, the n_steps x n_envs rollout buffer with GAE, the
 * greedy policy for evaluation and the normalization statistics saved with the run.
 */
import type { ResolvedConfig } from '../../../schema';
import { actionDim } from '../../envs/registry';
import type { BoxSpace } from '../../envs/spaces';
import type { TrainingEnv } from '../../envs/trainingEnv';
import type { VecEnv, VectorEnv } from '../../envs/vecEnv';
import { frozenObsTransform, VecNormalize, type VecNormalizeState } from '../../envs/vecNormalize';
import { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import { sampleCategorical, sampleGaussian } from '../../nn/distributions';
import type { FlatOptimizer } from '../../nn/flatOptimizer';
import { Rng } from '../../rng';
import type { TrainedPolicy } from '../../types';
import { assignVariable, encodeTensor, isEncodedArray, loadRngs, saveRngs, type AlgoCheckpoint } from '../checkpoint';
import { OnPolicyAlgorithm } from '../onPolicy';
import { RolloutBuffer } from '../ppo/buffer';
import type { PpoMinibatch } from '../ppo/loss';
import { normalize } from '../ppo/ppo';

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
  /** Gaussian: the log std the last rollout sampled with (the old policy's). */
  protected rolloutLogStd: Float32Array | null = null;
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
    this.net = new ActorCritic(this.env.obsDim, spec.actionSpace, config.policy_kwargs, Rng.stream(config.seed, 'init'), opts.separateNetworks ? { merged: false } : {});
    this.actor = new RolloutActor(this.net);
    this.buffer = new RolloutBuffer(this.nSteps, nEnvs, this.env.obsDim, this.actionDim, this.net.piDim);
    this.actionRng = Rng.stream(config.seed, 'actions');
    this.piOut = new Float32Array(nEnvs * this.net.piDim);
    this.valueOut = new Float32Array(nEnvs);
    this.envActions = new Float32Array(nEnvs * this.actionDim);
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
   */
  protected sampleActions(actions: Float32Array, logProbs: Float32Array, offset: number): void {
    const { env, net } = this;
    const n = env.numEnvs;
    this.actor.act(env.obs, n, env.obsDim, this.piOut, this.valueOut);
    if (net.distribution === 'categorical') {
      sampleCategorical(this.piOut, n, net.piDim, this.actionRng, actions, logProbs, offset);
      this.envActions.set(actions.subarray(offset, offset + n));
    } else {
      sampleGaussian(this.piOut, this.rolloutLogStd!, n, net.piDim, this.actionRng, actions, logProbs, offset);
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
    for (let step = 0; step < this.nSteps; step++) {
      const row = step * n;
      buffer.obs.set(env.obs, row * obsDim);
      this.sampleActions(buffer.actions, buffer.logProbs, row);
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
      old: { pi: new Float32Array(m * piDim), logStd: this.rolloutLogStd },
    };
    for (let j = 0; j < m; j++) {
      const k = rows[j];
      obs.set(buffer.obs.subarray(k * obsDim, (k + 1) * obsDim), j * obsDim);
      batch.actions.set(buffer.actions.subarray(k * actionDim, (k + 1) * actionDim), j * actionDim);
      batch.old!.pi.set(buffer.pi.subarray(k * piDim, (k + 1) * piDim), j * piDim);
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
   * A checkpoint between updates (algos/checkpoint.ts): the flat parameters and their layout,
   * each optimizer's state, the random streams and the VecNormalize statistics. Nothing of
   * the rollout is needed: the next update collects a new one.
   */
  protected override async saveAlgoState(): Promise<{ state: Record<string, unknown> }> {
    const optimizers: Record<string, unknown> = {};
    for (const [name, o] of Object.entries(this.checkpointOptimizers())) optimizers[name] = await o.save();
    return {
      state: {
        params: encodeTensor(this.net.params),
        merged: this.net.merged,
        optimizers,
        rng: saveRngs({ actions: this.actionRng, envReset: this.vecEnv.rng, ...this.checkpointRngs() }),
        normalization: this.normalizer?.toJSON() ?? null,
      },
    };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    if (!isEncodedArray(s.params)) throw new Error('checkpoint has no network parameters');
    if (s.merged !== this.net.merged) {
      throw new Error(`checkpoint was saved with the ${s.merged ? 'merged' : 'separate'} network layout; this backend uses the ${this.net.merged ? 'merged' : 'separate'} one (resume on the backend the run trained with)`);
    }
    assignVariable(this.net.params, s.params, 'parameters');
    this.actor.invalidate();
    const optimizers = (s.optimizers ?? {}) as Record<string, unknown>;
    for (const [name, o] of Object.entries(this.checkpointOptimizers())) {
      if (!(name in optimizers)) throw new Error(`checkpoint has no state for the optimizer '${name}'`);
      await o.load(optimizers[name]);
    }
    loadRngs({ actions: this.actionRng, envReset: this.vecEnv.rng, ...this.checkpointRngs() }, s.rng);
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
      // The fresh episodes' first observations, normalized with the restored statistics (as PPO).
      this.normalizer.obs.set(this.normalizer.originalObs);
      this.normalizer.normalizer.normalizeObs(this.normalizer.obs, this.normalizer.numEnvs);
    }
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
