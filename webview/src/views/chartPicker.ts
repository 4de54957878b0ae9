import type { ChartSection } from '../charts/order';
import { checkbox, el } from './dom';

/**
 * "Charts": which metrics get a chart, grouped like the charts (pinned first, then by
 * namespace). Hidden metrics are kept in the webview state.
 */
export class ChartPicker {
  private readonly body: HTMLElement;
  private key = '';

  constructor(root: HTMLElement, private readonly toggle: (metric: string, shown: boolean) => void) {
    root.replaceChildren();
    const details = el('details', 'chart-picker');
    const summary = el('summary');
    summary.textContent = 'Charts';
    this.body = el('div', 'chart-picker-body');
    details.append(summary, this.body);
    root.append(details);
  }

  render(sections: readonly ChartSection[], hidden: ReadonlySet<string>): void {
    const key = JSON.stringify([sections, [...hidden]]);
    if (key === this.key) return;
    this.key = key;
    const groups = sections.map((section) => {
      const g = el('div', 'picker-group');
      g.setAttribute('role', 'group');
      g.setAttribute('aria-label', section.title);
      const title = el('span', 'picker-title');
      title.textContent = section.title;
      g.append(title);
      for (const metric of section.metrics) {
        const box = checkbox(`show-${metric}`, metric, (on) => this.toggle(metric, on));
        box.dataset.metric = metric;
        box.checked = !hidden.has(metric);
        g.append(box);
      }
      return g;
    });
    this.body.replaceChildren(...groups);
  }
}
