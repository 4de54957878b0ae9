import type { DashboardPersistedState, WebviewToHost } from '../../server/src/protocol/types';

/** The part of VS Code's webview API the dashboard uses (`acquireVsCodeApi` may be called once). */
export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): DashboardPersistedState | undefined;
  setState(state: DashboardPersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export function vscodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}
