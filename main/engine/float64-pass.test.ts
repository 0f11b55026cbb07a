/**
 * The float64 evaluation pass computes the network the tfjs layers compute: its logits equal an
 * independent float64 reference (testing/reference-forward.ts) to float32 rounding, and the
 * float32 tfjs forward pass to float32 accuracy, on every layer kind (dense, conv with 'same'
 * padding and stride 2 with an even kernel, MinMax, space-to-depth, flatten) and on fan-ins
 * that are not multiples of four.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { ArchitectureSpec } from '../../shared/config/experiment.ts';
import { soundLipschitz } from './evaluate.ts';
import { exactLogitsWithMeasurements, float64Network, layerWeights } from './float64-pass.ts';
import { exactLogitsInParallel } from './float64-parallel.ts';
import { Network } from './model/network.ts';
import { Rng } from './rng.ts';
import { referenceLogits } from './testing/reference-forward.ts';
import { useBackend } from './testing/use-backend.ts';
import { nativeKernels, nativeUnavailableReason } from './native/load.ts';
import { requireNativeUnderCi } from './testing/native-required.ts';

const cases: { name: string; arch: ArchitectureSpec; shape: number[]; c: number }[] = [
  { name: 'dense 7→30→30→3', arch: { name: 'dense-small', width: 30, depth: 2 }, shape: [7], c: 3 },
  {
    name: 'cnn-c2f2 8×8×3',
    arch: { name: 'cnn-c2f2', width: 2, depth: 1 },
    shape: [8, 8, 3],
    c: 4,
  },
  {
    name: 'cnn-6c2f 8×8×1',
    arch: { name: 'cnn-6c2f', width: 2, depth: 1 },
    shape: [8, 8, 1],
    c: 5,
  },
];

describe('float64 evaluation pass', () => {
  for (const k of cases) {
    it(`${k.name}: logits equal the float64 reference and the float32 network`, async () => {
      await useBackend('wasm');
      const plan = buildLayerPlan(k.arch, k.shape, k.c);
      const net = new Network(plan, 5);
      try {
        const rng = new Rng(9);
        // Non-zero biases, so a dropped bias or a wrong padding shows.
        const arrays = (await net.exportArrays()).map((a) =>
          a.name.endsWith('.b') ? { ...a, data: Float32Array.from(a.data, () => rng.normal()) } : a,
        );
        net.importArrays(arrays);
        const size = k.shape.reduce((a, b) => a * b, 1);
        const n = 7; // not a multiple of the block size
        const x = Float32Array.from({ length: n * size }, () => rng.normal());
        const split = { n, x, y: new Int32Array(n) };
        const sound = soundLipschitz(plan, arrays);
        const m = exactLogitsWithMeasurements(
          float64Network(plan, layerWeights(arrays)),
          split,
          sound.errorSpec,
          3,
        );
        const f32 = tf.tidy(() => net.forward(tf.tensor(x, [n, ...k.shape])).dataSync());
        const weights = layerWeights(arrays);
        for (let p = 0; p < n; p++) {
          const ref = referenceLogits(plan, weights, x.subarray(p * size, (p + 1) * size));
          for (let j = 0; j < k.c; j++) {
            const got = m.logits[p * k.c + j];
            // Float32 rounding of the float64 value (summation orders differ by ~1e-16).
            expect(Math.abs(got - ref[j])).toBeLessThanOrEqual(2 ** -24 * Math.abs(ref[j]) + 1e-12);
            expect(Math.abs(got - f32[p * k.c + j])).toBeLessThan(1e-4 * (1 + Math.abs(got)));
            // c_L = |W|·|a| + |b| bounds |f_j| from above.
            expect(Math.abs(ref[j])).toBeLessThanOrEqual(m.lastSums[p * k.c + j]);
          }
          for (const norms of m.hiddenNorms) expect(norms[p]).toBeGreaterThan(0);
          expect(m.inputMaxAbs[0][p]).toBe(
            Math.max(...Array.from(x.subarray(p * size, (p + 1) * size), Math.abs)),
          );
        }
      } finally {
        net.dispose();
      }
    });
  }
});

describe('float64 evaluation on several threads', () => {
  it('gives bit for bit what one thread gives', async () => {
    const plan = buildLayerPlan({ name: 'dense-small', width: 256, depth: 2 }, [100], 6);
    const rng = new Rng(4);
    const arrays = plan.layers.flatMap((l, index) =>
      l.kind === 'dense'
        ? [
            {
              name: `L${index}.w`,
              shape: [l.inFeatures, l.units],
              data: Float32Array.from({ length: l.inFeatures * l.units }, () => rng.normal() / 10),
            },
            {
              name: `L${index}.b`,
              shape: [l.units],
              data: Float32Array.from({ length: l.units }, () => rng.normal()),
            },
          ]
        : [],
    );
    const n = 1300; // not a multiple of the chunk size
    const split = {
      n,
      x: Float32Array.from({ length: n * 100 }, () => rng.normal()),
      y: new Int32Array(n),
    };
    const sound = soundLipschitz(plan, arrays);
    const weights = layerWeights(arrays);
    const one = exactLogitsWithMeasurements(float64Network(plan, weights), split, sound.errorSpec);
    const many = await exactLogitsInParallel(plan, weights, split, sound.errorSpec, {
      threads: 2,
      minWork: 0,
    });
    expect(many.logits).toEqual(one.logits);
    expect(many.lastSums).toEqual(one.lastSums);
    expect(many.hiddenNorms).toEqual(one.hiddenNorms);
    expect(many.inputMaxAbs).toEqual(one.inputMaxAbs);
  });
});

describe('float64 evaluation with and without the native kernels', () => {
  const native = nativeKernels()?.dualDots !== undefined;
  requireNativeUnderCi(native, nativeUnavailableReason() ?? 'the addon has no dualDots');
  it.runIf(native)('native dual dots give what the JavaScript loops give', () => {
    const plan = buildLayerPlan({ name: 'cnn-c2f2', width: 2, depth: 1 }, [8, 8, 3], 4);
    const rng = new Rng(12);
    const arrays = plan.layers.flatMap((l, index) => {
      if (l.kind !== 'dense' && l.kind !== 'conv') return [];
      const size =
        l.kind === 'dense' ? l.inFeatures * l.units : l.kernel ** 2 * l.inShape[2] * l.filters;
      const units = l.kind === 'dense' ? l.units : l.filters;
      return [
        {
          name: `L${index}.w`,
          shape: [size],
          data: Float32Array.from({ length: size }, () => rng.normal()),
        },
        {
          name: `L${index}.b`,
          shape: [units],
          data: Float32Array.from({ length: units }, () => rng.normal()),
        },
      ];
    });
    const n = 5;
    const split = {
      n,
      x: Float32Array.from({ length: n * 192 }, () => rng.normal()),
      y: new Int32Array(n),
    };
    const sound = soundLipschitz(plan, arrays);
    const weights = layerWeights(arrays);
    const withNative = exactLogitsWithMeasurements(
      float64Network(plan, weights),
      split,
      sound.errorSpec,
    );
    const saved = process.env.RELAXCERT_NATIVE;
    process.env.RELAXCERT_NATIVE = '0';
    try {
      const plain = exactLogitsWithMeasurements(
        float64Network(plan, weights),
        split,
        sound.errorSpec,
      );
      // The same sums in the same order: equal, up to a fused multiply-add the compiler may use.
      const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
        expect(a.length).toBe(b.length);
        for (let t = 0; t < a.length; t++) {
          expect(Math.abs(a[t] - b[t])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[t])));
        }
      };
      close(withNative.logits, plain.logits);
      close(withNative.lastSums, plain.lastSums);
      withNative.hiddenNorms.forEach((a, l) => close(a, plain.hiddenNorms[l]));
    } finally {
      if (saved === undefined) delete process.env.RELAXCERT_NATIVE;
      else process.env.RELAXCERT_NATIVE = saved;
    }
  });
});
