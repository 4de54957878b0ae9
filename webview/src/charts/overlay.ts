import type { Chart, Plugin } from 'chart.js';
import type { ChartMark } from './frame';

/**
 * What a chart draws over its lines: health-alert marks (a shaded span from the first to the
 * last step where the condition held, at least 3 px wide, with a triangle on top) and the
 * crosshair shared by all charts. Kept per chart in a WeakMap, read by one plugin.
 */
export interface Overlay {
  marks: ChartMark[];
  hoverX: number | undefined;
  alertColor: string;
  alertFill: string;
  crossColor: string;
}

const overlays = new WeakMap<Chart, Overlay>();

export function setOverlay(chart: Chart, overlay: Overlay): void {
  overlays.set(chart, overlay);
}

export const overlayPlugin: Plugin = {
  id: 'rlLabOverlay',
  afterDatasetsDraw(chart) {
    const o = overlays.get(chart);
    const x = chart.scales.x;
    if (!o || !x) return;
    const { ctx, chartArea: area } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    for (const mark of o.marks) {
      const p0 = x.getPixelForValue(mark.x0);
      const p1 = Math.max(x.getPixelForValue(mark.x1), p0 + 3);
      ctx.fillStyle = o.alertFill;
      ctx.fillRect(p0, area.top, p1 - p0, area.bottom - area.top);
      ctx.fillStyle = o.alertColor;
      ctx.beginPath();
      ctx.moveTo(p0 - 5, area.top);
      ctx.lineTo(p0 + 5, area.top);
      ctx.lineTo(p0, area.top + 8);
      ctx.closePath();
      ctx.fill();
    }
    if (o.hoverX !== undefined) {
      const p = x.getPixelForValue(o.hoverX);
      if (p >= area.left && p <= area.right) {
        ctx.strokeStyle = o.crossColor;
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(p, area.top);
        ctx.lineTo(p, area.bottom);
        ctx.stroke();
      }
    }
    ctx.restore();
  },
};
