import { PINNED_METRICS, type MetricRow } from '../../../server/src/protocol/types';

/** A titled group of charts: the pinned metrics first, then one section per metric namespace. */
export interface ChartSection {
  title: string;
  metrics: string[];
}

const NON_METRIC_KEYS = new Set(['step', 'time']);

/** Every metric name that occurs in `rows`. */
export function metricNames(rows: readonly MetricRow[]): Set<string> {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) if (!NON_METRIC_KEYS.has(key)) names.add(key);
  return names;
}

/**
 * The chart layout for a run: the pinned metrics always (so a run that just started shows its
 * key curves at once), then every other logged metric grouped by namespace (`losses/clipfrac`
 * goes under "losses"), namespaces and names in alphabetical order.
 */
export function chartSections(names: Iterable<string>): ChartSection[] {
  const pinned: readonly string[] = PINNED_METRICS;
  const byNamespace = new Map<string, string[]>();
  for (const name of names) {
    if (pinned.includes(name)) continue;
    const slash = name.indexOf('/');
    const namespace = slash > 0 ? name.slice(0, slash) : 'other';
    const list = byNamespace.get(namespace) ?? [];
    list.push(name);
    byNamespace.set(namespace, list);
  }
  const sections: ChartSection[] = [{ title: 'Training', metrics: [...pinned] }];
  for (const namespace of [...byNamespace.keys()].sort()) {
    sections.push({ title: namespace, metrics: (byNamespace.get(namespace) ?? []).sort() });
  }
  return sections;
}

/** Points of one metric, x = global env step; rows without a finite value for it are skipped. */
export function metricPoints(rows: readonly MetricRow[], metric: string): { x: number; y: number }[] {
  const points: { x: number; y: number }[] = [];
  for (const row of rows) {
    const y = row[metric];
    if (typeof y === 'number' && Number.isFinite(y)) points.push({ x: row.step, y });
  }
  return points;
}

/** A short heading for a chart: the name without its namespace. */
export function metricLabel(metric: string): string {
  const slash = metric.indexOf('/');
  return (slash >= 0 ? metric.slice(slash + 1) : metric).replace(/_/g, ' ');
}
