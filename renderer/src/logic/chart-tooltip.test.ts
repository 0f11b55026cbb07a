import { describe, expect, it } from 'vitest';
import { tooltipHtml, type TooltipContext } from './chart-tooltip.ts';
import { formatEpoch, formatFor, formatTooltip } from './chart-format.ts';

const percent = formatFor([0.1, 0.9], true);
const ctx: TooltipContext = {
  xLabel: 'epoch',
  rawLines: new Set([0]),
  rawAt: new Map([['VRA <b>', new Map([[8, 0.512]])]]),
  axisOf: () => 0,
  formatX: formatEpoch,
  formatY: (v) => formatTooltip(v, percent),
};

describe('chart tooltip', () => {
  it('shows a whole epoch, the smoothed value and the raw one beside it', () => {
    const html = tooltipHtml(
      [
        { seriesIndex: 0, seriesName: 'VRA <b>', marker: '', value: [8, 0.512] },
        { seriesIndex: 1, seriesName: 'VRA <b>', marker: '●', value: [8, 0.4987] },
      ],
      ctx,
    );
    expect(html).toBe('epoch 8<br/>●VRA &#60;b&#62;: <b>49.9%</b> (raw 51.2%)');
  });

  it('leaves the raw value out when smoothing changed nothing', () => {
    const html = tooltipHtml(
      { seriesIndex: 1, seriesName: 'VRA <b>', marker: '', value: [8, 0.512] },
      ctx,
    );
    expect(html).toBe('epoch 8<br/>VRA &#60;b&#62;: <b>51.2%</b>');
    expect(tooltipHtml([{ seriesIndex: 0, seriesName: 'x', marker: '', value: [1, 1] }], ctx)).toBe(
      '',
    );
  });
});
