import type { HostToWebview, WebviewToHost } from '../../server/src/protocol/types';
import { ChartGrid } from './charts/grid';
import { parseHostMessage } from './messages';
import { PlaybackPanel } from './playback/panel';
import { PlaybackView } from './playback/view';
import { DashboardModel } from './state';
import { Header } from './views/header';
import { registerToolkit } from './views/toolkit';
import { vscodeApi } from './vscodeApi';

/**
 * Dashboard entry: wires the model (state.ts), the header and the charts to the host.
 * Protocol: post `ready` once listening; the host answers with a snapshot, then increments.
 */
registerToolkit();
const vscode = vscodeApi();
const model = new DashboardModel();
const charts = new ChartGrid(byId('charts'));
// The playback section sits between the header and the charts.
const playbackRoot = document.createElement('section');
byId('charts').before(playbackRoot);
const playback = new PlaybackPanel(new PlaybackView(playbackRoot), (runId) =>
  post({ type: 'requestPlayback', payload: { runId } }),
);
const header = new Header(byId('header'), {
  select: (runId) => {
    if (!model.select(runId)) return;
    showSelected();
    post({ type: 'selectRun', payload: { runId } });
  },
  stop: (runId) => post({ type: 'stopRun', payload: { runId } }),
});

/** Run id whose series the charts hold. */
let charted: string | undefined;

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function showSelected(): void {
  const selected = model.selected;
  header.render(model.runList(), model.run(selected));
  charts.show(model.rows(selected));
  charted = selected;
  playback.update(model.run(selected));
  vscode.setState({ selected });
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot': {
      model.applySnapshot(message.payload);
      showSelected();
      const selected = model.selected;
      // A finished run's rows are not in the snapshot unless it was the focus: ask for them.
      if (selected !== undefined && !model.hasSeries(selected)) post({ type: 'selectRun', payload: { runId: selected } });
      return;
    }
    case 'metrics': {
      const { runId, rows } = message.payload;
      const added = model.applyMetrics(runId, rows);
      if (runId === charted) charts.append(added, model.rows(runId));
      return;
    }
    case 'runMetrics': {
      const { runId, rows } = message.payload;
      model.applyRunMetrics(runId, rows);
      if (runId === model.selected) showSelected();
      return;
    }
    case 'runStatus': {
      model.applyStatus(message.payload);
      if (model.selected !== charted) showSelected();
      else {
        header.render(model.runList(), model.run(model.selected));
        playback.update(model.run(model.selected));
      }
      return;
    }
    case 'focus': {
      const { runId } = message.payload;
      if (model.focus(runId)) {
        showSelected();
        post({ type: 'selectRun', payload: { runId } });
      }
      return;
    }
    case 'playback': {
      const { runId, episode } = message.payload;
      playback.receive(runId, episode);
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

post({ type: 'ready' });

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`dashboard page lacks #${id}`);
  return element;
}
