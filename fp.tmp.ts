import { codeActions, codeLenses, complete, definition, diagnostics, documentSymbols, editorDocument, hover } from './server/src/editor';
import { fuzzDocuments, rng } from './test/support/yamlFuzz';
const r = rng(8);
const t0 = performance.now(); let n = 0; const slow: string[] = [];
for (const fuzz of fuzzDocuments('/work/main', 20261121, 150)) {
  const a = performance.now();
  const doc = editorDocument(fuzz.text, fuzz.uri); diagnostics(doc); codeLenses(doc); documentSymbols(doc);
  for (let k = 0; k < 5; k++) { const p = doc.document.positionAt(Math.floor(r() * (fuzz.text.length + 1))); hover(doc, p); complete(doc, p); definition(doc, p); codeActions(doc, { start: p, end: p }); }
  const dt = performance.now() - a; if (dt > 150) slow.push(`${fuzz.label} ${Math.round(dt)}ms ${fuzz.text.length}`);
  n++;
}
console.log('mean', (performance.now() - t0) / n, slow);
