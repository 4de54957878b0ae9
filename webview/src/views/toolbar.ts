import type { DashboardViewSettings } from '../../../server/src/protocol/types';
import { checkbox, dropdown, el, labelFor, type Checkbox, type ValueControl } from './dom';

export interface ToolbarActions {
  change(view: DashboardViewSettings): void;
  exportCsv(): void;
  resetZoom(): void;
}

export const DEFAULT_VIEW: DashboardViewSettings = {
  smoothing: 'ema',
  emaWeight: 0.6,
  window: 10,
  envelope: false,
  xAxis: 'step',
  logScale: false,
  groupByExperiment: false,
  band: 'std',
};

/**
 * The chart settings bar: smoothing (EMA weight or window), min/max envelope, x axis, log
 * scale, grouping by experiment with its band, CSV export and zoom reset. Every control is a
 * labelled toolkit element or a native input, reachable with Tab.
 */
export class Toolbar {
  private view: DashboardViewSettings;
  private readonly smoothing: ValueControl;
  private readonly weight: HTMLInputElement;
  private readonly weightText: HTMLOutputElement;
  private readonly window: HTMLInputElement;
  private readonly envelope: Checkbox;
  private readonly xAxis: ValueControl;
  private readonly log: Checkbox;
  private readonly group: Checkbox;
  private readonly band: ValueControl;
  private readonly weightBox: HTMLElement;
  private readonly windowBox: HTMLElement;
  readonly resetZoom: HTMLElement & { disabled: boolean };

  constructor(root: HTMLElement, initial: DashboardViewSettings, private readonly actions: ToolbarActions) {
    this.view = { ...initial };
    root.replaceChildren();
    root.setAttribute('role', 'toolbar');
    root.setAttribute('aria-label', 'Chart settings');
    this.smoothing = dropdown('smoothing', 'Smoothing', [
      ['ema', 'EMA (debiased)'],
      ['window', 'Moving average'],
      ['none', 'No smoothing'],
    ], (v) => this.set({ smoothing: v as DashboardViewSettings['smoothing'] }));
    this.weight = Object.assign(el('input'), { type: 'range', min: '0', max: '0.99', step: '0.01', id: 'ema-weight' });
    this.weight.setAttribute('aria-label', 'EMA weight');
    this.weightText = el('output');
    this.weightText.htmlFor.add('ema-weight');
    this.weight.addEventListener('input', () => this.set({ emaWeight: Number(this.weight.value) }));
    this.window = Object.assign(el('input'), { type: 'number', min: '1', max: '10000', step: '1', id: 'window-size' });
    this.window.setAttribute('aria-label', 'Moving-average window (points)');
    this.window.addEventListener('change', () => {
      const n = Math.max(1, Math.min(10_000, Math.round(Number(this.window.value)) || 1));
      this.set({ window: n });
    });
    this.weightBox = group(labelFor(this.weight, 'Weight'), this.weight, this.weightText);
    this.windowBox = group(labelFor(this.window, 'Window'), this.window);
    this.envelope = checkbox('envelope', 'Min/max band', (on) => this.set({ envelope: on }));
    this.xAxis = dropdown('x-axis', 'X axis', [
      ['step', 'Env steps'],
      ['update', 'Updates'],
      ['wall', 'Wall time'],
      ['relative', 'Relative time'],
    ], (v) => this.set({ xAxis: v as DashboardViewSettings['xAxis'] }));
    this.log = checkbox('log-scale', 'Log scale', (on) => this.set({ logScale: on }));
    this.group = checkbox('group-experiment', 'Mean per experiment', (on) => this.set({ groupByExperiment: on }));
    this.band = dropdown('band', 'Band around the mean', [
      ['std', '± std'],
      ['ci95', '95% CI'],
    ], (v) => this.set({ band: v as DashboardViewSettings['band'] }));
    const csv = el('vscode-button');
    csv.id = 'export-csv';
    csv.textContent = 'Export CSV';
    csv.setAttribute('appearance', 'secondary');
    csv.addEventListener('click', () => actions.exportCsv());
    this.resetZoom = Object.assign(el('vscode-button'), { disabled: true });
    this.resetZoom.id = 'reset-zoom';
    this.resetZoom.textContent = 'Reset zoom';
    this.resetZoom.setAttribute('appearance', 'secondary');
    this.resetZoom.title = 'Zoom: Ctrl/Alt + wheel or + / - on a chart; pan: drag or arrow keys; reset: double-click or 0';
    this.resetZoom.addEventListener('click', () => actions.resetZoom());
    root.append(
      group(labelFor(this.smoothing, 'Smoothing'), this.smoothing),
      this.weightBox,
      this.windowBox,
      this.envelope,
      group(labelFor(this.xAxis, 'X axis'), this.xAxis),
      this.log,
      this.group,
      group(labelFor(this.band, 'Band'), this.band),
      csv,
      this.resetZoom,
    );
    this.sync();
  }

  get settings(): DashboardViewSettings {
    return this.view;
  }

  private set(change: Partial<DashboardViewSettings>): void {
    // Setting a toolkit control in `sync` fires its change event again: nothing new then.
    if ((Object.keys(change) as (keyof DashboardViewSettings)[]).every((k) => this.view[k] === change[k])) return;
    this.view = { ...this.view, ...change };
    this.sync();
    this.actions.change(this.view);
  }

  private sync(): void {
    const v = this.view;
    if (this.smoothing.value !== v.smoothing) this.smoothing.value = v.smoothing;
    this.weight.value = String(v.emaWeight);
    this.weightText.value = v.emaWeight.toFixed(2);
    this.window.value = String(v.window);
    this.weightBox.hidden = v.smoothing !== 'ema';
    this.windowBox.hidden = v.smoothing !== 'window';
    this.envelope.checked = v.envelope;
    if (this.xAxis.value !== v.xAxis) this.xAxis.value = v.xAxis;
    this.log.checked = v.logScale;
    this.group.checked = v.groupByExperiment;
    if (this.band.value !== v.band) this.band.value = v.band;
  }
}

function group(...children: HTMLElement[]): HTMLElement {
  const g = el('span', 'control');
  g.append(...children);
  return g;
}

/** Settings read back from webview state, with anything missing or out of range defaulted. */
export function viewFrom(saved: Partial<DashboardViewSettings> | undefined): DashboardViewSettings {
  const v = { ...DEFAULT_VIEW, ...(saved ?? {}) };
  const oneOf = <T extends string>(x: unknown, all: readonly T[], d: T): T => (all.includes(x as T) ? (x as T) : d);
  return {
    smoothing: oneOf(v.smoothing, ['none', 'ema', 'window'], DEFAULT_VIEW.smoothing),
    emaWeight: typeof v.emaWeight === 'number' && v.emaWeight >= 0 && v.emaWeight <= 0.999 ? v.emaWeight : DEFAULT_VIEW.emaWeight,
    window: typeof v.window === 'number' && v.window >= 1 ? Math.round(v.window) : DEFAULT_VIEW.window,
    envelope: v.envelope === true,
    xAxis: oneOf(v.xAxis, ['step', 'update', 'wall', 'relative'], DEFAULT_VIEW.xAxis),
    logScale: v.logScale === true,
    groupByExperiment: v.groupByExperiment === true,
    band: oneOf(v.band, ['std', 'ci95'], DEFAULT_VIEW.band),
  };
}
