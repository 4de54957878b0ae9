/**
 * The headless `rl-lab` command (`dist/cli.js`, run through `bin/rl-lab.js`):
 *   rl-lab train FILE[#EXPERIMENT] [--seed N] [--set key=value]... [--backend NAME] [--json] [--runs-dir DIR]
 *   rl-lab env list [--json] | rl-lab env replay --env ID --state JSON --actions JSON
 *   rl-lab backends [--json]   which TensorFlow.js backends load here, and why the others do not
 * Training runs in this process with the language server's engine and run store.
 */
import { version } from '../../package.json';
import { parseCommand, UsageError } from './cli/args';
import { runBackendsCommand } from './cli/backends';
import { parseEnvCommand, runEnvCommand } from './cli/env';
import { helpText } from './cli/help';
import { isRunCommand, runRunCommand } from './cli/runs';
import { EXIT, InputError, train } from './cli/train';

async function main(argv: readonly string[]): Promise<number> {
  try {
    // `env` has options of its own, so it is parsed apart from `train`'s.
    if (argv[0] === 'env') return runEnvCommand(parseEnvCommand(argv.slice(1)));
    if (argv[0] === 'backends') return await runBackendsCommand(argv.slice(1));
    // The run-history commands (runs list, resume, eval, export, sweep) parse their own options.
    if (isRunCommand(argv[0])) return await runRunCommand(argv);
    const command = parseCommand(argv);
    switch (command.kind) {
      case 'help':
        process.stdout.write(helpText(version));
        return 0;
      case 'version':
        process.stdout.write(`${version}\n`);
        return 0;
      case 'train':
        return await train(command);
      default: {
        const unknown: never = command;
        throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
      }
    }
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`rl-lab: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`rl-lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.failed;
  }
}

// `rl-lab ... | head`: a closed pipe ends the command quietly, as SIGPIPE would a C tool.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT.failed);
  throw err;
});

// Exit explicitly: a TensorFlow.js backend may keep handles open after training. Writes to
// stdout/stderr are synchronous for files and pipes on POSIX, so nothing printed is lost.
main(process.argv.slice(2)).then((code) => process.exit(code));
