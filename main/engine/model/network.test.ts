import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Network } from './network.ts';
import { buildLayerPlan } from '../../../shared/config/layer-plan.ts';
import type { ArchitectureSpec, Guarantee } from '../../../shared/config/experiment.ts';
import { makeGloroHead } from '../heads/gloro-head.ts';
import { headSpec } from '../heads/head-spec.ts';
import { gloroCrossEntropy, tradesLoss } from '../train/losses.ts';
import { conv2dSpectralUpperBound, denseSpectralUpperBound } from '../bounds/index.ts';
import { soundLipschitz } from '../evaluate.ts';
import { Rng } from '../rng.ts';
import { useBackend } from '../testing/use-backend.ts';

function batch(inputShape: number[], n: number, c: number, seed: number) {
  const rng = new Rng(seed);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(
    Float32Array.from({ length: n * size }, () => rng.normal()),
    [n, ...inputShape],
  );
  const y = tf.tensor1d(
    Int32Array.from({ length: n }, (_, i) => i % c),
    'int32',
  );
  return { x, y };
}

const cases: Array<[string, ArchitectureSpec, number[], Guarantee, 'ce' | 'trades']> = [
  ['dense RTK', { name: 'dense-small', width: 8, depth: 2 }, [3], { kind: 'rtk', k: 2 }, 'ce'],
  [
    'dense affinity TRADES',
    { name: 'dense-small', width: 6, depth: 1 },
    [4],
    {
      kind: 'affinity',
      sets: [
        [0, 1],
        [2, 3],
      ],
    },
    'trades',
  ],
  [
    'conv standard',
    { name: 'cnn-c2f2', width: 2, depth: 0 },
    [4, 4, 2],
    { kind: 'standard' },
    'ce',
  ],
];

describe('network gradients (whole GloRo loss, Lipschitz terms included)', () => {
  it.each(cases)(
    '%s: finite and equal to central differences',
    async (_n, arch, inputShape, guarantee, loss) => {
      await useBackend('cpu');
      const c = 4;
      const net = new Network(buildLayerPlan(arch, inputShape, c), 3);
      net.powerIterate(20);
      const head = makeGloroHead(headSpec(guarantee, c));
      const { x, y } = batch(inputShape, 6, c, 5);
      const vars = net.trainableVariables();
      const lossFn = (): tf.Scalar => {
        // As training computes it: with the native kernels (required under CI) the hidden dense
        // layers' norm rows come out of the layers' own ops (denseWithNormRow).
        const { logits: f, k } = net.logitsAndLipschitz(x);
        const g = head.apply(f, k, 0.3);
        return loss === 'ce' ? gloroCrossEntropy(g, y) : tradesLoss(f, g, y, 0.7);
      };
      const { grads } = tf.variableGrads(lossFn, vars);
      const gradArrays = vars.map((v) => grads[v.name].dataSync());
      for (const a of gradArrays) for (const v of a) expect(Number.isFinite(v)).toBe(true);
      const rng = new Rng(8);
      const originals = vars.map((v) => v.dataSync().slice());
      // g is smooth only while the logits keep their order (a rank swap moves F^k, and g_⊥ jumps)
      // and away from MinMax kinks: skip directions whose steps reorder a row's logits, and shrink
      // the step until one agrees (float32 rounding bounds how small it can go).
      const order = (): string =>
        tf.tidy(() => {
          const f = net.forward(x).arraySync() as number[][];
          return f
            .map((row) =>
              row
                .map((v, i) => [v, i])
                .sort((a, b) => b[0] - a[0])
                .map((p) => p[1])
                .join(),
            )
            .join('|');
        });
      const base = order();
      let checked = 0;
      for (let trial = 0; trial < 12 && checked < 3; trial++) {
        const dirs = originals.map((o) => Float32Array.from(o, () => rng.normal()));
        const set = (s: number): void =>
          vars.forEach((v, i) =>
            v.assign(
              tf.tensor(
                originals[i].map((o, j) => o + s * dirs[i][j]),
                v.shape,
              ),
            ),
          );
        const at = (s: number): number => {
          set(s);
          return tf.tidy(() => lossFn().dataSync()[0]);
        };
        const steps = [1e-3, 3e-4, 1e-4];
        const reorders = steps.map((h) => [h, -h].some((s) => (set(s), order() !== base)));
        if (reorders.every((r) => r)) continue;
        let analytic = 0;
        dirs.forEach((d, i) => d.forEach((dv, j) => (analytic += dv * gradArrays[i][j])));
        const errors = steps
          .filter((_, i) => !reorders[i])
          .map((h) => Math.abs((at(h) - at(-h)) / (2 * h) - analytic));
        expect(Math.min(...errors)).toBeLessThan(2e-2 * Math.max(0.1, Math.abs(analytic)) + 2e-3);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
      vars.forEach((v, i) => v.assign(tf.tensor(originals[i], v.shape)));
      tf.dispose([x, y, ...Object.values(grads)]);
      net.dispose();
    },
  );
});

describe('network state', () => {
  it('same seed gives the same weights; another seed does not', async () => {
    await useBackend('cpu');
    const plan = buildLayerPlan({ name: 'dense-small', width: 6 }, [3], 3);
    const [a, b, c] = [1, 1, 2].map((s) => new Network(plan, s));
    const [wa, wb, wc] = await Promise.all([a, b, c].map((n) => n.exportArrays()));
    expect(wa).toEqual(wb);
    expect(wa[0].data).not.toEqual(wc[0].data);
    [a, b, c].forEach((n) => n.dispose());
  });

  it('refuses arrays of another model with a RelaxCertError naming the file', async () => {
    await useBackend('cpu');
    const small = new Network(buildLayerPlan({ name: 'dense-small', width: 6 }, [3], 3), 1);
    const wide = new Network(buildLayerPlan({ name: 'dense-small', width: 8 }, [3], 3), 1);
    const arrays = await small.exportArrays();
    const file = '/runs/r1/checkpoints/latest.ckpt';
    expect(() => wide.importArrays(arrays, file)).toThrow(
      expect.objectContaining({ code: 'CONFLICT', file, message: expect.stringContaining(file) }),
    );
    expect(() => wide.importArrays(arrays.slice(1), file)).toThrow(/lacks L0\.w/);
    small.importArrays(arrays, file);
    expect(await small.exportArrays()).toEqual(arrays);
    [small, wide].forEach((n) => n.dispose());
  });

  it('power iteration approaches the proven dense bound from below', async () => {
    await useBackend('wasm');
    const plan = buildLayerPlan({ name: 'dense-small', width: 40, depth: 2 }, [30], 5);
    const net = new Network(plan, 4);
    net.powerIterate(200);
    const norms = net.layerNorms();
    const arrays = await net.exportArrays();
    const bounds = [
      denseSpectralUpperBound(arrays[0].data, 30, 40),
      denseSpectralUpperBound(arrays[3].data, 40, 40),
    ];
    norms.forEach((est, i) => {
      expect(est).toBeLessThanOrEqual(bounds[i]);
      expect(est).toBeGreaterThan(0.99 * bounds[i]);
    });
    net.dispose();
  });

  it('conv power iteration and the training K stay below the proven bounds', async () => {
    await useBackend('wasm');
    const plan = buildLayerPlan({ name: 'cnn-c2f2', width: 4, depth: 0 }, [16, 16, 3], 4);
    const net = new Network(plan, 6);
    net.powerIterate(150);
    const norms = net.layerNorms();
    const arrays = await net.exportArrays();
    const convs = plan.layers.flatMap((l, i) => (l.kind === 'conv' ? [[l, i] as const] : []));
    convs.forEach(([l, i], n) => {
      if (l.kind !== 'conv') return;
      const w = arrays.find((a) => a.name === `L${i}.w`)!.data;
      const bound = conv2dSpectralUpperBound(
        w,
        { kh: l.kernel, kw: l.kernel, cin: l.inShape[2], cout: l.filters },
        { h: l.inShape[0], w: l.inShape[1] },
        { stride: l.stride, padding: l.padding },
      );
      expect(norms[n]).toBeLessThanOrEqual(bound);
      // (On tiny maps, e.g. 2×2, zero-padded borders make the true norm much smaller than the
      // circular bound; at 16×16 and 8×8 it is within a few %.)
      expect(norms[n]).toBeGreaterThan(0.95 * bound);
    });
    const sound = soundLipschitz(plan, arrays);
    const estimate = tf.tidy(() => net.lipschitzMatrix().k.dataSync());
    sound.k.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(estimate[i]));
    net.dispose();
  });

  it('a conv net takes a training step on WASM (custom conv gradients)', async () => {
    await useBackend('wasm');
    const net = new Network(
      buildLayerPlan({ name: 'cnn-c2f2', width: 4, depth: 1 }, [8, 8, 3], 5),
      1,
    );
    const head = makeGloroHead(headSpec({ kind: 'rtk', k: 2 }, 5));
    const { x, y } = batch([8, 8, 3], 4, 5, 2);
    net.powerIterate(2);
    const { value, grads } = tf.variableGrads(
      () => gloroCrossEntropy(head.apply(net.forward(x), net.lipschitzMatrix().k, 0.1), y),
      net.trainableVariables(),
    );
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    expect(Object.keys(grads)).toHaveLength(net.trainableVariables().length);
    tf.dispose([x, y, value, ...Object.values(grads)]);
    net.dispose();
  });
});

describe.each(['cpu', 'wasm'] as const)('prediction memory on %s', (backend) => {
  it('releases each activation once the next layer has it, with the logits of a taped pass', async () => {
    await useBackend(backend);
    const plan = buildLayerPlan({ name: 'cnn-c2f2', width: 8, depth: 1 }, [16, 16, 1], 4);
    const net = new Network(plan, 5);
    const { x } = batch([16, 16, 1], 32, 4, 6);
    const before = tf.memory();
    // Inside the caller's tidy, after the pass: only the logits are left, not the seven
    // activations (about 3.5 × the first conv layer's [32, 16, 16, 8] output) the tidy would
    // otherwise release only at its end.
    const logits = tf.tidy(() => {
      const f = net.forward(x);
      expect(tf.memory().numTensors - before.numTensors).toBe(1);
      expect(tf.memory().numBytes - before.numBytes).toBe(32 * 4 * 4);
      return Array.from(f.dataSync());
    });
    let taped: number[] = [];
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const f = net.forward(x);
        taped = Array.from(f.dataSync());
        return tf.sum(f);
      });
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(taped).toEqual(logits);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    x.dispose();
    net.dispose();
  });
});
