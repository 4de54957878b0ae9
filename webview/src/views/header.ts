import type { RunSummary } from '../../../server/src/protocol/types';
import { isLive } from '../state';

export interface HeaderActions {
  select(runId: string): void;
  stop(runId: string): void;
}

/**
 * The bar above the charts: which run (a toolkit dropdown), its status and progress, and a
 * Stop button while it is live. Rendering is idempotent: call `render` after any change.
 */
export class Header {
  private readonly select: HTMLElement & { value: string };
  private readonly status: HTMLElement;
  private readonly ring: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly stopButton: HTMLElement & { disabled: boolean };
  private readonly details: HTMLElement;
  private readonly empty: HTMLElement;
  private optionsKey = '';
  private shown: RunSummary | undefined;

  constructor(root: HTMLElement, actions: HeaderActions) {
    root.replaceChildren();
    const bar = el('div', 'bar');
    this.select = Object.assign(el('vscode-dropdown', 'run-select'), { value: '' });
    this.select.id = 'run-select';
    this.select.setAttribute('aria-label', 'Run');
    this.select.addEventListener('change', () => {
      if (this.select.value && this.select.value !== this.shown?.id) actions.select(this.select.value);
    });
    this.status = el('span', 'status');
    this.status.id = 'run-status';
    this.ring = el('vscode-progress-ring', 'ring');
    this.progress = el('span', 'progress');
    this.progress.id = 'run-progress';
    this.stopButton = Object.assign(el('vscode-button', 'stop'), { disabled: true });
    this.stopButton.id = 'stop-run';
    this.stopButton.setAttribute('appearance', 'secondary');
    this.stopButton.textContent = 'Stop';
    this.stopButton.addEventListener('click', () => {
      if (this.shown && isLive(this.shown) && !this.stopButton.disabled) actions.stop(this.shown.id);
    });
    bar.append(this.select, this.status, this.ring, this.progress, this.stopButton);
    this.details = el('div', 'details');
    this.details.id = 'run-details';
    this.empty = el('p', 'empty-state');
    this.empty.textContent =
      'No runs yet. Open an experiment file (*.rl.yaml) and click "Run experiment" above an experiment.';
    root.append(bar, this.details, this.empty);
  }

  render(runs: RunSummary[], selected: RunSummary | undefined): void {
    this.shown = selected;
    this.empty.hidden = runs.length > 0;
    this.renderOptions(runs);
    if (selected && this.select.value !== selected.id) this.select.value = selected.id;

    const live = selected !== undefined && isLive(selected);
    this.status.textContent = selected?.status ?? '';
    this.status.dataset.status = selected?.status ?? '';
    this.status.hidden = !selected;
    this.ring.hidden = selected?.status !== 'running';
    this.progress.textContent = selected ? progressText(selected) : '';
    this.stopButton.hidden = !live;
    this.stopButton.disabled = !live;
    this.details.textContent = selected ? detailsText(selected) : '';
  }

  private renderOptions(runs: RunSummary[]): void {
    const key = JSON.stringify(runs.map((r) => [r.id, r.experiment, r.status]));
    if (key === this.optionsKey) return;
    this.optionsKey = key;
    const options = runs.map((run) => {
      const option = el('vscode-option', '');
      option.setAttribute('value', run.id);
      option.textContent = `${run.experiment} · ${run.env} · seed ${run.seed} · ${run.status}`;
      return option;
    });
    this.select.replaceChildren(...options);
    this.select.hidden = runs.length === 0;
  }
}

function progressText(run: RunSummary): string {
  const steps = `${run.globalStep.toLocaleString('en-US')} / ${run.totalSteps.toLocaleString('en-US')} steps`;
  const ret = run.meanReturn === undefined ? '' : ` · mean return ${run.meanReturn.toFixed(1)}`;
  return steps + ret;
}

function detailsText(run: RunSummary): string {
  const parts = [run.experiment, `${run.algo} on ${run.env}`, `seed ${run.seed}`, `backend ${run.backend ?? '…'}`, run.id];
  if (run.error) parts.push(`error: ${run.error}`);
  return parts.join(' · ');
}

function el(tag: string, className: string): HTMLElement {
  const element = document.createElement(tag);
  if (className) element.className = className;
  return element;
}
