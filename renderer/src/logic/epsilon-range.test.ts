import { describe, expect, it } from 'vitest';
import { parseEpsilonText, sliderMax } from './epsilon-range.ts';

describe('parseEpsilonText', () => {
  it('reads decimals and scientific notation', () => {
    expect(parseEpsilonText(' 0.25 ')).toEqual({ ok: true, value: 0.25 });
    expect(parseEpsilonText('3')).toEqual({ ok: true, value: 3 });
    expect(parseEpsilonText('.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseEpsilonText('1e-3')).toEqual({ ok: true, value: 0.001 });
    expect(parseEpsilonText('0')).toEqual({ ok: true, value: 0 });
  });

  it('refuses what Number() would silently reinterpret', () => {
    for (const t of ['0x10', '0b11', '0o7', 'Infinity', '1e400', '', 'abc', '1,5'])
      expect(parseEpsilonText(t).ok, t).toBe(false);
    expect(parseEpsilonText('-0.1')).toMatchObject({ ok: false, message: /negative/ });
    expect(parseEpsilonText('1e-400')).toMatchObject({ ok: false, message: /become 0/ });
  });
});

describe('sliderMax', () => {
  it('spans twice the trained ε until a larger ε is typed', () => {
    expect(sliderMax(0.3, 0.1)).toBe(0.6);
    expect(sliderMax(0, 0)).toBe(0.01);
    expect(sliderMax(0.3, 0.6)).toBe(0.6);
  });

  it('widens to a round value above a typed ε', () => {
    expect(sliderMax(0.3, 0.7)).toBe(1);
    expect(sliderMax(0.3, 1.7)).toBe(5);
    expect(sliderMax(0.3, 40)).toBe(50);
    for (const e of [0.61, 0.9, 3, 7.9, 123]) expect(sliderMax(0.3, e)).toBeGreaterThan(e);
  });
});
