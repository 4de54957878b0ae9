import type { DashboardViewSettings } from '../../../server/src/protocol/types';
import { chartFrame, TrackStore, type ChartMark, type RunInput } from './frame';
import { MetricChart } from './metricChart';
import { chartSections, type ChartSection } from './order';
import { readTheme, watchTheme, type ChartTheme } from './theme';
import { PINNED_METRICS } from '../../../server/src/protocol/types';
import { REWARD_KL_CHART, rewardKlPair } from '../rlhf/metrics';

export interface GridActions {
  /** What to draw now (runs, settings, hidden metrics): read again for every scheduled draw. */
  source(): { inputs: readonly RunInput[]; view: DashboardViewSettings; hidden: ReadonlySet<string> };
  exportPng(metric: string, dataUrl: string): void;
  /** The user zoomed or panned (the page keeps the range while it lives). */
  rangeChanged?(range: { min: number; max: number } | undefined): void;
}

/**
 * Every chart on screen, laid out in sections (`chartSections`) minus the hidden metrics.
 * Charts are kept per metric across updates; only metrics that appear, disappear or are
 * hidden add or remove a chart. The x window (zoom/pan) and the crosshair are shared by all.
 */
export class ChartGrid {
  private readonly charts = new Map<string, MetricChart>();
  private readonly marks = new Map<string, ChartMark[]>();
  private readonly tracks = new TrackStore();
  private theme: ChartTheme = readTheme();
  private layoutKey = '';
  private readonly stopWatching: () => void;
  private range: { min: number; max: number } | undefined;
  private hoverX: number | undefined;
  private frameRequested = false;

  constructor(private readonly container: HTMLElement, private readonly actions: GridActions) {
    this.stopWatching = watchTheme((theme) => {
      this.theme = theme;
      for (const chart of this.charts.values()) chart.applyTheme(theme);
      this.redraw();
    });
  }

  /**
   * Every metric the shown runs logged, in chart order (what the chart picker lists). Runs
   * of an RLHF stage get their reward and KL on one chart with two y axes, pinned first
   * (REWARD_KL_CHART); the pinned classic-RL charts they never log are left out then.
   */
  sections(inputs: readonly RunInput[]): ChartSection[] {
    const names = new Set<string>();
    for (const { series } of inputs) for (const name of series.metricNames()) names.add(name);
    const sections = chartSections(names);
    if (!rewardKlPair(names)) return sections;
    const pinned: readonly string[] = PINNED_METRICS;
    const trimmed = sections
      .map((s) => ({ ...s, metrics: s.metrics.filter((m) => !pinned.includes(m) || names.has(m)) }))
      .filter((s) => s.metrics.length > 0);
    return [{ title: 'RLHF', metrics: [REWARD_KL_CHART] }, ...trimmed];
  }

  /** Draws the shown runs now. */
  render(inputs: readonly RunInput[], view: DashboardViewSettings, hidden: ReadonlySet<string>): void {
    this.tracks.forget(new Set(inputs.map((i) => i.run.id)));
    const sections = this.sections(inputs)
      .map((s) => ({ ...s, metrics: s.metrics.filter((m) => !hidden.has(m)) }))
      .filter((s) => s.metrics.length > 0);
    this.layout(sections);
    const names = new Set<string>();
    for (const { series } of inputs) for (const name of series.metricNames()) names.add(name);
    const pair = rewardKlPair(names);
    for (const [metric, chart] of this.charts) {
      if (metric === REWARD_KL_CHART && pair) {
        // Reward on the left axis, KL (dashed) on the right, same runs and x window.
        const reward = chartFrame(pair.reward, inputs, view, this.tracks, this.range);
        const kl = pair.kl ? chartFrame(pair.kl, inputs, view, this.tracks, this.range) : undefined;
        const marks = [...reward.marks, ...(kl?.marks ?? [])];
        this.marks.set(metric, marks);
        chart.primaryMetric = pair.reward;
        chart.render(reward.series, marks, view, this.range, this.hoverX, kl && pair.kl ? { metric: pair.kl, series: kl.series } : undefined);
        continue;
      }
      const frame = chartFrame(metric, inputs, view, this.tracks, this.range);
      this.marks.set(metric, frame.marks);
      chart.render(frame.series, frame.marks, view, this.range, this.hoverX);
    }
  }

  /** Draws again on the next animation frame (live rows, zoom): many calls, one draw. */
  scheduleRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.redraw();
    });
  }

  setRange(range: { min: number; max: number } | undefined): void {
    this.range = range && range.max > range.min ? range : undefined;
    this.actions.rangeChanged?.(this.range);
    this.scheduleRender();
  }

  get zoomed(): boolean {
    return this.range !== undefined;
  }

  chart(metric: string): MetricChart | undefined {
    return this.charts.get(metric);
  }

  dispose(): void {
    this.stopWatching();
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  private redraw(): void {
    const { inputs, view, hidden } = this.actions.source();
    this.render(inputs, view, hidden);
  }

  private hover(x: number | undefined): void {
    this.hoverX = x;
    for (const [metric, chart] of this.charts) chart.setHover(x, this.marks.get(metric));
  }

  private layout(sections: ChartSection[]): void {
    const key = JSON.stringify(sections);
    if (key === this.layoutKey) return;
    this.layoutKey = key;
    const wanted = new Set(sections.flatMap((s) => s.metrics));
    for (const [metric, chart] of this.charts) {
      if (!wanted.has(metric)) {
        chart.destroy();
        this.charts.delete(metric);
      }
    }
    const fragment = document.createDocumentFragment();
    for (const section of sections) {
      const heading = document.createElement('h2');
      heading.textContent = section.title;
      const group = document.createElement('div');
      group.className = 'chart-section';
      group.dataset.section = section.title;
      for (const metric of section.metrics) {
        let chart = this.charts.get(metric);
        if (!chart) {
          chart = new MetricChart(metric, this.theme, {
            setRange: (r) => this.setRange(r),
            range: () => this.range,
            hover: (x) => this.hover(x),
            exportPng: (m, url) => this.actions.exportPng(m, url),
          }, metric === REWARD_KL_CHART ? 'reward & KL (dashed, right axis)' : undefined);
          this.charts.set(metric, chart);
        }
        group.append(chart.element);
      }
      fragment.append(heading, group);
    }
    // Moving a chart's element keeps its Chart instance; chart.js re-measures on resize.
    this.container.replaceChildren(fragment);
  }
}
