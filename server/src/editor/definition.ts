/**
 * Go to Definition on values that name something elsewhere:
 * - `init_from` and ppo_rlhf's `reward_model`: an experiment of the same file (its name), or a
 *   run id (the run folder's config.yaml, the resolved config the run trained with);
 * - `env_module` and any other `*_module` key (custom environment, reward modules): the module
 *   file, relative to the experiment file as training resolves it (and the LM stages' `dataset`).
 */
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Location, Position } from 'vscode-languageserver';
import { resolveEnvModule } from '../training/envs/custom/path';
import { filePathFromUri, toRange, type EditorDocument } from './document';
import { locate } from './locate';

export interface DefinitionContext {
  /** The config.yaml of a stored run, when the id names one. */
  runConfigPath(runId: string): string | undefined;
}

const NONE: DefinitionContext = { runConfigPath: () => undefined };
const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function definition(doc: EditorDocument, position: Position, ctx: DefinitionContext = NONE): Location | null {
  const target = locate(doc.model, doc.document.offsetAt(position));
  if (!target || target.kind === 'name' || typeof target.entry.value !== 'string') return null;
  const { key, value } = target.entry;
  if (key === 'init_from' || key === 'reward_model') {
    const exp = doc.model.experiments.find((e) => e.name === value);
    if (exp) return { uri: doc.uri, range: toRange(doc.document, exp.nameRange) };
    const config = ctx.runConfigPath(value);
    return config ? { uri: pathToFileURL(config).href, range: START } : null;
  }
  // A language-model stage's `dataset` JSONL file resolves the same way.
  if ((key.endsWith('_module') || key === 'dataset') && value.trim()) {
    if (!doc.uri.startsWith('file:')) return null;
    const file = resolveEnvModule(filePathFromUri(doc.uri), value);
    return isFile(file) ? { uri: pathToFileURL(file).href, range: START } : null;
  }
  return null;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}
