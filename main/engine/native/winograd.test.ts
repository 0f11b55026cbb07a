/**
 * The native convolution's Winograd path (native/src/winograd.cc): which shapes take it, and its
 * three passes against a float64 direct convolution, on shapes with partial tiles (odd heights
 * and widths), channel counts that fill no vector evenly, 1×1 images, a bias, and several
 * threads (bit-identical to one).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.ts';
import type { NativeKernels } from './load.ts';
import { convPasses, kernelsUnderTest } from '../testing/native-required.ts';

const { kernels } = kernelsUnderTest('native Winograd convolution tests');

/** [n, h, w, cin, 3, 3, cout, 1, 1, 1, h, w]: a 3×3 stride-1 'same' layer. */
function same3x3(n: number, h: number, w: number, cin: number, cout: number): number[] {
  return [n, h, w, cin, 3, 3, cout, 1, 1, 1, h, w];
}

function randoms(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/**
 * y = conv(x, f) + bias, dx, df in float64 for a 'same' 3×3 stride-1 layer, each with the same
 * sum over absolute values (the scale the float32 results' errors are measured against).
 */
function direct64(
  [n, h, w, ci, , , co]: number[],
  x: Float32Array,
  f: Float32Array,
  bias: Float32Array,
  dy: Float32Array,
) {
  const y = new Float64Array(n * h * w * co);
  const dx = new Float64Array(x.length);
  const df = new Float64Array(f.length);
  const [ya, dxa, dfa] = [y, dx, df].map((a) => new Float64Array(a.length));
  for (let i = 0; i < y.length; i++) {
    y[i] = bias[i % co];
    ya[i] = Math.abs(bias[i % co]);
  }
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < h; oy++)
      for (let ox = 0; ox < w; ox++)
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy + ky - 1;
            const ix = ox + kx - 1;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let c = 0; c < ci; c++) {
              const xi = ((b * h + iy) * w + ix) * ci + c;
              for (let k = 0; k < co; k++) {
                const fi = ((ky * 3 + kx) * ci + c) * co + k;
                const o = ((b * h + oy) * w + ox) * co + k;
                y[o] += x[xi] * f[fi];
                ya[o] += Math.abs(x[xi] * f[fi]);
                dx[xi] += dy[o] * f[fi];
                dxa[xi] += Math.abs(dy[o] * f[fi]);
                df[fi] += x[xi] * dy[o];
                dfa[fi] += Math.abs(x[xi] * dy[o]);
              }
            }
          }
  return { exact: [y, dx, df], scale: [ya, dxa, dfa] };
}

describe.skipIf(kernels === undefined)('native convolution: Winograd F(4×4, 3×3)', () => {
  const k = kernels as NativeKernels;
  const algorithm = (shape: number[]): string | undefined => k.convAlgorithm?.(shape);

  it('is taken by 3×3 stride-1 same layers with ≥ 16 channels, ≥ 512 outputs and a bounded filter, only', () => {
    expect(algorithm(same3x3(2, 16, 16, 128, 64))).toBe('winograd'); // 2·16·16 = 512 outputs
    expect(algorithm(same3x3(256, 14, 14, 128, 64))).toBe('winograd');
    // A single image (power iteration): 256 outputs.
    expect(algorithm(same3x3(1, 16, 16, 128, 64))).toBe('im2col');
    // The first layer: 1 or 3 channels in; or too few out.
    expect(algorithm(same3x3(256, 32, 32, 3, 32))).toBe('im2col');
    expect(algorithm(same3x3(256, 16, 16, 64, 15))).toBe('im2col');
    // Wide layers: 36 · 512 · 512 transformed filter values, over the bound on its memory.
    expect(algorithm(same3x3(256, 16, 16, 480, 480))).toBe('winograd');
    expect(algorithm(same3x3(256, 16, 16, 512, 512))).toBe('im2col');
    // Stride 2, 'valid' padding, a 4×4 filter.
    expect(algorithm([256, 16, 16, 64, 3, 3, 64, 2, 0, 0, 8, 8])).toBe('im2col');
    expect(algorithm([256, 16, 16, 64, 3, 3, 64, 1, 0, 0, 14, 14])).toBe('im2col');
    expect(algorithm([256, 16, 16, 64, 4, 4, 64, 1, 1, 1, 16, 16])).toBe('im2col');
  });

  // n·h·w ≥ 512 outputs each.
  it.each([
    [16, 7, 5, 16, 17], // sizes that are no multiple of 4: tiles partly outside the image
    [5, 9, 12, 24, 16],
    // 1×1 images (only the filter's centre meets them); 577 = 9 blocks of 64 tiles and one more:
    // a one-row product at the end.
    [577, 1, 1, 16, 16],
    [90, 3, 2, 19, 33],
    [2, 16, 16, 40, 24],
  ])(
    'n=%i, %i×%i, %i→%i channels: values and both gradients within float32 rounding of float64',
    (n, h, w, ci, co) => {
      const shape = same3x3(n, h, w, ci, co);
      expect(algorithm(shape)).toBe('winograd');
      const rng = new Rng(n * 1000 + h * 100 + w);
      const x = randoms(n * h * w * ci, rng);
      const f = randoms(9 * ci * co, rng);
      const bias = randoms(co, rng);
      const dy = randoms(n * h * w * co, rng);
      const ours = convPasses(k, shape, x, f, bias, dy);
      const { exact, scale } = direct64(shape, x, f, bias, dy);
      for (let p = 0; p < 3; p++) {
        // Each error against the sum of the absolute terms of its own value, at most
        // terms·2^-24 of it: the worst case of a direct sum of that many terms (the rounding
        // bound of im2col's dot products: 9·cin + 1 terms for y, 9·cout for dx, n·h·w for
        // df). Winograd's transforms add and subtract a few terms
        // before each product and stay well inside it (measured: up to about 47·2^-24); a
        // wrong index or a missed tile is off by whole terms. A value with no terms (a filter
        // tap that never meets a 1×1 image) is zero only in exact arithmetic (its transforms'
        // terms cancel): it is measured against 1/1,000 of the largest sum instead.
        const floor = 1e-3 * scale[p].reduce((a, b) => Math.max(a, b), 0);
        let worst = 0;
        for (let i = 0; i < exact[p].length; i++) {
          const err = Math.abs(ours[p][i] - exact[p][i]);
          worst = Math.max(worst, err / Math.max(scale[p][i], floor));
        }
        const terms = [9 * ci + 1, 9 * co, n * h * w][p];
        expect(worst, `pass ${p}`).toBeLessThan(terms * 2 ** -24);
      }
    },
  );

  it('gives the same bits on 1, 2, 3 and 7 threads (the filter gradient in fixed slices)', () => {
    // 64·2·2 = 256 tiles of 4×4: 2 blocks of the filter gradient, 4 of the other two passes.
    const shape = same3x3(64, 7, 8, 32, 16);
    expect(algorithm(shape)).toBe('winograd');
    const rng = new Rng(5);
    const x = randoms(64 * 7 * 8 * 32, rng);
    const f = randoms(9 * 32 * 16, rng);
    const bias = randoms(16, rng);
    const dy = randoms(64 * 7 * 8 * 16, rng);
    const before = k.info().threads;
    try {
      k.setThreads(1);
      const one = convPasses(k, shape, x, f, bias, dy);
      for (const threads of [2, 3, 7]) {
        k.setThreads(threads);
        const many = convPasses(k, shape, x, f, bias, dy);
        for (let p = 0; p < 3; p++)
          expect(Buffer.compare(Buffer.from(many[p].buffer), Buffer.from(one[p].buffer))).toBe(0);
      }
    } finally {
      k.setThreads(before);
    }
  });

  it('refuses a malformed shape', () => {
    expect(() => k.convAlgorithm?.([1, 2, 3])).toThrow(/12 non-negative integers/);
  });
});
