/**
 * Playback colours from the VS Code theme's CSS variables (re-read when the theme changes).
 * Fallbacks are Dark Modern's values, for the page outside VS Code.
 */
export interface PlaybackColors {
  background: string;
  foreground: string;
  muted: string;
  border: string;
  body: string;
  accent: string;
  ground: string;
  flame: string;
  goal: string;
  contact: string;
  fontFamily: string;
}

export function readPlaybackColors(root: Element = document.documentElement): PlaybackColors {
  const style = getComputedStyle(root);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--vscode-editor-background', '#1f1f1f'),
    foreground: v('--vscode-editor-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    border: v('--vscode-panel-border', '#2b2b2b'),
    body: v('--vscode-charts-blue', '#3794ff'),
    accent: v('--vscode-charts-purple', '#b180d7'),
    ground: v('--vscode-charts-green', '#89d185'),
    flame: v('--vscode-charts-orange', '#d18616'),
    goal: v('--vscode-charts-yellow', '#cca700'),
    contact: v('--vscode-charts-red', '#f14c4c'),
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
  };
}
