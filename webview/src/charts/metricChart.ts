import {
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  type ChartConfiguration,
  type ChartDataset,
  type ScaleOptionsByType,
} from 'chart.js';
import type { DashboardViewSettings } from '../../../server/src/protocol/types';
import { interpolate } from './aggregate';
import { formatX, formatY, X_AXIS_TITLES } from './format';
import type { ChartMark, DrawSeries, Point } from './frame';
import { metricLabel } from './order';
import { overlayPlugin, setOverlay } from './overlay';
import { withAlpha, type ChartTheme } from './theme';

// Only what line charts over linear/log axes need, so the bundle stays small. Decimation is
// ours (frame.ts): it runs over typed arrays and the zoomed window, before chart.js sees data.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, overlayPlugin);

export interface ChartActions {
  /** Zoom/pan: the x window all charts show (undefined: everything). */
  setRange(range: { min: number; max: number } | undefined): void;
  /** The x window last asked for (it is drawn on the next frame); undefined: everything. */
  range(): { min: number; max: number } | undefined;
  /** The crosshair's x on every chart (undefined: none). */
  hover(x: number | undefined): void;
  exportPng(metric: string, dataUrl: string): void;
}

/** A dataset's role, kept on the chart for the read-out and for anyone inspecting the page. */
type Role = 'line' | 'raw' | 'bandLo' | 'bandHi';
type Axis = 'y' | 'y2';
type Dataset = ChartDataset<'line', Point[]> & { rlRole: Role; rlSeries: string; rlAxis: Axis };

/** Lines drawn against a second y axis on the right (the KL beside an RLHF run's reward), dashed. */
export interface SecondaryLines {
  /** The metric, for the right axis' title and the read-out. */
  metric: string;
  series: DrawSeries[];
}

const ZOOM_STEP = 0.8;
const PAN_STEP = 0.1;

/**
 * One metric's chart: a line per shown run (or experiment mean), the raw series faint behind,
 * bands, health marks, a crosshair with a read-out of every line at that x, wheel (with Ctrl,
 * Alt or Cmd) and keyboard zoom, drag and arrow-key pan, double-click / 0 to reset, and a PNG
 * export. The Chart instance is made once and fed in place with `update('none')`.
 */
export class MetricChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly alertList: HTMLElement;
  private readonly chart: Chart<'line', Point[]>;
  private series: DrawSeries[] = [];
  private secondary: SecondaryLines | undefined;
  private view: DashboardViewSettings | undefined;
  private theme: ChartTheme;
  private drag: { pointer: number; startPx: number; min: number; max: number } | undefined;

  /** `title`: the heading when it is not the metric's own (a chart of two metrics). */
  constructor(readonly metric: string, theme: ChartTheme, private readonly actions: ChartActions, title?: string) {
    this.theme = theme;
    this.element = el('section', 'chart');
    this.element.dataset.metric = metric;
    const head = el('div', 'chart-head');
    const heading = el('h3', '');
    heading.textContent = title ?? metricLabel(metric);
    heading.title = metric;
    const png = el('vscode-button', 'png');
    png.setAttribute('appearance', 'icon');
    png.setAttribute('aria-label', `Export the ${metric} chart as PNG`);
    png.title = 'Export as PNG';
    png.textContent = 'PNG';
    png.addEventListener('click', () => this.actions.exportPng(this.metric, this.canvas.toDataURL('image/png')));
    head.append(heading, png);
    const box = el('div', 'chart-box');
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.tabIndex = 0;
    this.readout = el('div', 'readout');
    this.readout.hidden = true;
    this.readout.setAttribute('role', 'status');
    box.append(this.canvas, this.readout);
    this.alertList = el('ul', 'alert-list');
    this.element.append(head, box, this.alertList);
    this.chart = new Chart(this.canvas, this.config());
    this.listen();
    this.publish();
  }

  render(
    series: DrawSeries[],
    marks: ChartMark[],
    view: DashboardViewSettings,
    range: { min: number; max: number } | undefined,
    hoverX: number | undefined,
    secondary?: SecondaryLines,
  ): void {
    this.series = series;
    this.secondary = secondary;
    this.view = view;
    const datasets: Dataset[] = [];
    const add = (list: DrawSeries[], axis: Axis) =>
      list.forEach((s) => {
        const color = this.theme.palette[s.colorIndex % this.theme.palette.length];
        if (s.band) {
          datasets.push(this.dataset(s, 'bandLo', s.band.lo, 'transparent', false, axis));
          datasets.push(this.dataset(s, 'bandHi', s.band.hi, 'transparent', withAlpha(color, s.band.kind === 'envelope' ? 0.12 : 0.22), axis));
        }
        if (s.raw) datasets.push(this.dataset(s, 'raw', s.raw, withAlpha(color, 0.25), false, axis));
        datasets.push(this.dataset(s, 'line', s.line, color, false, axis));
      });
    add(series, 'y');
    if (secondary) add(secondary.series, 'y2');
    this.chart.data.datasets = datasets;
    const o = this.chart.options;
    const x = o.scales?.x as ScaleOptionsByType<'linear'> | undefined;
    if (x) {
      Object.assign(x, { min: range?.min, max: range?.max });
      x.title.text = X_AXIS_TITLES[view.xAxis];
      x.ticks.callback = (v) => formatX(view.xAxis, Number(v));
    }
    const yType = view.logScale ? 'logarithmic' : 'linear';
    if (o.scales?.y && o.scales.y.type !== yType) o.scales.y = this.yScale(yType);
    if (o.scales) {
      if (secondary) {
        // Two metrics: each y axis names its own (the right one also draws no grid of its own).
        const y2Title = secondary.metric;
        const y2 = o.scales.y2;
        if (!y2 || y2.type !== yType || (y2 as ScaleOptionsByType<'linear'>).title.text !== y2Title) o.scales.y2 = this.yScale(yType, 'right', y2Title);
        const y = o.scales.y as ScaleOptionsByType<'linear'>;
        if (y.title.text !== this.primaryTitle()) o.scales.y = this.yScale(yType, 'left', this.primaryTitle());
      } else if (o.scales.y2) {
        delete o.scales.y2;
        o.scales.y = this.yScale(yType);
      }
    }
    const named = (list: DrawSeries[], metric?: string) => list.map((s) => (metric ? `${s.label} (${metric})` : s.label));
    const labels = secondary ? [...named(series, this.primaryTitle()), ...named(secondary.series, secondary.metric)] : named(series);
    this.canvas.setAttribute(
      'aria-label',
      `${this.element.querySelector('h3')?.textContent ?? this.metric} against ${X_AXIS_TITLES[view.xAxis]}: ${labels.join(', ') || 'no data'}. ` +
        'Arrow keys pan, plus and minus zoom, 0 resets.',
    );
    this.setMarks(marks, hoverX);
    this.chart.update('none');
    this.publish();
  }

  /** Moves the crosshair (all charts follow the one under the pointer). */
  setHover(hoverX: number | undefined, marks?: ChartMark[]): void {
    this.setMarks(marks ?? this.marks, hoverX);
    this.chart.draw();
  }

  applyTheme(theme: ChartTheme): void {
    this.theme = theme;
    const { options } = this.chart;
    for (const scale of [options.scales?.x, options.scales?.y, options.scales?.y2]) {
      if (!scale) continue;
      scale.grid = { ...scale.grid, color: theme.grid };
      scale.ticks = { ...scale.ticks, color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize } };
    }
  }

  /** The datasets as drawn (for the page's inspection hook and tests); `axis` y2 is the right-hand one. */
  drawn(): { series: string; role: Role; data: Point[]; axis: Axis }[] {
    return (this.chart.data.datasets as Dataset[]).map((d) => ({ series: d.rlSeries, role: d.rlRole, data: d.data, axis: d.rlAxis }));
  }

  /** The left axis' title when a second metric is drawn: the first series' metric. */
  private primaryTitle(): string {
    return this.primaryMetric ?? this.metric;
  }

  /** The metric of the left axis of a two-metric chart (set by the grid). */
  primaryMetric: string | undefined;

  /** The axes as drawn: x window, x title, y scale type. */
  axes(): { min: number; max: number; xTitle: string; yType: string } {
    const x = this.chart.scales.x;
    const title = (this.chart.options.scales?.x as ScaleOptionsByType<'linear'> | undefined)?.title.text;
    return { min: x.min, max: x.max, xTitle: String(title ?? ''), yType: String(this.chart.options.scales?.y?.type ?? '') };
  }

  destroy(): void {
    this.chart.destroy();
    this.element.remove();
  }

  private marks: ChartMark[] = [];

  private setMarks(marks: ChartMark[], hoverX: number | undefined): void {
    this.marks = marks;
    setOverlay(this.chart, {
      marks,
      hoverX,
      alertColor: this.theme.alert,
      alertFill: withAlpha(this.theme.alert, 0.18),
      crossColor: this.theme.foreground,
    });
    const items = marks.map((m) => {
      const li = el('li', 'alert');
      li.dataset.kind = m.kind;
      li.textContent = `⚠ ${m.text}`;
      return li;
    });
    const key = marks.map((m) => m.text).join('\n');
    if (this.alertList.dataset.key !== key) {
      this.alertList.dataset.key = key;
      this.alertList.replaceChildren(...items);
    }
    this.element.dataset.alerts = String(marks.length);
  }

  private dataset(s: DrawSeries, role: Role, data: Point[], color: string, fill: string | false, axis: Axis = 'y'): Dataset {
    return {
      yAxisID: axis,
      // The right-hand metric dashed, so the two read apart without relying on colour.
      ...(axis === 'y2' ? { borderDash: [6, 3] } : {}),
      rlAxis: axis,
      label: role === 'line' ? s.label : `${s.label} (${role})`,
      data,
      borderColor: color,
      backgroundColor: fill || color,
      borderWidth: role === 'line' ? 1.75 : 1,
      pointRadius: 0,
      pointHoverRadius: 0,
      tension: 0,
      fill: fill ? '-1' : false,
      spanGaps: true,
      // chart.js draws higher `order` first: bands at the back, then the faint raw series, lines on top.
      order: role === 'line' ? 0 : role === 'raw' ? 1 : 2,
      rlRole: role,
      rlSeries: s.id,
    };
  }

  /**
   * `data-points`: stored points of the first line (the run in focus); `data-drawn`: points
   * its raw series (else its line) hands chart.js after decimation; `data-series`: lines.
   */
  private publish(): void {
    const first = this.series[0];
    this.element.dataset.points = String(first?.stored ?? 0);
    this.element.dataset.drawn = String((first?.raw ?? first?.line ?? []).length);
    this.element.dataset.series = String(this.series.length);
    if (this.secondary) this.element.dataset.series2 = String(this.secondary.series.length);
    else delete this.element.dataset.series2;
    this.element.classList.toggle('empty', !first);
  }

  // ------------------------------------------------------------------ zoom, pan, crosshair

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('wheel', (e) => {
      if (!(e.ctrlKey || e.altKey || e.metaKey)) return; // plain wheel scrolls the page
      e.preventDefault();
      this.zoomAround(this.valueAt(e.offsetX), e.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => {
      const { min, max } = this.window();
      this.drag = { pointer: e.pointerId, startPx: e.offsetX, min, max };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (this.drag && this.drag.pointer === e.pointerId) {
        const x = this.chart.scales.x;
        const dv = x.getValueForPixel(this.drag.startPx)! - x.getValueForPixel(e.offsetX)!;
        if (dv !== 0 && Math.abs(e.offsetX - this.drag.startPx) > 2) this.actions.setRange({ min: this.drag.min + dv, max: this.drag.max + dv });
        return;
      }
      const value = this.valueAt(e.offsetX);
      this.actions.hover(value);
      this.showReadout(value, e.offsetX);
    });
    const endDrag = (e: PointerEvent) => {
      if (this.drag?.pointer === e.pointerId) this.drag = undefined;
    };
    c.addEventListener('pointerup', endDrag);
    c.addEventListener('pointercancel', endDrag);
    c.addEventListener('pointerleave', () => {
      this.readout.hidden = true;
      this.actions.hover(undefined);
    });
    c.addEventListener('dblclick', () => this.actions.setRange(undefined));
    c.addEventListener('keydown', (e) => {
      const { min, max } = this.window();
      const span = max - min;
      const mid = (min + max) / 2;
      switch (e.key) {
        case '+':
        case '=':
          this.zoomAround(mid, ZOOM_STEP);
          break;
        case '-':
          this.zoomAround(mid, 1 / ZOOM_STEP);
          break;
        case 'ArrowLeft':
          this.actions.setRange({ min: min - span * PAN_STEP, max: max - span * PAN_STEP });
          break;
        case 'ArrowRight':
          this.actions.setRange({ min: min + span * PAN_STEP, max: max + span * PAN_STEP });
          break;
        case '0':
        case 'Home':
          this.actions.setRange(undefined);
          break;
        default:
          return;
      }
      e.preventDefault();
    });
    c.addEventListener('blur', () => {
      this.readout.hidden = true;
    });
  }

  /** The window being shown: the one asked for last (key presses may outpace frames), else the drawn one. */
  private window(): { min: number; max: number } {
    const asked = this.actions.range();
    if (asked) return asked;
    const x = this.chart.scales.x;
    return { min: x.min, max: x.max };
  }

  private valueAt(px: number): number {
    return this.chart.scales.x.getValueForPixel(px) ?? 0;
  }

  private zoomAround(center: number, factor: number): void {
    const { min, max } = this.window();
    this.actions.setRange({ min: center - (center - min) * factor, max: center + (max - center) * factor });
  }

  /** The read-out beside the crosshair: every line's value at x (interpolated), in its colour order. */
  private showReadout(x: number, px: number): void {
    if (!this.view || this.series.length === 0) {
      this.readout.hidden = true;
      return;
    }
    const lines = [formatX(this.view.xAxis, x)];
    const secondary = this.secondary;
    for (const s of this.series) {
      const y = interpolate(s.lookup, x);
      if (Number.isFinite(y)) lines.push(`${s.label}${secondary ? ` ${this.primaryTitle()}` : ''}: ${formatY(y)}`);
    }
    for (const s of secondary?.series ?? []) {
      const y = interpolate(s.lookup, x);
      if (Number.isFinite(y)) lines.push(`${s.label} ${secondary!.metric}: ${formatY(y)}`);
    }
    this.readout.textContent = lines.join('\n');
    this.readout.hidden = lines.length === 1;
    // CSSOM, not a style attribute: the CSP allows the former only.
    const flip = px > this.canvas.clientWidth / 2;
    this.readout.style.left = flip ? '' : `${px + 12}px`;
    this.readout.style.right = flip ? `${this.canvas.clientWidth - px + 12}px` : '';
  }

  private yScale(type: 'linear' | 'logarithmic', position?: 'left' | 'right', title?: string) {
    const axisFont = { family: this.theme.fontFamily, size: this.theme.fontSize };
    return {
      type,
      ...(position ? { position } : {}),
      title: { display: title !== undefined, text: title ?? '', color: this.theme.foreground, font: axisFont },
      // The right axis draws no grid lines: two grids over one plot read as noise.
      grid: { color: this.theme.grid, drawOnChartArea: position !== 'right' },
      ticks: { color: this.theme.foreground, font: axisFont, maxTicksLimit: 6, callback: (v: string | number) => formatY(Number(v)) },
    } as const;
  }

  private config(): ChartConfiguration<'line', Point[]> {
    const theme = this.theme;
    const axisFont = { family: theme.fontFamily, size: theme.fontSize };
    return {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: {
            type: 'linear',
            // The axis ends at the last logged x, not at the next round tick.
            bounds: 'data',
            title: { display: true, text: X_AXIS_TITLES.step, color: theme.foreground, font: axisFont },
            grid: { color: theme.grid },
            ticks: { color: theme.foreground, font: axisFont, maxTicksLimit: 6 },
          },
          y: this.yScale('linear'),
        },
      },
    };
  }
}

function el(tag: string, className: string): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  return element;
}
