/**
 * The WebGPU backend in Node: @tensorflow/tfjs-backend-webgpu on Dawn, which the `webgpu` npm
 * package ships as a native addon (an optionalDependency; ~20 MB per platform).
 *
 * Whether Dawn finds a GPU adapter is asked first in a SHORT-LIVED CHILD PROCESS: Dawn writes
 * its reasons (no Vulkan driver, a driver missing a required feature, ...) straight to the
 * process's stderr from native code, where JS cannot catch them, and a broken driver can
 * crash the process that probes it. The child's stderr becomes the note that says why WebGPU
 * was skipped. Only when an adapter exists is Dawn loaded into this process.
 */
import * as tf from '@tensorflow/tfjs-core';
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const PACKAGE = 'webgpu';

/** What the probe found: an adapter's description, or why there is none. */
export type WebGpuProbe = { ok: true; adapter: string } | { ok: false; reason: string };

/** Where the `webgpu` package's entry is, or null when it is not installed. */
export function webGpuEntry(): string | null {
  try {
    const name = PACKAGE; // a variable: resolved at run time, not by the bundler
    return require.resolve(name);
  } catch {
    return null;
  }
}

/** Asks Dawn, in a child process, for a GPU adapter (timeout: 30 s). */
export function probeWebGpu(entry: string): Promise<WebGpuProbe> {
  const script = `
    const { create } = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const gpu = create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    const info = adapter && adapter.info ? [adapter.info.vendor, adapter.info.architecture, adapter.info.device, adapter.info.description].filter(Boolean).join(' ') : '';
    process.stdout.write(JSON.stringify({ adapter: adapter ? (info || 'unnamed adapter') : null }));
    process.exit(0);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (err, stdout, stderr) => {
      let adapter: string | null | undefined;
      try {
        adapter = (JSON.parse(stdout) as { adapter: string | null }).adapter;
      } catch {
        adapter = undefined;
      }
      if (adapter) return resolve({ ok: true, adapter });
      const dawn = dawnReason(stderr);
      if (adapter === null) return resolve({ ok: false, reason: `no GPU adapter${dawn ? ` (Dawn: ${dawn})` : ''}` });
      const why = err ? (err.killed ? 'timed out' : `exited with ${err.code ?? err.signal}`) : 'gave no answer';
      resolve({ ok: false, reason: `the adapter probe ${why}${dawn ? ` (${dawn})` : ''}` });
    });
  });
}

/**
 * The informative part of Dawn's stderr, on one line: its warnings/errors without the
 * source-location lines, deduplicated, e.g. "Vulkan shaderUniform*ArrayDynamicIndexing
 * required. While initializing adapter (backend=BackendType::Vulkan)".
 */
export function dawnReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at ') && !/XDG_RUNTIME_DIR/.test(l))
    .map((l) => l.replace(/^(Warning|error|Error):\s*/, '').replace(/^- /, ''));
  return [...new Set(lines)].join(' ').slice(0, 300);
}

/** Loads Dawn into this process, registers and activates the WebGPU backend. Returns null on success, else why not. */
export async function activateWebGpu(entry: string): Promise<string | null> {
  const { create, globals } = (await import(pathToFileURL(entry).href)) as { create(flags: string[]): unknown; globals: Record<string, unknown> };
  // tfjs-backend-webgpu looks for navigator.gpu when it is imported (Node 20 has no navigator).
  Object.assign(globalThis, globals);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  g.navigator!.gpu = create([]);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) return 'tfjs-backend-webgpu did not register (navigator.gpu missing)';
  return (await tf.setBackend('webgpu')) ? null : 'Dawn found an adapter but the backend did not initialise';
}
