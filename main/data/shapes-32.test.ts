import { describe, expect, it } from 'vitest';
import { allInputs } from './inputs.ts';
import { makeShapes32 } from './shapes-32.ts';
import { sameBytes } from './testing/fixtures.ts';

function meanColour(x: Float32Array, i: number): [number, number, number] {
  // Mean of the pixels that differ most from the image's corner (the background).
  const base = i * 3072;
  const bg = [x[base], x[base + 1], x[base + 2]];
  const sum = [0, 0, 0];
  let n = 0;
  for (let p = 0; p < 1024; p++) {
    const o = base + p * 3;
    const diff = Math.abs(x[o] - bg[0]) + Math.abs(x[o + 1] - bg[1]) + Math.abs(x[o + 2] - bg[2]);
    if (diff > 0.5) {
      for (let c = 0; c < 3; c++) sum[c] += x[o + c];
      n++;
    }
  }
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}

describe('shapes-32', () => {
  it('has 12 classes, id = shape * 4 + colour, and the two preset families', () => {
    const ds = makeShapes32(120, 24, 0);
    expect(ds.classNames[0]).toBe('red circle');
    expect(ds.classNames[1 * 4 + 2]).toBe('blue square');
    expect(ds.classNames[2 * 4 + 3]).toBe('yellow triangle');
    expect(ds.inputShape).toEqual([32, 32, 3]);
    const byShape = ds.affinityPresets.find((p) => p.name === 'by shape');
    const byColour = ds.affinityPresets.find((p) => p.name === 'by colour');
    expect(byShape?.sets[1]).toEqual([4, 5, 6, 7]);
    expect(byColour?.sets[2]).toEqual([2, 6, 10]);
    const x = allInputs(ds.train);
    expect(x.length).toBe(120 * 3072);
    expect(x.reduce((m, v) => Math.min(m, v), Infinity)).toBeGreaterThanOrEqual(0);
    expect(x.reduce((m, v) => Math.max(m, v), -Infinity)).toBeLessThanOrEqual(1);
  });

  it('draws the colour its class names', () => {
    const ds = makeShapes32(240, 0, 3);
    for (let i = 0; i < ds.train.n; i++) {
      const [r, g, b] = meanColour(allInputs(ds.train), i);
      const colour = ds.train.y[i] % 4;
      if (colour === 0) expect(r).toBeGreaterThan(Math.max(g, b) + 0.3);
      if (colour === 1) expect(g).toBeGreaterThan(Math.max(r, b) + 0.3);
      if (colour === 2) expect(b).toBeGreaterThan(Math.max(r, g) + 0.3);
      if (colour === 3) expect(Math.min(r, g)).toBeGreaterThan(b + 0.3);
    }
  });

  it('is deterministic per seed and varies between images', () => {
    const a = makeShapes32(50, 10, 7);
    expect(sameBytes(allInputs(a.train), allInputs(makeShapes32(50, 10, 7).train))).toBe(true);
    expect(sameBytes(allInputs(a.train), allInputs(makeShapes32(50, 10, 8).train))).toBe(false);
    // Two images of the same class differ (position, size, noise).
    const same = [...a.train.y].findIndex((c, k) => k > 0 && c === a.train.y[0]);
    const x = allInputs(a.train);
    const d = x.subarray(0, 3072).reduce((s, v, k) => s + Math.abs(v - x[same * 3072 + k]), 0);
    expect(d).toBeGreaterThan(50);
  });
});
