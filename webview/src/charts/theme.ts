/**
 * Chart colours from the VS Code theme. VS Code sets `--vscode-*` custom properties on the
 * webview's root element and switches them (and the body class) when the theme changes.
 * The fallbacks are VS Code's Dark Modern values, used when the page runs outside VS Code.
 */
export interface ChartTheme {
  foreground: string;
  grid: string;
  line: string;
  /** One colour per run or group, from VS Code's chart palette. */
  palette: string[];
  /** Health-alert marks. */
  alert: string;
  fontFamily: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value || fallback;
}

export function readTheme(root: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(root);
  const line = cssVar(style, '--vscode-charts-blue', '#3794ff');
  return {
    foreground: cssVar(style, '--vscode-editor-foreground', '#cccccc'),
    grid: cssVar(style, '--vscode-editorWidget-border', cssVar(style, '--vscode-panel-border', '#454545')),
    line,
    palette: [
      line,
      cssVar(style, '--vscode-charts-orange', '#d18616'),
      cssVar(style, '--vscode-charts-green', '#89d185'),
      cssVar(style, '--vscode-charts-purple', '#b180d7'),
      cssVar(style, '--vscode-charts-yellow', '#cca700'),
      cssVar(style, '--vscode-terminal-ansiCyan', '#11a8cd'),
      cssVar(style, '--vscode-terminal-ansiMagenta', '#bc3fbc'),
    ],
    alert: cssVar(style, '--vscode-charts-red', cssVar(style, '--vscode-errorForeground', '#f14c4c')),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(cssVar(style, '--vscode-font-size', '13')) - 1 || 12,
  };
}

/** `color` with alpha `a`, for #rgb, #rrggbb and rgb()/rgba() colours (others are returned as they are). */
export function withAlpha(color: string, a: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  if (m) return `rgba(${parseInt(m[1] + m[1], 16)}, ${parseInt(m[2] + m[2], 16)}, ${parseInt(m[3] + m[3], 16)}, ${a})`;
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(c);
  if (m) return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${a})`;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  if (m) return `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${a})`;
  return c;
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's class and style). */
export function watchTheme(onChange: (theme: ChartTheme) => void): () => void {
  const observer = new MutationObserver(() => onChange(readTheme()));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
