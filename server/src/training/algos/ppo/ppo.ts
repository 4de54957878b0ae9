/**
 * Proximal Policy Optimization, clip variant (Schulman et al. 2017), read top to bottom like
 * CleanRL's ppo.py, with SB3's hyperparameter names and rules (minibatch size = batch_size,
 * target_kl stop at 1.5 x target_kl, bootstrapping on time-limit truncation).
 *
 * The rollout (batched inference, sampling, truncation bootstrap, GAE), the minibatch gather,
 * the greedy policy and the common checkpoint state are the on-policy family's
 * (pg/actorCriticBase.ts); this file is the update.
 */
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { builtinTrainingEnv, type TrainingEnv } from '../../envs/trainingEnv';
import { FlatAdam, type FlatOptimizer } from '../../nn/flatOptimizer';
import { jsLossGradient, readHead } from '../../nn/lossHead';
import { wasmKernelTrainer, type WasmActorCriticTrainer } from '../../nn/wasmKernels/actorCriticTrainer';
import { klFromOld } from '../pg/head';
import { adaptKlCoef } from './klPenalty';
import { Rng } from '../../rng';
import { toSchedule, type Schedule } from '../../schedule';
import { isOptimizerState, type AlgoCheckpoint, type PolicyNetwork } from '../checkpoint';
import { ActorCriticBase } from '../pg/actorCriticBase';
import { explainedVariance } from './buffer';
import { ppoLoss, type PolicyHead, type PpoCoefficients, type PpoLossResult, type PpoStats } from './loss';

export { normalize } from './buffer';

export class PPO extends ActorCriticBase {
  // ---- hyperparameters (SB3 names; see server/src/schema/ppo.ts for each one's doc)
  private readonly batchSize: number; // minibatch size
  private readonly nEpochs: number; // passes over each rollout
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

  // ---- state
  private readonly optimizer: FlatAdam;
  /** The update on WebAssembly SIMD kernels (nn/wasmKernels/), null: through TensorFlow.js. */
  private readonly kernels: WasmActorCriticTrainer | null;
  private readonly shuffleRng: Rng;
  private readonly indices: Int32Array;

  /** `env` defaults to the config's built-in environment; the engine passes custom ones. */
  constructor(config: ResolvedConfig, env: TrainingEnv = builtinTrainingEnv(config)) {
    const hp = hyperparametersOf(config, 'ppo');
    super(config, env, { nSteps: hp.n_steps, gamma: hp.gamma, gaeLambda: hp.gae_lambda });
    this.batchSize = hp.batch_size;
    this.nEpochs = hp.n_epochs;
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
    // Adam with eps 1e-5 as CleanRL's ppo.py (the PPO paper's code); SB3 uses PyTorch's 1e-8.
    this.optimizer = new FlatAdam(this.learningRate(1), 1e-5);
    this.kernels = wasmKernelTrainer(this.net);
    this.shuffleRng = Rng.stream(config.seed, 'minibatches');
    this.indices = Int32Array.from({ length: this.buffer.size }, (_, i) => i);
  }

  protected override algoName(): string {
    return 'ppo';
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
    const kernels = this.kernels;
    kernels?.load(this.optimizer); // parameters and Adam's moments stay in the kernels' memory until commit()
    for (let epoch = 0; epoch < this.nEpochs && !stoppedEarly; epoch++) {
      this.shuffleRng.shuffle(this.indices);
      for (let start = 0; start < this.buffer.size; start += this.batchSize) {
        const mb = this.indices.subarray(start, Math.min(start + this.batchSize, this.buffer.size));
        const { obs, batch } = this.gather(mb, this.normalizeAdvantage);
        let result: PpoLossResult | undefined;
        // The PPO loss runs in JS (loss.ts); the networks' forward and backward pass on the
        // WASM kernels (nn/wasmKernels/), or in TensorFlow.js behind a custom-gradient node
        // (nn/lossHead.ts).
        const lossFn = (head: PolicyHead) => (result = ppoLoss(head, batch, coefs));
        const grad = kernels ? null : jsLossGradient(this.net, obs, mb.length, this.env.obsDim, lossFn);
        kernels?.gradient(obs, mb.length, lossFn);
        const stats: PpoStats = result!.stats;
        for (const [k, v] of Object.entries(stats)) sums[k] = (sums[k] ?? 0) + v;
        minibatches++;
        // SB3: skip this step and the remaining epochs once approx_kl > 1.5 * target_kl.
        if (this.targetKl !== null && stats['losses/approx_kl'] > 1.5 * this.targetKl) {
          grad?.dispose();
          stoppedEarly = true;
          break;
        }
        // Global grad-norm clip and the Adam step, in one pass (nn/flatOptimizer.ts; the
        // kernels' `adam` does the same float32 arithmetic in their memory).
        if (kernels) {
          kernels.step(this.maxGradNorm);
        } else {
          this.optimizer.stepClipped(this.net.params, grad!, this.maxGradNorm);
          grad!.dispose();
        }
      }
    }
    kernels?.commit();
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
    const kl = klFromOld(head, { pi: buffer.pi, logStd: this.rolloutLogStd, ...(this.rolloutLogSigma ? { rowLogStd: this.rolloutLogSigma } : {}) }, buffer.size);
    return kl.reduce((a, b) => a + b, 0) / buffer.size;
  }

  // ------------------------------------------------------------------ checkpoints
  protected checkpointOptimizers(): Record<string, FlatOptimizer> {
    return { optimizer: this.optimizer };
  }

  protected override checkpointRngs(): Record<string, Rng> {
    return { minibatches: this.shuffleRng };
  }

  /**
   * PPO's part of a checkpoint (algos/checkpoint.ts), in the format PPO has always written:
   * the family's common state (flat parameters and layout, RNG streams, VecNormalize
   * statistics), Adam's slots under `optimizer` (tf.train.adam's format), the learning rate,
   * kl_penalty's adapted beta, and the policy for export.
   */
  protected override async saveAlgoState(): Promise<{ state: Record<string, unknown>; policy: PolicyNetwork }> {
    const state: Record<string, unknown> = {
      ...this.commonState(),
      optimizer: this.optimizer.saveState(this.net.params.name),
      learningRate: this.optimizer.getLearningRate(),
      klCoef: this.klCoef,
    };
    return { state, policy: this.policyNetwork() };
  }

  protected override async loadAlgoState(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    this.loadCommonState(s);
    if (!isOptimizerState(s.optimizer)) throw new Error('checkpoint has no optimizer state');
    this.optimizer.loadState(s.optimizer, this.convertLayout(s));
    if (typeof s.learningRate === 'number') this.optimizer.setLearningRate(s.learningRate);
    if (typeof s.klCoef === 'number') this.klCoef = s.klCoef;
  }

  override dispose(): void {
    this.optimizer.dispose();
    super.dispose();
  }
}
