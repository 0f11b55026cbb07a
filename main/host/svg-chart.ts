/**
 * A small line chart as inline SVG text, for the self-contained HTML report: no script, no font
 * or file to load, so the report opens offline and under any CSP that allows inline styles.
 */

export interface ChartSeries {
  name: string;
  /** [x, y] pairs; non-finite values are skipped. */
  points: [number, number][];
  color: string;
  dashed?: boolean;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Fixed y range, e.g. [0, 1] for fractions; otherwise from the data. */
  yRange?: [number, number];
  /** A vertical marker, e.g. the trained ε. */
  marker?: { x: number; label: string };
  width?: number;
  height?: number;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function tick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

export function lineChartSvg(chart: LineChart): string {
  const width = chart.width ?? 520;
  const height = chart.height ?? 260;
  const left = 56;
  const right = 12;
  const top = 28;
  const bottom = 40;
  const finite = chart.series.flatMap((s) =>
    s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  );
  let [x0, x1] = [Infinity, -Infinity];
  let [y0, y1] = chart.yRange ?? [Infinity, -Infinity];
  for (const [x, y] of finite) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    if (chart.yRange === undefined) {
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (!(x1 > x0)) [x0, x1] = [Number.isFinite(x0) ? x0 - 1 : 0, Number.isFinite(x0) ? x0 + 1 : 1];
  if (!(y1 > y0)) [y0, y1] = [Number.isFinite(y0) ? y0 - 1 : 0, Number.isFinite(y0) ? y0 + 1 : 1];
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(chart.title)}">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">${escapeHtml(chart.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="none" stroke="#999"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const y = y0 + ((y1 - y0) * t) / 4;
    const x = x0 + ((x1 - x0) * t) / 4;
    parts.push(
      `<text x="${left - 4}" y="${py(y) + 4}" font-size="10" text-anchor="end">${tick(y)}</text>`,
      `<line x1="${left}" x2="${width - right}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${tick(x)}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + width - right) / 2}" y="${height - 6}" font-size="11" text-anchor="middle">${escapeHtml(chart.xLabel)}</text>`,
    `<text x="12" y="${(top + height - bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(top + height - bottom) / 2})">${escapeHtml(chart.yLabel)}</text>`,
  );
  if (chart.marker !== undefined && chart.marker.x >= x0 && chart.marker.x <= x1) {
    const x = px(chart.marker.x);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${height - bottom}" stroke="#888" stroke-dasharray="3 3"/>`,
      `<text x="${x + 3}" y="${top + 12}" font-size="10">${escapeHtml(chart.marker.label)}</text>`,
    );
  }
  chart.series.forEach((s, n) => {
    const pts = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ');
    if (pts !== '') {
      parts.push(
        `<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`,
      );
    }
    const ly = top + 12 + 14 * n;
    parts.push(
      `<line x1="${width - right - 150}" x2="${width - right - 130}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''}/>`,
      `<text x="${width - right - 126}" y="${ly}" font-size="10">${escapeHtml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
