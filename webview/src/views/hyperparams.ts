import type { RunSummary } from '../../../server/src/protocol/types';
import { checkbox, el } from './dom';

/** Keys of the resolved config that say nothing about the training itself. */
const SKIPPED = new Set(['experiment']);

/** One row of the table: the key, each run's value as text, and whether they differ. */
export interface HyperparamRow {
  key: string;
  values: string[];
  differs: boolean;
}

/**
 * A resolved config as flat keys: the `hyperparameters` group's keys at the top level (as
 * experiment files may write them), other nested mappings as dotted keys
 * (`policy_kwargs.net_arch.pi`); lists stay whole.
 */
export function flattenConfig(config: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const isMap = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (isMap && prefix === '' && key === 'hyperparameters') Object.assign(out, flattenConfig(value as Record<string, unknown>));
    else if (isMap) Object.assign(out, flattenConfig(value as Record<string, unknown>, `${prefix}${key}.`));
    else out[prefix + key] = value;
  }
  return out;
}

/** The rows for these configs: every (flattened) key any of them has, sorted; a missing key shows as "—". */
export function hyperparamRows(raw: readonly (Record<string, unknown> | undefined)[]): HyperparamRow[] {
  const configs = raw.map((c) => (c ? flattenConfig(c) : undefined));
  const keys = new Set<string>();
  for (const c of configs) if (c) for (const k of Object.keys(c)) if (!SKIPPED.has(k)) keys.add(k);
  return [...keys].sort().map((key) => {
    const values = configs.map((c) => (c && key in c ? show(c[key]) : '—'));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The hyperparameter table of the runs on the charts, differing keys highlighted (and
 * marked in text, not by colour alone); "Only differing" hides the rest.
 */
export class HyperparamTable {
  private readonly table: HTMLTableElement;
  private readonly note: HTMLElement;
  private onlyDiffering = false;
  private last: { runs: readonly RunSummary[]; configs: readonly (Record<string, unknown> | undefined)[] } = { runs: [], configs: [] };

  constructor(root: HTMLElement) {
    root.replaceChildren();
    const details = el('details', 'hyperparams');
    details.open = true;
    const summary = el('summary');
    summary.textContent = 'Hyperparameters';
    const only = checkbox('only-differing', 'Only differing', (on) => {
      this.onlyDiffering = on;
      this.draw();
    });
    this.note = el('p', 'hp-note');
    this.table = el('table', 'hp-table');
    this.table.id = 'hyperparams';
    details.append(summary, only, this.note, this.table);
    root.append(details);
  }

  render(runs: readonly RunSummary[], configs: readonly (Record<string, unknown> | undefined)[]): void {
    this.last = { runs, configs };
    this.draw();
  }

  private drawnKey = '';

  private draw(): void {
    const { runs, configs } = this.last;
    const key = JSON.stringify([runs.map((r) => [r.id, r.experiment, r.seed]), configs, this.onlyDiffering]);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const rows = hyperparamRows(configs);
    const differing = rows.filter((r) => r.differs).length;
    this.note.textContent =
      runs.length < 2 ? 'Add runs to the comparison to see which hyperparameters differ.' : `${differing} of ${rows.length} keys differ.`;
    const caption = el('caption');
    caption.textContent = 'Resolved config of each run on the charts';
    const head = el('tr');
    const corner = el('th');
    corner.scope = 'col';
    corner.textContent = 'key';
    head.append(corner);
    for (const run of runs) {
      const th = el('th');
      th.scope = 'col';
      th.textContent = `${run.experiment} · seed ${run.seed}`;
      th.title = run.id;
      head.append(th);
    }
    const body = rows
      .filter((r) => !this.onlyDiffering || r.differs)
      .map((r) => {
        const tr = el('tr');
        if (r.differs) tr.className = 'differs';
        tr.dataset.key = r.key;
        const th = el('th');
        th.scope = 'row';
        th.textContent = r.key;
        if (r.differs) {
          const mark = el('span', 'differs-mark');
          mark.textContent = ' (differs)';
          th.append(mark);
        }
        tr.append(th, ...r.values.map((v) => Object.assign(el('td'), { textContent: v })));
        return tr;
      });
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    tbody.append(...body);
    this.table.replaceChildren(caption, thead, tbody);
  }
}
