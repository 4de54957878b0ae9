/**
 * The `sft` stage: supervised fine-tuning of the miniature LM with next-token cross-entropy on
 * the completion tokens (and the prompt's with completion_only_loss: false), as TRL's
 * SFTTrainer. Data: the env's text task (its demonstrations) or a TRL JSONL dataset.
 *
 *   loss = - sum_t m_t log p(x_{t+1} | x_{<=t}) / sum_t m_t        perplexity = exp(loss)
 *
 * After every epoch: held-out loss and perplexity, and on a text task completions sampled for
 * held-out prompts, scored by the task's reward (eval/reward_mean; samples.jsonl). The model
 * is saved in `<runDir>/model/` when training ends (see stageModel.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedConfig } from '../../schema';
import type { LmHyperparameters } from '../../schema/lm';
import type { SftHyperparameters } from '../../schema/sft';
import type { Algorithm } from '../algos/algorithm';
import { decodeFloat32, encodeArray, type AlgoCheckpoint, type EncodedArray } from '../algos/checkpoint';
import { Rng } from '../rng';
import type { SampleRow, TrainHooks, TrainResult, TrainedPolicy } from '../types';
import { loadSftDataset, type SftRow } from './data/jsonl';
import { completionText, encodeExample, encodePrompt, padRows, targetMask, type EncodedExample } from './data/sequences';
import { splitHeldOut } from './data/split';
import { TransformerLM, sample, tokenLogProbs, type LmConfig } from './lm/model';
import { lmHyperparameters, startingModel, taskOf } from './lmConfig';
import { saveStageModel } from './stageModel';
import { writeLineage } from './initFrom';
import { SupervisedLoop, type LoopState } from './supervised';
import type { TextTask } from './tasks';
import { createTokenizer, type Tokenizer, type TokenizerSpec } from './tokenizer';

/** Held-out prompts sampled per evaluation (their mean task reward is eval/reward_mean). */
export const EVAL_PROMPTS = 64;

interface Prepared {
  lm: TransformerLM;
  tokenizer: Tokenizer;
  train: EncodedExample[];
  evalSet: EncodedExample[];
  evalPrompts: string[];
  loop: SupervisedLoop;
}

/** Encoded weights by name (checkpoints). */
export function encodeWeights(lm: TransformerLM): Record<string, EncodedArray> {
  const shapes = lm.weightShapes();
  return Object.fromEntries(Object.entries(lm.getWeights()).map(([k, v]) => [k, encodeArray(v, shapes[k])]));
}

export function decodeWeights(saved: Record<string, EncodedArray>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(saved).map(([k, v]) => [k, decodeFloat32(v)]));
}

/** Sum and count of masked token NLL over `examples` (no gradient), in batches. */
export function heldOutNll(lm: TransformerLM, tokenizer: Tokenizer, examples: readonly EncodedExample[], includePrompt: boolean): { nll: number; tokens: number } {
  let nll = 0;
  let tokens = 0;
  for (let i = 0; i < examples.length; i += 64) {
    const batch = examples.slice(i, i + 64);
    const { data, batch: B, length: T } = padRows(batch.map((e) => e.ids), tokenizer.padId);
    const mask = targetMask(batch, T, includePrompt);
    const [s, n] = tf.tidy(() => {
      const lp = tokenLogProbs(lm, tf.tensor2d(data, [B, T], 'int32'));
      const m = tf.tensor2d(mask, [B, T - 1]);
      return [tf.neg(tf.sum(tf.mul(lp, m))).dataSync()[0], tf.sum(m).dataSync()[0]];
    });
    nll += s;
    tokens += n;
  }
  return { nll, tokens };
}

/** Samples completions for prompts and scores them with the task: eval/reward_* metrics and sample rows. */
export function evaluateTaskReward(
  lm: TransformerLM,
  tokenizer: Tokenizer,
  task: TextTask,
  prompts: readonly string[],
  h: Pick<LmHyperparameters, 'max_new_tokens' | 'temperature' | 'top_k' | 'n_log_samples'>,
  rng: Rng,
): { metrics: Record<string, number>; samples: SampleRow['samples'] } {
  const room = lm.cfg.contextLength;
  const encoded = prompts.map((p) => encodePrompt(tokenizer, p)).filter((p) => p.length < room);
  if (encoded.length === 0) return { metrics: {}, samples: [] };
  const { tokens, responseMask } = sample(lm, encoded, { maxNewTokens: h.max_new_tokens, temperature: h.temperature, topK: h.top_k, rng, eosId: tokenizer.eosId, padId: tokenizer.padId, bosId: tokenizer.bosId });
  const rows = tokens.map((t, i) => {
    const prompt = tokenizer.decode(encoded[i]);
    const completion = completionText(tokenizer, t, responseMask[i]);
    return { prompt, completion, reward: task.reward(prompt, completion), length: responseMask[i].reduce((a, b) => a + b, 0) };
  });
  const rewards = rows.map((r) => r.reward);
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((a, r) => a + (r - mean) ** 2, 0) / rewards.length);
  return {
    metrics: {
      'eval/reward_mean': mean,
      'eval/reward_std': std,
      'eval/frac_reward_max': rewards.filter((r) => r >= 1 - 1e-9).length / rewards.length,
      'eval/completion_length': rows.reduce((a, r) => a + r.length, 0) / rows.length,
    },
    samples: rows.slice(0, h.n_log_samples).map(({ prompt, completion, reward }) => ({ prompt, completion, reward })),
  };
}

export class SftStage implements Algorithm {
  private readonly h: SftHyperparameters;
  private readonly task: TextTask | undefined;
  private prepared?: Prepared;
  private readonly evalRng: Rng;

  constructor(private readonly config: ResolvedConfig) {
    this.h = lmHyperparameters(config) as SftHyperparameters;
    // Bad env_kwargs or a missing dataset fail before anything trains.
    this.task = taskOf(config);
    if (!this.task && !this.h.dataset) throw new Error(`env ${config.env} takes its data from \`dataset\`: set dataset to a JSONL file`);
    this.evalRng = Rng.stream(config.seed, 'lm-eval-sample');
  }

  /** The raw examples: the dataset's rows or the task's demonstrations, drawn with the seed. */
  private examples(): { rows: SftRow[]; where: (i: number) => string } {
    if (this.h.dataset) {
      const file = this.h.dataset;
      return { rows: loadSftDataset(file), where: (i) => `${file}: row ${i + 1}` };
    }
    const rng = Rng.stream(this.config.seed, 'lm-data');
    const task = this.task as TextTask;
    return { rows: Array.from({ length: this.h.n_examples }, () => task.sftExample(rng)), where: (i) => `${task.id}: example ${i + 1}` };
  }

  private prepare(lm: TransformerLM, tokenizer: Tokenizer): Prepared {
    const { rows, where } = this.examples();
    const encoded = rows.map((r, i) => encodeExample(tokenizer, r.prompt, r.completion, lm.cfg.contextLength, where(i)));
    const { train, held } = splitHeldOut(encoded.length, this.h.eval_split, this.config.seed);
    const evalIdx = held.length > 0 ? held : train.slice(0, EVAL_PROMPTS);
    const loop = new SupervisedLoop({ nTrain: train.length, batchSize: this.h.batch_size, nEpochs: this.h.n_epochs, learningRate: this.h.learning_rate, maxGradNorm: this.h.max_grad_norm, seed: this.config.seed });
    return {
      lm,
      tokenizer,
      train: train.map((i) => encoded[i]),
      evalSet: evalIdx.map((i) => encoded[i]),
      evalPrompts: evalIdx.filter((i) => !rows[i].fullText).slice(0, EVAL_PROMPTS).map((i) => rows[i].prompt),
      loop,
    };
  }

  private ensure(runDir: string | undefined): Prepared {
    if (!this.prepared) {
      const start = startingModel(this.config, runDir);
      // Which model the run started from ("fresh" or init_from's run), next to its model.
      writeLineage(runDir, { model: start.source });
      try {
        this.prepared = this.prepare(start.lm, start.tokenizer);
      } catch (e) {
        start.lm.dispose();
        throw e;
      }
    }
    return this.prepared;
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    let p: Prepared;
    try {
      p = this.ensure(hooks.runDir);
    } catch (e) {
      return { status: 'failed', globalStep: 0, sps: 0, error: e instanceof Error ? e.message : String(e) };
    }
    const includePrompt = !this.h.completion_only_loss;
    const stage = {
      variables: () => p.lm.trainableVariables(),
      setTraining: (on: boolean) => {
        p.lm.training = on;
      },
      loss: (batchIdx: number[]) => {
        const batch = batchIdx.map((i) => p.train[i]);
        const { data, batch: B, length: T } = padRows(batch.map((e) => e.ids), p.tokenizer.padId);
        const mask = tf.tensor2d(targetMask(batch, T, includePrompt), [B, T - 1]);
        const lp = tokenLogProbs(p.lm, tf.tensor2d(data, [B, T], 'int32'));
        const loss = tf.div(tf.neg(tf.sum(tf.mul(lp, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
        return { loss, metrics: { 'losses/sft_loss': loss, 'charts/perplexity': tf.exp(loss) as tf.Scalar } };
      },
      evaluate: () => {
        const { nll, tokens } = heldOutNll(p.lm, p.tokenizer, p.evalSet, includePrompt);
        const loss = tokens > 0 ? nll / tokens : 0;
        const metrics: Record<string, number> = { 'eval/loss': loss, 'eval/perplexity': Math.exp(loss) };
        if (!this.task || p.evalPrompts.length === 0) return { metrics };
        const r = evaluateTaskReward(p.lm, p.tokenizer, this.task, p.evalPrompts, this.h, this.evalRng);
        return { metrics: { ...metrics, ...r.metrics }, samples: r.samples };
      },
    };
    try {
      const result = await p.loop.run(stage, hooks, () => this.saveCheckpoint(), () => p.loop.lastEval['eval/reward_mean']);
      if (result.status !== 'failed' && hooks.runDir) {
        try {
          saveStageModel(hooks.runDir, 'sft', p.lm, p.tokenizer);
        } catch (e) {
          return { ...result, status: 'failed', error: `could not save the model: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      return result;
    } finally {
      // Like every algorithm's learn(): the tensors are freed when training ends.
      this.dispose();
    }
  }

  async saveCheckpoint(): Promise<AlgoCheckpoint> {
    const p = this.prepared;
    if (!p) throw new Error('sft: nothing to checkpoint before training starts');
    return p.loop.checkpoint(this.config, { lmConfig: p.lm.cfg, tokenizer: p.tokenizer.spec, weights: encodeWeights(p.lm), evalRng: this.evalRng.getState() });
  }

  async loadCheckpoint(c: AlgoCheckpoint): Promise<void> {
    const s = c.state as { lmConfig?: LmConfig; tokenizer?: TokenizerSpec; weights?: Record<string, EncodedArray>; loop?: LoopState; evalRng?: ReturnType<Rng['getState']> };
    if (!s.lmConfig || !s.tokenizer || !s.weights || !s.loop) throw new Error('sft checkpoint is missing the model or the loop state');
    this.dispose();
    const tokenizer = createTokenizer(s.tokenizer);
    const lm = new TransformerLM({ ...s.lmConfig, dropout: this.h.dropout }, this.config.seed);
    try {
      lm.setWeights(decodeWeights(s.weights));
      this.prepared = this.prepare(lm, tokenizer);
    } catch (e) {
      lm.dispose();
      throw e;
    }
    await this.prepared.loop.loadState(s.loop, c);
    if (s.evalRng) this.evalRng.setState(s.evalRng);
  }

  trainedPolicy(): TrainedPolicy | undefined {
    return undefined;
  }

  dispose(): void {
    this.prepared?.lm.dispose();
    this.prepared?.loop.dispose();
    this.prepared = undefined;
  }
}
