/**
 * PPO throughput on CartPole-v1 with CleanRL's ppo.py defaults, per TensorFlow.js backend,
 * compared with CleanRL itself (bench/reference/cleanrl-ppo-cartpole.json, measured on the
 * same kind of 2-core machine). Each backend runs in its own child process so its peak RSS
 * is its own and backends cannot disturb each other.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BACKEND_NAMES, selectBackend } from '../server/src/training/backends';
import { train } from '../server/src/training/engine';
import { wasmKernelsAvailable } from '../server/src/training/nn/wasmKernels/kernels';
import { cleanRlCartPole } from './configs';

export interface PpoBackendFigures {
  /** Env steps trained (fewer on the slow plain-JS backend; steps/s is steady after the first update). */
  steps: number;
  sps: number;
  /**
   * Env steps per second of this process's CPU time (user + system) during training: what an
   * idle machine would give a single-threaded run, when others share the cores.
   */
  cpu_sps: number;
  /** CPU seconds / wall seconds during training (near 1 on an idle machine). */
  cpu_share: number;
  /** sps / CleanRL's median steps/s. */
  ratio_to_cleanrl: number;
  /** cpu_sps / CleanRL's median steps/s (CleanRL's figure is from an idle machine). */
  cpu_ratio_to_cleanrl: number;
  peak_rss_mib: number;
  wall_s: number;
  mean_return_last_20: number | null;
  /** Where PPO's update ran: the WebAssembly kernels (nn/wasmKernels/, WASM backend) or TensorFlow.js. */
  update: 'wasm-kernels' | 'tfjs';
}

export interface PpoBenchResult {
  env: 'CartPole-v1';
  config: 'cleanrl-defaults';
  cleanrl_sps: number;
  /** Figures of each backend that loaded. */
  backends: Record<string, PpoBackendFigures>;
  /** Why the others did not run. */
  skipped: Record<string, string>;
  /** The fastest backend and its figures, for a one-glance summary. */
  best: { backend: string; sps: number; ratio_to_cleanrl: number } | null;
}

/** CleanRL's figures on CartPole-v1 (median of 5 seeds; ../shared/bench when present, else the copy in bench/reference). */
export function cleanRlReference(): { steps_per_second_median: number; steps_to_mean_return_475_median: number } {
  const shared = join(__dirname, '../../shared/bench/cleanrl-ppo-cartpole.json');
  const file = existsSync(shared) ? shared : join(__dirname, 'reference/cleanrl-ppo-cartpole.json');
  return JSON.parse(readFileSync(file, 'utf8')) as { steps_per_second_median: number; steps_to_mean_return_475_median: number };
}

/** CleanRL's steps/s on CartPole-v1 (median of 5 seeds). */
export function cleanRlSps(): number {
  return cleanRlReference().steps_per_second_median;
}

/**
 * Steps per backend: CleanRL's whole run (total_timesteps 500,000 = 976 updates of 4 x 128 steps)
 * where it takes well under a minute; 98 updates on WebGPU and 20 on plain JS, whose steps/s is
 * steady after the first update, to stay within a minute or so.
 */
const DEFAULT_STEPS: Record<string, number> = { 'tensorflow-gpu': 499_712, tensorflow: 499_712, webgpu: 50_176, wasm: 499_712, cpu: 10_240 };

/** Runs the benchmark on every backend (or those given), one child process each. */
export async function benchPpo(options: { steps?: number; backends?: string[]; log?: (line: string) => void } = {}): Promise<PpoBenchResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const cleanrl = cleanRlSps();
  const result: PpoBenchResult = { env: 'CartPole-v1', config: 'cleanrl-defaults', cleanrl_sps: cleanrl, backends: {}, skipped: {}, best: null };
  for (const backend of options.backends ?? BACKEND_NAMES) {
    const steps = options.steps ?? DEFAULT_STEPS[backend] ?? 50_176;
    const outcome = await runChild(backend, steps);
    if ('error' in outcome) {
      result.skipped[backend] = outcome.error;
      log(`ppo bench ${backend}: skipped (${outcome.error})`);
      continue;
    }
    const figures = { ...outcome, ratio_to_cleanrl: round(outcome.sps / cleanrl, 2), cpu_ratio_to_cleanrl: round(outcome.cpu_sps / cleanrl, 2) };
    result.backends[backend] = figures;
    log(`ppo bench ${backend}: ${figures.sps} steps/s (${figures.ratio_to_cleanrl}x CleanRL's ${cleanrl}); per CPU second ${figures.cpu_sps} (CPU share ${figures.cpu_share}); peak RSS ${figures.peak_rss_mib} MiB, ${figures.wall_s} s`);
    if (!result.best || figures.sps > result.best.sps) {
      result.best = { backend, sps: figures.sps, ratio_to_cleanrl: figures.ratio_to_cleanrl };
    }
  }
  return result;
}

type ChildOutcome = Omit<PpoBackendFigures, 'ratio_to_cleanrl' | 'cpu_ratio_to_cleanrl'> | { error: string };

function runChild(backend: string, steps: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = fork(__filename, ['--child', backend, String(steps)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let outcome: ChildOutcome = { error: 'benchmark process exited without a result' };
    child.on('message', (m) => (outcome = m as ChildOutcome));
    child.on('exit', () => resolve(outcome));
  });
}

/** In the child: select the backend (forced), train, report figures over IPC. */
async function childMain(backend: string, steps: number): Promise<ChildOutcome> {
  try {
    await selectBackend(backend);
  } catch (err) {
    return { error: (err as Error).message.replace(/^backend '[^']+' was requested but is unavailable: /, '') };
  }
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await train(cleanRlCartPole(steps), { onMetrics() {} });
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (result.status !== 'completed') return { error: `training ${result.status}: ${result.error ?? ''}` };
  return {
    steps: result.globalStep,
    sps: result.sps,
    cpu_sps: Math.round(result.globalStep / cpuSeconds),
    cpu_share: round(cpuSeconds / ((performance.now() - start) / 1000), 2),
    peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    wall_s: round((performance.now() - start) / 1000, 1),
    mean_return_last_20: result.meanReturn ?? null,
    update: backend === 'wasm' && process.env.RL_LAB_WASM_KERNELS !== '0' && wasmKernelsAvailable() ? 'wasm-kernels' : 'tfjs',
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (process.argv[2] === '--child' && process.send) {
  void childMain(process.argv[3], Number(process.argv[4])).then((outcome) => {
    process.send!(outcome, () => process.exit(0));
  });
}
