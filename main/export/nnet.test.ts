/**
 * The .nnet export read back with the project's own reader (main/data/nnet.ts): the ReLU rewrite
 * of MinMax computes the same function on random MinMax nets (float64 reference, 1e-9), the
 * engine's logits on a test set (1e-5), and an ACAS Xu export keeps the original header and
 * answers the same advisory.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import { makeBlobs2d } from '../data/blobs-2d.ts';
import { allInputs } from '../data/inputs.ts';
import { advisory, evaluateNnet, evaluateNormalised, parseNnet } from '../data/nnet.ts';
import { createRng } from '../data/rng.ts';
import { Network } from '../engine/model/network.ts';
import { useBackend } from '../engine/testing/use-backend.ts';
import type { NamedArray } from '../store/checkpoint-file.ts';
import { encodeNnet, reluLayers } from './nnet.ts';
import type { NnetInputs } from './nnet.ts';

type Rng = ReturnType<typeof createRng>;

function randomWeights(plan: LayerPlan, rng: Rng, gain = 2): NamedArray[] {
  const out: NamedArray[] = [];
  plan.layers.forEach((spec, index) => {
    if (spec.kind !== 'dense') return;
    const scale = gain / Math.sqrt(spec.inFeatures);
    out.push({
      name: `L${index}.w`,
      shape: [spec.inFeatures, spec.units],
      data: Float32Array.from(
        { length: spec.inFeatures * spec.units },
        () => (rng.next() - 0.5) * scale,
      ),
    });
    out.push({
      name: `L${index}.b`,
      shape: [spec.units],
      data: Float32Array.from({ length: spec.units }, () => rng.next() - 0.5),
    });
  });
  return out;
}

/** The MinMax network itself in float64: dense, then (min, max) of unit pairs j, j + u/2. */
function minMaxForward(plan: LayerPlan, weights: NamedArray[], x: ArrayLike<number>): number[] {
  const byName = new Map(weights.map((a) => [a.name, a.data]));
  let h = Array.from(x);
  plan.layers.forEach((spec, index) => {
    if (spec.kind === 'dense') {
      const w = byName.get(`L${index}.w`) as Float32Array;
      const b = byName.get(`L${index}.b`) as Float32Array;
      const z: number[] = [];
      for (let o = 0; o < spec.units; o++) {
        let s = b[o];
        for (let i = 0; i < spec.inFeatures; i++) s += h[i] * w[i * spec.units + o];
        z.push(s);
      }
      h = z;
    } else if (spec.kind === 'minmax') {
      const half = h.length / 2;
      const lo = h.slice(0, half).map((a, j) => Math.min(a, h[half + j]));
      const hi = h.slice(0, half).map((a, j) => Math.max(a, h[half + j]));
      h = [...lo, ...hi];
    }
  });
  return h;
}

const text = (chunks: Iterable<string>): string => [...chunks].join('');

function identityInputs(d: number): NnetInputs {
  return {
    mins: new Array(d).fill(-1e6),
    maxs: new Array(d).fill(1e6),
    means: new Array(d).fill(0),
    ranges: new Array(d).fill(1),
  };
}

describe('.nnet export', () => {
  it('rewrites MinMax exactly with ReLU on random MinMax nets', () => {
    const rng = createRng(42);
    for (let trial = 0; trial < 12; trial++) {
      const d = 1 + Math.floor(rng.next() * 6);
      const classes = 2 + Math.floor(rng.next() * 5);
      const width = 2 * (1 + Math.floor(rng.next() * 8));
      const depth = Math.floor(rng.next() * 4);
      const plan = buildLayerPlan({ name: 'dense-small', width, depth }, [d], classes);
      const weights = randomWeights(plan, rng);
      const net = parseNnet(
        text(
          encodeNnet({
            plan,
            weights,
            inputs: identityInputs(d),
            negateOutputs: false,
            comments: [],
          }),
        ),
        `trial ${trial}`,
      );
      // 5 ReLU neurons per MinMax pair.
      expect(net.layerSizes).toEqual([d, ...new Array(depth).fill((5 * width) / 2), classes]);
      for (let p = 0; p < 50; p++) {
        const x = Array.from({ length: d }, () => (rng.next() - 0.5) * 8);
        const want = minMaxForward(plan, weights, x);
        const got = evaluateNormalised(net, x);
        const scale = Math.max(1, ...want.map(Math.abs));
        for (let o = 0; o < classes; o++)
          expect(Math.abs(got[o] - want[o])).toBeLessThan(1e-9 * scale);
      }
    }
  });

  it('reads back to the engine logits on a test set (1e-5)', async () => {
    await useBackend('cpu');
    const data = makeBlobs2d(16, 200, 9);
    const plan = buildLayerPlan({ name: 'dense-3x1000', width: 24 }, data.inputShape, 12);
    const network = new Network(plan, 5);
    const rng = createRng(6);
    const arrays = (await network.exportArrays()).map((a) =>
      a.name.endsWith('.b') ? { ...a, data: Float32Array.from(a.data, () => rng.next() - 0.5) } : a,
    );
    network.importArrays(arrays);
    const x = allInputs(data.test);
    const n = data.test.n;
    const logitsTensor = tf.tidy(() => network.forward(tf.tensor(x, [n, 2])));
    const logits = (await logitsTensor.data()) as Float32Array;
    logitsTensor.dispose();
    network.dispose();
    const net = parseNnet(
      text(
        encodeNnet({
          plan,
          weights: arrays,
          inputs: identityInputs(2),
          negateOutputs: false,
          comments: ['t'],
        }),
      ),
      'engine.nnet',
    );
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const got = evaluateNormalised(net, x.subarray(2 * i, 2 * i + 2));
      for (let o = 0; o < 12; o++) worst = Math.max(worst, Math.abs(got[o] - logits[i * 12 + o]));
    }
    expect(Math.max(...logits.map(Math.abs))).toBeGreaterThan(1e-2);
    expect(worst).toBeLessThan(1e-5);
  });

  it('ACAS Xu: the original header, and the smallest output is the predicted class', () => {
    const rng = createRng(3);
    const plan = buildLayerPlan({ name: 'dense-3x1000', width: 10 }, [5], 5);
    // Gain 8: inputs normalised to about ±0.5 must still reach more than one class.
    const weights = randomWeights(plan, rng, 8);
    const inputs = {
      mins: [0, -3.14, -3.14, 100, 0],
      maxs: [60760, 3.14, 3.14, 1200, 1200],
      means: [19791, 0, 0, 650, 600],
      ranges: [60261, 6.28, 6.28, 1100, 1200],
    } satisfies NnetInputs;
    const net = parseNnet(
      text(encodeNnet({ plan, weights, inputs, negateOutputs: true, comments: ['ACAS Xu'] })),
      'acas.nnet',
    );
    expect(Array.from(net.inputMins)).toEqual(inputs.mins);
    expect(Array.from(net.inputMaxs)).toEqual(inputs.maxs);
    expect(Array.from(net.means)).toEqual([...inputs.means, 0]);
    expect(Array.from(net.ranges)).toEqual([...inputs.ranges, 1]);
    let agree = 0;
    const seen = new Set<number>();
    for (let p = 0; p < 300; p++) {
      const raw = inputs.mins.map((lo, k) => lo + (inputs.maxs[k] - lo) * rng.next());
      const normalised = raw.map((v, k) => (v - inputs.means[k]) / inputs.ranges[k]);
      const logits = minMaxForward(plan, weights, normalised);
      const out = evaluateNnet(net, raw);
      const predicted = logits.indexOf(Math.max(...logits));
      seen.add(predicted);
      if (advisory(out) === predicted) agree++;
      for (let o = 0; o < 5; o++) expect(Math.abs(out[o] + logits[o])).toBeLessThan(1e-9);
    }
    expect(agree).toBe(300);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('refuses convolutional networks and mismatched headers with a RelaxCertError', () => {
    const conv = buildLayerPlan({ name: 'cnn-c2f2', width: 2, depth: 0 }, [4, 4, 1], 3);
    expect(() => reluLayers(conv, [])).toThrow(/dense networks only.*ONNX/);
    const plan = buildLayerPlan({ name: 'dense-small', width: 4, depth: 1 }, [3], 2);
    const weights = randomWeights(plan, createRng(1));
    const bad = { ...identityInputs(3), means: [0, 0] };
    expect(() =>
      text(encodeNnet({ plan, weights, inputs: bad, negateOutputs: false, comments: [] })),
    ).toThrow(RelaxCertError);
    expect(() => reluLayers(plan, weights.slice(1))).toThrow(/lacks the weights of layer L0/);
  });
});
