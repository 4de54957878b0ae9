import type { DashboardPersistedState, WebviewToHost } from '../../../server/src/protocol/types';

/**
 * Messages from the webview arrive as `unknown` (structured clones from another context);
 * this checks their shape against the `WebviewToHost` union before the panel acts on them.
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isRecord(value) || typeof value.type !== 'string') return undefined;
  const type = value.type as WebviewToHost['type'];
  switch (type) {
    case 'ready':
      return { type };
    case 'stopRun':
    case 'selectRun':
    case 'requestPlayback':
    case 'requestValueTable':
      return isRecord(value.payload) && typeof value.payload.runId === 'string'
        ? { type, payload: { runId: value.payload.runId } }
        : undefined;
    case 'requestRun':
      return isRecord(value.payload) && typeof value.payload.runId === 'string'
        ? { type, payload: { runId: value.payload.runId, metrics: value.payload.metrics === true } }
        : undefined;
    case 'exportCsv':
      return isRecord(value.payload) && typeof value.payload.fileName === 'string' && typeof value.payload.csv === 'string'
        ? { type, payload: { fileName: value.payload.fileName, csv: value.payload.csv } }
        : undefined;
    case 'exportPng':
      return isRecord(value.payload) &&
        typeof value.payload.fileName === 'string' &&
        typeof value.payload.dataUrl === 'string' &&
        value.payload.dataUrl.startsWith(PNG_DATA_URL)
        ? { type, payload: { fileName: value.payload.fileName, dataUrl: value.payload.dataUrl } }
        : undefined;
    case 'error':
      return isRecord(value.payload) && typeof value.payload.message === 'string'
        ? { type, payload: { message: value.payload.message } }
        : undefined;
    default: {
      const unknownType: never = type;
      void unknownType;
      return undefined;
    }
  }
}

export const PNG_DATA_URL = 'data:image/png;base64,';

/** The state the webview saved with `setState`, as handed to the panel serializer. */
export function parsePersistedState(value: unknown): DashboardPersistedState {
  return isRecord(value) && typeof value.selected === 'string' ? { selected: value.selected } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
