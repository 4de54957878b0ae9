/**
 * Saving and loading a language model in a folder (a stage's run folder has it under `model/`):
 *
 *   lm.json          { format: "rl-lab-lm", version, config: LmConfig, tokenizer: TokenizerSpec,
 *                      weights: [{ name, shape, offset, length }], extra? }
 *   lm.weights.bin   every weight's float32 values, little-endian, concatenated in manifest order
 *
 * `offset`/`length` count float32 values. `extra` is free JSON for the stage that saved it (the
 * reward model stores its scalar head there). Written to temporary names and renamed, so a reader
 * never sees a half-written model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TransformerLM, checkLmConfig, type LmConfig } from './model';
import { createTokenizer, type Tokenizer, type TokenizerSpec } from '../tokenizer';

export const LM_MANIFEST = 'lm.json';
export const LM_WEIGHTS = 'lm.weights.bin';
const FORMAT = 'rl-lab-lm';
const VERSION = 1;

interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface LmManifest {
  format: typeof FORMAT;
  version: number;
  config: LmConfig;
  tokenizer: TokenizerSpec;
  weights: WeightEntry[];
  extra?: Record<string, unknown>;
}

export function saveLm(dir: string, lm: TransformerLM, tokenizer: Tokenizer, extra?: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  const weights = lm.getWeights();
  const shapes = lm.weightShapes();
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const [name, values] of Object.entries(weights)) {
    entries.push({ name, shape: shapes[name], offset, length: values.length });
    offset += values.length;
  }
  const all = new Float32Array(offset);
  for (const e of entries) all.set(weights[e.name], e.offset);
  const manifest: LmManifest = { format: FORMAT, version: VERSION, config: lm.cfg, tokenizer: tokenizer.spec, weights: entries, ...(extra ? { extra } : {}) };
  const binTmp = path.join(dir, LM_WEIGHTS + '.tmp');
  const jsonTmp = path.join(dir, LM_MANIFEST + '.tmp');
  fs.writeFileSync(binTmp, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
  fs.writeFileSync(jsonTmp, JSON.stringify(manifest, null, 1) + '\n');
  fs.renameSync(binTmp, path.join(dir, LM_WEIGHTS));
  fs.renameSync(jsonTmp, path.join(dir, LM_MANIFEST));
}

/** Reads a saved model's manifest only (no tensors). */
export function readLmManifest(dir: string): LmManifest {
  const file = path.join(dir, LM_MANIFEST);
  if (!fs.existsSync(file)) throw new Error(`no language model in ${dir} (${LM_MANIFEST} missing)`);
  let m: LmManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as LmManifest;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (m.format !== FORMAT) throw new Error(`${file}: not an RL Lab language model`);
  if (m.version !== VERSION) throw new Error(`${file}: model format version ${m.version}, this RL Lab reads ${VERSION}`);
  checkLmConfig(m.config);
  return m;
}

/** The model, its tokenizer and the saving stage's extra JSON. The caller disposes the model. */
export function loadLm(dir: string, seed = 0): { lm: TransformerLM; tokenizer: Tokenizer; extra?: Record<string, unknown> } {
  const manifest = readLmManifest(dir);
  const binFile = path.join(dir, LM_WEIGHTS);
  const buf = fs.readFileSync(binFile);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const weights: Record<string, Float32Array> = {};
  for (const e of manifest.weights) {
    if (e.offset + e.length > all.length) throw new Error(`${binFile}: truncated (weight '${e.name}' ends past the file)`);
    weights[e.name] = all.slice(e.offset, e.offset + e.length);
  }
  const tokenizer = createTokenizer(manifest.tokenizer);
  if (tokenizer.vocabSize !== manifest.config.vocabSize) throw new Error(`${dir}: tokenizer has ${tokenizer.vocabSize} ids, model expects ${manifest.config.vocabSize}`);
  const lm = new TransformerLM(manifest.config, seed);
  try {
    lm.setWeights(weights);
  } catch (e) {
    lm.dispose();
    throw new Error(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { lm, tokenizer, extra: manifest.extra };
}
