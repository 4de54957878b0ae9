import type { DashboardPersistedState, DashboardViewSettings, HostToWebview, WebviewToHost } from '../../server/src/protocol/types';
import type { RunInput } from './charts/frame';
import { ChartGrid } from './charts/grid';
import { metricsCsv } from './export';
import { parseHostMessage } from './messages';
import { PlaybackPanel } from './playback/panel';
import { PlaybackView } from './playback/view';
import { rewardKlPair } from './rlhf/metrics';
import { SamplesPanel } from './rlhf/samplesPanel';
import { SamplesView } from './rlhf/samplesView';
import { ValueTablePanel } from './tabular/panel';
import { ValueTableView } from './tabular/view';
import { DashboardModel } from './state';
import { ChartPicker } from './views/chartPicker';
import { Header } from './views/header';
import { HyperparamTable } from './views/hyperparams';
import { RunPicker } from './views/runPicker';
import { Toolbar, viewFrom } from './views/toolbar';
import { registerToolkit } from './views/toolkit';
import { vscodeApi } from './vscodeApi';

/**
 * Dashboard entry: wires the model (state.ts), the header, toolbar, pickers, charts and the
 * hyperparameter table to the host.
 * Protocol: post `ready` once listening; the host answers with a snapshot, then increments.
 * What the user chose (run, compared runs, hidden charts, chart settings) is kept with
 * `setState`, so it survives a reload of the window (the panel serializer revives the page).
 */
registerToolkit();
const vscode = vscodeApi();
const saved: DashboardPersistedState = newerState(vscode.getState() ?? {}, restoredByHost());
const model = new DashboardModel();
const hidden = new Set<string>(Array.isArray(saved.hiddenMetrics) ? saved.hiddenMetrics : []);
/** Compared runs restored from the saved state, applied once the snapshot says they exist. */
let restoredCompare: string[] | undefined = Array.isArray(saved.compare) ? saved.compare : undefined;
if (saved.selected) model.focus(saved.selected);

const main = byId('charts');
const toolbarRoot = section('toolbar');
const pickerRoot = section('pickers');
const compareRoot = el('div', 'compare');
const chartPickerRoot = el('div', 'chart-chooser');
pickerRoot.append(compareRoot, chartPickerRoot);
const playbackRoot = section('playback');
const valueTableRoot = section('value-table');
const samplesRoot = section('samples');
const hyperRoot = section('hyperparams-section');
main.before(toolbarRoot, pickerRoot, valueTableRoot, playbackRoot);
main.after(samplesRoot);
main.after(hyperRoot);

const charts = new ChartGrid(main, {
  source: () => ({ inputs: inputs(), view: view(), hidden }),
  exportPng: (metric, dataUrl) => post({ type: 'exportPng', payload: { fileName: `${fileSafe(metric)}.png`, dataUrl } }),
  rangeChanged: (range) => {
    toolbar.resetZoom.disabled = range === undefined;
  },
});
const toolbar = new Toolbar(toolbarRoot, viewFrom(saved.view), {
  change: () => render(),
  exportCsv,
  resetZoom: () => charts.setRange(undefined),
});
const runPicker = new RunPicker(compareRoot, (runId, on) => {
  model.setCompared(runId, on);
  render();
});
const chartPicker = new ChartPicker(chartPickerRoot, (metric, shown) => {
  if (shown) hidden.delete(metric);
  else hidden.add(metric);
  render();
});
const hyperparams = new HyperparamTable(hyperRoot);
const playback = new PlaybackPanel(new PlaybackView(playbackRoot), (runId) => post({ type: 'requestPlayback', payload: { runId } }));
const valueTable = new ValueTablePanel(new ValueTableView(valueTableRoot), (runId) => post({ type: 'requestValueTable', payload: { runId } }));
const samples = new SamplesPanel(
  new SamplesView(samplesRoot),
  (runId, afterStep) => post({ type: 'requestSamples', payload: afterStep === undefined ? { runId } : { runId, afterStep } }),
  (run) => {
    const series = model.seriesOf(run.id);
    return series !== undefined && rewardKlPair(new Set(series.metricNames())) !== undefined;
  },
);
const header = new Header(byId('header'), {
  select: (runId) => {
    if (!model.select(runId)) return;
    post({ type: 'selectRun', payload: { runId } });
    requested.add(`${runId}:metrics`).add(`${runId}:config`);
    render();
  },
  stop: (runId) => post({ type: 'stopRun', payload: { runId } }),
});

/** Requests in flight or answered, so each run's rows and config are asked for once. */
const requested = new Set<string>();

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function view(): DashboardViewSettings {
  return toolbar.settings;
}

function inputs(): RunInput[] {
  const out: RunInput[] = [];
  for (const run of model.shownRuns()) {
    const series = model.seriesOf(run.id);
    if (series) out.push({ run, series, alerts: model.alerts(run.id) });
  }
  return out;
}

/** Asks the host for what the shown runs lack: stored rows of a compared run, each run's config. */
function requestMissing(): void {
  for (const run of model.shownRuns()) {
    if (!model.hasSeries(run.id) && !requested.has(`${run.id}:metrics`)) {
      requested.add(`${run.id}:metrics`).add(`${run.id}:config`);
      if (run.id === model.selected) post({ type: 'selectRun', payload: { runId: run.id } });
      else post({ type: 'requestRun', payload: { runId: run.id, metrics: true } });
    } else if (!model.hasConfig(run.id) && !requested.has(`${run.id}:config`)) {
      requested.add(`${run.id}:config`);
      post({ type: 'requestRun', payload: { runId: run.id, metrics: false } });
    }
  }
}

function alertCount(runId: string): number {
  return model.hasSeries(runId) && model.seriesOf(runId)!.length > 0 ? model.alerts(runId).length : (model.run(runId)?.alerts?.length ?? 0);
}

/** Everything from the model, now (the charts' part is cheap when nothing changed). */
function render(): void {
  const selected = model.run(model.selected);
  header.render(model.runList(), selected);
  const shown = inputs();
  charts.render(shown, view(), hidden);
  renderSide();
  playback.update(selected);
  valueTable.update(selected);
  samples.update(selected);
  requestMissing();
  persist();
}

let renderRequested = false;

/** Renders on the next animation frame: live rows from several runs, one draw. */
function scheduleRender(): void {
  if (renderRequested) return;
  renderRequested = true;
  requestAnimationFrame(() => {
    renderRequested = false;
    render();
  });
}

/** The parts beside the charts (after live rows: alerts, new metrics, configs). */
function renderSide(): void {
  const shown = inputs();
  runPicker.render(model.runList(), (id) => model.isCompared(id), model.selected, alertCount);
  chartPicker.render(charts.sections(shown), hidden);
  const shownRuns = model.shownRuns();
  hyperparams.render(shownRuns, shownRuns.map((r) => model.config(r.id)));
}

let persisted = '';
/** `ready` went out: the host hears nothing from the page before it (the protocol's first message). */
let announced = false;

/**
 * Keeps what the user chose with `setState` and, when it changed, with the host too
 * (`saveState`; see DashboardPersistedState.savedAt for why both).
 */
function persist(): void {
  const state: DashboardPersistedState = { selected: model.selected, compare: model.comparedIds(), hiddenMetrics: [...hidden], view: view() };
  const key = JSON.stringify(state);
  if (key === persisted || !announced) return;
  persisted = key;
  const stamped = { ...state, savedAt: Date.now() };
  vscode.setState(stamped);
  post({ type: 'saveState', payload: stamped });
}

/** The state the host kept for a revived panel (a meta tag; see extension/src/dashboard/html.ts). */
function restoredByHost(): DashboardPersistedState {
  const text = document.querySelector('meta[name="rl-lab-restored-state"]')?.getAttribute('content');
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as DashboardPersistedState) : {};
  } catch {
    return {};
  }
}

function newerState(a: DashboardPersistedState, b: DashboardPersistedState): DashboardPersistedState {
  return (b.savedAt ?? 0) > (a.savedAt ?? 0) ? b : a;
}

function exportCsv(): void {
  const runs = inputs();
  const metrics = charts.sections(runs).flatMap((s) => s.metrics).filter((m) => !hidden.has(m) && runs.some((r) => r.series.column(m)));
  const name = model.run(model.selected)?.experiment ?? 'runs';
  post({ type: 'exportCsv', payload: { fileName: `${fileSafe(name)}-metrics.csv`, csv: metricsCsv(runs, metrics) } });
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot': {
      model.applySnapshot(message.payload);
      requested.clear();
      if (restoredCompare) {
        for (const id of restoredCompare) if (model.run(id)) model.setCompared(id, true);
        restoredCompare = undefined;
      }
      render();
      return;
    }
    case 'metrics': {
      const { runId, rows } = message.payload;
      const added = model.applyMetrics(runId, rows);
      valueTable.onMetrics(runId);
      samples.onMetrics(runId);
      if (added > 0 && model.isCompared(runId)) scheduleRender();
      return;
    }
    case 'runMetrics': {
      const { runId, rows, part } = message.payload;
      if (part) {
        if (!model.applyRunMetricsPart(runId, rows, part)) return;
      } else model.applyRunMetrics(runId, rows);
      if (model.isCompared(runId)) render();
      return;
    }
    case 'runConfig': {
      const { runId, config } = message.payload;
      model.applyConfig(runId, config);
      if (model.isCompared(runId)) render();
      return;
    }
    case 'runStatus': {
      model.applyStatus(message.payload);
      render();
      return;
    }
    case 'focus': {
      const { runId } = message.payload;
      if (model.focus(runId)) {
        post({ type: 'selectRun', payload: { runId } });
        requested.add(`${runId}:metrics`).add(`${runId}:config`);
        render();
      }
      return;
    }
    case 'compare': {
      model.compareOnly(message.payload.runIds);
      render();
      return;
    }
    case 'playback': {
      const { runId, episode } = message.payload;
      playback.receive(runId, episode);
      return;
    }
    case 'valueTable': {
      const { runId, table } = message.payload;
      valueTable.receive(runId, table);
      return;
    }
    case 'samples': {
      const { runId, rows, afterStep } = message.payload;
      samples.receive(runId, rows, afterStep);
      return;
    }
    default: {
      const unhandled: never = message;
      post({ type: 'error', payload: { message: `unhandled message ${JSON.stringify(unhandled)}` } });
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  try {
    handle(message);
  } catch (err) {
    post({ type: 'error', payload: { message: err instanceof Error ? err.stack ?? err.message : String(err) } });
  }
});

/** A read-only window onto what the charts draw: for tests and for anyone inspecting the page. */
(window as unknown as { rlLabDashboard: unknown }).rlLabDashboard = {
  chartData: (metric: string) => charts.chart(metric)?.drawn(),
  axes: (metric: string) => charts.chart(metric)?.axes(),
  settings: () => view(),
};

render();
post({ type: 'ready' });
announced = true;

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard page lacks #${id}`);
  return element;
}

function el(tag: string, className: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = className;
  return element;
}

function section(id: string): HTMLElement {
  const s = document.createElement('section');
  s.id = id;
  return s;
}

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}
