/**
 * Starts an A3C worker thread from the bundle (dist/a3cWorker.js, next to the bundle that
 * runs the algorithm: dist/worker.js, dist/cli.js, dist/server.js) or, when the algorithm
 * itself runs from TypeScript source (tests under tsx), from thread.ts through tsx's
 * require hook, since a worker thread does not inherit the parent's loader.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { A3cWorkerData } from './messages';

/** The bundled entry's file name in dist/ (scripts/build.mjs). */
export const A3C_WORKER_BUNDLE = 'a3cWorker.js';

export function spawnA3cWorker(data: A3cWorkerData): Worker {
  const fromSource = __filename.endsWith('.ts');
  if (!fromSource) {
    const bundle = join(__dirname, A3C_WORKER_BUNDLE);
    if (!existsSync(bundle)) throw new Error(`the A3C worker bundle ${bundle} is missing (run node scripts/build.mjs)`);
    return new Worker(bundle, { workerData: data });
  }
  const entry = join(__dirname, 'thread.ts');
  // Resolved at run time only (the bundle never takes this path): tsx is a dev dependency.
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: data });
}
