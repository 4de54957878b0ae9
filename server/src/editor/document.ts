/**
 * An open experiment file as the editor features see it: the LSP TextDocument (for offset <->
 * position conversion) and its parsed model. Parses are cached per document version, so a
 * hover, a completion and the diagnostics of one edit share one parse.
 */
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseExperimentFile, type ExperimentFileModel, type OffsetRange } from '../experiments';
import type { Range } from 'vscode-languageserver';

export interface EditorDocument {
  uri: string;
  document: TextDocument;
  model: ExperimentFileModel;
}

/** The file path of a document URI (file: URIs), or the URI's path for other schemes (untitled:). */
export function filePathFromUri(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/** Parses text outside any cache (tests, one-off requests). */
export function editorDocument(text: string, uri: string, version = 0): EditorDocument {
  const document = TextDocument.create(uri, 'yaml', version, text);
  return { uri, document, model: parseExperimentFile(text, filePathFromUri(uri)) };
}

export function toRange(document: TextDocument, range: OffsetRange): Range {
  return { start: document.positionAt(range.start), end: document.positionAt(range.end) };
}

export class ParseCache {
  // The version is kept apart from the document: TextDocument.update changes a document in place.
  private readonly entries = new Map<string, { version: number; parsed: EditorDocument }>();

  get(document: TextDocument): EditorDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version && cached.parsed.document === document) return cached.parsed;
    const parsed: EditorDocument = {
      uri: document.uri,
      document,
      model: parseExperimentFile(document.getText(), filePathFromUri(document.uri)),
    };
    this.entries.set(document.uri, { version: document.version, parsed });
    return parsed;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }
}
