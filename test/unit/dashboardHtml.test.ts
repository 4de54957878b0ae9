import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, dashboardHtml, makeNonce, RESTORED_STATE_META } from '../../extension/src/dashboard/html';
import { parseWebviewMessage } from '../../extension/src/dashboard/messages';

describe('dashboard page', () => {
  const o = { cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/media/dashboard.css' };

  it('has a strict CSP: nothing by default, the script by nonce, no unsafe-*', () => {
    const csp = contentSecurityPolicy(o);
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-|\*/);
    const html = dashboardHtml(o);
    assert.ok(html.includes(`<script nonce="abc123" src="${o.scriptUri}">`));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  it('carries a revived panel\'s kept state in a meta tag, escaped, and none otherwise', () => {
    assert.doesNotMatch(dashboardHtml(o), new RegExp(RESTORED_STATE_META));
    const html = dashboardHtml({ ...o, restoredState: { selected: 'a"<b>', savedAt: 3 } });
    const meta = html.match(new RegExp(`<meta name="${RESTORED_STATE_META}" content="([^"]*)">`));
    assert.ok(meta, html);
    const unescaped = meta[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(unescaped), { selected: 'a"<b>', savedAt: 3 });
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'still one script');
  });

  it('makes a fresh 32-character nonce each time', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a, makeNonce());
  });

  it('accepts only well-formed webview messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'stopRun', payload: { runId: 'r' } }), { type: 'stopRun', payload: { runId: 'r' } });
    assert.equal(parseWebviewMessage({ type: 'stopRun', payload: {} }), undefined);
    assert.equal(parseWebviewMessage({ type: 'launchMissiles' }), undefined);
    assert.equal(parseWebviewMessage('ready'), undefined);
  });
});
