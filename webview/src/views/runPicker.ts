import type { RunSummary } from '../../../server/src/protocol/types';
import { checkbox, el, type Checkbox } from './dom';

/**
 * "Compare runs": a checkbox per run. The run in focus (the header's dropdown) is always on
 * the charts, so its box is checked and disabled. A ⚠ marks runs with health alerts.
 */
export class RunPicker {
  private readonly list: HTMLElement;
  private key = '';

  constructor(root: HTMLElement, private readonly toggle: (runId: string, on: boolean) => void) {
    root.replaceChildren();
    const legend = el('h2');
    legend.id = 'compare-title';
    legend.textContent = 'Compare runs';
    this.list = el('div', 'run-picker');
    this.list.setAttribute('role', 'group');
    this.list.setAttribute('aria-labelledby', 'compare-title');
    root.append(legend, this.list);
  }

  render(runs: readonly RunSummary[], isShown: (runId: string) => boolean, selected: string | undefined, alertCount: (runId: string) => number): void {
    const key = JSON.stringify(runs.map((r) => [r.id, r.status, r.experiment, r.seed, isShown(r.id), r.id === selected, alertCount(r.id)]));
    if (key === this.key) return;
    this.key = key;
    const boxes = runs.map((run) => {
      const alerts = alertCount(run.id);
      const box: Checkbox = checkbox(`compare-${run.id}`, `${run.experiment} · seed ${run.seed} · ${run.status}${alerts ? ` · ⚠ ${alerts}` : ''}`, (on) => this.toggle(run.id, on));
      box.dataset.runId = run.id;
      box.checked = isShown(run.id);
      box.disabled = run.id === selected;
      box.title = run.id + (run.id === selected ? ' (in focus: always shown)' : '');
      return box;
    });
    this.list.replaceChildren(...boxes);
  }
}
