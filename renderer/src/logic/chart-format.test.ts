import { describe, expect, it } from 'vitest';
import {
  decimalsFor,
  defaultSmoothing,
  escapeHtml,
  formatEpoch,
  formatFor,
  formatTooltip,
  formatValue,
  niceStep,
  percentBounds,
} from './chart-format.ts';

describe('chart number formats', () => {
  it('writes close percentages with enough decimals to tell them apart', () => {
    const f = formatFor([0.504, 0.508, 0.512], true);
    const ticks = [0.504, 0.506, 0.508, 0.51, 0.512].map((v) => formatValue(v, f));
    expect(new Set(ticks).size).toBe(5);
    expect(ticks).toEqual(['50.4%', '50.6%', '50.8%', '51.0%', '51.2%']);
    // Near-zero rejection rates are not all "0%".
    const small = formatFor([0, 0.002, 0.004], true);
    expect(['0', '0.001', '0.002'].map((v) => formatValue(Number(v), small))).toEqual([
      '0.00%',
      '0.10%',
      '0.20%',
    ]);
    expect(formatFor([0.1, 0.9], true).decimals).toBe(0);
  });

  it('gives tooltips one digit more than the ticks', () => {
    const f = formatFor([0.1, 0.9], true);
    expect(formatValue(0.4567, f)).toBe('46%');
    expect(formatTooltip(0.4567, f)).toBe('45.7%');
  });

  it('writes plain numbers at the data precision and extremes as exponents', () => {
    const f = formatFor([0.61, 0.64], false);
    expect(formatValue(0.625, f)).toBe('0.625');
    expect(formatValue(2e-5, f)).toBe('2.00e-5');
    expect(formatValue(0, f)).toBe('0');
    expect(decimalsFor(0)).toBe(1);
  });

  it('writes epochs as whole numbers', () => {
    expect(formatEpoch(8)).toBe('8');
    expect(formatEpoch(6.87)).toBe('6.9');
  });

  it('keeps percentage axes within 0% and 100%', () => {
    expect(percentBounds(0.9, 1)).toEqual({ min: 0.9, max: 1 });
    expect(percentBounds(0.93, 0.99)).toEqual({ min: 0.92, max: 1 });
    expect(percentBounds(0, 0.2)).toEqual({ min: 0, max: 0.2 });
    // Rounded out to the tick step: data from 33.3% to 42.3% gives a 32%–44% axis.
    expect(percentBounds(0.333, 0.423)).toEqual({ min: 0.32, max: 0.44 });
    expect(percentBounds(0.5041, 0.5119)).toEqual({ min: 0.504, max: 0.512 });
    expect(percentBounds(0.5, 0.5)).toEqual({ min: 0.498, max: 0.502 });
    expect(percentBounds(1, 1)).toEqual({ min: 0.998, max: 1 });
    expect([0.03, 0.018, 0.0016, 7].map(niceStep)).toEqual([0.03, 0.02, 0.002, 10]);
  });

  it('turns smoothing off for short runs', () => {
    expect(defaultSmoothing(10)).toBe(0);
    expect(defaultSmoothing(200)).toBeGreaterThan(0);
  });

  it('escapes run names for tooltips', () => {
    expect(escapeHtml('<img onerror=x>&"')).toBe('&#60;img onerror=x&#62;&#38;&#34;');
  });
});
