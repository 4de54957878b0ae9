/** Diagnostics: YAML syntax problems and the schema validation of every experiment. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { issueText, validateExperiment, validateFile, type Issue } from '../experiments';
import { toRange, type EditorDocument } from './document';

export const DIAGNOSTIC_SOURCE = 'rl-lab';

export function diagnostics(doc: EditorDocument): Diagnostic[] {
  const { model } = doc;
  const issues: Issue[] = [...model.syntaxIssues, ...validateFile(model), ...model.experiments.flatMap((e) => validateExperiment(model, e))];
  // A value merged into several experiments with `<<` is reported once, where it is written.
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const id = `${issue.range.start}:${issue.range.end}:${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      range: toRange(doc.document, issue.range),
      severity: issue.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      message: issueText(issue),
    });
  }
  return out;
}
