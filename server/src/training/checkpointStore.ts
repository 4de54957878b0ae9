/**
 * `<runDir>/checkpoints/`: one JSON file per checkpoint, `step-<12-digit env step>.json`,
 * written atomically (temp file + rename: a crash leaves the previous checkpoints intact and
 * at worst a stray `*.tmp`). The newest KEEP_CHECKPOINTS are kept; resume reads the newest
 * one that parses, so a damaged newest file falls back to the one before.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlgoCheckpoint, type AlgoCheckpoint } from './algos/checkpoint';
import { writeFileAtomic } from './runStore';

export const CHECKPOINTS_DIR = 'checkpoints';
/** Checkpoints kept per run (older ones are deleted after a newer one is safely written). */
export const KEEP_CHECKPOINTS = 3;

const NAME = /^step-(\d+)\.json$/;

export function checkpointPath(runDir: string, step: number): string {
  return join(runDir, CHECKPOINTS_DIR, `step-${String(step).padStart(12, '0')}.json`);
}

export function writeCheckpoint(runDir: string, checkpoint: AlgoCheckpoint): string {
  mkdirSync(join(runDir, CHECKPOINTS_DIR), { recursive: true });
  const path = checkpointPath(runDir, checkpoint.globalStep);
  writeFileAtomic(path, JSON.stringify(checkpoint) + '\n');
  for (const old of listCheckpoints(runDir).slice(0, -KEEP_CHECKPOINTS)) rmSync(old.path, { force: true });
  return path;
}

/** Checkpoint files, oldest first. */
export function listCheckpoints(runDir: string): { step: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(join(runDir, CHECKPOINTS_DIR));
  } catch {
    return [];
  }
  return names
    .map((n) => ({ m: NAME.exec(n), n }))
    .filter((x): x is { m: RegExpExecArray; n: string } => x.m !== null)
    .map(({ m, n }) => ({ step: Number(m[1]), path: join(runDir, CHECKPOINTS_DIR, n) }))
    .sort((a, b) => a.step - b.step);
}

export function readCheckpoint(path: string): AlgoCheckpoint {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isAlgoCheckpoint(data)) throw new Error(`${path} is not an RL Lab checkpoint (or of another version)`);
  return data;
}

/** The newest readable checkpoint, or undefined when the run has none. */
export function latestCheckpoint(runDir: string): { checkpoint: AlgoCheckpoint; path: string } | undefined {
  for (const { path } of listCheckpoints(runDir).reverse()) {
    try {
      return { checkpoint: readCheckpoint(path), path };
    } catch {
      // Damaged (should not happen with atomic writes, but a disk can lie): try the one before.
    }
  }
  return undefined;
}
