/**
 * Fuzz: thousands of random and mutated experiment files (seeded, so a failure repeats) go
 * through parsing, validation, config loading and every editor feature at random positions.
 * Nothing may throw; every feature returns its kind of answer. A failure names the seed
 * document and position, and the document text is printed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  codeActions,
  codeLenses,
  complete,
  definition,
  diagnostics,
  documentSymbols,
  editorDocument,
  hover,
} from '../../server/src/editor';
import { listExperiments, loadExperimentConfig } from '../../server/src/experiments';
import type { RunSummary } from '../../server/src/protocol/types';
import { filePathFromUri } from '../../server/src/editor/document';
import { fuzzDocuments, rng } from '../support/yamlFuzz';

const root = process.env.RL_LAB_ROOT ?? join(__dirname, '../..');
/** RL_LAB_FUZZ_DOCS raises it for a longer soak. */
const DOCUMENTS = Number(process.env.RL_LAB_FUZZ_DOCS ?? 2000);
const POSITIONS = 5;

const fakeRuns = (experiment: string): RunSummary[] => [
  { id: `${experiment}-1`, experiment, file: 'x', algo: 'ppo', env: 'CartPole-v1', seed: 1, status: 'running', startTime: '', globalStep: 10, totalSteps: 0, runDir: '/x' },
];

describe('editor fuzz', () => {
  it(`${DOCUMENTS} random and mutated documents: every feature answers at random positions, nothing throws`, () => {
    const r = rng(8);
    let features = 0;
    let count = 0;
    for (const fuzz of fuzzDocuments(root, 20261121, DOCUMENTS)) {
      let where = 'parse';
      try {
        const doc = editorDocument(fuzz.text, fuzz.uri);
        where = 'diagnostics';
        assert.ok(Array.isArray(diagnostics(doc)));
        where = 'codeLenses';
        assert.ok(Array.isArray(codeLenses(doc, { runsOf: fakeRuns })));
        where = 'documentSymbols';
        assert.ok(Array.isArray(documentSymbols(doc)));
        where = 'loadExperimentConfig';
        // The CLI / StartRun path parses again; every few documents is enough to cover it.
        if (count++ % 4 === 0) {
          const loaded = loadExperimentConfig(fuzz.text, filePathFromUri(fuzz.uri), undefined, [], () => 1);
          assert.ok('config' in loaded || 'error' in loaded);
          listExperiments(fuzz.text, filePathFromUri(fuzz.uri));
        }
        const length = fuzz.text.length;
        for (let k = 0; k < POSITIONS; k++) {
          const position = doc.document.positionAt(Math.floor(r() * (length + 1)));
          where = `hover ${JSON.stringify(position)}`;
          const h = hover(doc, position);
          assert.ok(h === null || typeof h.contents === 'object');
          where = `completion ${JSON.stringify(position)}`;
          assert.ok(Array.isArray(complete(doc, position)));
          where = `definition ${JSON.stringify(position)}`;
          definition(doc, position, { runConfigPath: () => undefined });
          where = `codeActions ${JSON.stringify(position)}`;
          const end = doc.document.positionAt(Math.floor(r() * (length + 1)));
          assert.ok(Array.isArray(codeActions(doc, position.line <= end.line ? { start: position, end } : { start: end, end: position })));
          features += 4;
        }
      } catch (e) {
        console.error(`--- ${fuzz.label} (${where}) ---\n${fuzz.text}\n---`);
        throw e;
      }
    }
    assert.equal(features, DOCUMENTS * POSITIONS * 4);
  });
});
