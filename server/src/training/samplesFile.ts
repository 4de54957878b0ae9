/**
 * `samples.jsonl` in an RLHF run's folder: one line per logged step, `{step, samples: [{prompt,
 * completion, reward}]}`, appended by the trainer (the `onSamples` training hook) and read by
 * the language server for the dashboard's samples table. Like metrics.jsonl, a torn last line
 * (a trainer killed mid-write) and foreign lines are skipped on read.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isSamplesRow, type SamplesRow } from '../protocol/types';
import type { SampleRow } from './types';

export const SAMPLES_FILE = 'samples.jsonl';

/** Rows a single answer carries at most: the newest ones (a table shows one step at a time). */
export const MAX_SAMPLE_ROWS = 2000;

/** One line of samples.jsonl; undefined for a torn or foreign line. A null reward (NaN through JSON) reads as NaN. */
export function parseSamplesLine(line: string): SamplesRow | undefined {
  if (!line.trim()) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isSamplesRow(data)) return undefined;
  return {
    step: data.step,
    samples: data.samples.map((s) => ({ prompt: s.prompt, completion: s.completion, reward: typeof s.reward === 'number' ? s.reward : Number.NaN })),
  };
}

/** The run's sample rows with a step above `afterStep` (all without it), in file order, the newest MAX_SAMPLE_ROWS. */
export function readSamples(runDir: string, afterStep?: number): SamplesRow[] {
  const path = join(runDir, SAMPLES_FILE);
  if (!existsSync(path)) return [];
  const rows: SamplesRow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const row = parseSamplesLine(line);
    if (row && (afterStep === undefined || row.step > afterStep)) rows.push(row);
  }
  return rows.length > MAX_SAMPLE_ROWS ? rows.slice(rows.length - MAX_SAMPLE_ROWS) : rows;
}

/**
 * Appends the trainer's rows (recordRun wires it to the onSamples hook): one write per line and
 * no buffering, like metrics.jsonl, so a crash tears at most the last line. The file is created
 * on the first row, so runs that never sample get none.
 */
export class SamplesWriter {
  private fd: number | undefined;

  constructor(private readonly runDir: string) {}

  append(row: SampleRow): void {
    this.fd ??= openSync(join(this.runDir, SAMPLES_FILE), 'a');
    writeSync(this.fd, JSON.stringify(row) + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
