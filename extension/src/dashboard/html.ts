import type { DashboardPersistedState } from '../../../server/src/protocol/types';

/** The meta tag carrying `restoredState` as JSON (read by webview/src/main.ts). */
export const RESTORED_STATE_META = 'rl-lab-restored-state';

/**
 * The dashboard page, as a pure function of what the panel host knows (no `vscode` import):
 * the browser test serves exactly this HTML, so the CSP it checks is the real one.
 *
 * CSP: nothing loads by default; the one script needs the per-load nonce; styles and fonts
 * come only from the extension's own files (`cspSource`). No 'unsafe-inline' or 'unsafe-eval':
 * chart.js sizes its canvas through the CSSOM and the toolkit styles its components with
 * constructable stylesheets, neither of which CSP restricts. The one `<style>` element the
 * toolkit makes (FAST's `:focus-visible` probe) carries the nonce it reads from the
 * `csp-nonce` meta tag, so styles take the same nonce as the script. Toolkit components whose
 * templates put bindings in `style` attributes (badge, tag) are not used: CSP blocks those.
 */
export interface DashboardHtmlOptions {
  /** `webview.cspSource`: the origin the webview loads extension files from. */
  cspSource: string;
  /** Fresh for every page load. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(media/dashboard.css)`. */
  styleUri: string;
  /**
   * State the host kept for a revived panel (workspace storage), newer than what the page may
   * have saved itself; the page reads it from a meta tag and uses the newer of the two.
   */
  restoredState?: DashboardPersistedState;
}

export function contentSecurityPolicy(o: Pick<DashboardHtmlOptions, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
  ].join('; ');
}

export function dashboardHtml(o: DashboardHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o))}">
  <meta property="csp-nonce" content="${escapeAttr(o.nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">${o.restoredState ? `
  <meta name="${RESTORED_STATE_META}" content="${escapeAttr(JSON.stringify(o.restoredState))}">` : ''}
  <link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
  <title>RL Lab Dashboard</title>
</head>
<body>
  <header id="header"></header>
  <main id="charts" aria-live="polite"></main>
  <script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}

/** 32 random alphanumerics from the platform CSPRNG (Web Crypto, global in Node 20 and browsers). */
export function makeNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
