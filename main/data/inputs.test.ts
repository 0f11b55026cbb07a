import { describe, expect, it } from 'vitest';
import { allInputs, byteImages, gatherRows, rowsOf, sliceSplit } from './inputs.ts';
import { createRng } from './rng.ts';
import type { Split } from './types.ts';

/** The same n points twice: as bytes with a random table, and as the float32 values they stand for. */
function pair(n: number, size: number, channels: number): { bytes: Split; floats: Split } {
  const rng = createRng(n * 31 + channels);
  const bytes = Uint8Array.from({ length: n * size }, () => rng.int(256));
  const images = byteImages(bytes, channels);
  images.table = Float32Array.from(images.table, () => rng.normal());
  const floats = Float32Array.from(bytes, (b, k) => images.table[(k % channels) * 256 + b]);
  const y = Int32Array.from({ length: n }, (_, i) => i % 5);
  return { bytes: { n, x: images, y }, floats: { n, x: floats, y } };
}

describe('split inputs (float32 or image bytes)', () => {
  it('reads bytes as byte / 255 by default, exactly as float32', () => {
    const split: Split = {
      n: 1,
      x: byteImages(
        Uint8Array.from({ length: 256 }, (_, b) => b),
        1,
      ),
      y: new Int32Array(1),
    };
    expect([...allInputs(split)]).toEqual(
      Array.from({ length: 256 }, (_, b) => Math.fround(b / 255)),
    );
  });

  for (const channels of [1, 3, 4])
    it(`gives the same rows, batches and slices in both forms (${channels} channel(s))`, () => {
      const size = 2 * 2 * channels;
      const { bytes, floats } = pair(23, size, channels);
      expect(allInputs(bytes)).toHaveLength(23 * size);
      expect(allInputs(bytes)).toEqual(allInputs(floats));
      expect(rowsOf(bytes, 5, 7, size)).toEqual(rowsOf(floats, 5, 7, size));
      const order = Int32Array.from([22, 0, 7, 7, 13]);
      const a = new Float32Array(4 * size).fill(NaN);
      const b = new Float32Array(4 * size).fill(NaN);
      gatherRows(bytes, order, 1, 4, size, a);
      gatherRows(floats, order, 1, 4, size, b);
      expect(a).toEqual(b);
      expect([...a.subarray(0, size)]).toEqual([...rowsOf(floats, 0, 1, size)]);
      const s = sliceSplit(bytes, 10, 23, size);
      expect(s.n).toBe(13);
      expect([...s.y]).toEqual([...bytes.y.subarray(10)]);
      expect(allInputs(s)).toEqual(rowsOf(floats, 10, 13, size));
    });

  it('hands out views of float inputs and copies when slicing', () => {
    const { floats } = pair(4, 3, 3);
    const view = rowsOf(floats, 1, 2, 3);
    view[0] = 42;
    expect(allInputs(floats)[3]).toBe(42);
    const copy = sliceSplit(floats, 0, 2, 3);
    (copy.x as Float32Array)[0] = -1;
    expect(allInputs(floats)[0]).not.toBe(-1);
  });
});
