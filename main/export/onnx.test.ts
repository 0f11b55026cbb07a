/**
 * Round trip through a real ONNX reader: the exported model runs in ONNX Runtime on a test set
 * and must give the engine's logits (to 1e-5) for every architecture; the ⊥ head must give
 * shared/certify's g_⊥ for every kind of guarantee. ONNX Runtime is the WebAssembly build
 * (onnxruntime-web, which runs in Node): onnxruntime-node 1.30's install step downloads CUDA
 * libraries from a host other than the npm registry on Linux x64 and fails without it.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { Network } from '../engine/model/network.ts';
import { useBackend } from '../engine/testing/use-backend.ts';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import type { ArchitectureSpec } from '../../shared/config/experiment.ts';
import { certify, makeAffinitySets } from '../../shared/certify/index.ts';
import type { CertGuarantee } from '../../shared/certify/index.ts';
import { makeBlobs2d } from '../data/blobs-2d.ts';
import { makeShapes32 } from '../data/shapes-32.ts';
import { allInputs } from '../data/inputs.ts';
import { createRng } from '../data/rng.ts';
import { encodeOnnxModel, ONNX_GLORO, ONNX_INPUT, ONNX_LOGITS } from './onnx.ts';

// One thread: the test machines have two cores, shared with the rest of the suite.
ort.env.wasm.numThreads = 1;

/** A network with seeded weights and non-zero biases, its arrays and its logits on x. */
async function trainedLike(plan: LayerPlan, x: Float32Array, n: number, seed: number) {
  const net = new Network(plan, seed);
  const rng = createRng(seed + 1);
  const arrays = (await net.exportArrays()).map((a) =>
    a.name.endsWith('.b')
      ? { ...a, data: Float32Array.from(a.data, () => (rng.next() - 0.5) * 0.2) }
      : a,
  );
  net.importArrays(arrays);
  const logits = tf.tidy(() => net.forward(tf.tensor(x, [n, ...plan.inputShape])));
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  net.dispose();
  return { arrays, logits: values };
}

/** NHWC rows → NCHW rows (the ONNX layout of image inputs). */
function toNchw(x: Float32Array, n: number, [h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++)
          out[i * h * w * c + (ch * h + y) * w + xx] = x[i * h * w * c + (y * w + xx) * c + ch];
  return out;
}

async function runOnnx(bytes: Uint8Array, plan: LayerPlan, x: Float32Array, n: number) {
  const session = await ort.InferenceSession.create(bytes);
  const s = plan.inputShape;
  const input =
    s.length === 3
      ? new ort.Tensor('float32', toNchw(x, n, s), [n, s[2], s[0], s[1]])
      : new ort.Tensor('float32', x, [n, ...s]);
  const out = await session.run({ [ONNX_INPUT]: input });
  await session.release();
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const blobs = makeBlobs2d(16, 64, 3);
const shapes = makeShapes32(8, 24, 5);
const cases: Array<[string, ArchitectureSpec, typeof blobs]> = [
  ['dense-small', { name: 'dense-small', width: 16, depth: 3 }, blobs],
  ['dense-3x1000 (narrowed)', { name: 'dense-3x1000', width: 40 }, blobs],
  ['dense on images (flatten NHWC → NCHW)', { name: 'dense-small', width: 8, depth: 1 }, shapes],
  ['cnn-c2f2 (conv, space-to-depth)', { name: 'cnn-c2f2', width: 4, depth: 1 }, shapes],
  ['cnn-6c2f (strided 4×4 convs, odd pads)', { name: 'cnn-6c2f', width: 2, depth: 1 }, shapes],
];

describe('ONNX export', () => {
  it.each(cases)('%s: ONNX Runtime gives the engine logits to 1e-5', async (_, arch, data) => {
    await useBackend('cpu');
    const plan = buildLayerPlan(arch, data.inputShape, data.classNames.length);
    const n = data.test.n;
    const x = allInputs(data.test);
    const { arrays, logits } = await trainedLike(plan, x, n, 11);
    const bytes = encodeOnnxModel({ plan, weights: arrays, name: 'test', producerVersion: '0' });
    const out = await runOnnx(bytes, plan, x, n);
    expect(out[ONNX_LOGITS].dims).toEqual([n, plan.numClasses]);
    const got = out[ONNX_LOGITS].data as Float32Array;
    const scale = Math.max(...logits.map(Math.abs));
    expect(scale).toBeGreaterThan(1e-3); // not a network that outputs zeros
    expect(maxAbsDiff(got, logits)).toBeLessThan(1e-5 * Math.max(1, scale));
  });

  const c = 12; // shapes-32 classes
  const guarantees: Array<[string, CertGuarantee]> = [
    ['standard', { kind: 'standard' }],
    ['RT3', { kind: 'rtk', k: 3 }],
    [
      'affinity (overlapping sets)',
      {
        kind: 'affinity',
        sets: makeAffinitySets(
          [
            [0, 1, 2, 3],
            [3, 4],
            [5, 6, 7],
            [0, 8, 9, 10, 11],
          ],
          c,
        ),
      },
    ],
  ];
  it.each(guarantees)('%s: the gloro output is the logits and shared g_⊥', async (_, g) => {
    await useBackend('cpu');
    const plan = buildLayerPlan({ name: 'dense-small', width: 8, depth: 1 }, [5], c);
    const n = 200;
    const rng = createRng(7);
    const x = Float32Array.from({ length: n * 5 }, () => (rng.next() - 0.5) * 6);
    const { arrays, logits } = await trainedLike(plan, x, n, 3);
    const k = Float64Array.from({ length: c * c }, (_, t) =>
      t % (c + 1) === 0 ? 0 : 0.5 + rng.next(),
    );
    const epsilon = 0.05;
    const bytes = encodeOnnxModel({
      plan,
      weights: arrays,
      name: 'head',
      producerVersion: '0',
      head: { epsilon, guarantee: g, k },
    });
    const out = await runOnnx(bytes, plan, x, n);
    const gloro = out[ONNX_GLORO].data as Float32Array;
    expect(out[ONNX_GLORO].dims).toEqual([n, c + 1]);
    const expected = certify({ logits, n, c, lipschitz: k, epsilon }, g);
    let certified = 0;
    for (let i = 0; i < n; i++) {
      const row = gloro.subarray(i * (c + 1), (i + 1) * (c + 1));
      expect(maxAbsDiff(row.subarray(0, c), logits.subarray(i * c, (i + 1) * c))).toBeLessThan(
        1e-5,
      );
      expect(Math.abs(row[c] - expected.bottom[i])).toBeLessThan(1e-4);
      // Rejected (argmax = ⊥) exactly where shared/certify does not certify.
      const rejected = row[c] > Math.max(...row.subarray(0, c));
      if (Math.abs(expected.margin[i]) > 1e-4) expect(rejected).toBe(!expected.certified[i]);
      certified += expected.certified[i];
    }
    // Both outcomes occur, so the comparison above means something.
    expect(certified).toBeGreaterThan(0);
    expect(certified).toBeLessThan(n);
  });
});
