/** Where the CLI records runs: the same place the editor would for this file. */
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

/**
 * The nearest ancestor of the file holding `.git` or `package.json` (what an editor would
 * open as the workspace folder), else the file's own folder.
 */
export function workspaceRootOf(filePath: string): string {
  const start = dirname(filePath);
  const { root } = parse(start);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return dir;
    if (dir === root) return start;
  }
}
