/**
 * What the status bar says about the TensorFlow.js backend (no vscode import, so unit tests can
 * call it): the backend of the newest running run, else of the newest run that has one, with
 * the notes that say why better backends were skipped in the tooltip.
 */
import type { RunSummary } from '../../server/src/protocol';

export interface BackendStatus {
  text: string;
  /** Markdown. */
  tooltip: string;
}

export function backendStatus(runs: readonly RunSummary[], setting: string): BackendStatus {
  const withBackend = runs.filter((r) => r.backend);
  const newest = (list: readonly RunSummary[]) => [...list].sort((a, b) => b.startTime.localeCompare(a.startTime))[0];
  const run = newest(withBackend.filter((r) => r.status === 'running')) ?? newest(withBackend);
  const forced = setting !== 'auto' ? ` (forced by rlLab.backend: ${setting})` : '';
  if (!run) {
    return {
      text: `$(chip) ${setting === 'auto' ? 'auto' : setting}`,
      tooltip: `**RL Lab backend**: chosen when a run starts${forced || ' (best that loads: tensorflow-gpu, tensorflow, webgpu, wasm, cpu)'}.\n\nRun \`npx rl-lab backends\` to see which load here.`,
    };
  }
  const notes = run.backendNotes ?? [];
  const lines = [`**RL Lab backend: ${run.backend}**${forced}`, '', `as used by run \`${run.id}\` (${run.status})`];
  if (notes.length) lines.push('', 'Skipped:', ...notes.map((n) => `- ${n}`));
  return { text: `$(chip) ${run.backend}${notes.length ? ` (${notes.length} skipped)` : ''}`, tooltip: lines.join('\n') };
}
