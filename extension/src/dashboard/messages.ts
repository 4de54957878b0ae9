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
    case 'requestSamples': {
      if (!isRecord(value.payload) || typeof value.payload.runId !== 'string') return undefined;
      const after = value.payload.afterStep;
      if (after !== undefined && !(typeof after === 'number' && Number.isFinite(after))) return undefined;
      return { type, payload: after === undefined ? { runId: value.payload.runId } : { runId: value.payload.runId, afterStep: after } };
    }
    case 'saveState':
      return isRecord(value.payload) ? { type, payload: parsePersistedState(value.payload) } : undefined;
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

/**
 * The state the webview saved with `setState` (handed to the panel serializer) or sent with
 * `saveState`: the fields of the right type, the rest dropped. `view` is checked field by
 * field by the page itself (`viewFrom`), which also defaults what is missing.
 */
export function parsePersistedState(value: unknown): DashboardPersistedState {
  if (!isRecord(value)) return {};
  const state: DashboardPersistedState = {};
  if (typeof value.selected === 'string') state.selected = value.selected;
  if (isStringArray(value.compare)) state.compare = value.compare;
  if (isStringArray(value.hiddenMetrics)) state.hiddenMetrics = value.hiddenMetrics;
  if (isRecord(value.view) && !Array.isArray(value.view)) state.view = value.view as unknown as DashboardPersistedState['view'];
  if (typeof value.savedAt === 'number' && Number.isFinite(value.savedAt)) state.savedAt = value.savedAt;
  return state;
}

/** The newer of two saved states (by `savedAt`; one without it is older than one with it). */
export function newerState(a: DashboardPersistedState, b: DashboardPersistedState): DashboardPersistedState {
  return (b.savedAt ?? 0) > (a.savedAt ?? 0) ? b : a;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
