/**
 * Serves the dashboard page exactly as the panel host builds it (`dashboardHtml` from
 * extension/src/dashboard, so the CSP under test is the real one) with the built
 * dist/webview.js over loopback HTTP, and drives it in Debian's Chromium via playwright-core.
 * The page's `acquireVsCodeApi` is a stand-in installed before any page script runs: it is the
 * host side of the real message protocol, forwarding what the page posts to `HostInbox`.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dashboardHtml, makeNonce } from '../../extension/src/dashboard/html';
import type { HostToWebview, WebviewToHost } from '../../server/src/protocol/types';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const FILES: Record<string, { path: string; type: string }> = {
  '/dist/webview.js': { path: join(ROOT, 'dist', 'webview.js'), type: 'text/javascript' },
  '/media/dashboard.css': { path: join(ROOT, 'media', 'dashboard.css'), type: 'text/css' },
};

/** Loopback server for the page and its two files; anything else is a 404 (and recorded). */
export async function serveDashboard(): Promise<{ origin: string; server: Server; unknownPaths: string[] }> {
  const unknownPaths: string[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (path === '/favicon.ico') {
      // The browser asks on its own; a VS Code webview never does.
      res.writeHead(204).end();
      return;
    }
    if (path === '/') {
      const html = dashboardHtml({
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/media/dashboard.css`,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const file = FILES[path];
    if (!file) {
      unknownPaths.push(path);
      res.writeHead(404).end();
      return;
    }
    readFile(file.path).then(
      (body) => res.writeHead(200, { 'content-type': file.type }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, server, unknownPaths };
}

/** What the page posted to the host, in order, with a way to wait for the next matching one. */
export class HostInbox {
  readonly messages: WebviewToHost[] = [];
  private waiters: { match: (m: WebviewToHost) => boolean; resolve: (m: WebviewToHost) => void }[] = [];

  push(message: WebviewToHost): void {
    this.messages.push(message);
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.match(message)) w.resolve(message);
      else this.waiters.push(w);
    }
  }

  /**
   * Resolves with the first message at index >= `from` that matches. Rejects after `ms`: an
   * upper bound for a message that never comes, not a wait the test relies on.
   */
  waitFor<T extends WebviewToHost['type']>(
    type: T,
    from = 0,
    ms = 10_000,
  ): Promise<Extract<WebviewToHost, { type: T }>> {
    const match = (m: WebviewToHost): m is Extract<WebviewToHost, { type: T }> => m.type === type;
    const found = this.messages.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the page did not post '${type}' within ${ms} ms`)), ms);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<WebviewToHost, { type: T }>);
        },
      });
    });
  }
}

/**
 * Runs before any page script: reports CSP violations, and defines `acquireVsCodeApi` the way
 * VS Code does (one call per page load; postMessage goes to the host, state is kept).
 */
const STAND_IN_SCRIPT = `
document.addEventListener('securitypolicyviolation', (e) => {
  window.__rlLabProblem('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') +
    ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample);
});
let acquired = false;
let state = window.__rlLabInitialState;
window.__rlLabSavedState = () => state;
window.acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi called twice');
  acquired = true;
  return {
    postMessage: (message) => window.__rlLabToHost(message),
    getState: () => state,
    setState: (s) => { state = s; },
  };
};
`;

export interface DashboardPage {
  browser: Browser;
  page: Page;
  inbox: HostInbox;
  /** CSP violations, console errors and uncaught page errors, as text. */
  problems: string[];
  send(message: HostToWebview): Promise<void>;
}

/** `state`: what `getState()` returns at first, as after a window reload (the serializer's state). */
export async function openDashboard(origin: string, opts: { state?: unknown } = {}): Promise<DashboardPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const inbox = new HostInbox();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.exposeFunction('__rlLabToHost', (message: WebviewToHost) => inbox.push(message));
  await page.exposeFunction('__rlLabProblem', (text: string) => problems.push(text));
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  const initialState = opts.state === undefined ? '' : `window.__rlLabInitialState = ${JSON.stringify(opts.state)};\n`;
  await page.addInitScript(initialState + STAND_IN_SCRIPT);
  await page.goto(`${origin}/`);
  return {
    browser,
    page,
    inbox,
    problems,
    // VS Code delivers host messages as `message` events on the page's window.
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
  };
}
