/**
 * Editor latency on a large experiment file: hover and completion p50/p95 on a 2,000-line
 * file, idle and while two PPO runs train, over a real LSP connection to `dist/server.js`.
 * Each sample edits the document first (one character, as while typing), so every request
 * pays for a fresh parse of the whole file rather than hitting the parse cache.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, HoverRequest } from 'vscode-languageserver-protocol/node';
import { RunStatusNotification, StartRunRequest, StopRunRequest, TERMINAL_STATUSES } from '../server/src/protocol';
import { LspClient } from '../test/server/lspClient';

export interface EditorFigures {
  lines: number;
  samples: number;
  hover_idle_p50_ms: number;
  hover_idle_p95_ms: number;
  completion_idle_p50_ms: number;
  completion_idle_p95_ms: number;
  hover_training_p50_ms: number;
  hover_training_p95_ms: number;
  completion_training_p50_ms: number;
  completion_training_p95_ms: number;
  /** Runs training while the "training" figures were measured. */
  runs_training: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (x: number): number => Math.round(x * 100) / 100;

/** About `lines` lines of experiments in the RL Lab format, with a blank key line in the middle one. */
export function largeExperimentFile(lines = 2000): { text: string; hoverLine: number; completionLine: number } {
  const out: string[] = ['# A large experiment file for the editor benchmark.', 'bench-train:', '  algo: ppo', '  env: CartPole-v1', '  n_envs: 2', '  n_timesteps: 100000000', '  n_steps: 64', ''];
  let hoverLine = -1;
  let completionLine = -1;
  for (let i = 0; out.length < lines; i++) {
    const middle = out.length >= lines / 2 && hoverLine < 0;
    out.push(`exp-${i}:`, '  algo: ppo', `  env: ${i % 2 ? 'Acrobot-v1' : 'CartPole-v1'}`, `  seed: ${i}`, '  n_envs: 8', '  n_timesteps: !!float 1e5', '  policy: MlpPolicy');
    if (middle) hoverLine = out.length;
    out.push('  clip_range: lin_0.2', '  n_steps: 32', '  batch_size: 256', '  gae_lambda: 0.8', '  gamma: 0.98', '  n_epochs: 20', '  ent_coef: 0.0', '  learning_rate: lin_0.001');
    if (middle) {
      completionLine = out.length;
      out.push('  ');
    }
    out.push('  policy_kwargs: "dict(net_arch=[64, 64], activation_fn=nn.Tanh)"', '');
  }
  return { text: out.join('\n'), hoverLine, completionLine };
}

export async function benchEditor(samples = 100): Promise<EditorFigures> {
  const workspace = mkdtempSync(join(tmpdir(), 'rl-lab-bench-editor-'));
  const file = join(workspace, 'large.rl.yaml');
  const { text, hoverLine, completionLine } = largeExperimentFile();
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const client = await LspClient.start(workspace);
  let version = 1;
  try {
    await client.open(uri, text, version);
    const textDocument = { uri };
    // Retype the '#' that starts the file: a new document version (so a fresh parse), the same text.
    const touch = async (): Promise<void> => {
      version++;
      await client.change(uri, version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: '#' }]);
    };
    const time = async (request: () => Promise<unknown>): Promise<number> => {
      await touch();
      const t0 = performance.now();
      const result = await request();
      if (!result) throw new Error('the request returned nothing');
      return performance.now() - t0;
    };
    const hover = () => client.connection.sendRequest(HoverRequest.type, { textDocument, position: { line: hoverLine, character: 4 } });
    const completion = () => client.connection.sendRequest(CompletionRequest.type, { textDocument, position: { line: completionLine, character: 2 } });
    const measure = async (): Promise<{ hover: number[]; completion: number[] }> => {
      const h: number[] = [];
      const c: number[] = [];
      for (let i = 0; i < samples; i++) {
        h.push(await time(hover));
        c.push(await time(completion));
        await new Promise((r) => setTimeout(r, 10));
      }
      return { hover: h, completion: c };
    };
    for (let i = 0; i < 10; i++) {
      await time(hover);
      await time(completion);
    }
    const idle = await measure();

    const runs = [];
    for (const seed of [1, 2]) runs.push((await client.connection.sendRequest(StartRunRequest, { uri, experiment: 'bench-train', seed })).run);
    for (const run of runs) await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.globalStep > 0);
    const training = await measure();
    const live = runs.filter((run) => client.all(RunStatusNotification).filter((s) => s.id === run.id).at(-1)?.status === 'running').length;
    for (const run of runs) {
      const done = client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
      await client.connection.sendRequest(StopRunRequest, { runId: run.id });
      await done;
    }
    if (live < 2) throw new Error('a run ended before the training-time requests finished');
    return {
      lines: text.split('\n').length,
      samples,
      hover_idle_p50_ms: round(percentile(idle.hover, 50)),
      hover_idle_p95_ms: round(percentile(idle.hover, 95)),
      completion_idle_p50_ms: round(percentile(idle.completion, 50)),
      completion_idle_p95_ms: round(percentile(idle.completion, 95)),
      hover_training_p50_ms: round(percentile(training.hover, 50)),
      hover_training_p95_ms: round(percentile(training.hover, 95)),
      completion_training_p50_ms: round(percentile(training.completion, 50)),
      completion_training_p95_ms: round(percentile(training.completion, 95)),
      runs_training: live,
    };
  } finally {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}
