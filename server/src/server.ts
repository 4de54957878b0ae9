/**
 * The training language server: editor features for experiment files and the custom run
 * methods of the RL Lab protocol, wired to one LSP connection. All state lives in this class
 * (documents, parse cache, file patterns, the run manager); `main.ts` only creates it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeLens,
  type Connection,
  type Disposable,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentPositionParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatConfigError, loadExperimentConfig, sweepConfigs } from './experiments';
import { DEFAULT_EVAL_EPISODES } from './training/evaluateRun';
import {
  codeActions,
  codeLenses,
  complete,
  definition,
  diagnostics,
  documentSymbols,
  RunLensIndex,
  ExperimentFilePatterns,
  filePathFromUri,
  hover,
  ParseCache,
  DEFAULT_EXPERIMENT_FILES,
  type EditorDocument,
} from './editor';
import {
  ListRunsRequest,
  RunMetricsNotificationType,
  RunMetricsRequest,
  RunPlaybackRequest,
  RunValueTableRequest,
  RunSamplesRequest,
  RunConfigRequest,
  DeleteRunRequest,
  EvaluateRunRequest,
  ExportPolicyRequest,
  RerunRunRequest,
  ResumeRunRequest,
  SetRunMetaRequest,
  SweepRequest,
  type EvaluateRunParams,
  type EvaluateRunResult,
  type SweepParams,
  type SweepResult,
  RunStatusNotification,
  StartRunRequest,
  StopRunRequest,
  WorkspaceTrustNotification,
  type ListRunsResult,
  type RunIdParams,
  type ServerInitializationOptions,
  type RunMetricsResult,
  type RunPlaybackResult,
  type RunValueTableResult,
  type RunSamplesResult,
  type StartRunParams,
  type StartRunResult,
  type StopRunResult,
} from './protocol';
import { RunManager } from './training/runManager';
import { CUSTOM_ENV } from './training/envs/custom/id';
import { rewardModuleOf } from './training/rlhf/rewardModulePath';

export interface ServerOptions {
  /** The bundled training worker, `dist/worker.js`. */
  workerPath: string;
}

export class RlLabServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly parses = new ParseCache();
  private readonly disposables: Disposable[] = [];
  private patterns = new ExperimentFilePatterns();
  private workspaceRoot = process.cwd();
  private backend: string | undefined;
  /** Workspace trust as the client reported it; custom environments (user code) need it. */
  private trusted = false;
  private runManager: RunManager | undefined;
  /** rlLab.maxConcurrentRuns from the client; undefined: the RunManager's default. */
  private maxConcurrentRuns: number | undefined;
  /** Runs shown by the code lenses (Stop, Last run); refreshes the lenses when runs change. */
  private lensRuns = new RunLensIndex({ list: () => this.runs().list(), workspaceRoot: () => this.workspaceRoot });

  constructor(
    private readonly connection: Connection,
    private readonly options: ServerOptions,
  ) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onHover((p) => this.onDocument(p, hover) ?? null);
    c.onCompletion((p) => this.onDocument(p, complete) ?? []);
    c.onCodeLens((p) => this.codeLenses(p.textDocument.uri));
    c.onCodeAction((p) => {
      const doc = this.experimentDocument(p.textDocument.uri);
      return doc ? codeActions(doc, p.range) : [];
    });
    c.onDocumentSymbol((p) => {
      const doc = this.experimentDocument(p.textDocument.uri);
      return doc ? documentSymbols(doc) : [];
    });
    c.onDefinition((p) => this.onDocument(p, (doc, pos) => definition(doc, pos, { runConfigPath: (id) => this.runConfigPath(id) })) ?? null);
    c.onRequest(StartRunRequest, (p) => this.startRun(p));
    c.onNotification(WorkspaceTrustNotification, (p) => {
      // Trust can be granted while the server runs; it is never revoked without a restart.
      if (p.trusted === true) this.trusted = true;
    });
    c.onRequest(StopRunRequest, (p) => this.stopRun(p));
    c.onRequest(ListRunsRequest, () => this.listRuns());
    c.onRequest(RunMetricsRequest, (p) => this.runMetrics(p));
    c.onRequest(RunPlaybackRequest, (p) => this.runPlayback(p));
    c.onRequest(RunValueTableRequest, (p): RunValueTableResult => ({ table: this.runs().valueTable(p.runId) }));
    c.onRequest(RunSamplesRequest, (p): RunSamplesResult => ({ runId: p.runId, rows: this.runs().samples(p.runId, p.afterStep) }));
    c.onRequest(RunConfigRequest, (p) => ({ config: this.runs().config(p.runId) }));
    c.onRequest(ResumeRunRequest, (p) => this.runAction(() => ({ run: this.runs().resume(p.runId) })));
    c.onRequest(RerunRunRequest, (p) => this.runAction(() => ({ run: this.runs().rerun(p.runId, p.newSeed === true) })));
    c.onRequest(EvaluateRunRequest, (p) => this.evaluateRun(p));
    c.onRequest(DeleteRunRequest, (p) => this.runAction(() => ({ deleted: this.runs().delete(p.runId) })));
    c.onRequest(SetRunMetaRequest, (p) => this.runAction(() => ({ run: this.runs().setMeta(p.runId, { starred: p.starred, tags: p.tags }) })));
    c.onRequest(ExportPolicyRequest, (p) => this.runAction(() => this.runs().exportPolicy(p.runId)));
    c.onRequest(SweepRequest, (p) => this.sweep(p));
    c.onShutdown(() => this.dispose());
    this.disposables.push(
      this.documents.onDidChangeContent((e) => this.publishDiagnostics(e.document)),
      this.documents.onDidClose((e) => {
        this.parses.delete(e.document.uri);
        void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      }),
    );
    this.documents.listen(c);
    c.listen();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.lensRuns.dispose();
    this.runManager?.dispose();
    this.runManager = undefined;
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) this.workspaceRoot = filePathFromUri(folder);
    else if (params.rootPath) this.workspaceRoot = params.rootPath;
    const options = readInitializationOptions(params.initializationOptions);
    this.backend = options.backend;
    this.trusted = options.trusted;
    this.maxConcurrentRuns = options.maxConcurrentRuns;
    const roots = (params.workspaceFolders ?? []).map((f) => filePathFromUri(f.uri));
    const canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    this.lensRuns = new RunLensIndex({
      list: () => this.runs().list(),
      workspaceRoot: () => this.workspaceRoot,
      refresh: canRefreshLenses ? () => void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined) : undefined,
    });
    this.patterns = new ExperimentFilePatterns(options.experimentFiles ?? DEFAULT_EXPERIMENT_FILES, roots.length ? roots : [this.workspaceRoot]);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' ', ':'] },
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        definitionProvider: true,
      },
      serverInfo: { name: 'rl-lab-server' },
    };
  }

  /** The parsed document, when it is open and an experiment file. */
  private experimentDocument(uri: string): EditorDocument | undefined {
    const document = this.documents.get(uri);
    if (!document || !this.patterns.matches(filePathFromUri(uri))) return undefined;
    return this.parses.get(document);
  }

  private onDocument<T>(p: TextDocumentPositionParams, feature: (doc: EditorDocument, pos: TextDocumentPositionParams['position']) => T): T | undefined {
    const doc = this.experimentDocument(p.textDocument.uri);
    return doc ? feature(doc, p.position) : undefined;
  }

  private codeLenses(uri: string): CodeLens[] {
    const doc = this.experimentDocument(uri);
    return doc ? codeLenses(doc, this.lensRuns.forDocument(uri)) : [];
  }

  private publishDiagnostics(document: TextDocument): void {
    const doc = this.experimentDocument(document.uri);
    if (!doc) return;
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnostics(doc) });
  }

  // ------------------------------------------------------------------ runs

  private runs(): RunManager {
    if (!this.runManager) {
      const manager = new RunManager({
        workspaceRoot: this.workspaceRoot,
        workerPath: this.options.workerPath,
        backend: this.backend,
        ...(this.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: this.maxConcurrentRuns } : {}),
      });
      manager.onStatus((s) => void this.connection.sendNotification(RunStatusNotification, s));
      manager.onStatus((s) => this.lensRuns.update(s));
      manager.onMetrics((m) => void this.connection.sendNotification(RunMetricsNotificationType, m));
      this.runManager = manager;
    }
    return this.runManager;
  }

  private async startRun(p: StartRunParams): Promise<StartRunResult> {
    const filePath = filePathFromUri(p.uri);
    const shownPath = this.displayPath(filePath);
    let text = this.documents.get(p.uri)?.getText();
    if (text === undefined) {
      try {
        text = await readFile(filePath, 'utf8');
      } catch (e) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${shownPath}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    // The request's seed goes through the same validation as `--set seed=N`.
    const overrides = [...(p.overrides ?? []), ...(p.seed !== undefined ? [`seed=${p.seed}`] : [])];
    const loaded = loadExperimentConfig(text, filePath, p.experiment, overrides);
    if ('error' in loaded) throw new ResponseError(ErrorCodes.InvalidParams, formatConfigError({ ...loaded.error, file: shownPath }));
    if (loaded.config.env === CUSTOM_ENV && !this.trusted) {
      const module = this.displayPath(loaded.config.env_module ?? '');
      throw new ResponseError(
        ErrorCodes.InvalidRequest,
        `${shownPath}: experiment '${loaded.config.experiment}' runs code from ${module} (a custom environment), and custom environments run only in a trusted workspace. Trust this workspace (Workspaces: Manage Workspace Trust) or train it with the CLI: rl-lab train ${shownPath}#${loaded.config.experiment}`,
      );
    }
    const rewardModule = rewardModuleOf(loaded.config);
    if (rewardModule && !this.trusted) {
      throw new ResponseError(
        ErrorCodes.InvalidRequest,
        `${shownPath}: experiment '${loaded.config.experiment}' runs code from ${this.displayPath(rewardModule)} (a reward_module), and user reward functions run only in a trusted workspace. Trust this workspace (Workspaces: Manage Workspace Trust) or train it with the CLI: rl-lab train ${shownPath}#${loaded.config.experiment}`,
      );
    }
    const run = this.runs().start({ filePath, experiment: loaded.config.experiment, config: loaded.config });
    return { run };
  }

  private stopRun(p: RunIdParams): StopRunResult {
    return { stopped: this.runs().stop(p.runId) };
  }

  private listRuns(): ListRunsResult {
    return { runs: this.runs().list() };
  }

  private runMetrics(p: RunIdParams): RunMetricsResult {
    return { runId: p.runId, rows: this.runs().metrics(p.runId) };
  }

  private runPlayback(p: RunIdParams): RunPlaybackResult {
    return { episode: this.runs().playback(p.runId) };
  }

  /** config.yaml of a stored run (Go to Definition on `init_from: <run id>`). */
  private runConfigPath(runId: string): string | undefined {
    const run = this.runs().get(runId);
    const file = run ? path.join(run.runDir, 'config.yaml') : undefined;
    return file && existsSync(file) ? file : undefined;
  }

  /** Run-store actions: a refusal (unknown run, live run, no checkpoint) becomes a readable request error. */
  private runAction<T>(action: () => T): T {
    try {
      return action();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      throw new ResponseError(ErrorCodes.InvalidRequest, e instanceof Error ? e.message : String(e));
    }
  }

  private async evaluateRun(p: EvaluateRunParams): Promise<EvaluateRunResult> {
    try {
      return { evaluation: await this.runs().evaluate(p.runId, p.episodes ?? DEFAULT_EVAL_EPISODES) };
    } catch (e) {
      throw new ResponseError(ErrorCodes.InvalidRequest, e instanceof Error ? e.message : String(e));
    }
  }

  /** Expands the experiment's `sweep:` (each combination validated like `--set`) and queues every run. */
  private async sweep(p: SweepParams): Promise<SweepResult> {
    const filePath = filePathFromUri(p.uri);
    const shownPath = this.displayPath(filePath);
    let text = this.documents.get(p.uri)?.getText();
    if (text === undefined) {
      try {
        text = await readFile(filePath, 'utf8');
      } catch (e) {
        throw new ResponseError(ErrorCodes.InvalidParams, `${shownPath}: cannot read the file (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    const source = text;
    const load = (overrides: string[]) => loadExperimentConfig(source, filePath, p.experiment, overrides);
    const base = load([]);
    if ('error' in base) throw new ResponseError(ErrorCodes.InvalidParams, formatConfigError({ ...base.error, file: shownPath }));
    if (base.config.env === CUSTOM_ENV && !this.trusted) {
      throw new ResponseError(ErrorCodes.InvalidRequest, `${shownPath}: experiment '${p.experiment}' uses a custom environment, which runs only in a trusted workspace`);
    }
    if (rewardModuleOf(base.config) && !this.trusted) {
      throw new ResponseError(ErrorCodes.InvalidRequest, `${shownPath}: experiment '${p.experiment}' uses a reward_module, which runs only in a trusted workspace`);
    }
    const expanded = sweepConfigs(base.config, load);
    if ('error' in expanded) {
      const e = expanded.error;
      throw new ResponseError(ErrorCodes.InvalidParams, typeof e === 'string' ? `${shownPath}: ${e}` : formatConfigError({ ...e, file: shownPath }));
    }
    return this.runs().sweep({ filePath, experiment: base.config.experiment, trials: expanded.trials });
  }

  /** Workspace-relative when inside the workspace, as error messages show it. */
  private displayPath(filePath: string): string {
    const rel = path.relative(this.workspaceRoot, filePath);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filePath;
  }
}

/**
 * `initializationOptions` as the extension sends them; every field is optional here so the
 * server also runs on its own (`node dist/server.js --stdio` from any LSP client).
 */
function readInitializationOptions(raw: unknown): { experimentFiles?: string[]; backend?: string; trusted: boolean; maxConcurrentRuns?: number } {
  if (typeof raw !== 'object' || raw === null) return { trusted: false };
  const o = raw as Partial<Record<keyof ServerInitializationOptions, unknown>>;
  const files = Array.isArray(o.experimentFiles) ? o.experimentFiles.filter((f): f is string => typeof f === 'string') : undefined;
  return {
    experimentFiles: files && files.length ? files : undefined,
    backend: typeof o.backend === 'string' && o.backend !== 'auto' ? o.backend : undefined,
    // Only an explicit `true` trusts: a client that says nothing gets no user code run.
    trusted: o.trusted === true,
    ...(typeof o.maxConcurrentRuns === 'number' && Number.isInteger(o.maxConcurrentRuns) && o.maxConcurrentRuns >= 1
      ? { maxConcurrentRuns: o.maxConcurrentRuns }
      : {}),
  };
}
