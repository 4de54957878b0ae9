import type { MetricRow } from '../../../server/src/protocol/types';
import { MetricChart } from './metricChart';
import { chartSections, metricNames, metricPoints } from './order';
import { readTheme, watchTheme, type ChartTheme } from './theme';

/**
 * All charts of the run on screen, laid out in sections (`chartSections`). Charts are kept per
 * metric across updates and run switches; only metrics that appear or disappear add or remove
 * a chart.
 */
export class ChartGrid {
  private readonly charts = new Map<string, MetricChart>();
  private theme: ChartTheme = readTheme();
  private layoutKey = '';
  private readonly stopWatching: () => void;

  constructor(private readonly container: HTMLElement) {
    this.stopWatching = watchTheme((theme) => {
      this.theme = theme;
      for (const chart of this.charts.values()) chart.applyTheme(theme);
    });
  }

  /** Draws a whole series (run selected, snapshot, stored rows). */
  show(rows: readonly MetricRow[]): void {
    this.layout(metricNames(rows));
    for (const [metric, chart] of this.charts) chart.setPoints(metricPoints(rows, metric));
  }

  /** Adds live rows of the run on screen. */
  append(newRows: readonly MetricRow[], allRows: readonly MetricRow[]): void {
    if (newRows.length === 0) return;
    const names = metricNames(newRows);
    if ([...names].some((n) => !this.charts.has(n))) {
      // A metric logged for the first time: re-lay out, then fill from the whole series.
      this.show(allRows);
      return;
    }
    for (const [metric, chart] of this.charts) chart.appendPoints(metricPoints(newRows, metric));
  }

  dispose(): void {
    this.stopWatching();
    for (const chart of this.charts.values()) chart.destroy();
    this.charts.clear();
  }

  private layout(names: Set<string>): void {
    const sections = chartSections(names);
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
          chart = new MetricChart(metric, this.theme);
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
