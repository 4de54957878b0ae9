/**
 * `npm run bench`: prints progress on stderr and, last on stdout, one JSON line with every
 * figure. Sections: `ppo` (training throughput per backend vs CleanRL, backends that do not
 * load listed with the reason), `training` (PPO's steps to a mean return of 475 on the default
 * backend vs CleanRL's, PPO with 64 envs, DQN and SAC steps/s; bench/training.ts), `memory`
 * (with --long: tensor count and RSS over 1,000,000 PPO steps; bench/memory.ts) and `hover`
 * (language server hover latency idle and while a run trains, over a real LSP connection).
 * `dashboard`: the dashboard bundle in Chromium (bench/dashboard.ts).
 * `editor`: hover and completion latency on a 2,000-line experiment file, idle and while two
 * runs train (bench/editor.ts).
 * Options: --steps N (PPO steps per backend), --backend NAME (repeatable), --skip-learn (no
 * run to 475), --skip-training, --long (the 1M-step memory check), --skip-hover, --skip-dashboard, --skip-editor.
 */
import { benchDashboard } from './dashboard';
import { benchEditor } from './editor';
import { benchHover } from './hover';
import { benchMemory } from './memory';
import { benchPpo } from './ppo';
import { benchTraining } from './training';

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
  const training = process.argv.includes('--skip-training') ? null : await benchTraining({ skipLearn: process.argv.includes('--skip-learn') });
  const memory = process.argv.includes('--long') ? await benchMemory() : null;
  if (memory) console.error(`memory over 1M steps: ${JSON.stringify({ ...memory, samples: undefined })}`);
  const hover = process.argv.includes('--skip-hover') ? null : await benchHover();
  if (hover) console.error(`hover: idle p50 ${hover.idle_p50_ms} ms p95 ${hover.idle_p95_ms} ms; training p50 ${hover.training_p50_ms} ms p95 ${hover.training_p95_ms} ms`);
  // The dashboard in Chromium: time to first chart of a 1,000,000-row run, frame time while 4 runs stream.
  const dashboard = process.argv.includes('--skip-dashboard') ? null : await benchDashboard();
  const editor = process.argv.includes('--skip-editor') ? null : await benchEditor();
  if (editor) {
    console.error(
      `editor (${editor.lines} lines): hover p50/p95 ${editor.hover_idle_p50_ms}/${editor.hover_idle_p95_ms} ms idle, ${editor.hover_training_p50_ms}/${editor.hover_training_p95_ms} ms with ${editor.runs_training} runs training; completion ${editor.completion_idle_p50_ms}/${editor.completion_idle_p95_ms} ms idle, ${editor.completion_training_p50_ms}/${editor.completion_training_p95_ms} ms training`,
    );
  }
  console.log(JSON.stringify({ ppo, training, memory, hover, dashboard, editor }));
}

void main();
