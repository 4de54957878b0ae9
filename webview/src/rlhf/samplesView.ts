import type { RunSummary, SamplesRow } from '../../../server/src/protocol/types';
import { checkbox, el, labelFor, type Checkbox } from '../views/dom';

/**
 * The "Sampled completions" section: for one logged step of an RLHF run, each prompt, the
 * completion the policy sampled and the reward it got, with the step's mean reward. A slider
 * (keyboard: arrows, Home, End) picks the step; "Follow latest" keeps the newest step in view
 * while the run trains, and turns off when the user moves back. Publishes what it shows as
 * data attributes (run, step, steps) for tests and anyone inspecting the page.
 */
export class SamplesView {
  private readonly slider: HTMLInputElement;
  private readonly stepText: HTMLOutputElement;
  private readonly follow: Checkbox;
  private readonly caption: HTMLElement;
  private readonly table: HTMLTableElement;
  private runId: string | undefined;
  private rows: readonly SamplesRow[] = [];
  private index = -1;
  private drawnKey = '';

  constructor(private readonly root: HTMLElement) {
    root.replaceChildren();
    root.id = 'samples';
    root.className = 'samples';
    root.hidden = true;
    const title = el('h2');
    title.textContent = 'Sampled completions';
    this.slider = Object.assign(el('input'), { type: 'range', min: '0', max: '0', step: '1', id: 'samples-step' });
    this.slider.setAttribute('aria-label', 'Logged step');
    this.slider.addEventListener('input', () => {
      this.index = Number(this.slider.value);
      // Moving back from the newest step stops following; moving to it follows again.
      this.follow.checked = this.index === this.rows.length - 1;
      this.draw();
    });
    this.stepText = el('output');
    this.stepText.id = 'samples-step-text';
    this.stepText.htmlFor.add('samples-step');
    this.follow = checkbox('samples-follow', 'Follow latest', (on) => {
      if (on && this.rows.length) {
        this.index = this.rows.length - 1;
        this.draw();
      }
    });
    this.follow.checked = true;
    const controls = el('div', 'samples-controls');
    const stepBox = el('span', 'control');
    stepBox.append(labelFor(this.slider, 'Step'), this.slider, this.stepText);
    controls.append(stepBox, this.follow);
    this.caption = el('p', 'samples-caption');
    this.caption.id = 'samples-caption';
    this.caption.setAttribute('aria-live', 'polite');
    this.table = el('table', 'samples-table');
    this.table.id = 'samples-table';
    root.append(title, controls, this.caption, this.table);
  }

  /** Shows a run's rows (all of them, in step order); keeps the chosen step unless following. */
  show(run: RunSummary, rows: readonly SamplesRow[], live: boolean): void {
    if (run.id !== this.runId) {
      this.runId = run.id;
      this.index = -1;
      this.follow.checked = true;
    }
    this.rows = rows;
    if (this.follow.checked || this.index < 0 || this.index >= rows.length) this.index = rows.length - 1;
    this.root.hidden = false;
    this.root.dataset.runId = run.id;
    this.root.dataset.live = String(live);
    this.draw();
  }

  hide(): void {
    this.root.hidden = true;
  }

  private draw(): void {
    const row = this.rows[this.index];
    if (!row) return;
    this.slider.max = String(this.rows.length - 1);
    this.slider.value = String(this.index);
    this.slider.disabled = this.rows.length < 2;
    this.stepText.value = row.step.toLocaleString('en-US');
    this.root.dataset.step = String(row.step);
    this.root.dataset.steps = String(this.rows.length);
    const key = `${this.runId}\u0000${row.step}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const finite = row.samples.map((s) => s.reward).filter((r) => Number.isFinite(r));
    const mean = finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : Number.NaN;
    this.caption.textContent =
      `Step ${row.step.toLocaleString('en-US')} (${this.index + 1} of ${this.rows.length} logged) · ` +
      `${row.samples.length} sample${row.samples.length === 1 ? '' : 's'} · mean reward ${formatReward(mean)}`;
    const caption = el('caption');
    caption.textContent = `Completions sampled at step ${row.step.toLocaleString('en-US')}`;
    const head = el('tr');
    for (const name of ['#', 'Prompt', 'Completion', 'Reward']) {
      const th = el('th');
      th.scope = 'col';
      th.textContent = name;
      head.append(th);
    }
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    row.samples.forEach((s, i) => {
      const tr = el('tr');
      tr.dataset.reward = String(s.reward);
      const n = el('th');
      n.scope = 'row';
      n.textContent = String(i + 1);
      const prompt = el('td', 'sample-text');
      prompt.textContent = s.prompt;
      const completion = el('td', 'sample-text');
      completion.textContent = s.completion;
      const reward = el('td', 'sample-reward');
      reward.textContent = formatReward(s.reward);
      tr.append(n, prompt, completion, reward);
      tbody.append(tr);
    });
    this.table.replaceChildren(caption, thead, tbody);
  }
}

function formatReward(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  return Math.abs(r) >= 1000 || (Math.abs(r) < 0.001 && r !== 0) ? r.toExponential(2) : String(Number(r.toPrecision(3)));
}
