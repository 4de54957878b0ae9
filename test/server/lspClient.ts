/**
 * A minimal LSP client for the server tests: spawns `node dist/server.js --stdio`, initializes
 * it and records every notification, so tests wait for events (diagnostics, run statuses)
 * instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type NotificationType,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
  type Diagnostic,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { RunMetricsNotificationType, RunStatusNotification } from '../../server/src/protocol';

export const repoRoot = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');

interface Waiter {
  method: string;
  predicate: (params: unknown) => boolean;
  resolve: (params: unknown) => void;
}

export class LspClient {
  /** Every notification received, in order, by method. */
  private readonly received: { method: string; params: unknown }[] = [];
  private waiters: Waiter[] = [];
  readonly stderr: string[] = [];

  private constructor(
    readonly connection: ProtocolConnection,
    private readonly child: ChildProcess,
  ) {}

  static async start(workspaceRoot: string, initializationOptions: Record<string, unknown> = {}, capabilities: ClientCapabilities = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [join(repoRoot, 'dist', 'server.js'), '--stdio'], { cwd: workspaceRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(connection, child);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => client.stderr.push(chunk));
    // The notifications tests wait for; anything else the server sends is not needed here.
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => client.record(PublishDiagnosticsNotification.method, p));
    connection.onNotification(RunStatusNotification, (p) => client.record(RunStatusNotification.method, p));
    connection.onNotification(RunMetricsNotificationType, (p) => client.record(RunMetricsNotificationType.method, p));
    connection.listen();
    const rootUri = pathToFileURL(workspaceRoot).href;
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'ws' }],
      capabilities,
      initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private record(method: string, params: unknown): void {
    this.received.push({ method, params });
    const ready = this.waiters.filter((w) => w.method === method && w.predicate(params));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(params);
  }

  /** Notifications of this type received so far. */
  all<P>(type: NotificationType<P>): P[] {
    return this.received.filter((r) => r.method === type.method).map((r) => r.params as P);
  }

  /** The first notification (already received or still to come) that satisfies the predicate. */
  waitFor<P>(type: NotificationType<P>, predicate: (p: P) => boolean = () => true): Promise<P> {
    const seen = this.all(type).find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<P>((resolve) => {
      this.waiters.push({ method: type.method, predicate: (p) => predicate(p as P), resolve: (p) => resolve(p as P) });
    });
  }

  /** The next notification from now on that satisfies the predicate. */
  next<P>(type: NotificationType<P>, predicate: (p: P) => boolean = () => true): Promise<P> {
    return new Promise<P>((resolve) => {
      this.waiters.push({ method: type.method, predicate: (p) => predicate(p as P), resolve: (p) => resolve(p as P) });
    });
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  async change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  /** Diagnostics for `uri` from now on (optionally for a given document version). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    return this.next(PublishDiagnosticsNotification.type, (p) => p.uri === uri && (version === undefined || p.version === version));
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }
}

/** A diagnostic's message as text (LSP 3.18 also allows markup). */
export function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}
