import { describe, expect, it } from 'vitest';
import { applyStats, computeStats } from './normalize.ts';
import { createRng } from './rng.ts';

function naive(x: Float32Array, channels: number) {
  const rows = x.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * channels + c];
    const mean = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * channels + c] - mean) ** 2;
    return { mean, std: Math.sqrt(v / rows) };
  });
}

describe('normalisation', () => {
  for (const channels of [1, 2, 3, 5]) {
    it(`standardises ${channels} channel(s) with the training statistics`, () => {
      const rng = createRng(channels);
      const rows = 10_000;
      const x = Float32Array.from(
        { length: rows * channels },
        (_, k) => (k % channels) * 3 + (1 + (k % channels)) * rng.normal(),
      );
      const split = { n: rows, x, y: new Int32Array(rows) };
      const expected = naive(x, channels);
      const stats = computeStats('standardize', split, channels, channels === 3);
      expected.forEach(({ mean, std }, c) => {
        expect(stats.offset[c]).toBeCloseTo(mean, 6);
        expect(stats.scale[c]).toBeCloseTo(std, 6);
      });
      const test = {
        n: 1,
        x: Float32Array.from(
          { length: channels },
          (_, c) => expected[c].mean + 2 * expected[c].std,
        ),
        y: new Int32Array(1),
      };
      applyStats(test, stats);
      for (let c = 0; c < channels; c++) expect(test.x[c]).toBeCloseTo(2, 4);
      applyStats(split, stats);
      for (const { mean, std } of naive(split.x, channels)) {
        expect(mean).toBeCloseTo(0, 4);
        expect(std).toBeCloseTo(1, 4);
      }
    });
  }

  it("leaves images alone with 'unit' and 'none', scales tabular data to [0, 1] with 'unit'", () => {
    const split = { n: 3, x: new Float32Array([2, -1, 4, 0, 6, 1]), y: new Int32Array(3) };
    expect([...computeStats('unit', split, 2, true).scale]).toEqual([1, 1]);
    expect([...computeStats('none', split, 2, false).offset]).toEqual([0, 0]);
    const stats = computeStats('unit', split, 2, false);
    applyStats(split, stats);
    expect([...split.x]).toEqual([0, 0, 0.5, 0.5, 1, 1]);
  });
});
