/**
 * Chart colours from the VS Code theme. VS Code sets `--vscode-*` custom properties on the
 * webview's root element and switches them (and the body class) when the theme changes.
 * The fallbacks are VS Code's Dark Modern values, used when the page runs outside VS Code.
 */
export interface ChartTheme {
  foreground: string;
  grid: string;
  line: string;
  fontFamily: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value || fallback;
}

export function readTheme(root: Element = document.documentElement): ChartTheme {
  const style = getComputedStyle(root);
  return {
    foreground: cssVar(style, '--vscode-editor-foreground', '#cccccc'),
    grid: cssVar(style, '--vscode-editorWidget-border', cssVar(style, '--vscode-panel-border', '#454545')),
    line: cssVar(style, '--vscode-charts-blue', '#3794ff'),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(cssVar(style, '--vscode-font-size', '13')) - 1 || 12,
  };
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's class and style). */
export function watchTheme(onChange: (theme: ChartTheme) => void): () => void {
  const observer = new MutationObserver(() => onChange(readTheme()));
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
