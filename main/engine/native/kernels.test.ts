/**
 * The native kernels against float64 references: every shape class the blocked SGEMM treats
 * differently (single rows and columns, partial tiles, several k blocks, several threads, empty
 * products), the bias and accumulate variants, determinism, and argument checks.
 */
import { describe, expect, it } from 'vitest';
import config, { NATIVE_ADDON } from '../../../electron.config.ts';
import { Rng } from '../rng.ts';
import { findAddon, nativeKernels, nativeUnavailableReason } from './load.ts';
import type { NativeKernels } from './load.ts';
import {
  convPasses,
  kernelsUnderTest,
  nativeRequired,
  requireNativeUnderCi,
} from '../testing/native-required.ts';

const { kernels, why: missingWhy } = kernelsUnderTest('native kernel tests');

const U = 2 ** -24;

type Bits = Float32Array | Uint32Array | Uint8Array;

/** Index of the first element whose bits differ (−1: none); fast on large arrays. */
function firstDifference(a: Bits, b: Bits): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return Math.floor(i / a.BYTES_PER_ELEMENT);
  return -1;
}

function randoms(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  bias: boolean;
  accumulate: boolean;
}

/** Exact-ish result in float64 and the float32 error bound γ_{k+2}·Σ|terms| per element. */
function reference(
  c: Case,
  a: Float32Array,
  b: Float32Array,
  bias: Float32Array | null,
  c0: Float32Array,
): { value: Float64Array; bound: Float64Array } {
  const value = new Float64Array(c.m * c.n);
  const bound = new Float64Array(c.m * c.n);
  const gamma = ((c.k + 2) * U) / (1 - (c.k + 2) * U);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      let abs = 0;
      if (c.accumulate) {
        s += c0[i * c.n + j];
        abs += Math.abs(c0[i * c.n + j]);
      }
      if (bias !== null) {
        s += bias[j];
        abs += Math.abs(bias[j]);
      }
      for (let p = 0; p < c.k; p++) {
        const av = c.transA ? a[p * c.m + i] : a[i * c.k + p];
        const bv = c.transB ? b[j * c.k + p] : b[p * c.n + j];
        s += av * bv;
        abs += Math.abs(av * bv);
      }
      value[i * c.n + j] = s;
      // Plus one rounding of the result to float32.
      bound[i * c.n + j] = gamma * abs + U * Math.abs(s);
    }
  }
  return { value, bound };
}

function run(k: NativeKernels, c: Case, seed: number): { out: Float32Array; worst: number } {
  const rng = new Rng(seed);
  const a = randoms(c.m * c.k, rng);
  const b = randoms(c.k * c.n, rng);
  const bias = c.bias ? randoms(c.n, rng) : null;
  const c0 = randoms(c.m * c.n, rng);
  const out = c0.slice();
  k.sgemm(c.transA, c.transB, c.m, c.n, c.k, a, b, out, bias, c.accumulate);
  const ref = reference(c, a, b, bias, c0);
  // worst = largest error as a fraction of its bound (≤ 1 when the bound holds).
  let worst = 0;
  for (let i = 0; i < out.length; i++) {
    const err = Math.abs(out[i] - ref.value[i]);
    worst = Math.max(worst, ref.bound[i] === 0 ? (err === 0 ? 0 : Infinity) : err / ref.bound[i]);
  }
  return { out, worst };
}

const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 7, 17],
  [7, 1, 17],
  [1, 1000, 33],
  [255, 1, 40],
  [7, 17, 1],
  [17, 255, 7],
  [255, 17, 33],
  [9, 1000, 17],
  [1000, 33, 5],
  // Several k blocks (256), row blocks (240) and chunks for two threads; k = 513 ends in a
  // block of 257 (a short last block joins the one before it).
  [300, 257, 513],
  // One block of 257 on two threads, one of 272; 273 and 529 end in short blocks of 17.
  [250, 300, 257],
  [13, 40, 272],
  [13, 40, 273],
  [40, 13, 529],
  [0, 5, 3],
  [5, 0, 3],
  [4, 5, 0],
];

describe.skipIf(kernels === undefined)('native SGEMM', () => {
  const k = kernels as NativeKernels;

  it('reports its instruction set and threads', () => {
    const info = k.info();
    expect(['AVX-512', 'AVX2', 'generic']).toContain(info.isa);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.threads).toBeLessThanOrEqual(Math.max(1, info.hardwareThreads));
  });

  it.each(shapes)('m=%i n=%i k=%i: all transposes, bias, accumulate within γ_{k+2}', (m, n, kk) => {
    let seed = m * 7919 + n * 104729 + kk;
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        for (const [bias, accumulate] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          const c: Case = { m, n, k: kk, transA, transB, bias, accumulate };
          const { worst } = run(k, c, seed++);
          expect(worst, JSON.stringify(c)).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('sums each element in one order: narrow products (A read in place), transposed A and wide ones agree bit for bit', () => {
    // Narrow products (few column panels) read A in place instead of packing it; a column of
    // C must not depend on that, nor on how many other columns there are, nor on whether A
    // comes transposed: the same k blocks and FMA chain every time.
    const rng = new Rng(11);
    const m = 203; // not a multiple of any microkernel's row count: a partial panel
    const kk = 600; // three k blocks
    const narrow = 64;
    const wide = 300;
    const a = randoms(m * kk, rng);
    const aT = new Float32Array(kk * m);
    for (let i = 0; i < m; i++) for (let p = 0; p < kk; p++) aT[p * m + i] = a[i * kk + p];
    const bWide = randoms(kk * wide, rng);
    const bNarrow = new Float32Array(kk * narrow);
    for (let p = 0; p < kk; p++)
      bNarrow.set(bWide.subarray(p * wide, p * wide + narrow), p * narrow);
    const product = (transA: boolean, n: number, b: Float32Array): Float32Array => {
      const c = new Float32Array(m * n);
      k.sgemm(transA, false, m, n, kk, transA ? aT : a, b, c, null, false);
      return c;
    };
    const direct = product(false, narrow, bNarrow);
    const firstColumns = (c: Float32Array, n: number): number[] =>
      Array.from({ length: m * narrow }, (_, e) => c[Math.floor(e / narrow) * n + (e % narrow)]);
    expect(firstColumns(product(false, wide, bWide), wide)).toEqual([...direct]);
    expect([...product(true, narrow, bNarrow)]).toEqual([...direct]);
    expect(firstColumns(product(true, wide, bWide), wide)).toEqual([...direct]);
  });

  it('leaves C alone for an empty product with accumulate, zeroes it without', () => {
    const c = Float32Array.from([1, 2, 3, 4, 5, 6]);
    k.sgemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), c, null, true);
    expect([...c]).toEqual([1, 2, 3, 4, 5, 6]);
    k.sgemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), c, null, false);
    expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  // Each way the threads split C: by rows (m > n), by columns with op(A) packed once for all
  // column chunks (m < n, transposed or not, with and without accumulation), a narrow side
  // cut below the usual chunk width (the first conv layer's filter gradient, 27 × 32 × k), and
  // single rows and columns (power iterations, bias gradients) cut into ranges of outputs,
  // with k not a multiple of the four rows they take a pass.
  const splits: Case[] = [
    { m: 300, n: 257, k: 513, transA: false, transB: true, bias: true, accumulate: false },
    { m: 257, n: 300, k: 600, transA: false, transB: false, bias: false, accumulate: false },
    { m: 250, n: 700, k: 300, transA: true, transB: true, bias: true, accumulate: true },
    { m: 27, n: 32, k: 9000, transA: true, transB: false, bias: false, accumulate: true },
    { m: 1, n: 1000, k: 701, transA: false, transB: false, bias: true, accumulate: true },
    { m: 1, n: 517, k: 1001, transA: true, transB: true, bias: false, accumulate: false },
    { m: 1, n: 40, k: 30001, transA: false, transB: false, bias: false, accumulate: false },
    { m: 1003, n: 1, k: 603, transA: true, transB: false, bias: false, accumulate: true },
    { m: 999, n: 1, k: 333, transA: false, transB: true, bias: true, accumulate: false },
  ];
  it.each(splits)(
    'is bit-identical run to run and whatever the thread count ($m×$n×$k, transA $transA)',
    (c) => {
      const before = k.info().threads;
      try {
        const first = run(k, c, 5);
        expect(first.worst).toBeLessThanOrEqual(1);
        expect(firstDifference(run(k, c, 5).out, first.out)).toBe(-1);
        for (const threads of [1, 2, 3, 7]) {
          k.setThreads(threads);
          expect(firstDifference(run(k, c, 5).out, first.out), `${threads} threads`).toBe(-1);
        }
      } finally {
        k.setThreads(before);
      }
    },
  );

  it('refuses arrays shorter than the shapes say, and wrong types', () => {
    const f = (n: number): Float32Array => new Float32Array(n);
    expect(() => k.sgemm(false, false, 2, 2, 2, f(3), f(4), f(4), null, false)).toThrow(/shorter/);
    expect(() => k.sgemm(false, false, 2, 2, 2, f(4), f(4), f(3), null, false)).toThrow(/shorter/);
    expect(() => k.sgemm(false, false, 2, 2, 2, f(4), f(4), f(4), f(1), false)).toThrow(/bias/);
    const wrong = new Float64Array(4) as unknown as Float32Array;
    expect(() => k.sgemm(false, false, 2, 2, 2, wrong, f(4), f(4), null, false)).toThrow(/Float32/);
    expect(() => k.sgemm(false, false, -1, 2, 2, f(4), f(4), f(4), null, false)).toThrow();
    expect(() => k.setThreads(0)).toThrow();
  });
});

describe.skipIf(kernels === undefined)('native MinMax', () => {
  const k = kernels as NativeKernels;

  // 3,001 rows of 64 channels: several blocks of rows when the threads share them out.
  it.each([1, 2, 3])(
    'sorts each (first half, second half) pair and routes the gradient back (%i threads)',
    (threads) => {
      const rng = new Rng(9);
      const rows = 3001;
      const channels = 64;
      const h = channels / 2;
      const x = randoms(rows * channels, rng);
      // Ties: the first element counts as the minimum (as in ops/minmax.ts).
      x[3 + h] = x[3];
      const dy = randoms(x.length, rng);
      const want = { out: new Float32Array(x.length), mask: new Uint8Array(x.length / 2) };
      const wantDx = new Float32Array(x.length);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < h; i++) {
          const a = x[r * channels + i];
          const b = x[r * channels + h + i];
          const aIsMin = a <= b;
          want.out[r * channels + i] = Math.min(a, b);
          want.out[r * channels + h + i] = Math.max(a, b);
          want.mask[r * h + i] = aIsMin ? 1 : 0;
          const dMin = dy[r * channels + i];
          const dMax = dy[r * channels + h + i];
          wantDx[r * channels + i] = aIsMin ? dMin : dMax;
          wantDx[r * channels + h + i] = aIsMin ? dMax : dMin;
        }
      }
      const before = k.info().threads;
      try {
        k.setThreads(threads);
        const out = new Float32Array(x.length);
        const mask = new Uint8Array(x.length / 2);
        k.minMax(x, rows, channels, out, mask);
        const dx = new Float32Array(x.length);
        k.minMaxGrad(dy, rows, channels, mask, dx);
        expect(firstDifference(out, want.out)).toBe(-1);
        expect(firstDifference(mask, want.mask)).toBe(-1);
        expect(firstDifference(dx, wantDx)).toBe(-1);
        const noMask = new Float32Array(x.length);
        k.minMax(x, rows, channels, noMask, null);
        expect(firstDifference(noMask, out)).toBe(-1);
      } finally {
        k.setThreads(before);
      }
    },
  );

  it('refuses odd channel counts and short arrays', () => {
    const f = (n: number): Float32Array => new Float32Array(n);
    expect(() => k.minMax(f(6), 2, 3, f(6), null)).toThrow(/even/);
    expect(() => k.minMax(f(8), 2, 4, f(7), null)).toThrow(/shorter/);
    expect(() => k.minMaxGrad(f(8), 2, 4, new Uint8Array(3), f(8))).toThrow(/firstIsMin/);
  });
});

describe.skipIf(kernels === undefined)('native convolution', () => {
  const k = kernels as NativeKernels;

  it('a 1×1 convolution is a matrix product per pixel, stride and padding included', () => {
    const rng = new Rng(12);
    // n=2, 3×3 input, 4 channels in, 5 out, stride 2, no padding → 2×2 outputs.
    const shape = [2, 3, 3, 4, 1, 1, 5, 2, 0, 0, 2, 2];
    const x = randoms(2 * 3 * 3 * 4, rng);
    const f = randoms(4 * 5, rng);
    const bias = randoms(5, rng);
    const y = new Float32Array(2 * 2 * 2 * 5);
    k.conv2d(x, f, bias, y, shape);
    for (let img = 0; img < 2; img++)
      for (let oy = 0; oy < 2; oy++)
        for (let ox = 0; ox < 2; ox++)
          for (let o = 0; o < 5; o++) {
            let s = bias[o];
            for (let i = 0; i < 4; i++)
              s += x[((img * 3 + 2 * oy) * 3 + 2 * ox) * 4 + i] * f[i * 5 + o];
            expect(y[((img * 2 + oy) * 2 + ox) * 5 + o]).toBeCloseTo(s, 5);
          }
  });

  // The threads share each chunk's im2col copies and, for the input gradient, its col2im sums
  // by image. 9×9×64 with a 3×3 filter: 576 values a row, so a chunk of 1,820 rows ends inside
  // an image (81 rows each); 'same' padding and stride 2 give rows with and without padding.
  it.each([1, 2])(
    'forward, input and filter gradients are bit-identical whatever the thread count (stride %i)',
    (stride) => {
      const rng = new Rng(30 + stride);
      const [n, h, w, cin, cout] = [40, 9, 9, 64, 24];
      const out = Math.ceil(h / stride);
      const pad = Math.max(0, (out - 1) * stride + 3 - h) >> 1;
      const shape = [n, h, w, cin, 3, 3, cout, stride, pad, pad, out, out];
      const x = randoms(n * h * w * cin, rng);
      const f = randoms(9 * cin * cout, rng);
      const bias = randoms(cout, rng);
      const dy = randoms(n * out * out * cout, rng);
      const all = (): Float32Array[] => convPasses(k, shape, x, f, bias, dy);
      const before = k.info().threads;
      try {
        k.setThreads(1);
        const one = all().map((a) => new Uint32Array(a.buffer));
        for (const threads of [2, 3, 5]) {
          k.setThreads(threads);
          const many = all().map((a) => new Uint32Array(a.buffer));
          for (let i = 0; i < 3; i++)
            expect(firstDifference(many[i], one[i]), `${threads} threads, output ${i}`).toBe(-1);
        }
      } finally {
        k.setThreads(before);
      }
    },
  );

  it('refuses arrays shorter than the shape and a zero stride', () => {
    const f = (n: number): Float32Array => new Float32Array(n);
    const shape = [1, 4, 4, 2, 3, 3, 2, 1, 1, 1, 4, 4];
    expect(() => k.conv2d(f(32), f(36), null, f(31), shape)).toThrow(/shorter/);
    expect(() => k.conv2dGradInput(f(32), f(35), f(32), shape)).toThrow(/shorter/);
    expect(() => k.conv2dGradFilter(f(31), f(32), f(36), shape)).toThrow(/shorter/);
    const zeroStride = [...shape];
    zeroStride[7] = 0;
    expect(() => k.conv2d(f(32), f(36), null, f(32), zeroStride)).toThrow(/stride/);
  });
});

describe.skipIf(kernels === undefined)('native space-to-depth', () => {
  const k = kernels as NativeKernels;

  it('puts each 2×2 block of pixels side by side in one pixel, and back, on any thread count', () => {
    const [n, h, w, c] = [3, 4, 6, 5];
    const x = Float32Array.from({ length: n * h * w * c }, (_, i) => i);
    const before = k.info().threads;
    try {
      for (const threads of [1, 2, 3]) {
        k.setThreads(threads);
        const y = new Float32Array(x.length);
        k.spaceToDepth2?.(x, n, h, w, c, y, false);
        for (let b = 0; b < n; b++)
          for (let i = 0; i < h / 2; i++)
            for (let j = 0; j < w / 2; j++)
              for (let d = 0; d < 4; d++)
                for (let ch = 0; ch < c; ch++) {
                  const from = ((b * h + 2 * i + (d >> 1)) * w + 2 * j + (d & 1)) * c + ch;
                  expect(y[((b * (h / 2) + i) * (w / 2) + j) * 4 * c + d * c + ch]).toBe(x[from]);
                }
        const back = new Float32Array(x.length);
        k.spaceToDepth2?.(y, n, h, w, c, back, true);
        expect(firstDifference(back, x)).toBe(-1);
      }
    } finally {
      k.setThreads(before);
    }
  });

  it('refuses odd sizes and short arrays', () => {
    const f = (len: number): Float32Array => new Float32Array(len);
    expect(() => k.spaceToDepth2?.(f(12), 1, 3, 2, 2, f(12), false)).toThrow(/even/);
    expect(() => k.spaceToDepth2?.(f(16), 1, 2, 2, 4, f(15), false)).toThrow(/shorter/);
  });
});

describe('native kernels: loading and packaging', () => {
  requireNativeUnderCi(kernels !== undefined, missingWhy);

  it('are required exactly when CI is set', () => {
    expect(nativeRequired({ CI: 'true' })).toBe(true);
    expect(nativeRequired({ CI: '1' })).toBe(true);
    expect(nativeRequired({ CI: 'false' })).toBe(false);
    expect(nativeRequired({})).toBe(false);
  });

  it('RELAXCERT_NATIVE=0 turns them off', () => {
    const saved = process.env.RELAXCERT_NATIVE;
    process.env.RELAXCERT_NATIVE = '0';
    try {
      expect(nativeKernels()).toBeUndefined();
      expect(nativeUnavailableReason()).toBe('RELAXCERT_NATIVE=0');
    } finally {
      if (saved === undefined) delete process.env.RELAXCERT_NATIVE;
      else process.env.RELAXCERT_NATIVE = saved;
    }
  });

  it('the app ships and unpacks the addon where the loader looks for it', () => {
    expect(config.files).toContain(NATIVE_ADDON);
    expect(config.asarUnpack).toContain(NATIVE_ADDON);
    const path = findAddon();
    if (path === undefined) return; // not built here: nothing more to check
    const rel = path.replace(/\\/g, '/');
    expect(rel.endsWith(NATIVE_ADDON.replace('*.node', 'relaxcert_kernels.node'))).toBe(true);
  });
});
