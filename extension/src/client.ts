import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  ListRunsRequest,
  RunMetricsNotificationType,
  RunMetricsRequest,
  RunPlaybackRequest,
  RunValueTableRequest,
  RunSamplesRequest,
  RunConfigRequest,
  RunStatusNotification,
  StartRunRequest,
  StopRunRequest,
  WorkspaceTrustNotification,
  type MetricRow,
  type PlaybackEpisode,
  type TabularValues,
  type SamplesRow,
  type RunMetricsNotification,
  type RunSummary,
  type StartRunParams,
} from '../../server/src/protocol';
import {
  DeleteRunRequest,
  EvaluateRunRequest,
  ExportPolicyRequest,
  RerunRunRequest,
  ResumeRunRequest,
  SetRunMetaRequest,
  type EvaluationResult,
  type ExportPolicyResult,
  type SetRunMetaParams,
} from '../../server/src/protocol';
import type { Config } from './config';
import { DisposableStore } from './disposables';

const CLIENT_ID = 'rlLab';
const CLIENT_NAME = 'RL Lab training server';

/** One document filter per configured glob: experiment files are YAML on disk. */
export function documentSelectorFor(globs: readonly string[]): DocumentSelector {
  return globs.map((pattern) => ({ scheme: 'file', language: 'yaml', pattern }));
}

/**
 * The training language server, seen from the extension: starts `dist/server.js` over IPC,
 * forwards its run notifications as events, and wraps the custom requests.
 *
 * Two lifetimes meet here. The emitters and this object live as long as the extension; the
 * `LanguageClient` and everything registered on it live in `serverScope`, which a restart
 * (settings change) disposes and refills. A crashed server is restarted by the language
 * client's default error handler; `onDidStart` fires again then, so views reload their state.
 */
export class TrainingServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly serverScope = new DisposableStore();

  private readonly statusEmitter = new vscode.EventEmitter<RunSummary>();
  private readonly metricsEmitter = new vscode.EventEmitter<RunMetricsNotification>();
  private readonly startEmitter = new vscode.EventEmitter<void>();
  /** A run changed status or progress. */
  readonly onRunStatus = this.statusEmitter.event;
  /** New metric rows of a live run. */
  readonly onRunMetrics = this.metricsEmitter.event;
  /** A server process is up and answering (first start, crash recovery, restart). */
  readonly onDidStart = this.startEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the server if it is not running; resolves once it has answered `initialize`. */
  start(): Promise<LanguageClient> {
    this.starting ??= this.createAndStart().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  /** Stops the running server and drops everything tied to it, then starts a fresh one. */
  async restart(reason: string): Promise<void> {
    this.output.info(`Restarting the training server: ${reason}`);
    await this.stop();
    await this.start();
  }

  async startRun(params: StartRunParams): Promise<RunSummary> {
    const client = await this.start();
    return (await client.sendRequest(StartRunRequest, params)).run;
  }

  /** Tells a running server that the workspace is now trusted (custom environments may run). */
  async notifyWorkspaceTrusted(): Promise<void> {
    const client = this.client;
    if (client?.isRunning()) await client.sendNotification(WorkspaceTrustNotification, { trusted: true });
  }

  async stopRun(runId: string): Promise<boolean> {
    const client = await this.start();
    return (await client.sendRequest(StopRunRequest, { runId })).stopped;
  }

  async listRuns(): Promise<RunSummary[]> {
    const client = await this.start();
    return (await client.sendRequest(ListRunsRequest, {})).runs;
  }

  async runMetrics(runId: string): Promise<MetricRow[]> {
    const client = await this.start();
    return (await client.sendRequest(RunMetricsRequest, { runId })).rows;
  }

  /** The run's recorded evaluation episode, null when it has none. */
  async runPlayback(runId: string): Promise<PlaybackEpisode | null> {
    const client = await this.start();
    return (await client.sendRequest(RunPlaybackRequest, { runId })).episode;
  }

  /** A tabular run's Q-table / value function, null when it has none. */
  async runValueTable(runId: string): Promise<TabularValues | null> {
    const client = await this.start();
    return (await client.sendRequest(RunValueTableRequest, { runId })).table;
  }

  /** An RLHF run's sampled completions logged after `afterStep` (all without it). */
  async runSamples(runId: string, afterStep?: number): Promise<SamplesRow[]> {
    const client = await this.start();
    return (await client.sendRequest(RunSamplesRequest, { runId, afterStep })).rows;
  }

  /** The run's resolved config (config.yaml) as data, null when it has none. */
  async runConfig(runId: string): Promise<Record<string, unknown> | null> {
    const client = await this.start();
    return (await client.sendRequest(RunConfigRequest, { runId })).config;
  }

  // ------------------------------------------------ run actions (the Runs tree's menus)

  /** Continues a stopped, interrupted or failed run from its newest checkpoint (queued first). */
  async resumeRun(runId: string): Promise<RunSummary> {
    const client = await this.start();
    return (await client.sendRequest(ResumeRunRequest, { runId })).run;
  }

  /** A new run with the run's config: the same seed, or a freshly drawn one with `newSeed`. */
  async rerunRun(runId: string, newSeed: boolean): Promise<RunSummary> {
    const client = await this.start();
    return (await client.sendRequest(RerunRunRequest, { runId, newSeed })).run;
  }

  /** Plays the saved policy deterministically for `episodes` episodes; recorded in the run. */
  async evaluateRun(runId: string, episodes: number): Promise<EvaluationResult> {
    const client = await this.start();
    return (await client.sendRequest(EvaluateRunRequest, { runId, episodes })).evaluation;
  }

  /** Removes the run folder; the caller has asked the user. */
  async deleteRun(runId: string): Promise<boolean> {
    const client = await this.start();
    return (await client.sendRequest(DeleteRunRequest, { runId })).deleted;
  }

  /** Stars or tags a run; answers with the updated summary. */
  async setRunMeta(params: SetRunMetaParams): Promise<RunSummary> {
    const client = await this.start();
    return (await client.sendRequest(SetRunMetaRequest, params)).run;
  }

  /** Writes the run's policy as a TensorFlow.js layers model; answers where. */
  async exportPolicy(runId: string): Promise<ExportPolicyResult> {
    const client = await this.start();
    return client.sendRequest(ExportPolicyRequest, { runId });
  }

  private async createAndStart(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelectorFor(this.config.experimentFiles),
      // A function, so a crash restart sends the current settings and workspace trust.
      initializationOptions: () => this.config.initializationOptions,
      outputChannel: this.output,
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    // Handlers registered on the client survive the client's own crash restarts; they are
    // dropped with the server scope when the settings change and a new client is made.
    this.serverScope.add(client.onNotification(RunStatusNotification, (run) => this.statusEmitter.fire(run)));
    this.serverScope.add(
      client.onNotification(RunMetricsNotificationType, (batch) => this.metricsEmitter.fire(batch)),
    );
    this.serverScope.add(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) this.startEmitter.fire();
      }),
    );
    this.serverScope.add({ dispose: () => void client.dispose().catch(() => undefined) });
    this.client = client;
    try {
      await client.start();
    } catch (err) {
      // Nothing of a server that never came up may linger into the next attempt.
      this.client = undefined;
      this.serverScope.clear();
      throw err;
    }
    return client;
  }

  /** Stops the server (shutdown + exit) and drops everything tied to it. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (client?.isRunning()) {
      await client.stop().catch((err: unknown) => this.output.warn(`Stopping the server failed: ${String(err)}`));
    }
    this.serverScope.clear();
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.metricsEmitter.dispose();
    this.startEmitter.dispose();
  }
}
