/**
 * A small causal transformer language model in TensorFlow.js core ops: the GPT-2 architecture
 * (Radford et al. 2019) in miniature — token + learned position embeddings, `nLayers` pre-LN
 * blocks x = x + Attn(LN(x)); x = x + MLP(LN(x)), multi-head causal self-attention, a GELU MLP of
 * width 4 d_model, a final LayerNorm and an (untied) linear head to vocabulary logits.
 *
 * Implementation notes (why it looks the way it does):
 * - Weights are plain tf.Variables (auto-named: several models live in one process — actor,
 *   frozen reference, critic, reward model), kept in a name -> variable map for save/load.
 * - Embedding lookups are oneHot(tokens) @ table instead of tf.gather: gather's gradient needs
 *   UnsortedSegmentSum, which the WASM backend does not implement; with vocabularies of ~100
 *   the matmul is cheap.
 * - The key transpose is explicit (tf.transpose then a plain matMul): a matMul with a transposed
 *   operand is much slower on WASM (see nn/dense.ts).
 * - Initialisation follows GPT-2: N(0, 0.02) weights, zero biases, unit LayerNorm gains, and the
 *   residual output projections scaled by 1/sqrt(2 nLayers) so the residual stream's variance
 *   does not grow with depth. All drawn in plain JS from the seeded Rng: a seed fixes the model
 *   on every backend.
 *
 * Shapes: B batch, T sequence length (<= contextLength), D = dModel, H = nHeads, V = vocabSize.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../rng';
import { batchMatMul, linear, matMul2d } from './ops';

export interface LmConfig {
  vocabSize: number;
  contextLength: number;
  nLayers: number;
  dModel: number;
  nHeads: number;
  /** Dropout on embeddings, attention probabilities and residual branches while `training` (default 0). */
  dropout?: number;
}

/** GELU, tanh approximation (Hendrycks & Gimpel 2016), as GPT-2: 0.5x(1+tanh(u)) = x * sigmoid(2u). */
function gelu(x: tf.Tensor): tf.Tensor {
  // x * x * x, not tf.pow: pow's gradient goes through log and is several times slower.
  const u = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), 2 * Math.sqrt(2 / Math.PI));
  return tf.mul(x, tf.sigmoid(u));
}

/**
 * Position table initialised with the sinusoids of Vaswani et al. (2017, sec. 3.5), scaled to
 * the embeddings' std, instead of GPT-2's random init: still learned, but position t+k is a
 * fixed linear map of position t from the start, so attention "k characters back" (what
 * reading a word from its characters needs) is learnable from little data.
 */
function sinusoidal(C: number, D: number, scale: number): Float32Array {
  const a = new Float32Array(C * D);
  for (let t = 0; t < C; t++) {
    for (let i = 0; i < D; i += 2) {
      const angle = t / Math.pow(10000, i / D);
      a[t * D + i] = scale * Math.SQRT2 * Math.sin(angle);
      if (i + 1 < D) a[t * D + i + 1] = scale * Math.SQRT2 * Math.cos(angle);
    }
  }
  return a;
}

/** LayerNorm over the last axis (Ba et al. 2016), eps 1e-5 as torch.nn.LayerNorm. */
function layerNorm(x: tf.Tensor2D, gain: tf.Tensor1D, bias: tf.Tensor1D): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  // div by sqrt rather than tf.rsqrt, whose gradient goes through the slow Pow kernel.
  return tf.add(tf.mul(tf.div(centered, tf.sqrt(tf.add(variance, 1e-5))), gain), bias) as tf.Tensor2D;
}

/** Additive causal mask [T,T]: 0 where key <= query, -1e9 above the diagonal. */
function causalMask(T: number): tf.Tensor2D {
  const m = new Float32Array(T * T);
  for (let q = 0; q < T; q++) for (let k = q + 1; k < T; k++) m[q * T + k] = -1e9;
  return tf.tensor2d(m, [T, T]);
}

export function checkLmConfig(cfg: LmConfig): void {
  const ints: (keyof LmConfig)[] = ['vocabSize', 'contextLength', 'nLayers', 'dModel', 'nHeads'];
  for (const k of ints) {
    const v = cfg[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`LM config: ${k} must be a positive integer, got ${String(v)}`);
  }
  if (cfg.dModel % cfg.nHeads !== 0) throw new Error(`LM config: d_model (${cfg.dModel}) must be divisible by n_head (${cfg.nHeads})`);
  const p = cfg.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new Error(`LM config: dropout must be in [0, 1), got ${p}`);
}

export class TransformerLM {
  readonly cfg: LmConfig;
  /** Dropout is applied only while true (the trainer turns it on; sampling and evaluation leave it off). */
  training = false;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly dropoutRng: Rng;

  constructor(cfg: LmConfig, seed: number) {
    checkLmConfig(cfg);
    this.cfg = { ...cfg };
    this.dropoutRng = Rng.stream(seed, 'lm-dropout');
    const rng = Rng.stream(seed, 'lm-init');
    const { vocabSize: V, contextLength: C, nLayers: L, dModel: D } = cfg;
    const std = 0.02;
    const residualStd = std / Math.sqrt(2 * L);
    const normal = (n: number, s: number): Float32Array => {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = s * rng.normal();
      return a;
    };
    const add = (name: string, shape: number[], values: Float32Array): void => {
      // tf.variable shares the tensor's data and takes its own reference: free the initial tensor.
      const initial = tf.tensor(values, shape);
      this.vars.set(name, tf.variable(initial, true));
      initial.dispose();
    };
    const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
    const zeros = (n: number): Float32Array => new Float32Array(n);
    add('wte', [V, D], normal(V * D, std));
    add('wpe', [C, D], sinusoidal(C, D, std));
    for (let l = 0; l < L; l++) {
      add(`h${l}.ln1.g`, [D], ones(D));
      add(`h${l}.ln1.b`, [D], zeros(D));
      add(`h${l}.attn.qkv.w`, [D, 3 * D], normal(D * 3 * D, std));
      add(`h${l}.attn.qkv.b`, [3 * D], zeros(3 * D));
      add(`h${l}.attn.proj.w`, [D, D], normal(D * D, residualStd));
      add(`h${l}.attn.proj.b`, [D], zeros(D));
      add(`h${l}.ln2.g`, [D], ones(D));
      add(`h${l}.ln2.b`, [D], zeros(D));
      add(`h${l}.mlp.fc.w`, [D, 4 * D], normal(D * 4 * D, std));
      add(`h${l}.mlp.fc.b`, [4 * D], zeros(4 * D));
      add(`h${l}.mlp.proj.w`, [4 * D, D], normal(4 * D * D, residualStd));
      add(`h${l}.mlp.proj.b`, [D], zeros(D));
    }
    add('lnf.g', [D], ones(D));
    add('lnf.b', [D], zeros(D));
    add('head.w', [D, V], normal(D * V, std));
  }

  /** The variables in a fixed order (the order of getWeights' keys). */
  trainableVariables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  /** The variables `hidden()` uses: all but the vocabulary head (value and reward heads train these). */
  bodyVariables(): tf.Variable[] {
    return [...this.vars.entries()].filter(([name]) => name !== 'head.w').map(([, v]) => v);
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  private v<R extends tf.Rank>(name: string): tf.Tensor<R> {
    const x = this.vars.get(name);
    if (!x) throw new Error(`LM has no weight '${name}'`);
    return x as unknown as tf.Tensor<R>;
  }

  private dropout<T extends tf.Tensor>(x: T): T {
    const p = this.cfg.dropout ?? 0;
    if (!this.training || p <= 0) return x;
    return tf.dropout(x, p, undefined, this.dropoutRng.nextUint32()) as T;
  }

  /** tokens int32 [B,T] -> final hidden states [B,T,D] (after the final LayerNorm). */
  hidden(tokens: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = tokens.shape;
    const { contextLength: C, dModel: D, nHeads: H, nLayers: L, vocabSize: V } = this.cfg;
    if (T > C) throw new Error(`sequence length ${T} exceeds the model's context_length ${C}`);
    if (T < 1) throw new Error('empty token sequence');
    const hd = D / H;
    const N = B * T;
    // Embeddings: one-hot @ table (see the header), plus the first T position vectors.
    const flatTokens = tf.reshape(tokens.dtype === 'int32' ? tokens : tf.cast(tokens, 'int32'), [N]) as tf.Tensor1D;
    const tokEmb = matMul2d(tf.oneHot(flatTokens, V) as tf.Tensor2D, this.v<tf.Rank.R2>('wte'));
    const posEmb = tf.slice(this.v<tf.Rank.R2>('wpe'), [0, 0], [T, D]);
    let x = tf.reshape(tf.add(tf.reshape(tokEmb, [B, T, D]), posEmb), [N, D]) as tf.Tensor2D;
    x = this.dropout(x);
    const mask = causalMask(T);
    const scale = 1 / Math.sqrt(hd);
    // [N, D] -> [B*H, T, hd]
    const heads = (t: tf.Tensor2D): tf.Tensor3D =>
      tf.reshape(tf.transpose(tf.reshape(t, [B, T, H, hd]), [0, 2, 1, 3]), [B * H, T, hd]) as tf.Tensor3D;
    for (let l = 0; l < L; l++) {
      const p = `h${l}.`;
      // Attention sub-block (Vaswani et al. 2017): softmax(q k^T / sqrt(hd) + mask) v per head.
      const h1 = layerNorm(x, this.v(p + 'ln1.g'), this.v(p + 'ln1.b'));
      const qkv = linear(h1, this.v(p + 'attn.qkv.w'), this.v(p + 'attn.qkv.b'));
      const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
      const kT = tf.transpose(heads(k), [0, 2, 1]) as tf.Tensor3D;
      const scores = tf.add(tf.mul(batchMatMul(heads(q), kT), scale), mask);
      const probs = this.dropout(tf.softmax(scores)) as tf.Tensor3D;
      const ctx = batchMatMul(probs, heads(v)); // [B*H, T, hd]
      const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, H, T, hd]), [0, 2, 1, 3]), [N, D]) as tf.Tensor2D;
      const attnOut = linear(merged, this.v(p + 'attn.proj.w'), this.v(p + 'attn.proj.b'));
      x = tf.add(x, this.dropout(attnOut));
      // MLP sub-block: proj(gelu(fc(LN(x)))).
      const h2 = layerNorm(x, this.v(p + 'ln2.g'), this.v(p + 'ln2.b'));
      const fc = gelu(linear(h2, this.v(p + 'mlp.fc.w'), this.v(p + 'mlp.fc.b'))) as tf.Tensor2D;
      const mlpOut = linear(fc, this.v(p + 'mlp.proj.w'), this.v(p + 'mlp.proj.b'));
      x = tf.add(x, this.dropout(mlpOut));
    }
    const out = layerNorm(x, this.v('lnf.g'), this.v('lnf.b'));
    return tf.reshape(out, [B, T, D]) as tf.Tensor3D;
  }

  /** tokens int32 [B,T] -> logits [B,T,V] (inside the caller's tidy). */
  logits(tokens: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = tokens.shape;
    const { dModel: D, vocabSize: V } = this.cfg;
    const h = tf.reshape(this.hidden(tokens), [B * T, D]) as tf.Tensor2D;
    return tf.reshape(matMul2d(h, this.v<tf.Rank.R2>('head.w')), [B, T, V]) as tf.Tensor3D;
  }

  /** A deep copy with its own variables (frozen reference, critic or reward-model init). */
  clone(): TransformerLM {
    const copy = new TransformerLM(this.cfg, 0);
    copy.setWeights(this.getWeights());
    copy.training = this.training;
    return copy;
  }

  getWeights(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of this.vars) out[name] = v.dataSync() as Float32Array;
    return out;
  }

  setWeights(w: Record<string, Float32Array>): void {
    for (const [name, v] of this.vars) {
      const values = w[name];
      if (!values) throw new Error(`LM weights: '${name}' is missing`);
      if (values.length !== v.size) throw new Error(`LM weights: '${name}' has ${values.length} values, expected ${v.size} (shape ${v.shape.join('x')})`);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
  }

  /** Weight shapes by name (for the saved manifest). */
  weightShapes(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [name, v] of this.vars) out[name] = [...v.shape];
    return out;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/**
 * log pi(tokens[:,t+1] | tokens[:,:t+1]) for t in [0,T-1): [B,T-1]. Differentiable; call inside
 * the caller's tidy / gradient scope. Position t of the result scores token t+1, so for the
 * `sample` output the response log-probs are those where responseMask[:, t+1] is 1.
 */
export function tokenLogProbs(lm: TransformerLM, tokens: tf.Tensor2D): tf.Tensor2D {
  const [B, T] = tokens.shape;
  const V = lm.cfg.vocabSize;
  if (T < 2) throw new Error('tokenLogProbs needs at least 2 tokens per row');
  const logits = tf.slice(lm.logits(tokens), [0, 0, 0], [B, T - 1, V]);
  const logp = tf.logSoftmax(logits);
  const targets = tf.slice(tf.cast(tokens, 'int32'), [0, 1], [B, T - 1]);
  return tf.sum(tf.mul(logp, tf.oneHot(targets, V)), -1) as tf.Tensor2D;
}

/** Per-row logits for the next token after the first len[i] tokens of each row: [B,V] plain numbers. */
function nextTokenLogits(lm: TransformerLM, rows: number[][], padId: number): Float32Array[] {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.length));
  const V = lm.cfg.vocabSize;
  const flat = new Int32Array(B * T).fill(padId);
  rows.forEach((r, i) => flat.set(r, i * T));
  // Right padding is safe: attention is causal, so pads after position len-1 cannot change it.
  const picked = tf.tidy(() => {
    const logits = lm.logits(tf.tensor2d(flat, [B, T], 'int32'));
    const idx = tf.tensor1d(rows.map((r, i) => i * T + r.length - 1), 'int32');
    return tf.gather(tf.reshape(logits, [B * T, V]), idx);
  });
  const data = picked.dataSync() as Float32Array;
  picked.dispose();
  return rows.map((_, i) => data.subarray(i * V, (i + 1) * V));
}

/**
 * Draws one token from logits with temperature and top-k (Fan et al. 2018). temperature <= 0
 * means greedy (argmax); topK <= 0 or >= V means no truncation. Exported for tests.
 */
export function drawToken(logits: Float32Array, temperature: number, topK: number, rng: Rng, banned: ReadonlySet<number> = new Set()): number {
  const V = logits.length;
  let ids = Array.from({ length: V }, (_, i) => i).filter((i) => !banned.has(i));
  if (temperature <= 0) return ids.reduce((best, i) => (logits[i] > logits[best] ? i : best), ids[0]);
  if (topK > 0 && topK < ids.length) ids = ids.sort((a, b) => logits[b] - logits[a]).slice(0, topK);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i] / temperature);
  const w = ids.map((i) => Math.exp(logits[i] / temperature - max));
  let total = 0;
  for (const x of w) total += x;
  let u = rng.random() * total;
  for (let j = 0; j < ids.length; j++) {
    u -= w[j];
    if (u < 0) return ids[j];
  }
  return ids[ids.length - 1];
}

/**
 * Autoregressive sampling with temperature and top-k; returns token ids incl. the prompt, padded
 * on the right with padId to a common length, plus a [B,T] 0/1 mask of the generated part (the
 * eos token, when drawn, is generated and has mask 1). A row stops at eos, after maxNewTokens,
 * or when it fills the context. The pad id (and bos) are never drawn. No KV cache: every step
 * re-runs the (tiny) model on the whole prefix.
 */
export function sample(
  lm: TransformerLM,
  prompts: number[][],
  opts: { maxNewTokens: number; temperature: number; topK: number; rng: Rng; eosId?: number; padId: number; bosId?: number },
): { tokens: number[][]; responseMask: number[][] } {
  const C = lm.cfg.contextLength;
  for (const p of prompts) {
    if (p.length === 0) throw new Error('sample: empty prompt (start prompts with the bos token)');
    if (p.length >= C) throw new Error(`sample: prompt of ${p.length} tokens leaves no room in context_length ${C}`);
  }
  const banned = new Set<number>([opts.padId]);
  if (opts.bosId !== undefined) banned.add(opts.bosId);
  const rows = prompts.map((p) => [...p]);
  const done = rows.map(() => false);
  const wasTraining = lm.training;
  lm.training = false;
  try {
    for (let step = 0; step < opts.maxNewTokens; step++) {
      const active = rows.map((_, i) => i).filter((i) => !done[i]);
      if (active.length === 0) break;
      const logits = nextTokenLogits(lm, active.map((i) => rows[i]), opts.padId);
      active.forEach((i, j) => {
        const tok = drawToken(logits[j], opts.temperature, opts.topK, opts.rng, banned);
        rows[i].push(tok);
        if (tok === opts.eosId || rows[i].length >= C) done[i] = true;
      });
    }
  } finally {
    lm.training = wasTraining;
  }
  const T = Math.max(...rows.map((r) => r.length));
  const tokens = rows.map((r) => [...r, ...new Array<number>(T - r.length).fill(opts.padId)]);
  const responseMask = rows.map((r, i) => tokens[i].map((_, t) => (t >= prompts[i].length && t < r.length ? 1 : 0)));
  return { tokens, responseMask };
}
