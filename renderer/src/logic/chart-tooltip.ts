/**
 * The line charts' tooltip: the x value (a whole epoch as "epoch 8", not "8.00"), then each
 * curve's value at the data's precision, with the raw value beside a smoothed one when they
 * differ. Names are escaped: series are named after user-chosen run names.
 */
import { escapeHtml } from './chart-format.ts';

/** The part of an ECharts axis-tooltip item the tooltip reads. */
export interface TooltipItem {
  seriesIndex: number;
  seriesName: string;
  marker: string;
  value: [number, number];
}

export interface TooltipContext {
  xLabel: string;
  /** Indices of the faint raw lines drawn behind smoothed ones: not listed themselves. */
  rawLines: ReadonlySet<number>;
  /** Raw values by series name and x. */
  rawAt: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** The y axis (0 left, 1 right) a series is drawn on. */
  axisOf(seriesName: string): number;
  formatX(x: number): string;
  formatY(v: number, axis: number): string;
}

export function tooltipHtml(params: unknown, ctx: TooltipContext): string {
  const items = (Array.isArray(params) ? params : [params]) as TooltipItem[];
  const shown = items.filter((p) => !ctx.rawLines.has(p.seriesIndex));
  if (shown.length === 0) return '';
  const head = `${escapeHtml(ctx.xLabel)} ${escapeHtml(ctx.formatX(shown[0].value[0]))}`;
  const rows = shown.map((p) => {
    const axis = ctx.axisOf(p.seriesName);
    const y = ctx.formatY(p.value[1], axis);
    const raw = ctx.rawAt.get(p.seriesName)?.get(p.value[0]);
    const rawText =
      raw !== undefined && ctx.formatY(raw, axis) !== y ? ` (raw ${ctx.formatY(raw, axis)})` : '';
    return `${p.marker}${escapeHtml(p.seriesName)}: <b>${y}</b>${rawText}`;
  });
  return [head, ...rows].join('<br/>');
}
