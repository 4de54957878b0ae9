/**
 * Document symbols (outline, breadcrumbs, Go to Symbol): each experiment with its algorithm and
 * environment as detail, its keys as children (the nested `hyperparameters:` keys among them;
 * keys merged in with `<<` are left out, they belong to their source mapping's outline).
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { experimentAlgo, experimentEnv, SWEEP_KEY } from '../experiments';
import { toRange, type EditorDocument } from './document';

export function documentSymbols(doc: EditorDocument): DocumentSymbol[] {
  const { model, document } = doc;
  return model.experiments.map((e) => {
    const env = experimentEnv(model, e);
    const algo = experimentAlgo(model, e) ?? (model.format === 'zoo' ? model.fileAlgo : e.entries.find((x) => x.key === 'algo')?.value);
    const children: DocumentSymbol[] = e.entries
      .filter((x) => !x.merged && x.keyRange.start >= e.range.start && x.keyRange.end <= e.range.end)
      .map((x) => {
        const end = Math.max(x.keyRange.end, x.valueRange.end);
        return {
          name: x.key,
          detail: symbolDetail(x.value),
          kind: x.key === SWEEP_KEY ? SymbolKind.Event : x.nested ? SymbolKind.Field : SymbolKind.Property,
          range: toRange(document, { start: x.keyRange.start, end }),
          selectionRange: toRange(document, x.keyRange),
        };
      });
    const end = Math.max(e.range.end, e.nameRange.end);
    return {
      name: e.name,
      detail: [algo, env].filter((v) => typeof v === 'string').join(' · '),
      kind: SymbolKind.Class,
      range: toRange(document, { start: e.nameRange.start, end }),
      selectionRange: toRange(document, e.nameRange),
      children,
    };
  });
}

function symbolDetail(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === 'object') return '{…}';
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
