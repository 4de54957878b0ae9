/**
 * DPO (Rafailov et al. 2023; notes 001 §4, notes 002): the policy starts from `init_from` (the
 * sft model) and a frozen copy of that same model is the reference. For each preference pair
 * (prompt, chosen y_w, rejected y_l) the sequence log-probs of the two completions under policy
 * and reference give the implicit rewards r = beta (log pi - log pi_ref) and the loss
 * -log sigma(r_w - r_l) (losses/dpo.ts). No sampling during training, no reward model.
 *
 * Pairs: the text task's preference generator (n_examples, seeded) or a TRL preference JSONL
 * (`dataset`). eval_split of them are held out; after every epoch eval/rewards/accuracies (the
 * share of held-out pairs whose chosen completion gets the larger implicit reward) and, on a
 * text task, the sampled completions' task reward (eval/reward_mean, samples.jsonl).
 * The reference's log-probs are computed once: the reference never changes.
 * Training runs in the supervised loop sft uses (supervised.ts): minibatches of pairs, epochs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../schema';
import type { DpoHyperparameters } from '../../schema/rlhf';
import type { Algorithm } from '../algos/algorithm';
import type { AlgoCheckpoint } from '../algos/checkpoint';
import { Rng } from '../rng';
import type { TrainHooks, TrainResult, TrainedPolicy } from '../types';
import { loadPreferenceDataset } from './data/jsonl';
import { encodeExample, padRows, targetMask, type EncodedExample } from './data/sequences';
import { splitHeldOut } from './data/split';
import { dpoLoss, maskedRowSum } from './losses';
import { tokenLogProbs, type TransformerLM } from './lm/model';
import { startingModel, taskOf } from './lmConfig';
import { decodeLm, encodeLm } from './lmTraining';
import { evaluateTaskReward, EVAL_PROMPTS } from './sft';
import { saveStageModel } from './stageModel';
import { writeLineage } from './initFrom';
import { SupervisedLoop, type LoopState } from './supervised';
import type { PreferencePair, TextTask } from './tasks';
import type { Tokenizer } from './tokenizer';

interface EncodedPair {
  prompt: string;
  chosen: EncodedExample;
  rejected: EncodedExample;
}

interface Prepared {
  policy: TransformerLM;
  tokenizer: Tokenizer;
  train: EncodedPair[];
  held: EncodedPair[];
  /** Reference sequence log-probs of chosen / rejected, per pair (train and held-out). */
  refTrain: { chosen: Float32Array; rejected: Float32Array };
  refHeld: { chosen: Float32Array; rejected: Float32Array };
  loop: SupervisedLoop;
  source: string;
}

/** Sum over completion tokens (eos included) of log pi, for chosen rows then rejected rows: [2B]. Differentiable. */
function pairLogProbs(lm: TransformerLM, tok: Tokenizer, pairs: readonly EncodedPair[]): tf.Tensor1D {
  const examples = [...pairs.map((p) => p.chosen), ...pairs.map((p) => p.rejected)];
  const { data, batch, length } = padRows(examples.map((e) => e.ids), tok.padId);
  const lp = tokenLogProbs(lm, tf.tensor2d(data, [batch, length], 'int32'));
  return maskedRowSum(lp, tf.tensor2d(targetMask(examples, length, false), [batch, length - 1]));
}

/** Sequence log-probs without gradient, in chunks. */
function sequenceLogProbs(lm: TransformerLM, tok: Tokenizer, pairs: readonly EncodedPair[]): { chosen: Float32Array; rejected: Float32Array } {
  const chosen = new Float32Array(pairs.length);
  const rejected = new Float32Array(pairs.length);
  for (let i = 0; i < pairs.length; i += 32) {
    const part = pairs.slice(i, i + 32);
    const t = tf.tidy(() => pairLogProbs(lm, tok, part));
    const v = t.dataSync();
    t.dispose();
    for (let j = 0; j < part.length; j++) {
      chosen[i + j] = v[j];
      rejected[i + j] = v[part.length + j];
    }
  }
  return { chosen, rejected };
}

export class DPO implements Algorithm {
  private readonly h: DpoHyperparameters;
  private readonly task: TextTask | undefined;
  private readonly evalRng: Rng;
  private prepared?: Prepared;
  private pending?: AlgoCheckpoint;

  constructor(private readonly config: ResolvedConfig) {
    this.h = config.hyperparameters as unknown as DpoHyperparameters;
    this.task = taskOf(config);
    if (!this.task && !this.h.dataset) throw new Error(`dpo on ${config.env} takes its preference pairs from \`dataset\`: set dataset to a JSONL file with prompt/chosen/rejected`);
    this.evalRng = Rng.stream(config.seed, 'lm-eval-sample');
  }

  private pairs(): { rows: PreferencePair[]; where: (i: number) => string } {
    if (this.h.dataset) {
      const file = this.h.dataset;
      return { rows: loadPreferenceDataset(file), where: (i) => `${file}: row ${i + 1}` };
    }
    const task = this.task as TextTask;
    const rng = Rng.stream(this.config.seed, 'lm-data');
    return { rows: Array.from({ length: this.h.n_examples }, () => task.preferencePair(rng)), where: (i) => `${task.id}: pair ${i + 1}` };
  }

  private prepare(runDir: string | undefined): Prepared {
    const start = startingModel(this.config, runDir);
    const policy = start.lm;
    try {
      const { rows, where } = this.pairs();
      const ctx = policy.cfg.contextLength;
      const encoded = rows.map((r, i) => ({
        prompt: r.prompt,
        chosen: encodeExample(start.tokenizer, r.prompt, r.chosen, ctx, `${where(i)} (chosen)`),
        rejected: encodeExample(start.tokenizer, r.prompt, r.rejected, ctx, `${where(i)} (rejected)`),
      }));
      const split = splitHeldOut(encoded.length, this.h.eval_split, this.config.seed);
      const train = split.train.map((i) => encoded[i]);
      const held = (split.held.length ? split.held : split.train.slice(0, EVAL_PROMPTS)).map((i) => encoded[i]);
      // The reference is the starting model, frozen: its log-probs are fixed, so they are computed once.
      const refTrain = sequenceLogProbs(policy, start.tokenizer, train);
      const refHeld = sequenceLogProbs(policy, start.tokenizer, held);
      const loop = new SupervisedLoop({ nTrain: train.length, batchSize: this.h.batch_size, nEpochs: this.h.n_epochs, learningRate: this.h.learning_rate, maxGradNorm: this.h.max_grad_norm, seed: this.config.seed });
      return { policy, tokenizer: start.tokenizer, train, held, refTrain, refHeld, loop, source: start.source };
    } catch (e) {
      policy.dispose();
      throw e;
    }
  }

  /** Held-out preference metrics: implicit-reward accuracy and margin, and the DPO loss. */
  heldOutMetrics(): Record<string, number> {
    const p = this.prepared;
    if (!p) throw new Error('dpo: not prepared');
    const pol = sequenceLogProbs(p.policy, p.tokenizer, p.held);
    const n = p.held.length;
    let correct = 0;
    let margin = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const rw = this.h.beta * (pol.chosen[i] - p.refHeld.chosen[i]);
      const rl = this.h.beta * (pol.rejected[i] - p.refHeld.rejected[i]);
      if (rw > rl) correct++;
      margin += rw - rl;
      loss += Math.log1p(Math.exp(-(rw - rl)));
    }
    return { 'eval/rewards/accuracies': correct / n, 'eval/rewards/margins': margin / n, 'eval/loss': loss / n };
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    let p: Prepared;
    try {
      p = this.prepared ??= this.prepare(hooks.runDir);
      writeLineage(hooks.runDir, { model: p.source });
      if (this.pending) {
        const s = this.pending.state as { policy?: unknown; loop?: LoopState };
        if (!s.policy || !s.loop) throw new Error('dpo checkpoint is missing the policy or the loop state');
        decodeLm(p.policy, s.policy, 'policy');
        await p.loop.loadState(s.loop, this.pending);
        this.pending = undefined;
      }
    } catch (e) {
      this.dispose();
      return { status: 'failed', globalStep: 0, sps: 0, error: e instanceof Error ? e.message : String(e) };
    }
    const beta = this.h.beta;
    const stage = {
      variables: () => p.policy.trainableVariables(),
      setTraining: (on: boolean) => {
        p.policy.training = on;
      },
      loss: (batchIdx: number[]) => {
        const pairs = batchIdx.map((i) => p.train[i]);
        const both = pairLogProbs(p.policy, p.tokenizer, pairs);
        const b = pairs.length;
        const chosen = tf.slice(both, [0], [b]);
        const rejected = tf.slice(both, [b], [b]);
        const refC = tf.tensor1d(batchIdx.map((i) => p.refTrain.chosen[i]));
        const refR = tf.tensor1d(batchIdx.map((i) => p.refTrain.rejected[i]));
        const out = dpoLoss(chosen, rejected, refC, refR, beta, this.h.label_smoothing);
        return {
          loss: out.loss,
          metrics: {
            'loss/dpo': out.loss,
            'rewards/chosen': out.rewardsChosen,
            'rewards/rejected': out.rewardsRejected,
            'rewards/margins': out.margins,
            'rewards/accuracies': out.accuracies,
            'logps/chosen': tf.mean(chosen) as tf.Scalar,
            'logps/rejected': tf.mean(rejected) as tf.Scalar,
          },
        };
      },
      evaluate: () => {
        const metrics = this.heldOutMetrics();
        if (!this.task) return { metrics };
        const prompts = [...new Set(p.held.map((x) => x.prompt))].slice(0, EVAL_PROMPTS);
        const r = evaluateTaskReward(p.policy, p.tokenizer, this.task, prompts, this.h, this.evalRng);
        return { metrics: { ...metrics, ...r.metrics }, samples: r.samples };
      },
    };
    try {
      const result = await p.loop.run(stage, hooks, () => this.saveCheckpoint(), () => p.loop.lastEval['eval/rewards/accuracies']);
      if (result.status !== 'failed' && hooks.runDir) saveStageModel(hooks.runDir, 'dpo', p.policy, p.tokenizer);
      return result;
    } catch (e) {
      return { status: 'failed', globalStep: p.loop.globalStep, sps: 0, error: `could not save the model: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      this.dispose();
    }
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    const p = this.prepared;
    if (!p) throw new Error('dpo: nothing to checkpoint before training starts');
    return p.loop.checkpoint(this.config, { policy: encodeLm(p.policy), evalRng: this.evalRng.getState() });
  }

  /** Applied in learn(), once the reference (init_from) and the data are loaded again. */
  async loadCheckpoint(c: AlgoCheckpoint): Promise<void> {
    this.pending = c;
    const s = c.state as { evalRng?: ReturnType<Rng['getState']> };
    if (s.evalRng) this.evalRng.setState(s.evalRng);
    return Promise.resolve();
  }

  trainedPolicy(): TrainedPolicy | undefined {
    return undefined;
  }

  /** For tests: prepares without a run (init_from needs a runDir) and exposes the model. */
  prepareForTest(runDir?: string): { policy: TransformerLM; tokenizer: Tokenizer; source: string } {
    const p = (this.prepared ??= this.prepare(runDir));
    return { policy: p.policy, tokenizer: p.tokenizer, source: p.source };
  }

  dispose(): void {
    this.prepared?.policy.dispose();
    this.prepared?.loop.dispose();
    this.prepared = undefined;
  }
}
