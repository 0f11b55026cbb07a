/**
 * Chart exports: PNG from the chart on screen (ECharts getDataURL), SVG by drawing the same
 * option once more with ECharts' SVG renderer in server-side mode (no DOM needed), so every chart
 * exports as vectors although the page draws on canvas for speed.
 */
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import './echarts-setup.ts';

use([SVGRenderer]);

/** The chart as an SVG document of the given size, on a white or dark background. */
export function chartSvg(
  option: EChartsCoreOption,
  width: number,
  height: number,
  background: string,
): string {
  const chart = init(null, undefined, { renderer: 'svg', ssr: true, width, height });
  try {
    // Animations off: the SVG is the final frame, not the first.
    chart.setOption({ ...option, animation: false, backgroundColor: background });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A file name from a chart's label: lower case, words joined by '-'. */
export function exportName(label: string, ext: 'png' | 'svg' | 'csv'): string {
  const base = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'chart'}.${ext}`;
}

/** Saves text or a data URL as a download (the browser's, or Electron's save dialog). */
export function download(name: string, content: string, type: string): void {
  const isDataUrl = content.startsWith('data:');
  const href = isDataUrl ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!isDataUrl) setTimeout(() => URL.revokeObjectURL(href), 1000);
}
