/**
 * The per-point rounding-error bounds (bounds/float-error.ts + float64-pass.ts) against the exact
 * network (an independent float64 reference) and the float32 network (tfjs), on crafted
 * networks built to defeat float32 and on random networks: every certificate of the float32
 * claim must be one the exact arithmetic and the float32 network both confirm, and every
 * certificate of the exact claim one the exact arithmetic confirms.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import type { ArchitectureSpec } from '../../shared/config/experiment.ts';
import { certifiedRadius, certify } from '../../shared/certify/index.ts';
import { evaluationArtifacts, soundLipschitz } from './evaluate.ts';
import { roundingErrorBounds } from './bounds/float-error.ts';
import { exactLogitsWithMeasurements, float64Network } from './float64-pass.ts';
import type { Network } from './model/network.ts';
import { Rng } from './rng.ts';
import { config, dataset, networkWith, randomWeights } from './testing/chosen-weights.ts';
import type { Weights } from './testing/chosen-weights.ts';
import { referenceLogits } from './testing/reference-forward.ts';
import { useBackend } from './testing/use-backend.ts';

/**
 * Networks whose exact logit difference is f_0 − f_1 = s·x_0 − h/4, with h = ulp(B) in float32,
 * but whose float32 evaluation adds an offset B to s·x_0 and cancels it later: float32 rounds
 * s·x_0 + B to B below s·x_0 = h/2, so its decision boundary (x_0 = 2t) is not the exact one
 * (x_0 = t = h/4/s), and between them the float32 network answers the other class.
 * - 'last': the logit layer adds B to both logits (f_0 = s·x_0 + B, f_1 = h/4 + B); the
 *   stored logits are of size B, so their float32 rounding already costs h.
 * - 'sum': no hidden layer; the input x_1 ≈ B and the bias −x_1 cancel inside the logit layer's
 *   sum: the logits stay small, and only the last layer's own rounding
 *   term of the bound sees it.
 * - 'hidden': 2 → 4 → MinMax → 4 → MinMax → 2; the first layer adds B (units s·x_0 + B, B, −B,
 *   −B), the second subtracts it again (y_0 = (s·x_0 + B) − B), the logit layer sees small
 *   values only: only the hidden-layer terms of the bound see it.
 * MinMax pairs unit k with unit k + 2 and outputs [min, min, max, max] (ops/minmax.ts).
 */
function offsetNet(
  B: number,
  s: number,
  where: 'last' | 'sum' | 'hidden',
): { plan: LayerPlan; weights: Weights; t: number; x1?: number } {
  const h = B === 0 ? 0 : 2 ** (Math.floor(Math.log2(B)) - 23);
  const t = B === 0 ? 0 : h / 4 / s;
  const f32 = (v: number[]): Float32Array => Float32Array.from(v);
  if (where === 'last') {
    const plan = buildLayerPlan({ name: 'dense-small', width: 4, depth: 1 }, [2], 2);
    const weights: Weights = new Map([
      // z = [s·x_0, h/4, −4h, −4h] → MinMax maxima s·x_0 and h/4 (s·x_0 > −4h for our points).
      [0, { w: f32([s, 0, 0, 0, 0, 0, 0, 0]), b: f32([0, h / 4, -4 * h, -4 * h]) }],
      [2, { w: f32([0, 0, 0, 0, 1, 0, 0, 1]), b: f32([B, B]) }],
    ]);
    return { plan, weights, t };
  }
  if (where === 'sum') {
    const plan = buildLayerPlan({ name: 'dense-small', width: 4, depth: 0 }, [2], 2);
    // Weights [in, out]: f_0 = s·x_0 + x_1 − x_1, f_1 = h/4, with x_1 = 1.5·2^⌊log₂B⌋, whose
    // float32 neighbours, above and below, are h apart (at 2^k they would be h/2 below).
    const big = 1.5 * 2 ** Math.floor(Math.log2(B));
    const weights: Weights = new Map([[0, { w: f32([s, 0, 1, 0]), b: f32([-big, h / 4]) }]]);
    return { plan, weights, t, x1: big };
  }
  const plan = buildLayerPlan({ name: 'dense-small', width: 4, depth: 2 }, [2], 2);
  const weights: Weights = new Map([
    [0, { w: f32([s, 0, 0, 0, 0, 0, 0, 0]), b: f32([B, B, -B, -B]) }],
    // y_0 = max(z_0, z_2) − max(z_1, z_3) = s·x_0 (exactly), the other units 0.
    [2, { w: f32([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0]), b: f32([0, 0, 0, 0]) }],
    // f_0 = min(y_0, 0) + max(y_0, 0) = y_0, f_1 = h/4.
    [4, { w: f32([1, 0, 0, 0, 1, 0, 0, 0]), b: f32([0, h / 4]) }],
  ]);
  return { plan, weights, t };
}

/** Classes the float32 network gives at 201 points x_0 + d, |d| ≤ r (float32 inputs). */
function float32Classes(net: Network, x0: number, x1: number, r: number): number[] {
  const xs = new Float32Array(2 * 201);
  for (let q = 0; q <= 200; q++) {
    xs[2 * q] = x0 + r * (1 - 1e-6) * (q / 100 - 1);
    xs[2 * q + 1] = x1;
  }
  const f = tf.tidy(() => net.forward(tf.tensor2d(xs, [201, 2])).dataSync());
  return Array.from({ length: 201 }, (_, q) => (f[2 * q] > f[2 * q + 1] ? 0 : 1));
}

describe('rounding-error bounds on crafted networks', () => {
  const cases = [
    { B: 2 ** 30, s: 1 },
    { B: 16384, s: 1e-3 },
    { B: 1e6, s: 1 },
    { B: 2 ** 20, s: 1e-4 },
  ];
  for (const { B, s } of cases) {
    for (const where of ['last', 'sum', 'hidden'] as const) {
      it(`no certificate beyond the exact radius: offset B = ${B} in the ${where} layer, slope ${s}`, async () => {
        await useBackend('wasm');
        const { plan, weights, t, x1 = 0.5 } = offsetNet(B, s, where);
        const net = networkWith(plan, weights);
        try {
          // Points on both sides of the exact boundary x_0 = t, at distances from 1e-3·t to 3t.
          const d = [
            -30, -1.5, -1, -0.3, -0.1, -0.01, -0.001, 0.001, 0.01, 0.1, 0.3, 1, 3, 30, 100,
          ].map((v) => v * t);
          const x = Float32Array.from(d.flatMap((di) => [t + di, x1]));
          const exact = d.map((_, p) => s * x[2 * p] - s * t); // f_0 − f_1 in exact arithmetic
          const y = Int32Array.from(exact.map((v) => (v > 0 ? 0 : 1)));
          const a = await evaluationArtifacts(net, 'crafted', config(plan as never, 0.1), {
            ...dataset(x, y, [2], 2),
          });
          const input = { logits: a.logits, n: a.n, c: 2, lipschitz: a.lipschitz };
          const radius = certifiedRadius(
            { ...input, errorBound: a.errorBounds.float32 },
            { kind: 'standard' },
          );
          const exactRadius = certifiedRadius(
            { ...input, errorBound: a.errorBounds.exact },
            { kind: 'standard' },
          );
          let certified = 0;
          for (let p = 0; p < a.n; p++) {
            // The exact decision boundary is at distance |x_0 − t| (f depends on x_0 only): no
            // claim certifies beyond it. The exact claim subtracts less, so certifies at least
            // as far as the float32 claim.
            expect(exactRadius[p]).toBeLessThanOrEqual(Math.abs(x[2 * p] - t));
            expect(exactRadius[p]).toBeGreaterThanOrEqual(radius[p]);
            if (!(radius[p] > 0)) continue;
            certified++;
            // The float32 network keeps the class everywhere within the radius (along x_0,
            // the only direction that matters), where rounding decides near the boundary.
            const probes = float32Classes(net, x[2 * p], x[2 * p + 1], radius[p]);
            for (const cls of probes) expect(cls).toBe(y[p]);
          }
          // Far points are certified (the bound is not everything-rejecting) …
          expect(certified).toBeGreaterThan(0);
          // … and without the bound the same logits certify points whose ball the float32
          // network answers otherwise: the net does defeat float32, so the checks above bite.
          const naive = certifiedRadius(input, { kind: 'standard' });
          const broken = naive.filter(
            (r, p) =>
              r > 0 && float32Classes(net, x[2 * p], x[2 * p + 1], r).some((cls) => cls !== y[p]),
          );
          expect(broken.length).toBeGreaterThan(0);
          // The exact claim's bound covers the stored logits' own error at x (against the
          // float64 reference); logits of size B lose up to ulp(B)/2 each when stored, so in
          // the 'last' net that error is real and the bound must have room for it.
          let storedError = 0;
          for (let p = 0; p < a.n; p++) {
            const e = referenceLogits(plan, (i) => weights.get(i)!, x.subarray(2 * p, 2 * p + 2));
            const err = Math.abs(a.logits[2 * p] - a.logits[2 * p + 1] - (e[0] - e[1]));
            expect(err).toBeLessThanOrEqual(a.errorBounds.exact.base[p]);
            storedError = Math.max(storedError, err);
          }
          if (where === 'last') {
            expect(storedError).toBeGreaterThanOrEqual(s * t);
          } else {
            // Offsets cancelled inside the network cost the float32 claim, not the exact one:
            // its float64 logits at x are exact to 2^-53, so it certifies farther.
            expect(exactRadius.some((r, p) => r > radius[p])).toBe(true);
          }
        } finally {
          net.dispose();
        }
      });
    }
  }

  it('without offsets the bound is tiny: radii are the exact ones to 1e-3', async () => {
    await useBackend('wasm');
    const { plan, weights } = offsetNet(0, 1, 'last');
    // h = 0: f_0 − f_1 = x_0, K = √2 (‖w_0 − w_1‖ = √2, the hidden layer has norm 1).
    const net = networkWith(plan, weights);
    try {
      // x_0 > 0 keeps x_0 the maximum of its MinMax pair, so f_0 − f_1 = x_0 there.
      const x = Float32Array.from([0.5, 0, 0.25, 1, 2, -1]);
      const a = await evaluationArtifacts(net, 'b0', config(plan as never, 0.1), {
        ...dataset(x, Int32Array.from([0, 0, 0]), [2], 2),
      });
      const radius = certifiedRadius(
        { logits: a.logits, n: 3, c: 2, lipschitz: a.lipschitz, errorBound: a.errorBounds.float32 },
        { kind: 'standard' },
      );
      [0.5, 0.25, 2].forEach((gap, p) => {
        expect(radius[p]).toBeLessThanOrEqual(gap / Math.SQRT2);
        // What is lost is K's own 1e-4 inflations (bounds/slack.ts), not the error bound.
        expect(radius[p]).toBeGreaterThan((gap / Math.SQRT2) * (1 - 1e-3));
      });
    } finally {
      net.dispose();
    }
  });
});

/** |Δ(f_j − f_i)| between the float32 and float64 logits of one point, largest over pairs. */
function pairError(f32: ArrayLike<number>, f64: ArrayLike<number>, c: number): number {
  let worst = 0;
  for (let j = 0; j < c; j++) {
    for (let i = 0; i < c; i++) {
      if (i === j) continue;
      worst = Math.max(worst, Math.abs(f32[j] - f32[i] - (f64[j] - f64[i])));
    }
  }
  return worst;
}

interface NetCase {
  name: string;
  arch: ArchitectureSpec;
  inputShape: number[];
  c: number;
}

const netCases: NetCase[] = [
  {
    name: 'dense 5→64→64→64→4',
    arch: { name: 'dense-small', width: 64, depth: 3 },
    inputShape: [5],
    c: 4,
  },
  {
    name: 'dense 3→512→3',
    arch: { name: 'dense-small', width: 512, depth: 1 },
    inputShape: [3],
    c: 3,
  },
  {
    name: 'conv 8×8×2 (c2f2)',
    arch: { name: 'cnn-c2f2', width: 4, depth: 1 },
    inputShape: [8, 8, 2],
    c: 5,
  },
];

describe('rounding-error bounds against the float64 network, at x and in the ball', () => {
  for (const nc of netCases) {
    it(`${nc.name}: measured float32 errors stay under the bound`, async () => {
      await useBackend('wasm');
      const plan = buildLayerPlan(nc.arch, nc.inputShape, nc.c);
      const features = nc.inputShape.reduce((a, b) => a * b, 1);
      const rng = new Rng(11);
      let worstRatio = 0;
      for (const offset of [0, 30, 3000]) {
        const weights = randomWeights(plan, rng, offset);
        const net = networkWith(plan, weights);
        try {
          const n = 6;
          const epsilon = 0.05 + rng.next();
          const x = Float32Array.from({ length: n * features }, () => rng.normal() * 3);
          const split = { n, x, y: new Int32Array(n) };
          const sound = soundLipschitz(plan, await net.exportArrays());
          const m = exactLogitsWithMeasurements(
            float64Network(plan, (i) => weights.get(i)!),
            split,
            sound.errorSpec,
            4,
          );
          const bounds = roundingErrorBounds(sound.errorSpec, m, n, nc.c);
          const bound = bounds.float32;
          const ref = (v: ArrayLike<number>): Float64Array =>
            referenceLogits(plan, (i) => weights.get(i)!, v);
          for (let p = 0; p < n; p++) {
            const xp = x.subarray(p * features, (p + 1) * features);
            const atX = pairError(m.logits.subarray(p * nc.c, (p + 1) * nc.c), ref(xp), nc.c);
            // Points of the ball: on its sphere and inside, rounded to float32 and kept inside.
            const count = 8;
            const xs = new Float32Array(count * features);
            for (let q = 0; q < count; q++) {
              const dir = Array.from({ length: features }, () => rng.normal());
              const norm = Math.hypot(...dir);
              const r = q % 2 === 0 ? epsilon * (1 - 1e-6) : epsilon * rng.next();
              for (let k = 0; k < features; k++) {
                xs[q * features + k] = xp[k] + (dir[k] / norm) * r;
              }
            }
            const f32 = tf.tidy(() =>
              net.forward(tf.tensor(xs, [count, ...nc.inputShape])).dataSync(),
            );
            const allowed = bound.base[p] + epsilon * bound.perEpsilon[p];
            expect(Number.isFinite(allowed)).toBe(true);
            // The exact claim's bound covers the stored logits at x, and is part of the other.
            const exactAllowed = bounds.exact.base[p] + epsilon * bounds.exact.perEpsilon[p];
            expect(atX).toBeLessThanOrEqual(exactAllowed * (1 + 1e-7));
            expect(exactAllowed).toBeLessThan(allowed);
            for (let q = 0; q < count; q++) {
              const xq = xs.subarray(q * features, (q + 1) * features);
              let dist = 0;
              for (let k = 0; k < features; k++) dist += (xq[k] - xp[k]) ** 2;
              if (Math.sqrt(dist) > epsilon) continue;
              const inBall = pairError(f32.subarray(q * nc.c, (q + 1) * nc.c), ref(xq), nc.c);
              // The float64 reference is off by about 2^-29 of the bound: allow that much.
              expect(atX + inBall).toBeLessThanOrEqual(allowed * (1 + 1e-7));
              worstRatio = Math.max(worstRatio, (atX + inBall) / allowed);
            }
          }
        } finally {
          net.dispose();
        }
      }
      // Not vacuous: float32 rounding is visible (a bound of 0 would fail), yet the worst case
      // stays well under the proven bound.
      expect(worstRatio).toBeGreaterThan(0);
      expect(worstRatio).toBeLessThan(1);
    });
  }
});

describe('certificates hold in the ball for what each claim covers', () => {
  for (const claim of ['float32', 'exact'] as const) {
    it(`claim ${claim}: certified points keep their class at sampled points of their radius`, async () => {
      await useBackend('wasm');
      const plan = buildLayerPlan({ name: 'dense-small', width: 32, depth: 2 }, [2], 3);
      const rng = new Rng(3);
      const weights = randomWeights(plan, rng, 100);
      const net = networkWith(plan, weights);
      try {
        const n = 200;
        const x = Float32Array.from({ length: n * 2 }, () => rng.normal() * 2);
        const a = await evaluationArtifacts(net, 'r', config(plan as never, 0.1), {
          ...dataset(x, new Int32Array(n), [2], 3),
        });
        const input = { logits: a.logits, n, c: 3, lipschitz: a.lipschitz };
        const errorBound = a.errorBounds[claim];
        const out = certify({ ...input, epsilon: 0, errorBound }, { kind: 'standard' });
        const radius = certifiedRadius({ ...input, errorBound }, { kind: 'standard' });
        let checked = 0;
        for (let p = 0; p < n; p++) {
          if (out.certified[p] !== 1 || !(radius[p] > 0) || !Number.isFinite(radius[p])) continue;
          const xs = new Float32Array(64 * 2);
          for (let q = 0; q < 64; q++) {
            const t = (2 * Math.PI * q) / 64;
            xs[2 * q] = x[2 * p] + Math.cos(t) * radius[p] * (1 - 1e-6);
            xs[2 * q + 1] = x[2 * p + 1] + Math.sin(t) * radius[p] * (1 - 1e-6);
          }
          const f = tf.tidy(() => net.forward(tf.tensor2d(xs, [64, 2])).dataSync());
          for (let q = 0; q < 64; q++) {
            const row = Array.from(f.subarray(3 * q, 3 * q + 3));
            const exact = referenceLogits(
              plan,
              (i) => weights.get(i)!,
              xs.subarray(2 * q, 2 * q + 2),
            );
            const top = row.indexOf(Math.max(...row));
            const exactTop = Array.from(exact).indexOf(Math.max(...exact));
            // The exact network always; the float32 one only where the claim says so.
            expect(exactTop).toBe(out.predicted[p]);
            if (claim === 'float32') expect(top).toBe(out.predicted[p]);
          }
          checked++;
        }
        expect(checked).toBeGreaterThan(20);
      } finally {
        net.dispose();
      }
    });
  }
});
