/**
 * Asynchronous Advantage Actor-Critic (Mnih et al. 2016): n_workers threads share one
 * parameter vector and one set of RMSProp statistics in SharedArrayBuffers (shared.ts); each
 * runs its own envs and TensorFlow.js (workerAgent.ts, thread.ts) and applies its gradients
 * whenever it has one, without a lock. This main-thread side starts the threads, turns their
 * reports into metric rows, takes checkpoints of the shared state, stops the threads on
 * request or when one fails, and hands out the final policy.
 *
 * Versus A2C (a2c/a2c.ts): A2C waits for all envs, then takes one step on the whole batch,
 * so each gradient is computed on the current parameters; here a gradient may be a few
 * updates stale (`charts/staleness`), and the order of updates depends on thread timing.
 */
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { hyperparametersOf, type ResolvedConfig } from '../../../schema';
import { currentBackend } from '../../backends';
import type { BoxSpace } from '../../envs/spaces';
import type { TrainingEnv } from '../../envs/trainingEnv';
import { ActorCritic, RolloutActor } from '../../nn/actorCritic';
import { Rng } from '../../rng';
import type { MetricRow, TrainedPolicy, TrainHooks, TrainResult } from '../../types';
import type { Algorithm } from '../algorithm';
import { CHECKPOINT_VERSION, decodeFloat32, encodeArray, isEncodedArray, type AlgoCheckpoint } from '../checkpoint';
import { nextCheckpointStep, TrainingProgress } from '../progress';
import type { A3cWorkerData, A3cWorkerMessage } from './messages';
import { greedyPolicy, policyNetworkOf } from './policyNetwork';
import { MAX_SHARED_STEPS, SharedState } from './shared';
import { spawnA3cWorker } from './spawn';

/** Each worker reports at least every this many of its own env steps (one metric row each). */
const REPORT_EVERY = 1000;
/** How often the main thread polls hooks.shouldStop while the workers train (ms). */
const STOP_POLL_MS = 100;
/** Worker i's seed: the run seed offset by a prime per worker, so their envs and actions differ. */
const WORKER_SEED_STRIDE = 7919;

/**
 * The backend each worker thread selects: the main thread's when it is WASM or plain JS
 * (both load per thread); WASM otherwise, since the native and GPU bindings hold one
 * process-wide device and are not meant to be loaded once per thread.
 */
export function workerBackend(main: string | undefined): 'wasm' | 'cpu' {
  return main === 'cpu' ? 'cpu' : 'wasm';
}

export class A3C implements Algorithm {
  private readonly nWorkers: number;
  private readonly totalTimesteps: number;
  private readonly net: ActorCritic;
  private readonly actor: RolloutActor;
  private readonly shared: SharedState;
  private readonly progress = new TrainingProgress();
  private readonly obsDim: number;
  private readonly bounds: BoxSpace | null;

  constructor(private readonly config: ResolvedConfig, env: TrainingEnv) {
    const hp = hyperparametersOf(config, 'a3c');
    if (config.normalize) throw new Error('a3c does not support normalize (each worker thread would keep its own statistics); remove it or use a2c');
    if (config.n_timesteps > MAX_SHARED_STEPS) throw new Error(`a3c counts steps in 32 bits: n_timesteps must be at most ${MAX_SHARED_STEPS}`);
    this.nWorkers = hp.n_workers;
    this.totalTimesteps = config.n_timesteps;
    this.obsDim = env.makeVecEnv(1, config.seed).obsDim;
    this.bounds = env.spec.actionSpace.kind === 'box' ? env.spec.actionSpace : null;
    // The initial parameters (SB3's initialisation from the run seed), in the separate layout
    // every worker uses (workerAgent.ts).
    this.net = new ActorCritic(this.obsDim, env.spec.actionSpace, config.policy_kwargs, Rng.stream(config.seed, 'init'), { merged: false });
    this.actor = new RolloutActor(this.net);
    this.shared = SharedState.create(this.net.params.size);
    this.shared.params.set(this.net.params.dataSync() as Float32Array);
  }

  async learn(hooks: TrainHooks): Promise<TrainResult> {
    this.progress.start();
    const { shared } = this;
    const backend = workerBackend(currentBackend()?.name);
    const workers: Worker[] = [];
    const finished = new Set<number>();
    let failure: string | undefined;
    let stopped = false;
    let nextCheckpoint = nextCheckpointStep(shared.step, hooks.checkpointFreq ?? 0);
    // Checkpoints are written one after another while the workers go on training.
    let checkpoints: Promise<void> = Promise.resolve();
    const fail = (message: string) => {
      failure ??= message;
      shared.requestStop();
    };
    const pollStop = () => {
      if (!stopped && hooks.shouldStop?.()) {
        stopped = true;
        shared.requestStop();
      }
    };

    const onReport = (m: Extract<A3cWorkerMessage, { type: 'report' }>) => {
      for (const e of m.episodes) this.progress.recordReturn(e.return);
      const step = shared.step;
      const row: MetricRow = { step, time: Date.now(), ...m.metrics };
      row['charts/workers'] = this.nWorkers;
      row['charts/async_updates'] = shared.updates;
      row['charts/worker'] = m.index;
      row['charts/SPS'] = this.progress.sps(step);
      if (m.episodes.length) {
        row['charts/episodic_return'] = m.episodes.reduce((a, e) => a + e.return, 0) / m.episodes.length;
        row['charts/episodic_length'] = m.episodes.reduce((a, e) => a + e.length, 0) / m.episodes.length;
      }
      hooks.onMetrics(row);
      hooks.onProgress?.(step, this.totalTimesteps, this.progress.meanRecentReturn());
      if (step >= nextCheckpoint && step < this.totalTimesteps && !failure) {
        checkpoints = checkpoints
          .then(() => this.checkpoint(hooks, false))
          .catch((err: unknown) => fail(`a checkpoint could not be written: ${err instanceof Error ? err.message : String(err)}`));
        nextCheckpoint = nextCheckpointStep(step, hooks.checkpointFreq ?? 0);
      }
      pollStop();
    };

    try {
      await new Promise<void>((resolve) => {
        let running = this.nWorkers;
        const timer = setInterval(pollStop, STOP_POLL_MS);
        const exited = () => {
          if (--running === 0) {
            clearInterval(timer);
            resolve();
          }
        };
        for (let index = 0; index < this.nWorkers; index++) {
          const data: A3cWorkerData = {
            index,
            // Resumed runs draw fresh streams (the update count moves the seed on).
            config: { ...this.config, seed: this.config.seed + WORKER_SEED_STRIDE * (index + 1) + shared.updates },
            backend,
            shared: shared.buffers,
            reportEvery: REPORT_EVERY,
          };
          let worker: Worker;
          try {
            worker = spawnA3cWorker(data);
          } catch (err) {
            fail(`A3C worker ${index} could not start: ${err instanceof Error ? err.message : String(err)}`);
            exited();
            continue;
          }
          workers.push(worker);
          worker.on('message', (m: A3cWorkerMessage) => {
            try {
              if (m.type === 'report') onReport(m);
              else if (m.type === 'error') {
                fail(`A3C worker ${m.index} failed: ${m.message}`);
                void worker.terminate();
              } else if (m.type === 'done') {
                finished.add(m.index);
                // Its loop is over; end the thread (its TensorFlow.js may hold the event loop open).
                void worker.terminate();
              }
            } catch (err) {
              fail(err instanceof Error ? err.message : String(err));
            }
          });
          worker.on('error', (err) => fail(`A3C worker ${index} crashed: ${err.message}`));
          worker.on('exit', (code) => {
            if (!finished.has(index) && !failure) fail(`A3C worker ${index} exited unexpectedly (exit code ${code})`);
            exited();
          });
        }
      });
      await checkpoints;
      if (failure) return this.result('failed', failure);
      await this.checkpoint(hooks, true);
      if (hooks.onTrained) await hooks.onTrained(this.trainedPolicy());
      return this.result(stopped && shared.step < this.totalTimesteps ? 'stopped' : 'completed');
    } catch (err) {
      shared.requestStop();
      await Promise.all(workers.map((w) => w.terminate()));
      return this.result('failed', err instanceof Error ? err.message : String(err));
    } finally {
      this.dispose();
    }
  }

  private result(status: TrainResult['status'], error?: string): TrainResult {
    return this.progress.result(status, this.shared.step, this.progress.meanRecentReturn(), error);
  }

  private async checkpoint(hooks: TrainHooks, final: boolean): Promise<void> {
    if (hooks.onCheckpoint) await hooks.onCheckpoint(await this.saveCheckpoint(), final);
  }

  /** The greedy policy of the shared parameters as they are now. */
  trainedPolicy(): TrainedPolicy {
    this.pullShared();
    return greedyPolicy(this.net, this.actor, this.obsDim, this.bounds);
  }

  /**
   * A snapshot of the shared state. Taken while the workers train, it is not one consistent
   * instant (a worker may be writing while it is copied), which is the Hogwild contract anyway.
   */
  saveCheckpoint(): Promise<AlgoCheckpoint> {
    this.pullShared();
    return Promise.resolve({
      version: CHECKPOINT_VERSION,
      algo: 'a3c',
      env: this.config.env,
      globalStep: this.shared.step,
      ...this.progress.snapshot(),
      savedAt: new Date().toISOString(),
      state: {
        params: encodeArray(this.shared.params.slice()),
        square: encodeArray(this.shared.square.slice()),
        updates: this.shared.updates,
        n_workers: this.nWorkers,
      },
      policy: policyNetworkOf(this.net, this.obsDim, this.bounds),
    });
  }

  loadCheckpoint(checkpoint: AlgoCheckpoint): Promise<void> {
    const s = checkpoint.state;
    if (!isEncodedArray(s.params) || !isEncodedArray(s.square)) return Promise.reject(new Error('checkpoint has no A3C parameters or RMSProp statistics'));
    const params = decodeFloat32(s.params);
    const square = decodeFloat32(s.square);
    if (params.length !== this.shared.params.length || square.length !== params.length) {
      return Promise.reject(new Error(`checkpoint has ${params.length} parameters, the network ${this.shared.params.length} (was policy_kwargs changed?)`));
    }
    this.shared.params.set(params);
    this.shared.square.set(square);
    this.shared.setCounters(checkpoint.globalStep, typeof s.updates === 'number' ? s.updates : 0);
    this.progress.restore(checkpoint);
    this.pullShared();
    return Promise.resolve();
  }

  private pullShared(): void {
    // slice() copies out of the SharedArrayBuffer, which the workers keep writing.
    const snapshot = this.shared.params.slice();
    tf.tidy(() => this.net.params.assign(tf.tensor1d(snapshot)));
    this.actor.invalidate();
  }

  meanRecentReturn(): number | undefined {
    return this.progress.meanRecentReturn();
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.actor.dispose();
    this.net.dispose();
  }
}
