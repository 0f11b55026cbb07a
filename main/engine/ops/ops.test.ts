import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dense, denseTf } from './dense.ts';
import { conv2d, convPads } from './conv2d.ts';
import type { ConvGeometry } from './conv2d.ts';
import { minMax, minMaxTf } from './minmax.ts';
import { spaceToDepth2 } from './space-to-depth.ts';
import { logSumExpRows } from './log-sum-exp.ts';
import { estimatedLipschitz } from './estimated-lipschitz.ts';
import { softmaxCrossEntropy } from './softmax-cross-entropy.ts';
import { useBackend } from '../testing/use-backend.ts';
import { maxRelDiff, randomTensor } from '../testing/tensors.ts';

/** Reference gradients from tfjs' own ops on the CPU backend. */
async function reference<T>(fn: () => T): Promise<T> {
  const before = tf.getBackend();
  await useBackend('cpu');
  try {
    return fn();
  } finally {
    await useBackend(before as 'cpu' | 'wasm');
  }
}

const geometries: Array<[number[], ConvGeometry, number]> = [
  [[2, 8, 8, 3], { kh: 3, kw: 3, stride: 1, padding: 'same' }, 4],
  [[2, 9, 7, 2], { kh: 3, kw: 3, stride: 1, padding: 'valid' }, 4],
  [[2, 10, 10, 3], { kh: 4, kw: 4, stride: 2, padding: 'same' }, 6],
  [[1, 9, 11, 2], { kh: 4, kw: 4, stride: 2, padding: 'valid' }, 2],
  [[1, 7, 7, 2], { kh: 3, kw: 3, stride: 2, padding: 'same' }, 2],
];

/** The training Lipschitz estimate as tfjs ops (the engine's formulation before the custom op). */
function lipschitzReference(
  w: tf.Tensor2D,
  rows: tf.Tensor[],
): { k: tf.Tensor; prefix: tf.Tensor } {
  let prefix: tf.Tensor = tf.scalar(1);
  for (const r of rows) prefix = tf.mul(prefix, tf.sqrt(tf.sum(tf.square(r))));
  const c = w.shape[1];
  const g = tf.matMul(tf.transpose(w), w);
  const sq = tf.sum(tf.square(w), 0);
  const d2 = tf.sub(tf.add(tf.reshape(sq, [c, 1]), tf.reshape(sq, [1, c])), tf.mul(g, 2));
  const eye = tf.eye(c);
  const dist = tf.mul(tf.sqrt(tf.add(tf.relu(d2), eye)), tf.sub(1, eye));
  return { k: tf.mul(dist, prefix), prefix };
}

describe.each(['cpu', 'wasm'] as const)('custom-gradient ops on %s', (backend) => {
  it('dense matches tfjs autodiff', async () => {
    await useBackend(backend);
    const x = randomTensor([5, 7], 1);
    const w = randomTensor([7, 4], 2);
    const b = randomTensor([4], 3);
    const dy = randomTensor([5, 4], 4);
    const ours = tf.grads((x, w, b) =>
      tf.sum(tf.mul(dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), dy)),
    )([x, w, b]);
    const xs = x.dataSync();
    const theirs = await reference(() =>
      tf
        .grads((x, w, b) =>
          tf.sum(tf.mul(tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b), dy)),
        )([
          tf.tensor(xs, x.shape),
          tf.tensor(w.dataSync(), w.shape),
          tf.tensor(b.dataSync(), b.shape),
        ])
        .map((t) => ({ shape: t.shape, data: t.dataSync() })),
    );
    ours.forEach((g, i) =>
      expect(maxRelDiff(g, tf.tensor(theirs[i].data, theirs[i].shape))).toBeLessThan(1e-5),
    );
    // Without the input gradient: zeros for x, the same W and b gradients, on the engine's path
    // (native where built) and on the tfjs-only one.
    for (const op of [dense, denseTf]) {
      const withDx = tf.grads((x, w, b) =>
        tf.sum(tf.mul(op(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), dy)),
      )([x, w, b]);
      const noDx = tf.grads((x, w, b) =>
        tf.sum(
          tf.mul(
            op(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, { inputGradient: false }),
            dy,
          ),
        ),
      )([x, w, b]);
      expect([...noDx[0].dataSync()]).toEqual(new Array(x.size).fill(0));
      expect([...noDx[1].dataSync()]).toEqual([...withDx[1].dataSync()]);
      expect([...noDx[2].dataSync()]).toEqual([...withDx[2].dataSync()]);
    }
  });

  it.each(geometries)('conv2d %o %o matches tfjs autodiff', async (xShape, g, cout) => {
    await useBackend(backend);
    const x = randomTensor(xShape, 5);
    const f = randomTensor([g.kh, g.kw, xShape[3], cout], 6);
    const b = randomTensor([cout], 7);
    const p = convPads(xShape[1], xShape[2], g);
    const dy = randomTensor([xShape[0], p.outH, p.outW, cout], 8);
    const y = conv2d(x as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, g);
    const ours = tf.grads((x, f, b) =>
      tf.sum(tf.mul(conv2d(x as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, g), dy)),
    )([x, f, b]);
    const [xa, fa, ba, dya] = [x, f, b, dy].map((t) => ({ s: t.shape, d: t.dataSync() }));
    const theirs = await reference(() => {
      const [xt, ft, bt, dyt] = [xa, fa, ba, dya].map((t) => tf.tensor(t.d, t.s));
      const fwd = (x: tf.Tensor, f: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.add(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, g.stride, g.padding), b);
      const yRef = fwd(xt, ft, bt);
      const grads = tf.grads((x, f, b) => tf.sum(tf.mul(fwd(x, f, b), dyt)))([xt, ft, bt]);
      return [yRef, ...grads].map((t) => ({ shape: t.shape, data: t.dataSync() }));
    });
    expect(maxRelDiff(y, tf.tensor(theirs[0].data, theirs[0].shape))).toBeLessThan(1e-5);
    ours.forEach((gr, i) =>
      expect(maxRelDiff(gr, tf.tensor(theirs[i + 1].data, theirs[i + 1].shape))).toBeLessThan(1e-4),
    );
  });

  it.each([false, true])(
    'conv2d without an input gradient (tfOnly %s): zeros for x, the same filter and bias gradients',
    async (tfOnly) => {
      await useBackend(backend);
      const [xShape, g, cout] = geometries[0];
      const x = randomTensor(xShape, 12);
      const f = randomTensor([g.kh, g.kw, xShape[3], cout], 13);
      const b = randomTensor([cout], 14);
      const dy = randomTensor([...xShape.slice(0, 3), cout], 15);
      const grads = (inputGradient: boolean) =>
        tf
          .grads((x, f, b) =>
            tf.sum(
              tf.mul(
                conv2d(x as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, g, {
                  tfOnly,
                  inputGradient,
                }),
                dy,
              ),
            ),
          )([x, f, b])
          .map((t) => Array.from(t.dataSync()));
      const all = grads(true);
      const some = grads(false);
      expect(all[0].some((v) => v !== 0)).toBe(true);
      expect(some[0]).toEqual(all[0].map(() => 0));
      expect(some.slice(1)).toEqual(all.slice(1));
    },
  );

  it.each([
    ['js', minMax],
    ['tfjs', minMaxTf],
  ] as const)('MinMax (%s) pairs channel halves, permutes, routes gradients', async (_n, mm) => {
    await useBackend(backend);
    const x = tf.tensor2d([[1, -2, 3, 0.5, 5, -1]]); // halves [1,-2,3] and [0.5,5,-1]
    expect(Array.from(mm(x).dataSync())).toEqual([0.5, -2, -1, 1, 5, 3]);
    const dy = tf.tensor2d([[10, 20, 30, 40, 50, 60]]);
    const dx = tf.grad((x) => tf.sum(tf.mul(mm(x), dy)))(x);
    // min of pair 0 is x[3], max is x[0]; pair 1: min x[1], max x[4]; pair 2: min x[5], max x[2].
    expect(Array.from(dx.dataSync())).toEqual([40, 20, 60, 10, 50, 30]);
    const img = randomTensor([2, 3, 3, 4], 9);
    const out = mm(img);
    const sorted = (t: tf.Tensor): number[] => Array.from(t.dataSync()).sort((a, b) => a - b);
    expect(sorted(out)).toEqual(sorted(img));
    // Both implementations agree, forward and backward, on a larger tensor.
    const big = randomTensor([3, 5, 5, 8], 10);
    const dyBig = randomTensor([3, 5, 5, 8], 11);
    const g = (f: typeof minMax) =>
      tf
        .grad((x) => tf.sum(tf.mul(f(x), dyBig)))(big)
        .dataSync();
    expect(Array.from(minMax(big).dataSync())).toEqual(Array.from(minMaxTf(big).dataSync()));
    expect(Array.from(g(minMax))).toEqual(Array.from(g(minMaxTf)));
  });

  it('logSumExpRows: its value and gradient dy·softmax against float64, far outside exp’s range too', async () => {
    await useBackend(backend);
    const n = 4;
    const m = 7;
    const base = randomTensor([n, m], 9).dataSync();
    // Rows shifted by 0, +100, −100 and +1000: exp alone would overflow or flush to zero.
    const shifts = [0, 100, -100, 1000];
    const xs = Float32Array.from(base, (v, i) => v + shifts[Math.floor(i / m)]);
    const dys = Float32Array.from(randomTensor([n], 10).dataSync());
    const x = tf.tensor2d(xs, [n, m]);
    const value = logSumExpRows(x);
    const [grad] = tf.grads((x) =>
      tf.sum(tf.mul(logSumExpRows(x as tf.Tensor2D), tf.tensor1d(dys))),
    )([x]);
    const got = value.dataSync();
    const g = grad.dataSync();
    for (let i = 0; i < n; i++) {
      const row = Array.from(xs.subarray(i * m, (i + 1) * m));
      const top = Math.max(...row);
      const lse = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
      expect(Math.abs(got[i] - lse), `row ${i}`).toBeLessThanOrEqual(
        1e-6 * Math.max(1, Math.abs(lse)),
      );
      row.forEach((v, j) =>
        expect(
          Math.abs(g[i * m + j] - dys[i] * Math.exp(v - lse)),
          `row ${i}, column ${j}`,
        ).toBeLessThan(1e-5),
      );
    }
  });

  it.each(['native kernels', 'tfjs only'])(
    'estimatedLipschitz (%s): K, the prefix and their gradients equal the tfjs formulation',
    async (path) => {
      await useBackend(backend);
      const saved = process.env.RELAXCERT_NATIVE;
      if (path === 'tfjs only') process.env.RELAXCERT_NATIVE = '0';
      try {
        const w = randomTensor([37, 11], 21);
        // Rows of a dense layer, a conv layer (an image) and another dense layer.
        const rows = [
          randomTensor([1, 20], 22),
          randomTensor([1, 4, 4, 3], 23),
          randomTensor([1, 7], 24),
        ];
        const dk = randomTensor([11, 11], 25);
        const dp = randomTensor([], 26);
        const loss =
          (f: (w: tf.Tensor2D, rows: tf.Tensor[]) => { k: tf.Tensor; prefix: tf.Tensor }) =>
          (...t: tf.Tensor[]): tf.Scalar => {
            const { k, prefix } = f(t[0] as tf.Tensor2D, t.slice(1));
            return tf.add(tf.sum(tf.mul(k, dk)), tf.mul(prefix, dp)) as tf.Scalar;
          };
        const ours = estimatedLipschitz(w as tf.Tensor2D, rows);
        const ref = lipschitzReference(w as tf.Tensor2D, rows);
        expect(maxRelDiff(ours.k, ref.k)).toBeLessThan(1e-5);
        expect(maxRelDiff(ours.prefix, ref.prefix)).toBeLessThan(1e-5);
        const g = tf.grads(loss(estimatedLipschitz))([w, ...rows]);
        const gRef = tf.grads(loss(lipschitzReference))([w, ...rows]);
        g.forEach((t, i) => expect(maxRelDiff(t, gRef[i])).toBeLessThan(1e-4));
        // Two equal class columns and a zero row: K is 0 for the pair, every gradient finite.
        const twin = tf.concat([w, tf.slice(w, [0, 3], [37, 1])], 1) as tf.Tensor2D;
        const zero = [...rows, tf.zeros([1, 5])];
        const degenerate = estimatedLipschitz(twin, zero);
        expect(degenerate.k.arraySync() as number[][]).toSatisfy((k: number[][]) =>
          k.every((row) => row.every((v) => v === 0)),
        );
        const twinK = estimatedLipschitz(twin, rows).k.arraySync() as number[][];
        expect(twinK[3][11]).toBe(0);
        expect(twinK[11][3]).toBe(0);
        expect(twinK[3][4]).toBeGreaterThan(0);
        const dk12 = randomTensor([12, 12], 27);
        const gTwin = tf.grads((...t: tf.Tensor[]) =>
          tf.sum(tf.mul(estimatedLipschitz(t[0] as tf.Tensor2D, t.slice(1)).k, dk12)),
        )([twin, ...zero]);
        for (const t of gTwin) expect(t.dataSync().every(Number.isFinite)).toBe(true);
      } finally {
        if (saved === undefined) delete process.env.RELAXCERT_NATIVE;
        else process.env.RELAXCERT_NATIVE = saved;
      }
    },
  );

  it('softmaxCrossEntropy: its value and gradient (softmax − one-hot)/n against float64, rows far outside exp’s range too', async () => {
    await useBackend(backend);
    const n = 7;
    const m = 6;
    const rows = (randomTensor([n, m], 31).arraySync() as number[][]).map((row, i) =>
      // Shifted by ±100 and +1000: exp of the raw values would overflow or vanish in float32.
      row.map((v) => Math.fround(3 * v + [0, 100, -100, 1000, 0, 0, 0][i])),
    );
    const labels = [0, 5, 2, 3, 1, 4, 0];
    const x = tf.tensor2d(rows);
    const y = tf.tensor1d(labels, 'int32');
    const exact = rows.map((row, i) => {
      const max = Math.max(...row);
      const sum = row.reduce((a, v) => a + Math.exp(v - max), 0);
      const softmax = row.map((v) => Math.exp(v - max) / sum);
      return { loss: max + Math.log(sum) - row[labels[i]], softmax };
    });
    const expected = exact.reduce((a, r) => a + r.loss, 0) / n;
    const value = softmaxCrossEntropy(x, y).dataSync()[0];
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
    const dy = 0.75;
    const grad = tf.grad((t) => tf.mul(softmaxCrossEntropy(t as tf.Tensor2D, y), dy))(x);
    const g = grad.arraySync() as number[][];
    exact.forEach((r, i) =>
      r.softmax.forEach((p, j) =>
        expect(Math.abs(g[i][j] - (dy * (p - (j === labels[i] ? 1 : 0))) / n)).toBeLessThan(1e-7),
      ),
    );
    expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, 1, 2, 3, 4, 6, 0], 'int32'))).toThrow(
      /label 6 of row 5 is not a class of 0\.\.5/,
    );
    expect(() => softmaxCrossEntropy(x, tf.tensor1d([0, 1], 'int32'))).toThrow(/7 rows/);
  });

  it('space-to-depth is a permutation with the 2×2 block layout', async () => {
    await useBackend(backend);
    const x = tf.tensor4d(
      Float32Array.from({ length: 16 }, (_, i) => i),
      [1, 4, 4, 1],
    );
    const y = spaceToDepth2(x);
    expect(y.shape).toEqual([1, 2, 2, 4]);
    expect(Array.from(y.dataSync()).slice(0, 4)).toEqual([0, 1, 4, 5]);
  });
});
