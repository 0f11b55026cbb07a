import { describe, expect, it } from 'vitest';
import { RelaxCertError } from '../../../shared/errors.ts';
import { conv2dSpectralUpperBound } from './conv-spectral-bound.ts';
import { denseSpectralUpperBound } from './dense-spectral-bound.ts';
import { DEFAULT_GRAM_TOLERANCE } from './gram-iteration.ts';
import { BOUND_RELATIVE_SLACK } from './slack.ts';
import { applyConv2d, convDenseMatrix, convNormLowerBound } from './testing/conv-dense-matrix.ts';
import type { ConvGeometry } from './testing/conv-dense-matrix.ts';
import { exactSpectralNorm } from './testing/exact-spectral-norm.ts';
import { gaussianArray, seededRandom } from './testing/seeded-random.ts';

function bound(kernel: Float32Array, g: ConvGeometry): number {
  return conv2dSpectralUpperBound(
    kernel,
    { kh: g.kh, kw: g.kw, cin: g.cin, cout: g.cout },
    { h: g.h, w: g.w },
    { stride: g.stride, padding: g.padding },
  );
}

function exact(kernel: Float32Array, g: ConvGeometry): number {
  const { matrix, rows, cols } = convDenseMatrix(kernel, g);
  return exactSpectralNorm(matrix, rows, cols);
}

describe('conv2dSpectralUpperBound', () => {
  it('is ≥ the exact norm of the dense conv matrix on random layers (same/valid, strides 1–2)', () => {
    const random = seededRandom(101);
    const ratios: Record<string, number[]> = {};
    for (let c = 0; c < 40; c++) {
      const kh = 1 + Math.floor(random() * 4);
      const kw = 1 + Math.floor(random() * 4);
      const g: ConvGeometry = {
        kh,
        kw,
        cin: 1 + Math.floor(random() * 3),
        cout: 1 + Math.floor(random() * 3),
        h: kh + Math.floor(random() * 6),
        w: kw + Math.floor(random() * 6),
        stride: c % 2 === 0 ? 1 : 2,
        padding: c % 4 < 2 ? 'same' : 'valid',
      };
      const kernel = gaussianArray(random, kh * kw * g.cin * g.cout);
      const ratio = bound(kernel, g) / exact(kernel, g);
      expect(ratio).toBeGreaterThanOrEqual(1);
      (ratios[`${g.stride} ${g.padding}`] ??= []).push(ratio);
    }
    // Every combination was exercised; on tiny inputs the circular grid is loose but bounded.
    expect(Object.keys(ratios).sort()).toEqual(['1 same', '1 valid', '2 same', '2 valid']);
    for (const list of Object.values(ratios)) expect(Math.max(...list)).toBeLessThan(2);
  });

  it('is within a few % of exact for 3×3 stride-1 same convs on 8–10 pixel inputs', () => {
    const random = seededRandom(102);
    for (let c = 0; c < 8; c++) {
      const g: ConvGeometry = {
        kh: 3,
        kw: 3,
        cin: 1 + (c % 2),
        cout: 1 + (c % 3),
        h: 8 + (c % 3),
        w: 10 - (c % 3),
        stride: 1,
        padding: 'same',
      };
      const kernel = gaussianArray(random, 9 * g.cin * g.cout);
      const ratio = bound(kernel, g) / exact(kernel, g);
      expect(ratio).toBeGreaterThanOrEqual(1);
      expect(ratio).toBeLessThan(1.08);
    }
  });

  it('is within 2% of a power-iteration lower bound on 32×32 inputs', () => {
    const random = seededRandom(103);
    const cases: Array<[number, 'same' | 'valid']> = [
      [1, 'same'],
      [2, 'valid'],
    ];
    for (const [stride, padding] of cases) {
      const g: ConvGeometry = { kh: 3, kw: 3, cin: 3, cout: 4, h: 32, w: 32, stride, padding };
      const kernel = gaussianArray(random, 9 * 3 * 4);
      const lower = convNormLowerBound(kernel, g, random, 120);
      const upper = bound(kernel, g);
      expect(upper).toBeGreaterThanOrEqual(lower);
      expect(upper).toBeLessThan(lower * 1.02);
    }
  });

  it('equals the dense bound of the channel matrix for a 1×1 convolution', () => {
    const random = seededRandom(104);
    const kernel = gaussianArray(random, 5 * 7);
    const g: ConvGeometry = {
      kh: 1,
      kw: 1,
      cin: 5,
      cout: 7,
      h: 4,
      w: 3,
      stride: 1,
      padding: 'same',
    };
    const channel = exactSpectralNorm(kernel, 5, 7);
    expect(exact(kernel, g)).toBeCloseTo(channel, 10);
    const value = bound(kernel, g);
    expect(value).toBeGreaterThanOrEqual(channel);
    // Both bounds stop within the default tolerance of the same exact value.
    expect(value).toBeLessThanOrEqual(
      channel * (1 + DEFAULT_GRAM_TOLERANCE) * (1 + BOUND_RELATIVE_SLACK),
    );
    expect(denseSpectralUpperBound(kernel, 5, 7)).toBeLessThanOrEqual(value * 1.006);
  });

  it('gives ≈ 1 for a shift kernel and exactly 0 for a zero kernel', () => {
    const shift = new Float32Array(9 * 2 * 2);
    // Tap (0, 2) routes channel c to channel c: the output is the input shifted, cut at the border.
    for (let c = 0; c < 2; c++) shift[((0 * 3 + 2) * 2 + c) * 2 + c] = 1;
    const g: ConvGeometry = {
      kh: 3,
      kw: 3,
      cin: 2,
      cout: 2,
      h: 6,
      w: 6,
      stride: 1,
      padding: 'same',
    };
    expect(exact(shift, g)).toBeCloseTo(1, 12);
    // Every frequency has the same singular values (all 1): the slowest case for Gram iteration,
    // which stops within its tolerance.
    const value = bound(shift, g);
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThanOrEqual((1 + DEFAULT_GRAM_TOLERANCE) * (1 + BOUND_RELATIVE_SLACK));
    const tight = conv2dSpectralUpperBound(
      shift,
      { kh: 3, kw: 3, cin: 2, cout: 2 },
      { h: 6, w: 6 },
      { stride: 1, padding: 'same', tolerance: 1e-5 },
    );
    expect(tight).toBeGreaterThanOrEqual(1);
    expect(tight).toBeLessThanOrEqual((1 + 1e-5) * (1 + BOUND_RELATIVE_SLACK));
    expect(bound(new Float32Array(9 * 4), g)).toBe(0);
  });

  it('is deterministic and agrees with the reference conv on the shapes it accepts', () => {
    const random = seededRandom(105);
    const g: ConvGeometry = {
      kh: 4,
      kw: 4,
      cin: 2,
      cout: 3,
      h: 9,
      w: 7,
      stride: 2,
      padding: 'same',
    };
    const kernel = gaussianArray(random, 16 * 6);
    expect(bound(kernel, g)).toBe(bound(kernel, g));
    // Sanity of the reference itself: linear in the input.
    const x = gaussianArray(random, 9 * 7 * 2);
    const y = applyConv2d(kernel, g, x);
    const y2 = applyConv2d(
      kernel,
      g,
      Float64Array.from(x, (v) => 2 * v),
    );
    y.forEach((v, i) => expect(y2[i]).toBeCloseTo(2 * v, 10));
  });

  it('rejects inconsistent shapes, options and non-finite kernels', () => {
    const kernel = new Float32Array(9);
    const shape = { kh: 3, kw: 3, cin: 1, cout: 1 };
    const input = { h: 5, w: 5 };
    const ok = { stride: 1, padding: 'same' as const };
    expect(() => conv2dSpectralUpperBound(new Float32Array(8), shape, input, ok)).toThrow(
      RelaxCertError,
    );
    expect(() => conv2dSpectralUpperBound(kernel, shape, input, { ...ok, stride: 0 })).toThrow(
      /stride/,
    );
    expect(() =>
      conv2dSpectralUpperBound(kernel, shape, { h: 2, w: 5 }, { stride: 1, padding: 'valid' }),
    ).toThrow(/valid/);
    expect(() =>
      conv2dSpectralUpperBound(
        Float32Array.of(1, 0, 0, 0, Number.NaN, 0, 0, 0, 0),
        shape,
        input,
        ok,
      ),
    ).toThrow(/NaN/);
  });
});
