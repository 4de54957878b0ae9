/**
 * Runs the integration suite (suite/*.suite.ts) in a real VS Code with @vscode/test-electron:
 * bundles the suite, makes a throwaway workspace holding examples/cartpole.rl.yaml, and starts
 * VS Code with RL Lab as the extension under development.
 *
 * Standalone: `node --import tsx test/integration/runTest.ts` (set VSCODE_EXECUTABLE to use an
 * installed VS Code instead of downloading one). `integration.test.ts` calls `runIntegration`.
 */
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';
import { build } from 'esbuild';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'out', 'integration', 'suite');
const CACHE = join(ROOT, '.vscode-test');

/** Bundles the mocha entry and every suite file into out/integration/suite/ (vscode and mocha stay external). */
export async function buildSuite(): Promise<string> {
  await build({
    entryPoints: [join(import.meta.dirname, 'suite', 'index.ts'), join(import.meta.dirname, 'suite', 'extension.suite.ts')],
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(OUT, 'index.js');
}

/**
 * A VS Code to test with: `VSCODE_EXECUTABLE` when set, else a download (cached in .vscode-test/).
 * Rejects within `timeoutMs` (an upper bound, so an unreachable CDN cannot hang CI).
 */
export async function resolveVSCode(timeoutMs = 60_000): Promise<string> {
  const installed = process.env.VSCODE_EXECUTABLE;
  if (installed) return installed;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({
        version: process.env.VSCODE_VERSION ?? 'stable',
        cachePath: CACHE,
        reporter: new SilentReporter(),
        timeout: 15_000, // idle timeout of each request
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the suite in the given VS Code; resolves with its exit code (0 = all passed). */
export async function runIntegration(vscodeExecutablePath: string): Promise<number> {
  const extensionTestsPath = await buildSuite();
  const workspace = mkdtempSync(join(tmpdir(), 'rl-lab-it-'));
  const userData = mkdtempSync(join(tmpdir(), 'rl-lab-it-user-'));
  copyFileSync(join(ROOT, 'examples', 'cartpole.rl.yaml'), join(workspace, 'cartpole.rl.yaml'));
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userData],
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const code = await runIntegration(await resolveVSCode());
  process.exit(code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
