/**
 * Fuzz over a real LSP connection: a few hundred random and mutated experiment files are
 * opened in `node dist/server.js --stdio`, edited incrementally, and every editor request
 * (hover, completion, code lens, code action, document symbols, definition) is sent at random
 * positions. Every request must answer with a result, not an error, and the server must
 * still be alive and correct at the end. Also: code lenses from runs, quick fixes, outline
 * and definition answered over LSP, and the lens refresh when a run starts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  type DocumentSymbol,
  type Position,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CommandIds, RunStatusNotification, StartRunRequest, StopRunRequest, TERMINAL_STATUSES } from '../../server/src/protocol';
import { LspClient, repoRoot } from './lspClient';
import { fuzzDocuments, rng } from '../support/yamlFuzz';

const DOCUMENTS = Number(process.env.RL_LAB_LSP_FUZZ_DOCS ?? 300);

describe('language server fuzz and issue-8 features over LSP', () => {
  let ws: string;
  let client: LspClient;
  let refreshes = 0;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--only=server,worker'], { cwd: repoRoot, stdio: 'inherit' });
    ws = mkdtempSync(join(tmpdir(), 'rl-lab-fuzz-'));
    mkdirSync(join(ws, 'hyperparams'));
    client = await LspClient.start(ws, {}, { workspace: { codeLens: { refreshSupport: true } } });
    client.connection.onRequest(CodeLensRefreshRequest.type, () => {
      refreshes++;
    });
  });

  after(async () => {
    await client?.stop();
    if (ws) rmSync(ws, { recursive: true, force: true });
  });

  it(`answers every request on ${DOCUMENTS} random and mutated documents`, async () => {
    const r = rng(88);
    let answered = 0;
    let k = 0;
    for (const fuzz of fuzzDocuments(repoRoot, 777, DOCUMENTS)) {
      // Zoo files must lie in a hyperparams/ folder of the workspace to count as experiment files.
      const name = fuzz.uri.includes('/hyperparams/') ? `hyperparams/f${k}.yml` : `f${k}.rl.yaml`;
      const uri = pathToFileURL(join(ws, name)).href;
      k++;
      let doc = TextDocument.create(uri, 'yaml', 1, fuzz.text);
      await client.open(uri, fuzz.text);
      // An incremental edit now and then (a character typed somewhere, as while editing).
      if (r() < 0.3) {
        const at = doc.positionAt(Math.floor(r() * (fuzz.text.length + 1)));
        const change = { range: { start: at, end: at }, text: [':', ' ', '\n', '  ', '-', 'a', '"'][Math.floor(r() * 7)] };
        doc = TextDocument.update(doc, [change], 2);
        await client.change(uri, 2, [change]);
      }
      const pos = (): Position => doc.positionAt(Math.floor(r() * (doc.getText().length + 1)));
      const textDocument = { uri };
      const requests: Promise<unknown>[] = [
        client.connection.sendRequest(HoverRequest.type, { textDocument, position: pos() }),
        client.connection.sendRequest(CompletionRequest.type, { textDocument, position: pos() }),
        client.connection.sendRequest(CodeLensRequest.type, { textDocument }),
        client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument }),
        client.connection.sendRequest(DefinitionRequest.type, { textDocument, position: pos() }),
        client.connection.sendRequest(CodeActionRequest.type, { textDocument, range: { start: pos(), end: doc.positionAt(doc.getText().length) }, context: { diagnostics: [] } }),
      ];
      const results = await Promise.allSettled(requests);
      for (const [i, res] of results.entries()) {
        if (res.status === 'rejected') assert.fail(`${fuzz.label}: request ${i} failed: ${String(res.reason)}\n---\n${doc.getText()}\n---`);
        answered++;
      }
    }
    assert.equal(answered, DOCUMENTS * 6);
    // Still alive and still right afterwards.
    const uri = pathToFileURL(join(ws, 'after.rl.yaml')).href;
    const diags = client.diagnostics(uri);
    await client.open(uri, 'e:\n  algo: ppo\n  env: CartPole-v1\n  gama: 0.9\n');
    assert.match((await diags).diagnostics.map((d) => String(d.message)).join('\n'), /unknown key 'gama' — did you mean 'gamma'\?/);
    assert.ok(client.stderr.join('').length < 100_000, 'the server did not flood stderr');
  });

  it('answers quick fixes, outline and definition, and refreshes lenses as a run starts and stops', async () => {
    const file = join(ws, 'lens.rl.yaml');
    const text = 'base:\n  algo: ppo\n  env: CartPole-v1\n  seed: 5\n  n_envs: 2\n  n_steps: 64\n  batch_size: 64\n  n_timesteps: 1000000\n  gamma: 1.5\n  sweep:\n    values:\n      clip_range: [0.1, 0.2]\n    seeds: [1, 2]\nft:\n  algo: ppo\n  env: CartPole-v1\n  init_from: base\n';
    writeFileSync(file, text.replace('gamma: 1.5', 'gamma: 0.99'));
    const uri = pathToFileURL(file).href;
    const diags = client.diagnostics(uri);
    await client.open(uri, text);
    await diags;
    const textDocument = { uri };
    const actions = await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument,
      range: { start: { line: 8, character: 9 }, end: { line: 8, character: 9 } },
      context: { diagnostics: [] },
    });
    const fix = actions?.find((a) => 'edit' in a && a.title === 'Change to 1');
    assert.ok(fix && 'edit' in fix, JSON.stringify(actions));
    assert.deepEqual(fix.edit?.changes?.[uri], [{ range: { start: { line: 8, character: 9 }, end: { line: 8, character: 12 } }, newText: '1' }]);

    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['base', 'ft']);
    const def = await client.connection.sendRequest(DefinitionRequest.type, { textDocument, position: { line: 16, character: 14 } });
    assert.deepEqual(def, { uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } } });

    const lensTitles = async () => ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument })) ?? []).filter((l) => l.range.start.line === 0).map((l) => l.command?.title ?? '');
    const before = await lensTitles();
    assert.deepEqual(before, ['$(play) Run experiment', '$(run-all) Run with 3 seeds (1, 2, 3)', '$(beaker) Sweep grid: 4 runs (clip_range)']);

    const refreshed = refreshes;
    // The file on disk has a valid gamma: StartRun reads the open document, so fix it there too.
    await client.change(uri, 2, [{ range: { start: { line: 8, character: 9 }, end: { line: 8, character: 12 } }, text: '0.99' }]);
    const { run } = await client.connection.sendRequest(StartRunRequest, { uri, experiment: 'base' });
    await client.waitFor(RunStatusNotification, (s) => s.id === run.id && s.globalStep > 0);
    const during = await lensTitles();
    assert.ok(during.some((t) => t.startsWith('$(debug-stop) Stop seed 5')), during.join(' | '));
    assert.ok(during.some((t) => t.startsWith('$(graph) Last run: running')), during.join(' | '));
    assert.ok(during.includes('$(run-all) Run with 3 seeds (1, 2, 3)'), 'seed 5 is used; 1-3 are still free');
    const stopLens = ((await client.connection.sendRequest(CodeLensRequest.type, { textDocument })) ?? []).find((l) => l.command?.command === CommandIds.stopRun);
    assert.deepEqual(stopLens?.command?.arguments, [run.id]);
    const stopped = client.waitFor(RunStatusNotification, (s) => s.id === run.id && TERMINAL_STATUSES.includes(s.status));
    await client.connection.sendRequest(StopRunRequest, { runId: run.id });
    await stopped;
    const after = await lensTitles();
    assert.ok(after.some((t) => t.startsWith('$(graph) Last run: stopped')), after.join(' | '));
    assert.ok(!after.some((t) => t.startsWith('$(debug-stop)')), after.join(' | '));
    assert.ok(refreshes > refreshed, 'the server asked the client to refresh code lenses');
  });
});
