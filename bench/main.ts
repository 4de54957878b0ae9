/**
 * `npm run bench`: prints progress on stderr and, last on stdout, one JSON line with every
 * figure. Sections: `ppo` (training throughput per backend vs CleanRL).
 * Options: --steps N (PPO steps per backend), --backend NAME (repeatable).
 */
import { benchPpo } from './ppo';

function args(): { steps?: number; backends?: string[] } {
  const argv = process.argv.slice(2);
  const out: { steps?: number; backends?: string[] } = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--steps') out.steps = Number(argv[++i]);
    else if (argv[i] === '--backend') (out.backends ??= []).push(argv[++i]);
  }
  return out;
}

async function main(): Promise<void> {
  const ppo = await benchPpo(args());
  console.log(JSON.stringify({ ppo }));
}

void main();
