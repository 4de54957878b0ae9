/**
 * `npm run bench:memory` (also `npm run bench -- --long`): PPO with CleanRL's defaults for
 * 1,000,000 steps on the default backend, sampling TensorFlow.js's tensor count and the
 * process RSS every 50,000 steps. Flat means: the tensor count never changes after the first
 * update, and RSS after warm-up (the second half) stays within a few MiB.
 */
import { cleanRlCartPole } from './configs';
import { runJob, type MemorySample } from './jobs';

export interface MemoryBenchResult {
  steps: number;
  sps: number;
  backend: string;
  samples: MemorySample[];
  tensors_min: number;
  tensors_max: number;
  /** RSS (MiB) over the second half of the run. */
  rss_second_half_min_mib: number;
  rss_second_half_max_mib: number;
  flat: boolean;
}

export async function benchMemory(steps = 1_000_000): Promise<MemoryBenchResult | { error: string }> {
  const o = await runJob({ config: cleanRlCartPole(steps), sampleEvery: 50_000 });
  if ('error' in o) return o;
  const samples = o.memory ?? [];
  const tensors = samples.map((s) => s.tensors);
  const late = samples.filter((s) => s.step >= steps / 2).map((s) => s.rss_mib);
  const result: MemoryBenchResult = {
    steps: o.steps,
    sps: o.sps,
    backend: o.backend,
    samples,
    tensors_min: Math.min(...tensors),
    tensors_max: Math.max(...tensors),
    rss_second_half_min_mib: Math.min(...late),
    rss_second_half_max_mib: Math.max(...late),
    flat: false,
  };
  // Flat: no tensor leaked, and RSS in the second half within 16 MiB (GC timing moves it a little).
  result.flat = result.tensors_min === result.tensors_max && result.rss_second_half_max_mib - result.rss_second_half_min_mib <= 16;
  return result;
}

if (require.main === module) {
  void benchMemory().then((r) => {
    console.log(JSON.stringify(r));
  });
}
