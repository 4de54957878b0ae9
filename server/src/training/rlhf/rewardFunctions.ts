/**
 * User reward functions: a workspace JavaScript or TypeScript module named by `reward_module`
 * (relative to the experiment file), scoring a completion of a prompt. It runs in the training
 * process only (never in the language server) and only in a trusted workspace (the server
 * refuses to start such a run otherwise, as for custom environments).
 *
 * The module exports the function as `default`, `reward`, or `module.exports`:
 *
 *   export default function reward(prompt: string, completion: string): number
 *
 * It must return a finite number. Whatever goes wrong — missing file, no function exported,
 * a throw, a non-number — becomes an Error that names the file and, for a bad call, the prompt
 * and completion it was given.
 */
import { loadModuleExports } from '../envs/custom/load';

export type RewardFn = (prompt: string, completion: string) => number;

export class RewardModuleError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`reward_module ${file}: ${problem}`);
    this.name = 'RewardModuleError';
  }
}

/** Loads the module and returns a checked reward function. */
export async function loadRewardModule(file: string): Promise<RewardFn> {
  let exports: unknown;
  try {
    exports = await loadModuleExports(file);
  } catch (e) {
    // The loader's message already leads with the file name.
    throw new RewardModuleError(file, stripFile(file, e instanceof Error ? e.message : String(e)));
  }
  const mod = exports as Record<string, unknown> | null | undefined;
  const fn = [mod?.reward, mod?.default, exports].find((c): c is (...args: unknown[]) => unknown => typeof c === 'function');
  if (!fn) throw new RewardModuleError(file, 'exports no reward function: export `default function (prompt, completion) { return number }` or a function named `reward`');
  return (prompt, completion) => {
    let value: unknown;
    try {
      value = fn(prompt, completion);
    } catch (e) {
      throw new RewardModuleError(file, `threw on prompt ${quote(prompt)}, completion ${quote(completion)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const shown = value instanceof Promise ? 'a Promise (reward functions must be synchronous)' : JSON.stringify(value) ?? String(value);
      throw new RewardModuleError(file, `returned ${shown} for prompt ${quote(prompt)}, completion ${quote(completion)}; a reward must be a finite number`);
    }
    return value;
  };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
}

function stripFile(file: string, message: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}
