/** Diagnostics: YAML syntax problems and the schema validation of every experiment. */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { issueText, validateExperiment, validateFile, type Issue } from '../experiments';
import { toRange, type EditorDocument } from './document';

export const DIAGNOSTIC_SOURCE = 'rl-lab';

/** Every issue of the document once: a value merged into several experiments with `<<` is reported where it is written. */
export function documentIssues(doc: EditorDocument): Issue[] {
  const { model } = doc;
  const issues: Issue[] = [...model.syntaxIssues, ...validateFile(model), ...model.experiments.flatMap((e) => validateExperiment(model, e))];
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const id = `${issue.range.start}:${issue.range.end}:${issue.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function diagnostics(doc: EditorDocument): Diagnostic[] {
  return documentIssues(doc).map((issue) => toDiagnostic(doc, issue));
}

export function toDiagnostic(doc: EditorDocument, issue: Issue): Diagnostic {
  return {
    range: toRange(doc.document, issue.range),
    severity: issue.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: issueText(issue),
  };
}
