/**
 * JSONL datasets in Hugging Face TRL's standard (non-conversational) formats:
 *
 *   language modelling   {"text": "..."}
 *   prompt-completion    {"prompt": "...", "completion": "..."}
 *   preference           {"prompt": "...", "chosen": "...", "rejected": "..."}   (prompt optional: implicit prompt)
 *   prompt-only          {"prompt": "..."}
 *
 * Other keys are ignored. Every problem is an error naming the file and the 1-based line.
 * Conversational rows (`messages`, or chosen/rejected as message lists) are refused with a
 * clear message: the miniature models have no chat template.
 */
import * as fs from 'node:fs';
import type { PreferencePair, SftExample } from '../tasks';

export class DatasetError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'DatasetError';
  }
}

/** Parsed objects of a JSONL file with their line numbers (blank lines skipped). */
export function readJsonl(file: string): { line: number; row: Record<string, unknown> }[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new DatasetError(file, 0, `cannot read the dataset (${e instanceof Error ? e.message : String(e)})`);
  }
  const out: { line: number; row: Record<string, unknown> }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new DatasetError(file, i + 1, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DatasetError(file, i + 1, 'expected a JSON object per line');
    out.push({ line: i + 1, row: value as Record<string, unknown> });
  });
  if (out.length === 0) throw new DatasetError(file, 1, 'the dataset has no rows');
  return out;
}

function field(file: string, line: number, row: Record<string, unknown>, key: string): string {
  const v = row[key];
  if (Array.isArray(v)) throw new DatasetError(file, line, `'${key}' is a list of messages (conversational format); RL Lab reads plain-text rows`);
  if (typeof v !== 'string') throw new DatasetError(file, line, `'${key}' must be a string, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
  return v;
}

function refuseConversational(file: string, line: number, row: Record<string, unknown>): void {
  if ('messages' in row) throw new DatasetError(file, line, "conversational rows ('messages') are not supported; use prompt/completion or text");
}

/** An SFT row; `text` rows have an empty prompt and `fullText` set (every token is trained on). */
export interface SftRow extends SftExample {
  fullText?: boolean;
}

export function loadSftDataset(file: string): SftRow[] {
  return readJsonl(file).map(({ line, row }) => {
    refuseConversational(file, line, row);
    if ('completion' in row) return { prompt: 'prompt' in row ? field(file, line, row, 'prompt') : '', completion: field(file, line, row, 'completion') };
    if ('text' in row) return { prompt: '', completion: field(file, line, row, 'text'), fullText: true };
    if ('chosen' in row) throw new DatasetError(file, line, "a preference row (chosen/rejected) in an sft dataset; sft reads 'prompt'/'completion' or 'text'");
    throw new DatasetError(file, line, "expected 'prompt' and 'completion', or 'text'");
  });
}

export function loadPreferenceDataset(file: string): PreferencePair[] {
  return readJsonl(file).map(({ line, row }) => {
    refuseConversational(file, line, row);
    if (!('chosen' in row) || !('rejected' in row)) throw new DatasetError(file, line, "expected 'chosen' and 'rejected' (and usually 'prompt'): the preference format");
    return { prompt: 'prompt' in row ? field(file, line, row, 'prompt') : '', chosen: field(file, line, row, 'chosen'), rejected: field(file, line, row, 'rejected') };
  });
}

export function loadPromptDataset(file: string): string[] {
  return readJsonl(file).map(({ line, row }) => {
    refuseConversational(file, line, row);
    if (!('prompt' in row)) throw new DatasetError(file, line, "expected 'prompt'");
    return field(file, line, row, 'prompt');
  });
}
