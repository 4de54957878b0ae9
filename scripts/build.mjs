// Bundles the three processes and the CLI with esbuild:
//   dist/extension.js (extension host), dist/server.js (language server),
//   dist/worker.js (training child process), dist/a3cWorker.js (A3C's worker threads),
//   dist/cli.js (headless `rl-lab`),
//   dist/webview.js (dashboard, browser IIFE), plus the WASM binaries of the tfjs backend.
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
// `--only=server,worker` builds just those bundles (named by their dist file).
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : null;

// Native TensorFlow bindings are optional and loaded at run time when installed; they
// cannot be bundled (they ship a .node addon and libtensorflow).
const nativeExternals = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

const targets = [
  { ...node, entryPoints: ['extension/src/main.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js', external: nativeExternals },
  { ...node, entryPoints: ['server/src/training/worker.ts'], outfile: 'dist/worker.js', external: nativeExternals },
  { ...node, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', external: nativeExternals },
  // A3C's worker threads (server/src/training/algos/a3c/spawn.ts starts them from dist/).
  { ...node, entryPoints: ['server/src/training/algos/a3c/thread.ts'], outfile: 'dist/a3cWorker.js', external: nativeExternals },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
  },
];

function copyWasm() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  mkdirSync(dist, { recursive: true });
  for (const file of readdirSync(from).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(from, file), join(dist, file));
  }
}

const chosen = only ? targets.filter((t) => only.includes(t.outfile.replace(/^dist\/|\.js$/g, ''))) : targets;

copyWasm();
if (watch) {
  for (const options of chosen) await (await context(options)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(chosen.map((options) => build(options)));
}
