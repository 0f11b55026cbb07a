import { describe, expect, it } from 'vitest';
import { allInputs, byteImages } from './inputs.ts';
import { applyStats, computeStats } from './normalize.ts';
import { createRng } from './rng.ts';
import type { ByteImages } from './types.ts';

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

  for (const channels of [1, 3, 4])
    it(`standardises image bytes (${channels} channel(s)) as it does their float32 values`, () => {
      const rng = createRng(40 + channels);
      const bytes = Uint8Array.from({ length: 3000 * channels }, (_, k) =>
        Math.min(255, 40 * (k % channels) + rng.int(60)),
      );
      const asBytes = { n: 3000, x: byteImages(bytes, channels), y: new Int32Array(3000) };
      const asFloats = { ...asBytes, x: Float32Array.from(bytes, (b) => b / 255) };
      const stats = computeStats('standardize', asBytes, channels, true);
      const reference = computeStats('standardize', asFloats, channels, true);
      for (let c = 0; c < channels; c++) {
        expect(stats.offset[c]).toBeCloseTo(reference.offset[c], 9);
        expect(stats.scale[c]).toBeCloseTo(reference.scale[c], 9);
      }
      const table = (asBytes.x as ByteImages).table;
      applyStats(asBytes, stats);
      applyStats(asFloats, stats);
      expect(allInputs(asBytes)).toEqual(asFloats.x);
      expect(table[255]).toBe(Math.fround(1)); // a new table: the old one is left as it was
    });
});
