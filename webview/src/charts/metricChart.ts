import {
  Chart,
  Decimation,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { metricLabel } from './order';
import type { ChartTheme } from './theme';

// Only what a line chart over a linear x axis needs, so the bundle stays small.
Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Decimation);

type Point = { x: number; y: number };

/**
 * One metric's line chart. The chart is created once and fed in place: new points are pushed
 * onto its data array and drawn with `update('none')` (no animation, no re-creation).
 *
 * Long runs: the decimation plugin (LTTB) draws at most a few points per pixel; it needs
 * `parsing: false` with {x, y} points and a linear x axis, which is what this chart uses.
 */
export class MetricChart {
  readonly element: HTMLElement;
  private readonly chart: Chart<'line', Point[]>;
  private points: Point[] = [];

  constructor(readonly metric: string, theme: ChartTheme) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.metric = metric;
    const heading = document.createElement('h3');
    heading.textContent = metricLabel(metric);
    heading.title = metric;
    const box = document.createElement('div');
    box.className = 'chart-box';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${metric} against environment steps`);
    box.append(canvas);
    this.element.append(heading, box);
    this.chart = new Chart(canvas, this.config(theme));
    this.publishCount();
  }

  /** Shows a new series (another run was selected, or its stored rows arrived). */
  setPoints(points: Point[]): void {
    this.points = points;
    this.chart.data.datasets[0].data = points;
    this.redraw();
  }

  appendPoints(points: Point[]): void {
    if (points.length === 0) return;
    // The plugin swaps `dataset.data` for its decimated copy; the full series is ours.
    this.points.push(...points);
    this.chart.data.datasets[0].data = this.points;
    this.redraw();
  }

  applyTheme(theme: ChartTheme): void {
    const { options } = this.chart;
    const dataset = this.chart.data.datasets[0];
    dataset.borderColor = theme.line;
    dataset.backgroundColor = theme.line;
    for (const scale of [options.scales?.x, options.scales?.y]) {
      if (!scale) continue;
      scale.grid = { ...scale.grid, color: theme.grid };
      scale.ticks = { ...scale.ticks, color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize } };
    }
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
    this.element.remove();
  }

  private redraw(): void {
    this.chart.update('none');
    this.publishCount();
  }

  /**
   * The point count on the element (`data-points`), and how many points the chart laid out
   * (`data-drawn`, fewer than the series once decimation kicks in): what the dashboard test
   * and anyone inspecting the page can read.
   */
  private publishCount(): void {
    this.element.dataset.points = String(this.points.length);
    this.element.dataset.drawn = String(this.chart.getDatasetMeta(0).data.length);
    this.element.classList.toggle('empty', this.points.length === 0);
  }

  private config(theme: ChartTheme): ChartConfiguration<'line', Point[]> {
    const axisFont = { family: theme.fontFamily, size: theme.fontSize };
    return {
      type: 'line',
      data: {
        datasets: [
          {
            label: this.metric,
            data: this.points,
            borderColor: theme.line,
            backgroundColor: theme.line,
            borderWidth: 1.5,
            pointRadius: 0,
            pointHoverRadius: 3,
            tension: 0,
          },
        ],
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          decimation: { enabled: true, algorithm: 'lttb', samples: 400 },
          tooltip: {
            callbacks: { title: (items) => `step ${items[0]?.parsed.x?.toLocaleString('en-US') ?? ''}` },
          },
        },
        scales: {
          x: {
            type: 'linear',
            // The axis ends at the last logged step, not at the next round tick.
            bounds: 'data',
            title: { display: true, text: 'env steps', color: theme.foreground, font: axisFont },
            grid: { color: theme.grid },
            ticks: { color: theme.foreground, font: axisFont, maxTicksLimit: 6 },
          },
          y: {
            type: 'linear',
            grid: { color: theme.grid },
            ticks: { color: theme.foreground, font: axisFont, maxTicksLimit: 6 },
          },
        },
      },
    };
  }
}
