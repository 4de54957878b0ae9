/**
 * Custom environments end to end, with the built bundles: the language server refuses to
 * run one in an untrusted workspace (and a client that says nothing is untrusted), runs it
 * once trusted (at start or by the trust notification) in the worker, and the CLI trains it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { RunStatusNotification, StartRunRequest, TERMINAL_STATUSES, WorkspaceTrustNotification } from '../../server/src/protocol';
import { NEEDS_ESBUILD } from '../../server/src/training/envs/custom/load';
import { LspClient, repoRoot } from './lspClient';

const temps: string[] = [];

/** A workspace with the example custom environment and its experiment file. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rl-lab-custom-'));
  temps.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name": "ws"}\n');
  mkdirSync(join(dir, 'envs'));
  copyFileSync(join(repoRoot, 'examples/envs/gridworld.js'), join(dir, 'envs/gridworld.js'));
  copyFileSync(join(repoRoot, 'examples/custom-env.rl.yaml'), join(dir, 'custom-env.rl.yaml'));
  return dir;
}

before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker,cli'], { cwd: repoRoot, stdio: 'inherit' });
});
after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describe('custom environments over LSP', () => {
  const start = (ws: string, client: LspClient) =>
    client.connection.sendRequest(StartRunRequest, { uri: pathToFileURL(join(ws, 'custom-env.rl.yaml')).href, experiment: 'corridor-ppo' });

  for (const [label, options] of [
    ['a client that sends no trust (standalone server)', {}],
    ['an untrusted workspace', { trusted: false }],
  ] as const) {
    it(`refuses StartRun in ${label}, and keeps serving`, async () => {
      const ws = workspace();
      const client = await LspClient.start(ws, options);
      try {
        await assert.rejects(start(ws, client), (e: unknown) => {
          assert.ok(e instanceof ResponseError);
          assert.match(e.message, /^custom-env\.rl\.yaml: experiment 'corridor-ppo' runs code from envs\/gridworld\.js .*only in a trusted workspace/);
          return true;
        });
        const runs = join(ws, '.rl-lab', 'runs');
        assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, 'no run was started');
        // The server is alive and answers the next request.
        await assert.rejects(start(ws, client), ResponseError);
      } finally {
        await client.stop();
      }
    });
  }

  it('trains once trust is granted, in the worker, to a sensible return', async () => {
    const ws = workspace();
    const client = await LspClient.start(ws, {});
    try {
      await assert.rejects(start(ws, client), ResponseError);
      await client.connection.sendNotification(WorkspaceTrustNotification, { trusted: true });
      const { run } = await start(ws, client);
      assert.equal(run.env, 'custom');
      const done = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
      assert.equal(done.status, 'completed', done.error);
      assert.ok(done.meanReturn !== undefined && done.meanReturn > 0.9, `mean return ${done.meanReturn}`);
    } finally {
      await client.stop();
    }
  });

  it('a broken module fails the run with a message naming the file; the server keeps running', async () => {
    const ws = workspace();
    writeFileSync(join(ws, 'envs/gridworld.js'), "module.exports = class { constructor() { throw new Error('no corridor today'); } };\n");
    const client = await LspClient.start(ws, { trusted: true });
    try {
      const { run } = await start(ws, client);
      const done = await client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
      assert.equal(done.status, 'failed');
      assert.match(done.error ?? '', /envs\/gridworld\.js: creating the environment threw: no corridor today/);
      // Still answering: a second StartRun is accepted.
      const again = await start(ws, client);
      assert.ok(again.run.id);
    } finally {
      await client.stop();
    }
  });
});

describe('custom environments from the CLI', () => {
  it('without esbuild, a TypeScript environment fails with what to do', async () => {
    // The CLI bundle alone, away from any node_modules, and a workspace without esbuild.
    const bare = mkdtempSync(join(tmpdir(), 'rl-lab-bare-'));
    temps.push(bare);
    copyFileSync(join(repoRoot, 'dist', 'cli.js'), join(bare, 'cli.js'));
    const ws = workspace();
    copyFileSync(join(repoRoot, 'test/fixtures/envs/corridor.ts'), join(ws, 'envs/corridor.ts'));
    copyFileSync(join(repoRoot, 'test/fixtures/envs/corridor-helper.ts'), join(ws, 'envs/corridor-helper.ts'));
    writeFileSync(join(ws, 'ts.rl.yaml'), 'ts:\n  algo: ppo\n  env: custom\n  env_module: ./envs/corridor.ts\n  seed: 1\n  n_timesteps: 256\n  n_steps: 64\n  batch_size: 64\n');
    const result = await runCli(join(bare, 'cli.js'), ['train', 'ts.rl.yaml', '--json', '--backend', 'cpu'], ws);
    const end = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.equal(end.status, 'failed');
    assert.equal(end.error, `${join(ws, 'envs/corridor.ts')}: ${NEEDS_ESBUILD}`);
    assert.match(NEEDS_ESBUILD, /^TypeScript custom environments need the esbuild package; write the environment in JavaScript or install esbuild/);
  });

  it('rl-lab train trains the example custom environment', async () => {
    const ws = workspace();
    const result = await runCli(join(repoRoot, 'dist', 'cli.js'), ['train', 'custom-env.rl.yaml', '--json'], ws);
    assert.equal(result.code, 0, result.stderr);
    const end = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    assert.equal(end.event, 'end');
    assert.equal(end.status, 'completed');
    assert.ok(end.mean_return_last_20 > 0.9, `mean return ${end.mean_return_last_20}`);
  });
});

function runCli(cli: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
