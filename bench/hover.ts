/**
 * Hover latency of the language server, idle and while a PPO run trains in its worker:
 * the figure behind "training never blocks the editor". Talks to the real bundled server
 * (`dist/server.js --stdio`) over LSP, as the editor does.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { RunStatusNotification, StartRunRequest, StopRunRequest } from '../server/src/protocol';
import { LspClient, repoRoot } from '../test/server/lspClient';

export interface HoverFigures {
  samples: number;
  idle_p50_ms: number;
  idle_p95_ms: number;
  training_p50_ms: number;
  training_p95_ms: number;
  /** Training p95 over idle p95 in the same process: 1.0 means training costs the editor nothing. */
  training_vs_idle_p95: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (x: number): number => Math.round(x * 100) / 100;

export async function benchHover(samples = 200): Promise<HoverFigures> {
  const workspace = mkdtempSync(join(tmpdir(), 'rl-lab-bench-'));
  const file = join(workspace, 'cartpole.rl.yaml');
  copyFileSync(join(repoRoot, 'examples', 'cartpole.rl.yaml'), file);
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  // Hover on `clip_range` of the first experiment: the hover the issue names.
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.trim().startsWith('clip_range:'));
  const position = { line, character: lines[line].indexOf('clip_range') + 3 };

  const client = await LspClient.start(workspace);
  try {
    await client.open(uri, text);
    const hoverOnce = async (): Promise<number> => {
      const t0 = performance.now();
      const result = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      if (!result) throw new Error('hover returned nothing');
      return performance.now() - t0;
    };
    const measure = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < samples; i++) {
        out.push(await hoverOnce());
        // Spread the requests over the run like a user moving the mouse, not one burst.
        await new Promise((r) => setTimeout(r, 10));
      }
      return out;
    };
    for (let i = 0; i < 20; i++) await hoverOnce(); // warm-up: parse cache, JIT
    const idle = await measure();

    const { run } = await client.connection.sendRequest(StartRunRequest, { uri, experiment: 'cartpole-ppo-cleanrl' });
    await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.globalStep > 0);
    const training = await measure();
    const stillRunning = client.all(RunStatusNotification).filter((s) => s.id === run.id).at(-1)?.status === 'running';
    await client.connection.sendRequest(StopRunRequest, { runId: run.id });
    await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.status !== 'running');
    if (!stillRunning) throw new Error('the run ended before the training-time hovers finished');

    return {
      samples,
      idle_p50_ms: round(percentile(idle, 50)),
      idle_p95_ms: round(percentile(idle, 95)),
      training_p50_ms: round(percentile(training, 50)),
      training_p95_ms: round(percentile(training, 95)),
      training_vs_idle_p95: round(percentile(training, 95) / percentile(idle, 95)),
    };
  } finally {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
