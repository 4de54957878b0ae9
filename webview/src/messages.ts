import { isPlaybackEpisode, isSamplesRow, isTabularValues, type HostToWebview, type MetricRow, type RunSummary } from '../../server/src/protocol/types';

/**
 * Messages from the host arrive on `window` as `unknown`; this checks the envelope and the
 * fields the dashboard relies on before they reach the model.
 */
export function parseHostMessage(value: unknown): HostToWebview | undefined {
  if (!isRecord(value) || typeof value.type !== 'string' || !isRecord(value.payload)) return undefined;
  const payload = value.payload;
  const type = value.type as HostToWebview['type'];
  switch (type) {
    case 'snapshot': {
      const { runs, metrics, focus } = payload;
      if (!Array.isArray(runs) || !runs.every(isRun) || !isRecord(metrics)) return undefined;
      const series: Record<string, MetricRow[]> = {};
      for (const [runId, rows] of Object.entries(metrics)) {
        if (!isRows(rows)) return undefined;
        series[runId] = rows;
      }
      return { type, payload: { runs, metrics: series, focus: typeof focus === 'string' ? focus : undefined } };
    }
    case 'metrics':
      return typeof payload.runId === 'string' && isRows(payload.rows)
        ? { type, payload: { runId: payload.runId, rows: payload.rows } }
        : undefined;
    case 'runMetrics': {
      if (typeof payload.runId !== 'string' || !isRows(payload.rows)) return undefined;
      const part = payload.part;
      if (part === undefined) return { type, payload: { runId: payload.runId, rows: payload.rows } };
      if (!isRecord(part) || !Number.isInteger(part.index) || !Number.isInteger(part.count)) return undefined;
      const index = part.index as number;
      const count = part.count as number;
      if (index < 0 || index >= count) return undefined;
      return { type, payload: { runId: payload.runId, rows: payload.rows, part: { index, count } } };
    }
    case 'runStatus':
      return isRun(payload) ? { type, payload } : undefined;
    case 'focus':
      return typeof payload.runId === 'string' ? { type, payload: { runId: payload.runId } } : undefined;
    case 'runConfig': {
      const { runId, config } = payload;
      if (typeof runId !== 'string' || !(config === null || (isRecord(config) && !Array.isArray(config)))) return undefined;
      return { type, payload: { runId, config } };
    }
    case 'compare': {
      const { runIds } = payload;
      if (!Array.isArray(runIds) || !runIds.every((id) => typeof id === 'string')) return undefined;
      return { type, payload: { runIds } };
    }
    case 'playback': {
      const { runId, episode } = payload;
      if (typeof runId !== 'string' || !(episode === null || isPlaybackEpisode(episode))) return undefined;
      return { type, payload: { runId, episode } };
    }
    case 'valueTable': {
      const { runId, table } = payload;
      if (typeof runId !== 'string' || !(table === null || isTabularValues(table))) return undefined;
      return { type, payload: { runId, table } };
    }
    case 'samples': {
      const { runId, rows, afterStep } = payload;
      if (typeof runId !== 'string' || !Array.isArray(rows) || !rows.every(isSamplesRow)) return undefined;
      if (afterStep !== undefined && typeof afterStep !== 'number') return undefined;
      // A NaN reward came through JSON as null.
      const clean = rows.map((r) => ({ step: r.step, samples: r.samples.map((x) => ({ ...x, reward: typeof x.reward === 'number' ? x.reward : Number.NaN })) }));
      return { type, payload: afterStep === undefined ? { runId, rows: clean } : { runId, rows: clean, afterStep } };
    }
    default: {
      const unknownType: never = type;
      void unknownType;
      return undefined;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRun(value: unknown): value is RunSummary {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    typeof value.experiment === 'string' &&
    typeof value.globalStep === 'number' &&
    typeof value.totalSteps === 'number'
  );
}

function isRows(value: unknown): value is MetricRow[] {
  return Array.isArray(value) && value.every((r) => isRecord(r) && typeof r.step === 'number' && typeof r.time === 'number');
}
