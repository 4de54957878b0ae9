/**
 * A user reward function (`reward_module`) is user code: the language server refuses to start a
 * run that names one in an untrusted workspace, says why, and keeps serving.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { StartRunRequest } from '../../server/src/protocol';
import { LspClient, repoRoot } from './lspClient';

let ws: string;
before(() => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
  ws = mkdtempSync(join(tmpdir(), 'rl-lab-reward-module-'));
  mkdirSync(join(ws, 'rewards'));
  copyFileSync(join(repoRoot, 'examples/rewards/cheerful.js'), join(ws, 'rewards/cheerful.js'));
  copyFileSync(join(repoRoot, 'examples/rlhf.rl.yaml'), join(ws, 'rlhf.rl.yaml'));
});
after(() => rmSync(ws, { recursive: true, force: true }));

describe('reward_module over LSP', () => {
  it('refuses StartRun in an untrusted workspace, naming the module', async () => {
    const client = await LspClient.start(ws, { trusted: false });
    try {
      const uri = pathToFileURL(join(ws, 'rlhf.rl.yaml')).href;
      await assert.rejects(client.connection.sendRequest(StartRunRequest, { uri, experiment: 'positive-ppo-custom-reward' }), (e: unknown) => {
        assert.ok(e instanceof ResponseError);
        assert.match(e.message, /^rlhf\.rl\.yaml: experiment 'positive-ppo-custom-reward' runs code from rewards\/cheerful\.js \(a reward_module\).*only in a trusted workspace/);
        return true;
      });
      const runs = join(ws, '.rl-lab', 'runs');
      assert.ok(!existsSync(runs) || readdirSync(runs).length === 0, 'no run was started');
    } finally {
      await client.stop();
    }
  });
});
