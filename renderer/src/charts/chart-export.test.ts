import { describe, expect, it } from 'vitest';
import { chartSvg, exportName } from './chart-export.ts';

describe('chart exports', () => {
  it('draws an option as an SVG document with its series and axes', () => {
    const svg = chartSvg(
      {
        title: { text: 'VRA vs ε' },
        xAxis: { type: 'value' },
        yAxis: { type: 'value' },
        series: [
          {
            type: 'line',
            name: 'standard VRA',
            data: [
              [0, 0.8],
              [0.3, 0.4],
            ],
          },
        ],
      },
      400,
      300,
      '#ffffff',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="400"');
    expect(svg).toContain('VRA vs ε');
    // The line itself is a path.
    expect(svg).toMatch(/<path[^>]+d="M/);
  });

  it('names files after the chart', () => {
    expect(exportName('Confusion matrix with a rejected column', 'csv')).toBe(
      'confusion-matrix-with-a-rejected-column.csv',
    );
    expect(exportName('VRA vs ε', 'svg')).toBe('vra-vs.svg');
    expect(exportName('⊥', 'png')).toBe('chart.png');
  });
});
