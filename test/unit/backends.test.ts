/**
 * Backend selection for real on this machine: what loads, what is skipped and why (the
 * optional native packages and Dawn's adapter probe), forcing an unavailable backend, and how
 * the status bar words it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKEND_NAMES, describeBackends, selectBackend } from '../../server/src/training/backends';
import { dawnReason, webGpuEntry } from '../../server/src/training/backends/webgpu';
import { backendStatus } from '../../extension/src/backendStatusFormat';
import type { RunSummary } from '../../server/src/protocol';

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('backend selection', () => {
  it('tries tensorflow-gpu, tensorflow, webgpu, wasm, cpu in that order and says why each skipped one was skipped', async () => {
    assert.deepEqual([...BACKEND_NAMES], ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
    const reports = await describeBackends();
    assert.deepEqual(reports.map((r) => r.name), [...BACKEND_NAMES]);
    for (const r of reports) assert.ok(r.detail.length > 0, `${r.name} has a detail`);
    // The plain-JS backend always loads; WASM does wherever WebAssembly SIMD or not runs.
    assert.ok(reports.find((r) => r.name === 'cpu')!.loads);
    assert.ok(reports.find((r) => r.name === 'wasm')!.loads);
    for (const [name, pkg] of [['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'], ['tensorflow', '@tensorflow/tfjs-node']] as const) {
      if (!installed(pkg)) assert.equal(reports.find((r) => r.name === name)!.detail, 'not installed');
    }
    const webgpu = reports.find((r) => r.name === 'webgpu')!;
    if (!webGpuEntry()) assert.match(webgpu.detail, /not installed/);
    else if (!webgpu.loads) assert.match(webgpu.detail, /no GPU adapter|adapter probe/);
  });

  it('forcing a backend that does not load fails with the reason; auto falls back and records notes', async () => {
    const reports = await describeBackends();
    const unavailable = reports.filter((r) => !r.loads);
    for (const r of unavailable) {
      await assert.rejects(selectBackend(r.name), (err: Error) => err.message.includes(`backend '${r.name}' was requested but is unavailable`) && err.message.includes(r.detail));
    }
    const choice = await selectBackend('auto');
    const best = reports.find((r) => r.loads)!;
    assert.equal(choice.name, best.name);
    assert.equal(choice.notes.length, reports.indexOf(best));
    choice.notes.forEach((note, i) => assert.ok(note.endsWith(reports[i].detail), note));
  });

  it("reduces Dawn's stderr to one line without source locations", () => {
    const stderr = [
      'error: XDG_RUNTIME_DIR is invalid or not set in the environment.',
      'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
      ' - While initializing adapter (backend=BackendType::Vulkan)',
      '    at InitializeImpl (/dawn/src/dawn/native/vulkan/PhysicalDeviceVk.cpp:257)',
      '',
      'Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.',
    ].join('\n');
    assert.equal(dawnReason(stderr), 'Vulkan shaderUniform*ArrayDynamicIndexing required. While initializing adapter (backend=BackendType::Vulkan)');
  });
});

describe('backend status bar text', () => {
  const run = (id: string, status: RunSummary['status'], startTime: string, backend?: string, backendNotes?: string[]): RunSummary =>
    ({ id, status, startTime, backend, backendNotes, experiment: 'e', file: 'f', algo: 'ppo', env: 'CartPole-v1', seed: 1, globalStep: 0, totalSteps: 1 }) as RunSummary;

  it('before any run: the setting, and how to check what loads', () => {
    const s = backendStatus([], 'auto');
    assert.equal(s.text, '$(chip) auto');
    assert.match(s.tooltip, /rl-lab backends/);
  });

  it("shows the running run's backend, with the skipped ones and why in the tooltip", () => {
    const notes = ['tfjs-node-gpu: not installed', 'webgpu: no GPU adapter (Dawn: ...)'];
    const s = backendStatus([run('old', 'completed', '2026-01-02', 'cpu'), run('now', 'running', '2026-01-01', 'wasm', notes)], 'auto');
    assert.equal(s.text, '$(chip) wasm (2 skipped)');
    for (const n of notes) assert.ok(s.tooltip.includes(`- ${n}`));
    assert.match(s.tooltip, /`now` \(running\)/);
  });

  it('otherwise the newest run that has a backend; a forced setting is said', () => {
    const s = backendStatus([run('a', 'completed', '2026-01-01', 'wasm'), run('b', 'failed', '2026-01-03', 'cpu'), run('c', 'queued', '2026-01-04')], 'cpu');
    assert.equal(s.text, '$(chip) cpu');
    assert.match(s.tooltip, /forced by rlLab.backend: cpu/);
  });
});
