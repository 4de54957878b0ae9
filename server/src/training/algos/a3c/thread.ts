/**
 * Entry of an A3C worker thread (bundled as dist/a3cWorker.js; run from source under tsx in
 * tests): selects its own TensorFlow.js backend, builds its envs and network copy, trains
 * against the shared parameters until the run is done or stopped, and says so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from '../../backends';
import { resolveTrainingEnv } from '../../envs/trainingEnv';
import type { A3cWorkerData, A3cWorkerMessage } from './messages';
import { SharedState } from './shared';
import { A3cWorkerAgent } from './workerAgent';

async function main(port: NonNullable<typeof parentPort>, data: A3cWorkerData): Promise<void> {
  const send = (m: A3cWorkerMessage) => port.postMessage(m);
  const shared = new SharedState(data.shared);
  let agent: A3cWorkerAgent | undefined;
  try {
    // Each thread has its own module instances, so its own TensorFlow.js engine and backend.
    await selectBackend(data.backend);
    agent = new A3cWorkerAgent(data.config, await resolveTrainingEnv(data.config), shared);
    agent.run(data.config.n_timesteps, data.reportEvery, (r) => send({ type: 'report', index: data.index, ...r }));
    send({ type: 'done', index: data.index });
  } catch (err) {
    // Tell the others to stop at once: a failed worker fails the run.
    shared.requestStop();
    send({ type: 'error', index: data.index, message: err instanceof Error ? err.message : String(err) });
  } finally {
    agent?.dispose();
  }
}

if (!parentPort) throw new Error('a3cWorker must run as a worker thread (it is started by the a3c algorithm)');
void main(parentPort, workerData as A3cWorkerData);
