/**
 * The @vscode/test-electron suite, run from `node --test`. It needs a VS Code build: the one at
 * VSCODE_EXECUTABLE, or a download. Where neither is possible (these machines reach only the
 * npm registry), the test is reported as skipped with the reason, never as passed. A real
 * VS Code on such machines is covered by test/e2e (code-server).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveVSCode, ROOT, runIntegration } from './runTest';

test('RL Lab in VS Code (@vscode/test-electron): activation, code lens, hover, run, tree, stop', async (t) => {
  let executable: string;
  try {
    executable = await resolveVSCode(Number(process.env.VSCODE_DOWNLOAD_TIMEOUT_MS ?? 120_000));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    t.skip(`skipped: @vscode/test-electron could not download VS Code (no network): ${reason}`);
    return;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    t.skip('skipped: VS Code (Electron) needs a display; run under xvfb-run');
    return;
  }
  for (const bundle of ['extension.js', 'server.js', 'worker.js', 'webview.js']) {
    assert.ok(existsSync(join(ROOT, 'dist', bundle)), `dist/${bundle} is built (node scripts/build.mjs)`);
  }
  assert.equal(await runIntegration(executable), 0, 'the integration suite passed inside VS Code');
});
