/**
 * The git commit an experiment file sits at, recorded in run.json so a run can be traced
 * back to the code and config it trained with.
 */
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';

export interface GitInfo {
  commit: string;
  /** Tracked files differ from the commit. */
  dirty: boolean;
}

/** Long enough for a cold `git status` on a big repo; short enough not to stall a run start. */
const GIT_TIMEOUT_MS = 3000;

/** Undefined outside a git repo, without git installed, or when git does not answer in time. */
export function gitInfo(filePath: string): GitInfo | undefined {
  const cwd = dirname(filePath);
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd, timeout: GIT_TIMEOUT_MS, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    if (!/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
    // Untracked files are left out: the run folders themselves (when .rl-lab/ is not ignored)
    // would otherwise mark every run after the first as dirty.
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim().length > 0;
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
