import * as path from 'node:path';
import type { FileFormat } from './model';

/**
 * RL Baselines3 Zoo keeps one file per algorithm in a `hyperparams/` folder (`hyperparams/ppo.yml`),
 * keyed by env id; everything else is an RL Lab experiment file.
 */
export function detectFormat(filePath: string): { format: FileFormat; fileAlgo?: string } {
  const normalized = filePath.replace(/\\/g, '/');
  const ext = path.posix.extname(normalized);
  const parent = path.posix.basename(path.posix.dirname(normalized));
  if (parent === 'hyperparams' && (ext === '.yml' || ext === '.yaml') && !/\.rl\.ya?ml$/.test(normalized)) {
    return { format: 'zoo', fileAlgo: path.posix.basename(normalized, ext).toLowerCase() };
  }
  return { format: 'rl-lab' };
}
