/**
 * What an LM stage reads from its resolved config: the shared keys (schema/lm.ts), the model
 * it starts from (fresh from the seed, or `init_from`'s saved model), its text task and data.
 */
import type { ResolvedConfig } from '../../schema';
import type { LmHyperparameters } from '../../schema/lm';
import { TransformerLM, type LmConfig } from './lm/model';
import { loadLm } from './lm/io';
import { tokenizerByName, type Tokenizer } from './tokenizer';
import { createTextTask, type TextTask } from './tasks';
import { resolveInitFrom } from './initFrom';

/** The shared LM hyperparameters of any LM stage's config. */
export function lmHyperparameters(config: ResolvedConfig): LmHyperparameters {
  return config.hyperparameters as unknown as LmHyperparameters;
}

export function lmConfigFrom(h: LmHyperparameters, vocabSize: number): LmConfig {
  return { vocabSize, contextLength: h.context_length, nLayers: h.n_layer, dModel: h.d_model, nHeads: h.n_head, dropout: h.dropout };
}

/** The env's text task (undefined for text/dataset); bad env_kwargs throw naming the task. */
export function taskOf(config: ResolvedConfig): TextTask | undefined {
  return createTextTask(config.env, config.env_kwargs ?? {});
}

export interface StartingModel {
  lm: TransformerLM;
  tokenizer: Tokenizer;
  /** Where it came from, for the log ("fresh", or init_from's description). */
  source: string;
  /** The loaded manifest's extra (stage, reward head), when it came from init_from. */
  extra?: Record<string, unknown>;
}

/**
 * A fresh model of the configured size (seeded), or the model `init_from` names, loaded from
 * its run folder (resolved against the run store that holds `runDir`). The loaded model keeps
 * its own size and tokenizer; `dropout` is the config's.
 */
export function startingModel(config: ResolvedConfig, runDir: string | undefined): StartingModel {
  const h = lmHyperparameters(config);
  if (config.init_from) {
    const src = resolveInitFrom(config.init_from, runDir);
    const { lm, tokenizer, extra } = loadLm(src.modelDir, config.seed);
    lm.cfg.dropout = h.dropout;
    return { lm, tokenizer, source: src.via, extra };
  }
  const tokenizer = tokenizerByName(h.tokenizer);
  return { lm: new TransformerLM(lmConfigFrom(h, tokenizer.vocabSize), config.seed), tokenizer, source: 'fresh' };
}
