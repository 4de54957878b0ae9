/**
 * TensorFlow.js backend selection, best first: native TensorFlow with CUDA (tfjs-node-gpu),
 * native TensorFlow on the CPU (tfjs-node), WebGPU on Dawn (tfjs-backend-webgpu + the `webgpu`
 * package), WebAssembly with SIMD (tfjs-backend-wasm), plain JavaScript (tfjs-backend-cpu).
 * The native packages are optionalDependencies, often not installed, so they are loaded with
 * a run-time `require` that the bundler leaves external. The choice is made once per process;
 * the run records it with a note per skipped backend saying why (e.g. "webgpu: no GPU adapter
 * (Dawn: ...)"). `rl-lab backends` prints the same probe for every backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
// tfjs-core 4.x registers no gradients by itself (the umbrella package used to); training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { installFastWasmSplit } from './wasmSplit';
import { activateWebGpu, probeWebGpu, webGpuEntry } from './webgpu';
import { dirname, join } from 'node:path';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendChoice {
  name: BackendName;
  /** One line per better backend that was skipped, saying why. */
  notes: string[];
}

export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

/** Environment variable read when no preference is passed (values: BACKEND_NAMES or `auto`). */
export const BACKEND_ENV_VAR = 'RL_LAB_BACKEND';

/** Package that provides each backend, for messages. */
const PACKAGE: Record<BackendName, string> = {
  'tensorflow-gpu': 'tfjs-node-gpu',
  tensorflow: 'tfjs-node',
  webgpu: 'webgpu',
  wasm: 'tfjs-backend-wasm',
  cpu: 'tfjs-backend-cpu',
};

let selected: BackendChoice | undefined;

/** The backend in use, if one was selected in this process. */
export function currentBackend(): BackendChoice | undefined {
  return selected;
}

/**
 * Picks and activates a backend. `preferred` (a BackendName) forces that one and fails if it
 * cannot load; undefined or 'auto' takes the best one that loads. Selecting again returns the
 * earlier choice unless a different backend is asked for.
 */
export async function selectBackend(preferred?: string): Promise<BackendChoice> {
  const wanted = preferred && preferred !== 'auto' ? preferred : undefined;
  if (wanted !== undefined && !BACKEND_NAMES.includes(wanted as BackendName)) {
    throw new Error(`unknown backend '${wanted}'; one of: auto, ${BACKEND_NAMES.join(', ')}`);
  }
  if (selected && (wanted === undefined || wanted === selected.name)) return selected;

  // Production mode: no debug checks, and no "install tfjs-node" banner on the console.
  tf.enableProdMode();
  const candidates = wanted ? [wanted as BackendName] : BACKEND_NAMES;
  const notes: string[] = [];
  for (const name of candidates) {
    const failure = await tryActivate(name);
    if (failure === null) {
      selected = { name, notes };
      return selected;
    }
    notes.push(`${PACKAGE[name]}: ${failure}`);
  }
  if (wanted) throw new Error(`backend '${wanted}' was requested but is unavailable: ${notes.join('; ')}`);
  throw new Error(`no TensorFlow.js backend could be loaded (${notes.join('; ')})`);
}

/** Activates one backend; returns null on success, else a short reason. */
async function tryActivate(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const failure = loadNative(name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node');
      if (failure) return failure;
      // Both native packages register their backend as 'tensorflow'.
      if (!(await tf.setBackend('tensorflow'))) return 'loaded but its backend did not initialise';
      return null;
    }
    if (name === 'webgpu') {
      const entry = webGpuEntry();
      if (!entry) return 'not installed (optional dependency `webgpu`, Dawn for Node)';
      const probe = await probeWebGpu(entry);
      if (!probe.ok) return probe.reason;
      return await activateWebGpu(entry);
    }
    if (name === 'wasm') {
      setWasmPaths(wasmDirectory());
      const ok = await withoutNewProcessHandlers(() => tf.setBackend('wasm'));
      if (ok) installFastWasmSplit();
      return ok ? null : 'the WebAssembly module did not initialise';
    }
    // The bundler drops a bare `import` of this package (its package.json declares it free of
    // side effects), so register the backend explicitly when the import did not.
    if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
    return (await tf.setBackend('cpu')) ? null : 'did not initialise';
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  }
}

/**
 * The Emscripten glue of tfjs-backend-wasm installs process-wide 'uncaughtException' and
 * 'unhandledRejection' listeners that rethrow (so any stray error kills the process and
 * prints a 100 kB minified line). The host (worker, CLI, server) owns those events: remove
 * whatever listeners the initialisation added.
 */
async function withoutNewProcessHandlers<T>(init: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process; // the generic (event: string) signatures
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((e) => new Set(emitter.listeners(e)));
  try {
    return await init();
  } finally {
    events.forEach((e, i) => {
      for (const listener of emitter.listeners(e)) {
        if (!before[i].has(listener)) emitter.removeListener(e, listener as (...args: unknown[]) => void);
      }
    });
  }
}

function loadNative(pkg: string): string | null {
  try {
    // A plain `require` on purpose: esbuild marks these packages external (scripts/build.mjs)
    // and a missing optional package must be a note, not a bundling or start-up error.
    require(pkg);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(pkg)) return 'not installed';
    return `failed to load (${(err as Error).message.split('\n')[0]})`;
  }
}

/**
 * Where the .wasm binaries are: next to the bundle (scripts/build.mjs copies them into dist/),
 * or in the package's own dist/ when running from source (tsx, tests).
 */
function wasmDirectory(): string {
  const file = 'tfjs-backend-wasm-simd.wasm';
  if (existsSync(join(__dirname, file))) return __dirname + '/';
  const pkg = '@tensorflow/tfjs-backend-wasm'; // a variable: resolved at run time, not by the bundler
  const packageDir = dirname(require.resolve(pkg));
  if (existsSync(join(packageDir, file))) return packageDir + '/';
  throw new Error(`${file} not found next to ${__dirname} nor in ${packageDir}`);
}

/** One backend as `rl-lab backends` reports it. */
export interface BackendReport {
  name: BackendName;
  package: string;
  loads: boolean;
  /** Why not (when it does not load), or what it runs on (when it does). */
  detail: string;
}

/**
 * Tries every backend in selection order and says which load and why the others do not
 * (`rl-lab backends`; the bench). Leaves the best one that loads active, as auto would.
 */
export async function describeBackends(): Promise<BackendReport[]> {
  tf.enableProdMode();
  const reports: BackendReport[] = [];
  for (const name of BACKEND_NAMES) {
    const failure = await tryActivate(name);
    reports.push({ name, package: PACKAGE[name], loads: failure === null, detail: failure ?? runsOn(name) });
  }
  const best = reports.find((r) => r.loads);
  if (best) {
    await tryActivate(best.name);
    selected = { name: best.name, notes: reports.slice(0, reports.indexOf(best)).map((r) => `${r.package}: ${r.detail}`) };
  }
  return reports;
}

/** A short description of an active backend. */
function runsOn(name: BackendName): string {
  if (name === 'wasm') {
    let simd = true;
    try {
      simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    } catch {
      // not evaluated yet: the SIMD binary is the one setWasmPaths points at first
    }
    // tfjs-backend-wasm 4.x never uses its threaded build in Node (tensorflow/tfjs#3830).
    return `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, 1 thread (tfjs uses no WASM threads in Node)`;
  }
  if (name === 'cpu') return 'plain JavaScript';
  if (name === 'webgpu') return 'WebGPU on Dawn';
  return `TensorFlow ${name === 'tensorflow-gpu' ? 'with CUDA' : 'on the CPU'} (libtensorflow)`;
}
