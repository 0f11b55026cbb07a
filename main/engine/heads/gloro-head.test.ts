import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { certify, toCertGuarantee } from '../../../shared/certify/index.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import { makeGloroHead } from './gloro-head.ts';
import { headSpec } from './head-spec.ts';
import { makeGloroHeadTf } from '../testing/gloro-head-tf.ts';
import { Rng } from '../rng.ts';
import { useBackend } from '../testing/use-backend.ts';

const C = 7;
const guarantees: Guarantee[] = [
  { kind: 'standard' },
  { kind: 'rtk', k: 3 },
  {
    kind: 'affinity',
    sets: [
      [0, 1],
      [1, 2, 3],
      [4, 5],
      [6, 0, 2, 4],
    ],
  },
];

function randomCase(seed: number, n: number): { f: Float32Array; k: Float32Array } {
  const rng = new Rng(seed);
  const f = Float32Array.from({ length: n * C }, () => rng.normal() * 2);
  const k = new Float32Array(C * C);
  for (let j = 0; j < C; j++) {
    for (let i = 0; i < j; i++) {
      k[j * C + i] = k[i * C + j] = 0.5 + 2 * rng.next();
    }
  }
  return { f, k };
}

const impls = [
  ['tfjs', makeGloroHeadTf],
  ['js', makeGloroHead],
] as const;

describe.each([
  ['cpu', ...impls[0]],
  ['wasm', ...impls[0]],
  ['wasm', ...impls[1]],
] as const)('GloRo heads on %s (%s implementation)', (backend, _name, makeHead) => {
  it.each(guarantees)('agree with the shared core (%o)', async (guarantee) => {
    await useBackend(backend);
    const n = 200;
    const { f, k } = randomCase(backend === 'cpu' ? 1 : 2, n);
    const head = makeHead(headSpec(guarantee, C));
    for (const epsilon of [0, 0.05, 0.3, 1]) {
      const g = tf.tidy(() => head.apply(tf.tensor2d(f, [n, C]), tf.tensor2d(k, [C, C]), epsilon));
      const gv = g.dataSync();
      g.dispose();
      const out = certify(
        { logits: f, n, c: C, lipschitz: k, epsilon },
        toCertGuarantee(guarantee, C),
      );
      let certified = 0;
      for (let p = 0; p < n; p++) {
        for (let i = 0; i < C; i++) expect(gv[p * (C + 1) + i]).toBe(f[p * C + i]);
        const want = out.bottom[p];
        const got = gv[p * (C + 1) + C];
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
        // argmax g ≠ ⊥ exactly when the core certifies (ties aside).
        const top = Math.max(...f.subarray(p * C, (p + 1) * C));
        if (Math.abs(top - got) > 1e-5) expect(top > got).toBe(out.certified[p] === 1);
        certified += out.certified[p];
      }
      if (epsilon === 0) expect(certified).toBe(n);
      if (epsilon === 0.3) expect(certified).toBeGreaterThan(0);
    }
  });
});

describe.each(impls)('GloRo head gradients (%s implementation)', (_name, makeHead) => {
  it.each(guarantees)('match central differences in f and K (%o)', async (guarantee) => {
    await useBackend('cpu');
    const n = 16;
    const { f, k } = randomCase(3, n);
    const head = makeHead(headSpec(guarantee, C));
    const rng = new Rng(9);
    const wts = tf.tensor2d(
      Float32Array.from({ length: n * (C + 1) }, () => rng.normal()),
      [n, C + 1],
    );
    const loss = (ft: tf.Tensor, kt: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(head.apply(ft as tf.Tensor2D, kt as tf.Tensor2D, 0.2), wts)) as tf.Scalar;
    const ft = tf.tensor2d(f, [n, C]);
    const kt = tf.tensor2d(k, [C, C]);
    const [gf, gk] = tf.grads(loss)([ft, kt]);
    const gfv = gf.dataSync();
    const gkv = gk.dataSync();
    for (const v of [...gfv, ...gkv]) expect(Number.isFinite(v)).toBe(true);
    // The head is piecewise linear: directional differences are exact away from kinks.
    const h = 1e-3;
    let checked = 0;
    for (let trial = 0; trial < 6; trial++) {
      const df = Float32Array.from(f, () => rng.normal());
      const dk = Float32Array.from(k, () => rng.normal());
      const at = (s: number): number =>
        tf.tidy(
          () =>
            loss(
              tf.tensor2d(
                f.map((v, i) => v + s * df[i]),
                [n, C],
              ),
              tf.tensor2d(
                k.map((v, i) => v + s * dk[i]),
                [C, C],
              ),
            ).dataSync()[0],
        );
      const numeric = (at(h) - at(-h)) / (2 * h);
      let analytic = 0;
      df.forEach((d, i) => (analytic += d * gfv[i]));
      dk.forEach((d, i) => (analytic += d * gkv[i]));
      expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
      checked++;
    }
    expect(checked).toBe(6);
    tf.dispose([ft, kt, gf, gk, wts]);
  });
});

describe('the two head implementations', () => {
  it.each(guarantees)('give the same outputs and gradients (%o)', async (guarantee) => {
    await useBackend('wasm');
    const n = 64;
    const { f, k } = randomCase(7, n);
    const spec = headSpec(guarantee, C);
    const rng = new Rng(2);
    const wts = tf.tensor2d(
      Float32Array.from({ length: n * (C + 1) }, () => rng.normal()),
      [n, C + 1],
    );
    const results = [makeGloroHeadTf(spec), makeGloroHead(spec)].map((head) => {
      const loss = (ft: tf.Tensor, kt: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(head.apply(ft as tf.Tensor2D, kt as tf.Tensor2D, 0.3), wts)) as tf.Scalar;
      const ft = tf.tensor2d(f, [n, C]);
      const kt = tf.tensor2d(k, [C, C]);
      const g = tf.tidy(() => head.apply(ft, kt, 0.3).dataSync());
      const [gf, gk] = tf.grads(loss)([ft, kt]);
      return { g, gf: gf.dataSync(), gk: gk.dataSync() };
    });
    const close = (a: ArrayLike<number>, b: ArrayLike<number>): void => {
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(b[i])));
    };
    close(results[1].g, results[0].g);
    close(results[1].gf, results[0].gf);
    close(results[1].gk, results[0].gk);
  });
});
