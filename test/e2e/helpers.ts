/**
 * Harness for the end-to-end suite: a real VS Code (code-server, installed by
 * `scripts/ensure-code-server.sh`) driven through Debian's chromium by playwright-core.
 * See ../shared/E2E.md for why code-server rather than @vscode/test-electron here.
 *
 * Every process started here is tracked and killed by `stop()`, even when a test failed:
 * code-server runs in its own process group, so its extension host, our language server and
 * the training worker (all its descendants) go with it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserServer, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const ROOT = process.env.RL_LAB_ROOT ?? join(import.meta.dirname, '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
const CODE_SERVER_DIR = join(ROOT, '.vscode-test', 'code-server');
const ENTRY = join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const VSIX = join(ROOT, 'rl-lab.vsix');
export const RESULTS_DIR = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';

/** What a missing prerequisite would be, or undefined when the suite can run. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(join(CODE_SERVER_DIR, `.installed-${CODE_SERVER_VERSION}`)))
    return 'code-server is not installed: run `bash scripts/ensure-code-server.sh`';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: run \`bash scripts/ensure-code-server.sh\``;
  return undefined;
}

/** A port the OS just handed out and released again, for code-server to bind. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` until it returns a value other than undefined/false (expect-style polling:
 * the interval only paces retries, the condition decides). Throws with `what` and the last
 * error when `timeoutMs` passes.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A scratch workspace: a copy of `examples/` plus any extra files, in a fresh temp folder. */
export function makeWorkspace(extraFiles: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-e2e-ws-'));
  cpSync(join(ROOT, 'examples'), dir, { recursive: true });
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  return dir;
}

/** User settings that keep the workbench quiet and quick for a test. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.hover.delay': 150,
  'editor.codeLens': true,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};

interface Options {
  workspace: string;
  /** Extensions to install first (paths of .vsix files). */
  vsix?: string[];
}

/** One code-server + one chromium, with their temp folders; `stop()` undoes all of it. */
export class Session {
  private server?: ChildProcess;
  private serverExit?: Promise<void>;
  private browserServer?: BrowserServer;
  private browser?: Browser;
  private tempDirs: string[] = [];
  private userData?: string;
  private logs: WriteStream[] = [];
  private unguard?: () => void;
  /** Every console message of the page and its frames (webviews included), as `[type] text`. */
  readonly console: string[] = [];
  private shot = 0;
  page!: Page;
  port = 0;

  private constructor(readonly workspace: string) {}

  static async start(opts: Options): Promise<Session> {
    const s = new Session(opts.workspace);
    try {
      await s.boot(opts);
    } catch (err) {
      await s.stop();
      throw err;
    }
    return s;
  }

  private async boot(opts: Options): Promise<void> {
    const missing = missingPrerequisite();
    if (missing) throw new Error(missing);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const userData = this.tempDir('rl-lab-e2e-user-');
    this.userData = userData;
    const extensions = this.tempDir('rl-lab-e2e-ext-');
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    // Its own config file too: code-server would otherwise create ~/.config/code-server/.
    const config = join(this.tempDir('rl-lab-e2e-cfg-'), 'config.yaml');
    writeFileSync(config, 'auth: none\n');
    const dirs = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

    const serverLog = this.logFile('code-server.log');
    for (const vsix of opts.vsix ?? []) {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [ENTRY, ...dirs, '--install-extension', vsix], {
        timeout: 120_000,
      });
      serverLog.write(stdout + stderr);
    }

    this.port = await freePort();
    // detached: its own process group, so stop() can signal every descendant at once.
    const server = spawn(
      process.execPath,
      [
        ENTRY,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${this.port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        ...dirs,
        this.workspace,
      ],
      // NODE_OPTIONS cleared: a test run started with `--import tsx` there must not load tsx
      // into VS Code's processes (our extension runs from its bundle).
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
    );
    this.server = server;
    this.serverExit = new Promise((resolve) => server.once('exit', () => resolve()));
    this.guardAgainstAbruptExit(server.pid!);
    let output: string | undefined = '';
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        serverLog.write(chunk);
        if (output === undefined) return;
        output += chunk.toString();
        if (output.includes('HTTP server listening on')) {
          output = undefined;
          resolve();
        }
      };
      server.stdout!.on('data', onData);
      server.stderr!.on('data', onData);
      server.once('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
    });
    await withTimeout(listening, 60_000, 'code-server to listen');

    // launchServer rather than launch: it hands us the chromium process, so stop() can kill
    // it (playwright starts it in its own process group and kill() signals the group).
    this.browserServer = await chromium.launchServer({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    this.browser = await chromium.connect(this.browserServer.wsEndpoint());
    const context = await this.browser.newContext({ viewport: { width: 1440, height: 900 } });
    this.page = await context.newPage();
    const consoleLog = this.logFile('browser-console.log');
    this.page.on('console', (m) => {
      this.console.push(`[${m.type()}] ${m.text()}`);
      consoleLog.write(`[${m.type()}] ${m.text()}\n`);
    });
    this.page.on('pageerror', (err) => consoleLog.write(`[pageerror] ${err.stack ?? err.message}\n`));
  }

  /**
   * If the test process itself goes (a runner timeout's SIGTERM, Ctrl-C) before `stop()`,
   * the detached code-server group would outlive it: kill the group on the way out.
   * (playwright does the same for the chromium it launched.)
   */
  private guardAgainstAbruptExit(pid: number): void {
    const killGroup = () => killQuietly(-pid, 'SIGKILL');
    const onSignal = (signal: NodeJS.Signals) => {
      killGroup();
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    };
    process.once('exit', killGroup);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    this.unguard = () => {
      process.off('exit', killGroup);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  }

  private logFile(name: string): WriteStream {
    const stream = createWriteStream(join(RESULTS_DIR, name));
    this.logs.push(stream);
    return stream;
  }

  private tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.tempDirs.push(dir);
    return dir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  /** Loads the workbench and waits until it is ready (explorer shows the workspace files). */
  async openWorkbench(): Promise<void> {
    await this.page.goto(this.url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Screenshot `NN-name.png` into test-results/e2e/, numbered in the order taken. */
  async screenshot(name: string): Promise<string> {
    const file = join(RESULTS_DIR, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Kills chromium and the whole code-server process group, removes temp folders. Never throws. */
  async stop(): Promise<void> {
    if (this.browser) await withTimeout(this.browser.close(), 10_000, 'chromium to close').catch(() => undefined);
    if (this.browserServer) {
      await withTimeout(this.browserServer.close(), 10_000, 'chromium to exit').catch(() => undefined);
      await this.browserServer.kill().catch(() => undefined);
    }
    const server = this.server;
    if (server?.pid) {
      killQuietly(-server.pid, 'SIGTERM');
      await withTimeout(this.serverExit!, 10_000, 'code-server to exit').catch(() => undefined);
      // Descendants that ignored SIGTERM (or outlived the leader) go now.
      killQuietly(-server.pid, 'SIGKILL');
      this.unguard?.();
    }
    // VS Code's logs (extension host, our output channel) outlive the session for diagnosis.
    if (this.userData && existsSync(join(this.userData, 'logs'))) {
      const logs = join(RESULTS_DIR, 'vscode-logs');
      try {
        rmSync(logs, { recursive: true, force: true });
        cpSync(join(this.userData, 'logs'), logs, { recursive: true });
      } catch {
        // Diagnostics only: never mask the test's own outcome.
      }
    }
    for (const stream of this.logs) stream.end();
    this.logs = [];
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
    this.tempDirs = [];
  }

  // ---------------------------------------------------------------- workbench actions

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async quickOpen(fileName: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(fileName);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
    await row.waitFor();
    await row.click();
    await this.activeTab(fileName).waitFor();
  }

  /** Opens a file by clicking it in the explorer, as a user would. */
  async openFromExplorer(fileName: string): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first().click();
    await this.activeTab(fileName).waitFor();
  }

  /** The editor group with focus (the dashboard opens beside the file, in a second group). */
  get activeGroup(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active');
  }

  activeTab(fileName: string): Locator {
    return this.activeGroup.locator(`.tab.active[data-resource-name="${fileName}"]`);
  }

  /** The text editor of the active group. */
  get editor(): Locator {
    return this.activeGroup.locator('.editor-instance .monaco-editor').first();
  }

  /** A token of the editor text, e.g. a YAML key, found on screen. */
  editorToken(text: string): Locator {
    return this.editor.locator('.view-lines .view-line span span', { hasText: new RegExp(`^\\s*${escapeRe(text)}\\s*$`) });
  }

  /** Code lens links shown in the editor, e.g. "Run experiment". */
  codeLenses(text: string | RegExp): Locator {
    return this.editor.locator('.contentWidgets .codelens-decoration a', { hasText: text });
  }

  /** The content of a webview panel whose extension id matches (outer iframe -> active frame). */
  webview(extensionId: string): FrameLocator {
    return this.page
      .frameLocator(`iframe.webview[src*="extensionId=${extensionId}"]`)
      .frameLocator('iframe#active-frame');
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
