import type { HostToWebview, MetricRow } from '../../../server/src/protocol/types';

/**
 * Rows per `runMetrics` message. A webview message is cloned on the page's main thread
 * (about 8 µs per row object in Chromium), so a million rows in one message stall the page
 * for seconds; 20,000 rows are a fraction of a frame budget's worth of stalls at a time.
 */
export const ROWS_PER_PART = 20_000;

/** A run's stored rows as `runMetrics` messages: one plain message, or numbered parts. */
export function runMetricsMessages(runId: string, rows: MetricRow[], size = ROWS_PER_PART): HostToWebview[] {
  if (rows.length <= size) return [{ type: 'runMetrics', payload: { runId, rows } }];
  const count = Math.ceil(rows.length / size);
  const messages: HostToWebview[] = [];
  for (let index = 0; index < count; index++) {
    messages.push({ type: 'runMetrics', payload: { runId, rows: rows.slice(index * size, (index + 1) * size), part: { index, count } } });
  }
  return messages;
}
