import { writeFileSync, appendFileSync } from 'node:fs';
import { codeActions, codeLenses, complete, definition, diagnostics, documentSymbols, editorDocument, hover } from './server/src/editor';
import { loadExperimentConfig } from './server/src/experiments';
import { fuzzDocuments, rng } from './test/support/yamlFuzz';
const r = rng(8);
let i = 0;
writeFileSync('/tmp/fp2.log', '');
for (const fuzz of fuzzDocuments('/work/main', 20261121, 2000)) {
  const a = performance.now();
  writeFileSync('/tmp/fp2.cur', fuzz.text);
  const doc = editorDocument(fuzz.text, fuzz.uri); diagnostics(doc); codeLenses(doc); documentSymbols(doc);
  if (i % 4 === 0) loadExperimentConfig(fuzz.text, '/fuzz/x.rl.yaml', undefined, [], () => 1);
  for (let k = 0; k < 5; k++) { const p = doc.document.positionAt(Math.floor(r() * (fuzz.text.length + 1))); hover(doc, p); complete(doc, p); definition(doc, p); const e = doc.document.positionAt(Math.floor(r() * (fuzz.text.length + 1))); codeActions(doc, p.line <= e.line ? { start: p, end: e } : { start: e, end: p }); }
  const dt = performance.now() - a;
  if (dt > 300 || i % 100 === 0) appendFileSync('/tmp/fp2.log', `${i} ${fuzz.label} ${Math.round(dt)}ms ${fuzz.text.length}\n`);
  i++;
}
appendFileSync('/tmp/fp2.log', 'done\n');
