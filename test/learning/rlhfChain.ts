/**
 * Helpers of the RLHF learning tests: a temporary workspace with an experiment file, stages
 * trained through the run store (as the CLI does), so `init_from` resolves exactly as for users.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadExperimentConfig } from '../../server/src/experiments';
import type { MetricRow } from '../../server/src/training/engine';
import { trainAndRecord } from '../../server/src/training/recordRun';
import { createRun, defaultRunsDir } from '../../server/src/training/runStore';

/** The SFT stage the learning tests start from: fluent on text/positive-words, neutral in sentiment. */
export const POSITIVE_SFT = `sft:
  algo: sft
  env: text/positive-words
  seed: 1
  n_layer: 2
  d_model: 64
  n_head: 4
  context_length: 32
  n_examples: 1500
  n_epochs: 3
  batch_size: 32
  learning_rate: 0.003
`;

export class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'rl-lab-rlhf-'));
  readonly file = join(this.root, 'rlhf.rl.yaml');

  constructor(text: string) {
    writeFileSync(this.file, text);
  }

  /** Trains one experiment of the file as the CLI would; returns its metric rows. */
  async train(experiment: string): Promise<{ rows: MetricRow[]; runDir: string }> {
    const loaded = loadExperimentConfig(readFileSync(this.file, 'utf8'), this.file, experiment);
    if ('error' in loaded) throw new Error(`${loaded.error.line}: ${loaded.error.message}`);
    const run = createRun({ runsDir: defaultRunsDir(this.root), workspaceRoot: this.root, filePath: this.file, config: loaded.config });
    const rows: MetricRow[] = [];
    const { run: done } = await trainAndRecord({ runDir: run.runDir, config: loaded.config, backend: 'wasm', shouldStop: () => false, events: { metrics: (r) => rows.push(r) } });
    if (done.status !== 'completed') throw new Error(`${experiment}: ${done.status} ${done.error ?? ''}`);
    return { rows, runDir: run.runDir };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Values of one metric in row order (rows without it skipped). */
export function series(rows: readonly MetricRow[], key: string): number[] {
  return rows.filter((r) => typeof r[key] === 'number').map((r) => r[key]);
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
