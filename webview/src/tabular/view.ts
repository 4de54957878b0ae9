import type { TabularValues } from '../../../server/src/protocol/types';
import { watchTheme } from '../charts/theme';
import { readPlaybackColors, type PlaybackColors } from '../playback/colors';
import { drawHeatmap } from './draw';
import { gridOf } from './layout';

/**
 * The "Value table" section of the dashboard: a tabular run's V(s) = max_a Q(s, a) (or the
 * planned V) as a heatmap over the environment's grid with the greedy action in each cell,
 * refreshed while the run trains. Taxi's 500 states are 20 layers over its 5x5 grid (where the
 * passenger is and where to), picked in a dropdown. It publishes what it shows as data
 * attributes (run, env, step, layer) for tests and styling.
 */
export class ValueTableView {
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private readonly layerPicker: HTMLElement & { value: string };
  private colors: PlaybackColors;
  private shown: { runId: string; table: TabularValues } | undefined;
  private layer = 0;

  constructor(private readonly root: HTMLElement) {
    root.replaceChildren();
    root.id = 'value-table';
    root.className = 'value-table';
    root.hidden = true;
    const title = document.createElement('h2');
    title.textContent = 'Value table';
    this.caption = document.createElement('p');
    this.caption.className = 'playback-caption';
    this.caption.id = 'value-table-caption';
    this.layerPicker = Object.assign(document.createElement('vscode-dropdown'), { value: '0' }) as HTMLElement & { value: string };
    this.layerPicker.id = 'value-table-layer';
    this.layerPicker.setAttribute('aria-label', 'Layer');
    this.layerPicker.hidden = true;
    this.layerPicker.addEventListener('change', () => {
      this.layer = Number(this.layerPicker.value) || 0;
      this.draw();
    });
    const stage = document.createElement('div');
    stage.className = 'playback-stage';
    this.canvas = document.createElement('canvas');
    this.canvas.id = 'value-table-canvas';
    this.canvas.setAttribute('role', 'img');
    // The same box as the playback canvas (its stylesheet rule is keyed to that id).
    this.canvas.style.display = 'block';
    this.canvas.style.width = '100%';
    this.canvas.style.height = '300px';
    stage.append(this.canvas);
    root.append(title, this.caption, this.layerPicker, stage);
    this.colors = readPlaybackColors();
    watchTheme(() => {
      this.colors = readPlaybackColors();
      this.draw();
    });
    new ResizeObserver(() => this.draw()).observe(stage);
  }

  show(runId: string, table: TabularValues, live: boolean): void {
    const grid = gridOf(table);
    if (this.shown?.runId !== runId || this.shown.table.env !== table.env) this.setLayers(grid.layerNames ?? [], grid.layers);
    this.shown = { runId, table };
    this.root.dataset.run = runId;
    this.root.dataset.env = table.env;
    this.root.dataset.step = String(table.step);
    const unit = table.algo === 'value_iteration' || table.algo === 'policy_iteration' ? 'sweep' : 'step';
    this.caption.textContent =
      `${table.env} · ${table.algo} · V(s) = max_a Q(s, a), greedy action per cell · ${unit} ${table.step.toLocaleString('en-US')}` + (live ? ' · live' : '');
    this.canvas.setAttribute('aria-label', `Heatmap of the state values of ${table.env} with the greedy action in each cell`);
    this.root.hidden = false;
    this.draw();
  }

  hide(): void {
    this.shown = undefined;
    this.root.hidden = true;
    delete this.root.dataset.run;
    delete this.root.dataset.env;
  }

  private setLayers(names: readonly string[], layers: number): void {
    this.layer = 0;
    this.layerPicker.replaceChildren(
      ...Array.from({ length: layers }, (_, i) => {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', String(i));
        option.textContent = names[i] ?? `layer ${i}`;
        if (i === 0) option.setAttribute('selected', '');
        return option;
      }),
    );
    this.layerPicker.value = '0';
    this.layerPicker.hidden = layers <= 1;
  }

  private draw(): void {
    const shown = this.shown;
    if (!shown || this.root.hidden) return;
    this.root.dataset.layer = String(this.layer);
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawHeatmap(ctx, shown.table, Math.min(this.layer, gridOf(shown.table).layers - 1), { width, height }, this.colors);
  }
}
