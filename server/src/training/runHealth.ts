/**
 * Health alerts of stored runs, for the run list: computed from metrics.jsonl (raw lines, so a
 * NaN written as null still counts) and the target_kl of config.yaml, cached per run folder
 * until metrics.jsonl changes size or time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { healthConfigOf, HealthMonitor } from './health';
import { METRICS_FILE, readConfigYaml } from './runStore';

const cache = new Map<string, { size: number; mtimeMs: number; alerts: string[] }>();

/** The resolved config a run recorded (config.yaml) as data, or null. */
export function readRunConfig(runDir: string): Record<string, unknown> | null {
  const text = readConfigYaml(runDir);
  if (text === undefined) return null;
  try {
    const data: unknown = parse(text);
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Alert lines of a stored run; [] when it has no metrics. */
export function storedRunAlerts(runDir: string): string[] {
  const path = join(runDir, METRICS_FILE);
  if (!existsSync(path)) return [];
  let size: number;
  let mtimeMs: number;
  try {
    ({ size, mtimeMs } = statSync(path));
  } catch {
    return [];
  }
  const held = cache.get(runDir);
  if (held && held.size === size && held.mtimeMs === mtimeMs) return held.alerts;
  const monitor = new HealthMonitor(healthConfigOf(readRunConfig(runDir)));
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue; // a torn last line
    }
    if (typeof row === 'object' && row !== null && !Array.isArray(row)) monitor.push([row as Record<string, unknown>]);
  }
  const alerts = monitor.messages();
  cache.set(runDir, { size, mtimeMs, alerts });
  return alerts;
}
