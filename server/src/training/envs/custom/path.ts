/**
 * Where a custom environment module lives: `env_module` is relative to the experiment file
 * (like an import), and must be a JavaScript or TypeScript file. Only the file system is
 * looked at here; nothing is loaded (the editor calls this in the language server).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';

export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs'] as const;
export const TS_EXTENSIONS = ['.ts', '.cts', '.mts'] as const;
const EXTENSIONS: readonly string[] = [...JS_EXTENSIONS, ...TS_EXTENSIONS];

export function resolveEnvModule(experimentFile: string, modulePath: string): string {
  return resolve(dirname(experimentFile), modulePath);
}

/** What is wrong with `env_module`, or undefined when it names an existing JS/TS file. */
export function customEnvPathProblem(experimentFile: string, modulePath: string): string | undefined {
  if (!modulePath.trim()) return 'env_module is empty; give the path of a .js or .ts file';
  const ext = extname(modulePath).toLowerCase();
  if (!EXTENSIONS.includes(ext)) return `env_module '${modulePath}' must be a JavaScript or TypeScript file (${EXTENSIONS.join(', ')})`;
  const full = resolveEnvModule(experimentFile, modulePath);
  if (!existsSync(full)) return `env_module '${modulePath}' does not exist (looked for ${full})`;
  if (!statSync(full).isFile()) return `env_module '${modulePath}' is not a file`;
  return undefined;
}
