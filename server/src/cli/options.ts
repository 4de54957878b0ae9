/**
 * What the `rl-lab` commands share to read their options: node's util.parseArgs, with every
 * mistake turned into a one-line UsageError (stderr, exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** @types/node does not export the options' own type. */
type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** A usage mistake: reported as one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** An error's message on one line: parseArgs and the environments explain over several lines. */
export function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}

/**
 * Options and positionals of `argv` (strict: unknown options are mistakes). `context` prefixes
 * the message, e.g. `env` -> "env: Unknown option '--bogus'...".
 */
export function parseOptions<const O extends OptionsConfig>(argv: readonly string[], options: O, context?: string) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError(context ? `${context}: ${oneLine(e)}` : oneLine(e));
  }
}
