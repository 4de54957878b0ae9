/**
 * Quick fixes for the diagnostics: the did-you-mean of an unknown key or value, the nearest
 * valid value for an out-of-range one (the bound, or the edge of the sensible range for an
 * exclusive bound), a batch_size that fits the rollout, a missing required key. The fixes are
 * computed by validation beside each issue, so the action and the diagnostic always agree.
 */
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver';
import { toRange, type EditorDocument } from './document';
import { documentIssues, toDiagnostic } from './diagnostics';

export function codeActions(doc: EditorDocument, range: Range): CodeAction[] {
  const start = doc.document.offsetAt(range.start);
  const end = doc.document.offsetAt(range.end);
  const actions: CodeAction[] = [];
  for (const issue of documentIssues(doc)) {
    if (!issue.fixes?.length) continue;
    // Touching counts: a cursor at either end of the squiggle gets the fix.
    if (issue.range.end < start || issue.range.start > end) continue;
    for (const fix of issue.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(doc, issue)],
        isPreferred: fix.preferred,
        edit: { changes: { [doc.uri]: [{ range: toRange(doc.document, fix.range), newText: fix.newText }] } },
      });
    }
  }
  return actions;
}
