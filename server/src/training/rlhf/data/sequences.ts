/**
 * Token sequences for the LM stages, in the one layout every stage shares:
 *
 *   [bos] prompt completion [eos] [pad ...]      (right-padded to the batch's longest row)
 *
 * A loss over "completion tokens" is a mask over the *targets*: tokenLogProbs(lm, x)[:, t]
 * scores x[:, t+1], so mask[:, t] = 1 when x[:, t+1] is a completion token (eos included).
 */
import type { Tokenizer } from '../tokenizer';

export interface EncodedExample {
  ids: number[];
  /** Tokens before the completion: bos + the prompt. */
  promptLen: number;
}

/** [bos] prompt completion [eos]; throws naming `where` when it exceeds the context. */
export function encodeExample(tok: Tokenizer, prompt: string, completion: string, contextLength: number, where: string): EncodedExample {
  const p = [tok.bosId, ...tok.encode(prompt)];
  const ids = [...p, ...tok.encode(completion), tok.eosId];
  if (ids.length > contextLength) throw new Error(`${where}: ${ids.length} tokens (bos + prompt + completion + eos) exceed context_length ${contextLength}; raise context_length or shorten the text`);
  return { ids, promptLen: p.length };
}

/** [bos] prompt — what sampling starts from. */
export function encodePrompt(tok: Tokenizer, prompt: string): number[] {
  return [tok.bosId, ...tok.encode(prompt)];
}

/** Rows right-padded into one int32 [B, T] buffer. */
export function padRows(rows: readonly (readonly number[])[], padId: number): { data: Int32Array; batch: number; length: number } {
  const length = Math.max(...rows.map((r) => r.length));
  const data = new Int32Array(rows.length * length).fill(padId);
  rows.forEach((r, i) => data.set(r, i * length));
  return { data, batch: rows.length, length };
}

/**
 * Target mask [B, T-1] (row-major): 1 where the target x[t+1] is trained on — completion
 * tokens and eos, and with `includePrompt` the prompt tokens too (never bos, never pads).
 */
export function targetMask(examples: readonly EncodedExample[], length: number, includePrompt: boolean): Float32Array {
  const m = new Float32Array(examples.length * (length - 1));
  examples.forEach((e, i) => {
    const first = includePrompt ? 1 : e.promptLen;
    for (let j = first; j < e.ids.length; j++) m[i * (length - 1) + j - 1] = 1;
  });
  return m;
}

/** Index of each row's last real token (eos): where a reward head reads the hidden state. */
export function lastTokenIndices(rows: readonly (readonly number[])[], padId: number): number[] {
  return rows.map((r) => {
    let i = r.length - 1;
    while (i > 0 && r[i] === padId) i--;
    return i;
  });
}

/** The completion text of a sampled row: the generated tokens up to (not including) eos. */
export function completionText(tok: Tokenizer, tokens: readonly number[], responseMask: readonly number[]): string {
  const out: number[] = [];
  for (let t = 0; t < tokens.length; t++) {
    if (responseMask[t] !== 1) continue;
    if (tokens[t] === tok.eosId) break;
    out.push(tokens[t]);
  }
  return tok.decode(out);
}
