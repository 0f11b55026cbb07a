/**
 * The engine on the native kernels against its tfjs-only path (RELAXCERT_NATIVE=0): the dense
 * layer's values and gradients, power iterations, training to the same accuracy floor, the
 * backend string and the replica default.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { dense, denseTf, denseWithNormRow } from '../ops/dense.ts';
import { conv2d, conv2dBackpropInput, conv2dLinear } from '../ops/conv2d.ts';
import { spaceToDepth2 } from '../ops/space-to-depth.ts';
import type { ConvGeometry } from '../ops/conv2d.ts';
import { minMax, minMaxJs } from '../ops/minmax.ts';
import { useBackend } from '../testing/use-backend.ts';
import { maxRelDiff, randomTensor } from '../testing/tensors.ts';
import { clusters } from '../testing/synthetic.ts';
import { defaultReplicas, train } from '../train/trainer.ts';
import { selectBackend } from '../backend.ts';
import { buildLayerPlan } from '../../../shared/config/layer-plan.ts';
import { Network } from '../model/network.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';
import type { EpochMetrics } from '../../../shared/api/run-types.ts';
import { activeNative } from './matmul.ts';
import { nativeKernels, nativeUnavailableReason, shareNativeThreads } from './load.ts';
import { requireNativeUnderCi } from '../testing/native-required.ts';

const saved = process.env.RELAXCERT_NATIVE;
delete process.env.RELAXCERT_NATIVE;
const built = nativeKernels() !== undefined;
const missingWhy = nativeUnavailableReason();
if (!built) console.warn('SKIPPED native engine tests: the native addon is not built');

describe('native engine tests', () => {
  requireNativeUnderCi(built, missingWhy);
});

function setNative(on: boolean): void {
  if (on) delete process.env.RELAXCERT_NATIVE;
  else process.env.RELAXCERT_NATIVE = '0';
}
afterEach(() => setNative(true));
afterAll(() => {
  if (saved === undefined) delete process.env.RELAXCERT_NATIVE;
  else process.env.RELAXCERT_NATIVE = saved;
});

describe.skipIf(!built).each(['wasm', 'cpu'] as const)('native path on %s', (backend) => {
  it('dense: values and gradients equal the tfjs path (float32 rounding)', async () => {
    await useBackend(backend);
    expect(activeNative()).toBeDefined();
    // Odd sizes: partial tiles in every direction.
    const x = randomTensor([37, 70], 1);
    const w = randomTensor([70, 45], 2);
    const b = randomTensor([45], 3);
    const dy = randomTensor([37, 45], 4);
    const loss =
      (f: typeof dense) =>
      (...t: tf.Tensor[]): tf.Scalar =>
        tf.sum(tf.mul(f(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D), dy));
    const ours = tf.grads(loss(dense))([x, w, b]);
    const ref = tf.grads(loss(denseTf))([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxRelDiff(ours[i], ref[i])).toBeLessThan(1e-5);
    expect(
      maxRelDiff(
        dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
        denseTf(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
      ),
    ).toBeLessThan(1e-5);
    tf.dispose([x, w, b, dy, ...ours, ...ref]);
  });

  it.each([37, 256])(
    'dense with its norm row u·W (batch %i): values and gradients equal the two taken apart',
    async (n) => {
      await useBackend(backend);
      // Batch 256 makes W's gradient a product with k = 257 (one k block with its tail).
      const x = randomTensor([n, 70], 1);
      const w = randomTensor([70, 45], 2);
      const b = randomTensor([45], 3);
      const u = randomTensor([1, 70], 4);
      const dy = randomTensor([n, 45], 5);
      const dr = randomTensor([1, 45], 6);
      const apart = (xt: tf.Tensor2D, wt: tf.Tensor2D, bt: tf.Tensor1D) => ({
        y: denseTf(xt, wt, bt),
        r: tf.matMul(u as tf.Tensor2D, wt) as tf.Tensor2D,
      });
      const fused = (xt: tf.Tensor2D, wt: tf.Tensor2D, bt: tf.Tensor1D) =>
        denseWithNormRow(xt, wt, bt, u as tf.Tensor2D);
      for (const useRow of [true, false]) {
        // Without the row in the loss its gradient is zero (tfjs fills it in).
        const loss =
          (f: typeof fused) =>
          (...t: tf.Tensor[]): tf.Scalar => {
            const { y, r } = f(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D);
            const value = tf.sum(tf.mul(y, dy));
            return (useRow ? tf.add(value, tf.sum(tf.mul(r, dr))) : value) as tf.Scalar;
          };
        const ours = tf.grads(loss(fused))([x, w, b]);
        const ref = tf.grads(loss(apart))([x, w, b]);
        for (let i = 0; i < 3; i++) expect(maxRelDiff(ours[i], ref[i])).toBeLessThan(1e-5);
        // Without the input gradient: zeros for x, the same bits for W and b.
        const noDx = tf.grads(
          loss((xt, wt, bt) =>
            denseWithNormRow(xt, wt, bt, u as tf.Tensor2D, { inputGradient: false }),
          ),
        )([x, w, b]);
        expect([...noDx[0].dataSync()]).toEqual(new Array(x.size).fill(0));
        for (let i = 1; i < 3; i++)
          expect([...noDx[i].dataSync()]).toEqual([...ours[i].dataSync()]);
        tf.dispose([...ours, ...ref, ...noDx]);
      }
      const before = tf.memory().numTensors;
      const out = fused(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D);
      const ref = apart(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D);
      expect(maxRelDiff(out.y, ref.y)).toBeLessThan(1e-5);
      expect(maxRelDiff(out.r, ref.r)).toBeLessThan(1e-5);
      tf.dispose([out.y, out.r, ref.y, ref.r]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, b, u, dy, dr]);
    },
  );

  const geometries: Array<[number[], ConvGeometry, number]> = [
    [[2, 8, 8, 3], { kh: 3, kw: 3, stride: 1, padding: 'same' }, 4],
    [[2, 9, 7, 2], { kh: 3, kw: 3, stride: 1, padding: 'valid' }, 5],
    [[2, 10, 10, 3], { kh: 4, kw: 4, stride: 2, padding: 'same' }, 6],
    [[1, 9, 11, 2], { kh: 4, kw: 4, stride: 2, padding: 'valid' }, 2],
    [[3, 7, 7, 2], { kh: 3, kw: 3, stride: 2, padding: 'same' }, 2],
    // 9,216 positions × 144 > 2^20 im2col values: two chunks (conv.cc).
    [[16, 24, 24, 16], { kh: 3, kw: 3, stride: 1, padding: 'same' }, 8],
    // 16 channels in and out, 8·5·5 = 200 tiles: Winograd (winograd.cc), partial tiles.
    [[8, 10, 9, 16], { kh: 3, kw: 3, stride: 1, padding: 'same' }, 16],
  ];

  it.each(geometries)(
    'conv %j %j: values and gradients equal the tfjs path',
    async (xs, g, cout) => {
      await useBackend(backend);
      const x = randomTensor(xs, 7) as tf.Tensor4D;
      const f = randomTensor([g.kh, g.kw, xs[3], cout], 8) as tf.Tensor4D;
      const b = randomTensor([cout], 9) as tf.Tensor1D;
      const run = (tfOnly: boolean) => {
        const y = conv2d(x, f, b, g, { tfOnly });
        const dy = randomTensor(y.shape, 10);
        const grads = tf.grads((a, c, d) =>
          tf.sum(
            tf.mul(conv2d(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, g, { tfOnly }), dy),
          ),
        )([x, f, b]);
        return [y, ...grads];
      };
      const ours = run(false);
      const ref = run(true);
      for (let i = 0; i < ref.length; i++) expect(maxRelDiff(ours[i], ref[i])).toBeLessThan(1e-5);
      // The bias-free operator and its adjoint (power iteration) take the native path too.
      const [, h, w] = xs;
      const dy = randomTensor(ours[0].shape, 11) as tf.Tensor4D;
      const pairs = [false, true].map((tfOnly) => [
        conv2dLinear(x, f, g, tfOnly),
        conv2dBackpropInput(dy, f, h, w, g, tfOnly),
      ]);
      for (let i = 0; i < 2; i++) expect(maxRelDiff(pairs[0][i], pairs[1][i])).toBeLessThan(1e-5);
      tf.dispose([x, f, b, dy, ...ours, ...ref, ...pairs.flat()]);
    },
  );

  it('space-to-depth: the native copy equals the tfjs transpose exactly, gradient included', async () => {
    await useBackend(backend);
    expect(activeNative()?.spaceToDepth2).toBeDefined();
    const x = randomTensor([3, 6, 4, 5], 12) as tf.Tensor4D;
    const dy = randomTensor([3, 3, 2, 20], 13);
    const f = (tfOnly: boolean) => (t: tf.Tensor) =>
      tf.sum(tf.mul(spaceToDepth2(t as tf.Tensor4D, tfOnly), dy));
    for (const [ours, ref] of [
      [spaceToDepth2(x), spaceToDepth2(x, true)],
      [tf.grad(f(false))(x), tf.grad(f(true))(x)],
    ]) {
      expect(ours.shape).toEqual(ref.shape);
      expect([...ours.dataSync()]).toEqual([...ref.dataSync()]);
    }
    expect(() => spaceToDepth2(randomTensor([1, 3, 4, 2], 14) as tf.Tensor4D)).toThrow(/even/);
  });

  it('MinMax: the native pass equals the JavaScript pass exactly, gradient included', async () => {
    await useBackend(backend);
    const x = randomTensor([3, 5, 8], 5);
    const dy = randomTensor([3, 5, 8], 6);
    const f = (mm: typeof minMax) => (t: tf.Tensor) => tf.sum(tf.mul(mm(t), dy));
    expect([...minMax(x).dataSync()]).toEqual([...minMaxJs(x).dataSync()]);
    expect([...tf.grad(f(minMax))(x).dataSync()]).toEqual([...tf.grad(f(minMaxJs))(x).dataSync()]);
  });

  it.each([
    ['dense', buildLayerPlan({ name: 'dense-small', width: 24, depth: 2 }, [3], 4)],
    ['conv', buildLayerPlan({ name: 'cnn-c2f2', width: 4, depth: 1 }, [8, 8, 3], 4)],
  ])('%s: power iteration and Lipschitz estimates agree with the tfjs path', async (_, plan) => {
    await useBackend(backend);
    setNative(true);
    const estimate = (): Float32Array => {
      const net = new Network(plan, 3);
      net.powerIterate(5);
      const k = tf.tidy(() => net.lipschitzMatrix().k);
      const out = k.dataSync() as Float32Array;
      k.dispose();
      net.dispose();
      return out;
    };
    const native = estimate();
    setNative(false);
    const plain = estimate();
    for (let i = 0; i < native.length; i++) expect(native[i]).toBeCloseTo(plain[i], 4);
  });
});

const dataset = clusters({ classes: 6, trainSize: 480, testSize: 240, spread: 0.1, seed: 11 });
const config: ExperimentConfig = {
  name: 't',
  dataset: { kind: 'blobs-2d' },
  architecture: { name: 'dense-small', width: 32, depth: 2 },
  guarantee: { kind: 'standard' },
  training: {
    epochs: 4,
    batchSize: 48,
    learningRate: '5e-3',
    loss: 'crossentropy',
    epsilon: 0.1,
    powerIterations: 2,
    seed: 21,
  },
};

async function trainVra(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'rc-native-'));
  try {
    const epochs: EpochMetrics[] = [];
    const result = await train(
      { runId: 'r', runDir: dir, config, dataset, resume: false, replicas: 1 },
      {
        progress: () => {},
        epoch: (m) => epochs.push(m),
        log: () => {},
        isCancelled: () => false,
      },
    );
    result.net?.dispose();
    return epochs[epochs.length - 1].estimatedStandardVra;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!built)('native threads shared between replicas', () => {
  it('gives each replica cores ÷ replicas threads, at least one, under the cap', () => {
    const k = nativeKernels();
    if (k === undefined) throw new Error('unreachable: built');
    const hardware = k.info().hardwareThreads;
    const cap = process.env.RELAXCERT_NATIVE_THREADS;
    try {
      delete process.env.RELAXCERT_NATIVE_THREADS;
      shareNativeThreads(2);
      expect(k.info().threads).toBe(Math.max(1, Math.floor(hardware / 2)));
      shareNativeThreads(2 * hardware);
      expect(k.info().threads).toBe(1);
      shareNativeThreads(1);
      expect(k.info().threads).toBe(hardware);
      process.env.RELAXCERT_NATIVE_THREADS = '1';
      shareNativeThreads(1);
      expect(k.info().threads).toBe(1);
    } finally {
      if (cap === undefined) delete process.env.RELAXCERT_NATIVE_THREADS;
      else process.env.RELAXCERT_NATIVE_THREADS = cap;
      shareNativeThreads(1);
    }
  });
});

describe.skipIf(!built)('training through the native kernels', () => {
  it('reaches the same VRA floor as the tfjs path, leaking no tensors', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const native = await trainVra();
    expect(tf.memory().numTensors).toBe(before);
    setNative(false);
    const plain = await trainVra();
    // Chance is 1/6 (the floor of trainer.test.ts); both paths train the same network.
    expect(native).toBeGreaterThan(0.6);
    expect(plain).toBeGreaterThan(0.6);
    expect(Math.abs(native - plain)).toBeLessThan(0.1);
  });

  it('names the native kernels in the backend string; one replica with them, two without', async () => {
    const info = await selectBackend('wasm');
    expect(info.description).toMatch(
      /^wasm \(SIMD, 1 thread\) \+ native kernels \(.+, \d+ threads?\)$/,
    );
    // The kernels use every core: a second replica only adds barriers (measured slower).
    expect(defaultReplicas('wasm')).toBe(1);
    setNative(false);
    expect((await selectBackend('wasm')).description).toBe('wasm (SIMD, 1 thread)');
    // Without them a second core trains a second replica.
    expect(defaultReplicas('wasm')).toBe(availableParallelism() >= 2 ? 2 : 1);
  });
});
