/**
 * Tokenizers for the miniature language models: character-level over a fixed alphabet (small
 * vocabulary: the synthetic tasks use ~40 symbols, so the output layer stays tiny) or byte-level
 * (UTF-8 bytes, any text). Both reserve the same special ids at the start of the vocabulary:
 *
 *   0 = <pad>   padding (never predicted; masked out of every loss)
 *   1 = <bos>   start of a sequence (prepended to every prompt, so position 0 is always defined)
 *   2 = <eos>   end of a completion (sampling stops there)
 *   3 = <unk>   a character outside the alphabet (character-level only)
 *
 * A tokenizer is serialized as its `spec` (JSON) next to the model weights, so a loaded model
 * encodes text exactly as it did in training.
 */
export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const UNK_ID = 3;
const N_SPECIAL = 4;

/** Printable ASCII (space .. '~') and newline: enough for every built-in task and most JSONL. */
export const DEFAULT_ALPHABET = '\n' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

export type TokenizerSpec = { kind: 'char'; alphabet: string } | { kind: 'byte' };

export interface Tokenizer {
  readonly spec: TokenizerSpec;
  readonly vocabSize: number;
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  /** Text -> ids, without specials (callers add bos/eos where a format needs them). */
  encode(text: string): number[];
  /** Ids -> text; special ids are dropped (eos ends nothing here: callers cut at eos first). */
  decode(ids: readonly number[]): string;
}

class CharTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly padId = PAD_ID;
  readonly bosId = BOS_ID;
  readonly eosId = EOS_ID;
  private readonly index = new Map<string, number>();
  private readonly chars: string[];

  constructor(readonly spec: { kind: 'char'; alphabet: string }) {
    // Array.from splits by code point, so an alphabet may hold characters outside the BMP.
    this.chars = Array.from(new Set(Array.from(spec.alphabet)));
    this.chars.forEach((c, i) => this.index.set(c, N_SPECIAL + i));
    this.vocabSize = N_SPECIAL + this.chars.length;
  }

  encode(text: string): number[] {
    return Array.from(text, (c) => this.index.get(c) ?? UNK_ID);
  }

  decode(ids: readonly number[]): string {
    let out = '';
    for (const id of ids) if (id >= N_SPECIAL && id < this.vocabSize) out += this.chars[id - N_SPECIAL];
    return out;
  }
}

class ByteTokenizer implements Tokenizer {
  readonly spec = { kind: 'byte' } as const;
  readonly vocabSize = N_SPECIAL + 256;
  readonly padId = PAD_ID;
  readonly bosId = BOS_ID;
  readonly eosId = EOS_ID;

  encode(text: string): number[] {
    return Array.from(Buffer.from(text, 'utf8'), (b) => N_SPECIAL + b);
  }

  decode(ids: readonly number[]): string {
    const bytes = ids.filter((id) => id >= N_SPECIAL && id < this.vocabSize).map((id) => id - N_SPECIAL);
    return Buffer.from(bytes).toString('utf8');
  }
}

export function createTokenizer(spec: TokenizerSpec = { kind: 'char', alphabet: DEFAULT_ALPHABET }): Tokenizer {
  if (spec.kind === 'byte') return new ByteTokenizer();
  if (spec.kind === 'char' && typeof spec.alphabet === 'string' && spec.alphabet.length > 0) return new CharTokenizer(spec);
  throw new Error(`unknown tokenizer spec ${JSON.stringify(spec)}`);
}

/** The tokenizer named by the `tokenizer` key: 'char' (printable ASCII) or 'byte' (UTF-8). */
export function tokenizerByName(name: string): Tokenizer {
  if (name === 'byte') return createTokenizer({ kind: 'byte' });
  if (name === 'char') return createTokenizer();
  throw new Error(`unknown tokenizer '${name}' (expected 'char' or 'byte')`);
}
