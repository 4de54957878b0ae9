/**
 * `q_table.json` in a tabular run's folder: its Q-table / value function (protocol
 * `TabularValues`). Rewritten atomically about once a second while the run trains, so the
 * dashboard's heatmap follows it live, and once more at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTabularValues, type TabularValues } from '../protocol/types';
import { Q_TABLE_FILE } from './algos/tabular/valueTable';
import { writeFileAtomic } from './runStore';

export { Q_TABLE_FILE };

/** Minimum time between two writes of a live table (the final one is always written). */
export const VALUE_TABLE_SAVE_MS = 1000;

export function writeValueTable(runDir: string, table: TabularValues): void {
  writeFileAtomic(join(runDir, Q_TABLE_FILE), `${JSON.stringify(table)}\n`);
}

/** The run's table; null when it has none (not tabular, nothing written yet) or the file is not a table. */
export function readValueTable(runDir: string): TabularValues | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(runDir, Q_TABLE_FILE), 'utf8'));
  } catch {
    return null;
  }
  return isTabularValues(data) ? data : null;
}
