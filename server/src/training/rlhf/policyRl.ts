/**
 * What ppo_rlhf and grpo share: the actor (the model init_from names, usually sft), its frozen
 * reference copy, the reward source and prompt source, sampling a batch of completions with the
 * per-token log-probs of actor and reference, held-out evaluation (eval/reward_mean on the text
 * task, also at step 0: the starting model's reward), saving the actor, and the checkpoint
 * state of the actor, the optimizer and the random streams.
 */
import type { ResolvedConfig } from '../../schema';
import type { LmHyperparameters } from '../../schema/lm';
import { isOptimizerState, loadOptimizer, loadRngs, saveOptimizer, saveRngs } from '../algos/checkpoint';
import { ScheduledAdam } from '../nn/optimizer';
import { Rng } from '../rng';
import { toSchedule, type Schedule } from '../schedule';
import type { TrainHooks } from '../types';
import { completionText, encodePrompt } from './data/sequences';
import { sample, type TransformerLM } from './lm/model';
import { lmHyperparameters, startingModel, taskOf } from './lmConfig';
import { LmStageAlgorithm, type IterationResult } from './lmLoop';
import { actionMask, decodeLm, encodeLm, logProbRows } from './lmTraining';
import { createPromptSource, createRewardSource, type PromptSource, type RewardKeys, type RewardSource, type SampledCompletion } from './rewardSource';
import { evaluateTaskReward, EVAL_PROMPTS } from './sft';
import { writeLineage } from './initFrom';
import { saveStageModel } from './stageModel';
import type { TextTask } from './tasks';
import type { Tokenizer } from './tokenizer';

/** A batch of sampled completions with everything the losses need, per token in tokenLogProbs alignment. */
export interface RolloutBatch {
  completions: SampledCompletion[];
  /** [B][T] right-padded token rows. */
  tokens: number[][];
  /** [B][T-1]: 1 where the scored token was generated. */
  mask: Float32Array[];
  /** log pi_old and log pi_ref of each scored token, [B][T-1]. */
  logProbs: Float32Array[];
  refLogProbs: Float32Array[];
  scores: number[];
  /** Generated tokens per completion (eos included). */
  lengths: number[];
  /** Completions that ran out of max_new_tokens (or context) before eos. */
  truncated: number;
}

/** Evaluations per run (plus one before training). */
const EVALUATIONS = 10;

export abstract class PolicyRlStage extends LmStageAlgorithm {
  protected readonly h: LmHyperparameters;
  protected readonly task: TextTask | undefined;
  protected actor!: TransformerLM;
  protected ref!: TransformerLM;
  protected tokenizer!: Tokenizer;
  protected rewards!: RewardSource;
  protected prompts!: PromptSource;
  protected optimizer!: ScheduledAdam;
  protected readonly lr: Schedule;
  protected readonly sampleRng: Rng;
  protected readonly shuffleRng: Rng;
  private readonly evalRng: Rng;
  private evalPrompts: string[] = [];
  private iterations = 0;
  private startSource = '';

  constructor(config: ResolvedConfig) {
    super(config);
    this.h = lmHyperparameters(config);
    this.task = taskOf(config);
    this.lr = toSchedule(this.h.learning_rate);
    this.sampleRng = Rng.stream(config.seed, 'rlhf-sample');
    this.shuffleRng = Rng.stream(config.seed, 'rlhf-shuffle');
    this.evalRng = Rng.stream(config.seed, 'rlhf-eval');
  }

  protected abstract rewardKeys(): RewardKeys;
  /** Builds the stage's own models (critic) once actor, reference and reward are ready. */
  protected abstract prepareStage(): void;
  /** Completions sampled per iteration. */
  protected abstract completionsPerIteration(): number;

  protected totalSteps(): number {
    return this.config.n_timesteps;
  }

  protected async prepare(hooks: TrainHooks): Promise<void> {
    const start = startingModel(this.config, hooks.runDir);
    this.startSource = start.source;
    this.actor = start.lm;
    this.tokenizer = start.tokenizer;
    this.ref = this.actor.clone();
    this.prompts = createPromptSource(this.config, this.task, this.h.dataset);
    this.rewards = await createRewardSource(this.config, this.rewardKeys(), this.task, this.tokenizer, hooks.runDir);
    writeLineage(hooks.runDir, { model: this.startSource, reward: this.rewards.description });
    this.evalPrompts = this.task ? this.prompts.heldOut(EVAL_PROMPTS) : [];
    // eps 1e-8: PyTorch's Adam default, which TRL's trainers use.
    this.optimizer = new ScheduledAdam(this.lr(1), 1e-8);
    this.prepareStage();
  }

  /** Where the actor and the reward came from (for tests and logs). */
  describeSources(): { actor: string; reward: string } {
    return { actor: this.startSource, reward: this.rewards.description };
  }

  /** Samples one completion per prompt with the actor and scores it; log-probs of actor and reference. */
  protected rollout(prompts: readonly string[]): RolloutBatch {
    const encoded = prompts.map((p) => encodePrompt(this.tokenizer, p));
    const room = this.actor.cfg.contextLength - Math.max(...encoded.map((e) => e.length));
    if (room < 1) throw new Error(`a prompt of ${Math.max(...encoded.map((e) => e.length))} tokens fills the model's context_length ${this.actor.cfg.contextLength}`);
    const { tokens, responseMask } = sample(this.actor, encoded, {
      maxNewTokens: Math.min(this.h.max_new_tokens, room),
      temperature: this.h.temperature,
      topK: this.h.top_k,
      rng: this.sampleRng,
      eosId: this.tokenizer.eosId,
      padId: this.tokenizer.padId,
      bosId: this.tokenizer.bosId,
    });
    const completions = tokens.map((t, i) => ({ prompt: prompts[i], completion: completionText(this.tokenizer, t, responseMask[i]), tokens: t }));
    const scores = this.rewards.score(completions);
    const lengths = responseMask.map((m) => m.reduce((a, b) => a + b, 0));
    const truncated = tokens.filter((t, i) => !t.some((id, j) => responseMask[i][j] === 1 && id === this.tokenizer.eosId)).length;
    return {
      completions,
      tokens,
      mask: actionMask(responseMask),
      logProbs: logProbRows(this.actor, tokens),
      refLogProbs: logProbRows(this.ref, tokens),
      scores,
      lengths,
      truncated,
    };
  }

  /** Metrics every policy stage logs about a rollout batch (TRL names where TRL has them). */
  protected rolloutMetrics(b: RolloutBatch): Record<string, number> {
    const n = b.completions.length;
    const mean = b.scores.reduce((a, x) => a + x, 0) / n;
    const std = Math.sqrt(b.scores.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    let kl = 0;
    let entropy = 0;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < b.mask[i].length; t++) {
        if (!b.mask[i][t]) continue;
        kl += b.logProbs[i][t] - b.refLogProbs[i][t];
        entropy -= b.logProbs[i][t];
      }
    }
    return {
      'env/reward_mean': mean,
      'env/reward_std': std,
      // TRL: per-sequence sums of log pi - log pi_ref and of -log pi, averaged over the batch.
      'objective/kl': kl / n,
      'objective/entropy': entropy / n,
      'completions/mean_length': b.lengths.reduce((a, x) => a + x, 0) / n,
      'completions/clipped_ratio': b.truncated / n,
    };
  }

  /** The logged completions of a batch. */
  protected samplesOf(b: RolloutBatch, scoreOf: (i: number) => number = (i) => b.scores[i]): { prompt: string; completion: string; reward: number }[] {
    return b.completions.slice(0, this.h.n_log_samples).map((c, i) => ({ prompt: c.prompt, completion: c.completion, reward: scoreOf(i) }));
  }

  /** Held-out task reward of the actor (sampled as in training), at the start, every ~1/10 of the run and at the end. */
  protected maybeEvaluate(result: IterationResult, force = false): IterationResult {
    this.iterations++;
    const every = Math.max(1, Math.round(this.totalSteps() / this.completionsPerIteration() / EVALUATIONS));
    const last = this.globalStep >= this.totalSteps();
    if (!this.task || !this.evalPrompts.length || !(force || last || this.iterations % every === 0)) return result;
    const r = evaluateTaskReward(this.actor, this.tokenizer, this.task, this.evalPrompts, this.h, this.evalRng);
    return { ...result, metrics: { ...result.metrics, ...r.metrics } };
  }

  /** The held-out task reward of the starting model, logged at step 0 (the baseline the run should beat). */
  protected override initialMetrics(): Record<string, number> {
    if (!this.task || !this.evalPrompts.length) return {};
    return evaluateTaskReward(this.actor, this.tokenizer, this.task, this.evalPrompts, this.h, this.evalRng).metrics;
  }

  protected setLearningRate(progressRemaining: number): number {
    const lr = this.lr(progressRemaining);
    this.optimizer.setLearningRate(lr);
    return lr;
  }

  protected saveModel(runDir: string): void {
    saveStageModel(runDir, this.config.algo, this.actor, this.tokenizer);
  }

  protected async saveState(): Promise<Record<string, unknown>> {
    return {
      actor: encodeLm(this.actor),
      optimizer: await saveOptimizer(this.optimizer),
      rngs: saveRngs({ sample: this.sampleRng, shuffle: this.shuffleRng, eval: this.evalRng }),
      prompts: this.prompts.rngState(),
      iterations: this.iterations,
      ...this.saveStageState(),
    };
  }

  protected async loadState(state: Record<string, unknown>): Promise<void> {
    decodeLm(this.actor, state.actor, 'actor');
    if (!isOptimizerState(state.optimizer)) throw new Error('checkpoint has no optimizer state');
    this.loadStageState(state);
    await loadOptimizer(this.optimizer, state.optimizer);
    loadRngs({ sample: this.sampleRng, shuffle: this.shuffleRng, eval: this.evalRng }, state.rngs);
    this.prompts.setRngState(state.prompts);
    this.iterations = typeof state.iterations === 'number' ? state.iterations : 0;
  }

  protected saveStageState(): Record<string, unknown> {
    return {};
  }
  protected loadStageState(_state: Record<string, unknown>): void {}

  protected disposeModels(): void {
    this.actor?.dispose();
    this.ref?.dispose();
    this.rewards?.dispose();
    this.optimizer?.dispose();
    this.disposeStage();
  }

  protected disposeStage(): void {}
}
