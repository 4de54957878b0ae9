/**
 * Canvas drawing of a toy-text grid: the value heatmap with greedy-action arrows, and the grid
 * playback (tiles and the agent). Colours come from the VS Code theme (playback/colors.ts).
 */
import type { TabularGrid, TabularValues } from '../../../server/src/protocol/types';
import type { PlaybackColors } from '../playback/colors';
import { arrowDirection, cellOf, fitGrid, gridOf, heatCells, heatT, isEndTile, mixColor, valueRange } from './layout';

type Size = { width: number; height: number };

function clear(ctx: CanvasRenderingContext2D, size: Size, colors: PlaybackColors): void {
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, size.width, size.height);
}

/** Background of an end tile: the goal in the goal colour, holes and cliff dark; undefined otherwise. */
function tileFill(grid: TabularGrid, tile: string | undefined, colors: PlaybackColors): string | undefined {
  if (!isEndTile(grid, tile)) return undefined;
  return tile === 'G' ? colors.goal : colors.border;
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, px: number, color: string, colors: PlaybackColors): void {
  ctx.fillStyle = color;
  ctx.font = `${Math.max(8, Math.round(px))}px ${colors.fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x, y);
}

/** An arrow from the centre of a cell towards (dx, dy). */
function arrow(ctx: CanvasRenderingContext2D, cx: number, cy: number, dx: number, dy: number, len: number, color: string): void {
  const tipX = cx + dx * len;
  const tipY = cy + dy * len;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = Math.max(1.5, len / 6);
  ctx.beginPath();
  ctx.moveTo(cx - dx * len * 0.6, cy - dy * len * 0.6);
  ctx.lineTo(tipX, tipY);
  ctx.stroke();
  const head = len * 0.45;
  ctx.beginPath();
  ctx.moveTo(tipX + dx * head * 0.3, tipY + dy * head * 0.3);
  ctx.lineTo(tipX - dx * head + dy * head * 0.7, tipY - dy * head - dx * head * 0.7);
  ctx.lineTo(tipX - dx * head - dy * head * 0.7, tipY - dy * head + dx * head * 0.7);
  ctx.closePath();
  ctx.fill();
}

/**
 * The heatmap of V(s) over one layer: each cell coloured from low (red) to high (green) within
 * the layer's range, its value written small, and the greedy action as an arrow (or letter).
 */
export function drawHeatmap(ctx: CanvasRenderingContext2D, table: TabularValues, layer: number, size: Size, colors: PlaybackColors): void {
  clear(ctx, size, colors);
  const grid = gridOf(table);
  const cells = heatCells(table, layer);
  const { lo, hi } = valueRange(cells, grid);
  const { cell, x0, y0 } = fitGrid(grid, size.width, size.height);
  for (const c of cells) {
    const x = x0 + c.col * cell;
    const y = y0 + c.row * cell;
    ctx.fillStyle = tileFill(grid, c.tile, colors) ?? mixColor(colors.contact, colors.ground, heatT(c.value, lo, hi));
    ctx.fillRect(x, y, cell, cell);
    ctx.strokeStyle = colors.background;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, cell - 1, cell - 1);
    const cx = x + cell / 2;
    const cy = y + cell / 2;
    if (isEndTile(grid, c.tile)) {
      label(ctx, c.tile!, cx, cy, cell * 0.4, colors.foreground, colors);
      continue;
    }
    const dir = arrowDirection(c.symbol);
    if (dir) arrow(ctx, cx, cy - cell * 0.08, dir[0], dir[1], cell * 0.28, colors.background);
    else label(ctx, c.symbol, cx, cy - cell * 0.08, cell * 0.35, colors.background, colors);
    if (cell >= 28) label(ctx, formatValue(c.value), cx, y + cell * 0.85, cell * 0.2, colors.background, colors);
    if (c.tile && c.tile !== '.' && c.tile !== 'F') label(ctx, c.tile, x + cell * 0.15, y + cell * 0.17, cell * 0.2, colors.background, colors);
  }
}

export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/**
 * One playback frame on the grid: the tiles, and the agent at the frame's state index. For
 * Taxi (20 layers) the layer says where the passenger is (a stand, or in the taxi) and where to.
 */
export function drawGridFrame(ctx: CanvasRenderingContext2D, grid: TabularGrid, state: number, size: Size, colors: PlaybackColors): void {
  clear(ctx, size, colors);
  // Room for the layer's name under the grid.
  const { cell, x0, y0 } = fitGrid(grid, size.width, grid.layerNames ? size.height - 24 : size.height);
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const tile = grid.tiles?.[row * grid.cols + col];
      const x = x0 + col * cell;
      const y = y0 + row * cell;
      ctx.fillStyle = tileFill(grid, tile, colors) ?? colors.background;
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = colors.muted;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, cell - 1, cell - 1);
      if (tile && tile !== '.' && tile !== 'F') label(ctx, tile, x + cell / 2, y + cell / 2, cell * 0.35, colors.muted, colors);
    }
  }
  const { row, col, layer } = cellOf(grid, state);
  // Taxi: where the passenger is and where to, which the cell alone does not show.
  const layerName = grid.layerNames?.[layer];
  if (layerName) label(ctx, layerName, size.width / 2, y0 + grid.rows * cell + (size.height - y0 - grid.rows * cell) / 2, Math.min(14, cell * 0.3), colors.foreground, colors);
  ctx.fillStyle = colors.body;
  ctx.beginPath();
  ctx.arc(x0 + (col + 0.5) * cell, y0 + (row + 0.5) * cell, cell * 0.3, 0, 2 * Math.PI);
  ctx.fill();
}
