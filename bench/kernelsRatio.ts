/**
 * `node --import tsx bench/kernelsRatio.ts [STEPS] [ROUNDS] [N_ENVS]`: PPO with CleanRL's
 * defaults on CartPole-v1 on WASM, alternating in ONE process between the WebAssembly kernels
 * (nn/wasmKernels/) and the TensorFlow.js path (RL_LAB_WASM_KERNELS=0), so that a machine
 * shared with other work slows both alike. Prints steps/s and steps per CPU second of each,
 * their ratios, and each run's final mean return (the two paths compute the same numbers, so
 * the returns must be equal). Not part of `npm run bench`: a measuring aid for busy machines.
 */
import { selectBackend } from '../server/src/training/backends';
import { train } from '../server/src/training/engine';
import { cleanRlCartPole } from './configs';

async function main(): Promise<void> {
  const [steps, rounds, nEnvs] = [Number(process.argv[2] ?? 20_480), Number(process.argv[3] ?? 4), Number(process.argv[4] ?? 4)];
  await selectBackend('wasm');
  const totals = { kernels: { wall: 0, cpu: 0, returns: [] as number[] }, tfjs: { wall: 0, cpu: 0, returns: [] as number[] } };
  for (let round = 0; round < rounds; round++) {
    for (const path of round % 2 ? (['kernels', 'tfjs'] as const) : (['tfjs', 'kernels'] as const)) {
      process.env.RL_LAB_WASM_KERNELS = path === 'tfjs' ? '0' : '1';
      const wall = performance.now();
      const cpu = process.cpuUsage();
      const result = await train({ ...cleanRlCartPole(steps), n_envs: nEnvs }, { onMetrics() {} });
      const used = process.cpuUsage(cpu);
      totals[path].wall += (performance.now() - wall) / 1000;
      totals[path].cpu += (used.user + used.system) / 1e6;
      totals[path].returns.push(result.meanReturn ?? NaN);
    }
  }
  delete process.env.RL_LAB_WASM_KERNELS;
  const total = steps * rounds;
  const figures = (t: { wall: number; cpu: number; returns: number[] }) => ({ sps: Math.round(total / t.wall), cpu_sps: Math.round(total / t.cpu), returns: t.returns });
  console.log(JSON.stringify({
    steps, rounds, n_envs: nEnvs,
    kernels: figures(totals.kernels),
    tfjs: figures(totals.tfjs),
    ratio: Math.round((totals.tfjs.wall / totals.kernels.wall) * 100) / 100,
    cpu_ratio: Math.round((totals.tfjs.cpu / totals.kernels.cpu) * 100) / 100,
  }));
}

void main();
