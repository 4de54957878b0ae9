/**
 * Keys shared by every language-model stage (sft, reward_model, ppo_rlhf, dpo, grpo): the size of
 * the miniature transformer, the tokenizer, the data, the optimizer and sampling. One wording
 * for one meaning; each stage takes `lmParams(itsAlgos, patches)` and adds its own keys.
 */
import type { AlgoId, ParamSpec } from './types';
import type { ScheduleValue } from './config';

/** The algorithms that train a language model (their `env` is a text task, see rlhf/tasks). */
export const LM_ALGOS: readonly AlgoId[] = ['sft', 'reward_model', 'ppo_rlhf', 'dpo', 'grpo'];

export function isLmAlgo(algo: unknown): boolean {
  return typeof algo === 'string' && (LM_ALGOS as readonly string[]).includes(algo);
}

/** The shared keys as typed in a resolved config (every LM stage's hyperparameters extend it). */
export interface LmHyperparameters {
  n_layer: number;
  d_model: number;
  n_head: number;
  context_length: number;
  dropout: number;
  tokenizer: 'char' | 'byte';
  /** Absolute path of a JSONL file once resolved against the experiment file, or null. */
  dataset: string | null;
  n_examples: number;
  eval_split: number;
  learning_rate: ScheduleValue;
  batch_size: number;
  n_epochs: number;
  max_grad_norm: number | null;
  max_new_tokens: number;
  temperature: number;
  top_k: number;
  n_log_samples: number;
}

const SHARED: readonly Omit<ParamSpec, 'algos'>[] = [
  {
    key: 'n_layer',
    type: 'int',
    default: 2,
    min: 1,
    max: 24,
    sensible: [1, 4],
    summary: 'Transformer blocks of the language model.',
    explanation:
      'Each block is pre-LayerNorm multi-head causal self-attention followed by a GELU MLP of width 4 d_model, both as residual branches (GPT-2). Ignored when the stage starts from `init_from`: the loaded model keeps its size.',
    formula: 'x = x + Attn(LN(x));  x = x + MLP(LN(x))          (Radford et al. 2019)',
  },
  {
    key: 'd_model',
    type: 'int',
    default: 64,
    min: 4,
    max: 1024,
    sensible: [32, 128],
    summary: 'Width of the model: the size of token embeddings and hidden states.',
    explanation: 'Must be divisible by n_head. Parameters grow with about 12 n_layer d_model^2. Ignored with `init_from`.',
  },
  {
    key: 'n_head',
    type: 'int',
    default: 4,
    min: 1,
    max: 64,
    sensible: [1, 8],
    summary: 'Attention heads per block (each of width d_model / n_head).',
    explanation: 'Ignored with `init_from`.',
    formula: 'Attn(q, k, v) = softmax(q k^T / sqrt(d_model / n_head) + causal mask) v   (Vaswani et al. 2017)',
  },
  {
    key: 'context_length',
    type: 'int',
    default: 48,
    min: 4,
    max: 2048,
    sensible: [32, 256],
    summary: 'Longest sequence (in tokens, bos + prompt + completion + eos) the model reads.',
    explanation:
      'The number of learned position embeddings. Longer examples are an error naming the example; sampling stops when a row fills the context. Attention cost grows with its square. Ignored with `init_from`.',
  },
  {
    key: 'dropout',
    type: 'float',
    default: 0,
    min: 0,
    max: 0.9,
    sensible: [0, 0.2],
    summary: 'Dropout rate on embeddings, attention weights and residual branches while training.',
    explanation: 'Off while sampling and evaluating. Tiny models on synthetic tasks rarely need it.',
  },
  {
    key: 'tokenizer',
    type: 'enum',
    default: 'char',
    values: ['char', 'byte'],
    summary: 'How text becomes tokens: `char` (printable ASCII characters) or `byte` (UTF-8 bytes).',
    explanation:
      '`char` has about 100 ids (4 special: pad, bos, eos, unk) and suits the built-in tasks and English data; other characters become unk. `byte` has 260 ids and encodes any text exactly. Ignored with `init_from` (the loaded model keeps its tokenizer).',
  },
  {
    key: 'dataset',
    type: 'string',
    default: null,
    nullable: true,
    summary: 'A JSONL file (relative to the experiment file) in a Hugging Face TRL format; null: generate data from the env\'s text task.',
    explanation:
      'One JSON object per line. `sft`: `{"prompt": ..., "completion": ...}` (prompt-completion) or `{"text": ...}` (language modelling). `reward_model` and `dpo`: `{"prompt": ..., "chosen": ..., "rejected": ...}` (preference; `prompt` may be left out). Prompt-only stages (`ppo_rlhf`, `grpo`) read `{"prompt": ...}`. Other keys are ignored. A bad line is an error naming the file and line.',
  },
  {
    key: 'n_examples',
    type: 'int',
    default: 2000,
    min: 1,
    max: 1000000,
    sensible: [200, 20000],
    summary: 'Without `dataset`: how many examples (or preference pairs) the text task generates.',
    explanation: 'Drawn with the run seed, so the same seed trains on the same data. eval_split of them are held out.',
  },
  {
    key: 'eval_split',
    type: 'float',
    default: 0.1,
    min: 0,
    max: 0.9,
    sensible: [0.05, 0.2],
    summary: 'Share of the examples held out for evaluation (never trained on).',
    explanation: 'eval/* metrics are measured on them after every epoch. 0 evaluates on the training data (optimistic).',
  },
  {
    key: 'learning_rate',
    type: 'schedule',
    default: 1e-3,
    min: 0,
    minExclusive: true,
    max: 1,
    sensible: [1e-5, 3e-3],
    summary: 'Adam step size; a number or `lin_<start>` for linear decay to 0 over training.',
    explanation: 'Step size of the Adam optimizer on the stage\'s loss.',
    formula: 'lin_x:  lr = x * (1 - updates_done / total_updates)',
  },
  {
    key: 'batch_size',
    type: 'int',
    default: 32,
    min: 1,
    max: 4096,
    sensible: [8, 128],
    summary: 'Sequences (or pairs) per gradient step.',
    explanation: 'The training examples are shuffled every epoch and cut into minibatches of this size (a last partial one is used too).',
  },
  {
    key: 'n_epochs',
    type: 'int',
    default: 10,
    min: 1,
    max: 100000,
    sensible: [1, 50],
    summary: 'Passes over the training examples.',
    explanation:
      'How long a supervised stage trains. Its step counter counts training sequences (pairs for reward_model), so `n_timesteps` is not used: total steps = n_epochs x training examples.',
  },
  {
    key: 'max_grad_norm',
    type: 'float',
    default: 1,
    nullable: true,
    min: 0,
    minExclusive: true,
    sensible: [0.5, 5],
    summary: 'Clip the global gradient norm to this value before each step; null disables.',
    explanation: 'Guards against rare huge gradients (a confidently wrong prediction).',
    formula: 'g <- g * min(1, max_grad_norm / ||g||_2)',
  },
  {
    key: 'max_new_tokens',
    type: 'int',
    default: 16,
    min: 1,
    max: 2048,
    sensible: [4, 64],
    summary: 'Most tokens sampled per completion (eos may end it earlier).',
    explanation: 'Also limited by context_length minus the prompt\'s length.',
  },
  {
    key: 'temperature',
    type: 'float',
    default: 1,
    min: 0,
    max: 10,
    sensible: [0.5, 1.5],
    summary: 'Sampling temperature: logits are divided by it; 0 means greedy (argmax).',
    explanation: 'Below 1 sharpens the distribution towards the likeliest tokens, above 1 flattens it.',
    formula: 'p(x) = softmax(logits / temperature)',
  },
  {
    key: 'top_k',
    type: 'int',
    default: 0,
    min: 0,
    max: 100000,
    sensible: [0, 50],
    summary: 'Sample only among the k likeliest tokens; 0 keeps all.',
    explanation: 'Top-k sampling (Fan et al. 2018) cuts the long tail of unlikely tokens.',
  },
  {
    key: 'n_log_samples',
    type: 'int',
    default: 4,
    min: 0,
    max: 64,
    sensible: [2, 8],
    summary: 'Completions sampled and logged (samples.jsonl, the dashboard\'s table) at each evaluation.',
    explanation: 'Prompts come from the held-out examples; each completion is shown with its task reward.',
  },
];

/** The shared LM keys for `algos`, with per-key changes (a stage's own default or wording). */
export function lmParams(algos: readonly AlgoId[], patches: Record<string, Partial<ParamSpec>> = {}): ParamSpec[] {
  for (const key of Object.keys(patches)) if (!SHARED.some((p) => p.key === key)) throw new Error(`schema: no shared LM key '${key}'`);
  return SHARED.map((p) => ({ ...p, ...patches[p.key], algos }));
}

/** The shared keys' names (for code that copies them out of a config). */
export const LM_KEYS: readonly string[] = SHARED.map((p) => p.key);
