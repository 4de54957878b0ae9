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
      return isRecord(value.payload) && typeof value.payload.runId === 'string'
        ? { type, payload: { runId: value.payload.runId } }
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

/** The state the webview saved with `setState`, as handed to the panel serializer. */
export function parsePersistedState(value: unknown): DashboardPersistedState {
  return isRecord(value) && typeof value.selected === 'string' ? { selected: value.selected } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
