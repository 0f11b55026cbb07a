/**
 * Certificates of the `exact` claim against exact arithmetic: dense MinMax networks with float32
 * weights and large offsets are evaluated (evaluate.ts) and certified; every stored logit
 * difference must lie within the exact claim's bound of the exact one (BigInt dyadic arithmetic,
 * testing/dyadic.ts, no rounding at all), and at points of each certified ball, chosen to attack
 * the certificate and checked to lie inside the ball exactly, the exact network must keep the
 * certified class with a strict margin.
 */
import { describe, expect, it } from 'vitest';
import { buildLayerPlan } from '../../shared/config/layer-plan.ts';
import type { LayerPlan } from '../../shared/config/layer-plan.ts';
import { certifiedRadius, certify, underClaim } from '../../shared/certify/index.ts';
import { evaluationArtifacts } from './evaluate.ts';
import { Rng } from './rng.ts';
import { config, dataset, networkWith, randomWeights } from './testing/chosen-weights.ts';
import type { Weights } from './testing/chosen-weights.ts';
import { abs, add, compare, dyadic, exactLogits, mul, sub } from './testing/dyadic.ts';
import type { Dyadic } from './testing/dyadic.ts';
import { referenceLogits } from './testing/reference-forward.ts';
import { useBackend } from './testing/use-backend.ts';

/** Exactly: is ‖x' − x‖₂ < r (r a double)? */
function strictlyInside(x: ArrayLike<number>, xp: ArrayLike<number>, r: number): boolean {
  let squared: Dyadic = dyadic(0);
  for (let k = 0; k < x.length; k++) {
    const d = sub(dyadic(xp[k]), dyadic(x[k]));
    squared = add(squared, mul(d, d));
  }
  const rd = dyadic(r);
  return compare(squared, mul(rd, rd)) < 0;
}

/**
 * Points of the ball of radius r around x (float64 values, kept only if exactly inside): toward
 * the exact decision boundary of class `top` against each other class (the float64 gradient of
 * the logit difference, by central differences), and in random directions.
 */
function attackPoints(
  plan: LayerPlan,
  weights: Weights,
  x: Float32Array,
  top: number,
  r: number,
  rng: Rng,
): number[][] {
  const f = (v: ArrayLike<number>) => referenceLogits(plan, (i) => weights.get(i)!, v);
  const c = plan.numClasses;
  const directions: number[][] = [];
  const h = 1e-6 * (1 + Math.hypot(...x));
  for (let i = 0; i < c; i++) {
    if (i === top) continue;
    const g = Array.from(x, (_, k) => {
      const up = Array.from(x);
      const down = Array.from(x);
      up[k] += h;
      down[k] -= h;
      const a = f(up);
      const b = f(down);
      return (a[top] - a[i] - (b[top] - b[i])) / (2 * h);
    });
    directions.push(g.map((v) => -v));
  }
  for (let t = 0; t < 6; t++) directions.push(Array.from(x, () => rng.normal()));
  const points: number[][] = [];
  for (const d of directions) {
    const norm = Math.hypot(...d);
    if (!(norm > 0)) continue;
    for (const scale of [1 - 1e-9, 0.999, 0.5]) {
      const xp = Array.from(x, (v, k) => v + (d[k] / norm) * r * scale);
      if (strictlyInside(x, xp, r)) points.push(xp);
    }
  }
  return points;
}

describe('the exact claim against exact arithmetic', () => {
  const cases = [
    { inputs: 2, width: 8, depth: 2, classes: 3, offset: 0 },
    { inputs: 3, width: 16, depth: 1, classes: 4, offset: 1e3 },
    { inputs: 2, width: 8, depth: 3, classes: 3, offset: 2 ** 20 },
  ];
  for (const k of cases) {
    it(`dense ${k.inputs}→${k.width}×${k.depth}→${k.classes}, offsets ~${k.offset}`, async () => {
      await useBackend('wasm');
      const plan = buildLayerPlan(
        { name: 'dense-small', width: k.width, depth: k.depth },
        [k.inputs],
        k.classes,
      );
      const rng = new Rng(k.inputs * 100 + k.depth);
      const weights = randomWeights(plan, rng, k.offset);
      const net = networkWith(plan, weights);
      try {
        const n = 40;
        const x = Float32Array.from({ length: n * k.inputs }, () => rng.normal() * 2);
        const a = await evaluationArtifacts(net, 'exact', config(plan as never, 0.1), {
          ...dataset(x, new Int32Array(n), [k.inputs], k.classes),
        });
        const data = underClaim(a, 'exact');
        const exactBound = a.errorBounds.exact;
        // 1. The stored logits are within the bound of the exact ones, at every point and pair.
        let worst = 0;
        for (let p = 0; p < n; p++) {
          const xp = x.subarray(p * k.inputs, (p + 1) * k.inputs);
          const exact = exactLogits(plan, (i) => weights.get(i)!, xp);
          const stored = a.logits.subarray(p * k.classes, (p + 1) * k.classes);
          for (let j = 0; j < k.classes; j++) {
            for (let i = 0; i < k.classes; i++) {
              if (i === j) continue;
              const error = sub(sub(dyadic(stored[j]), dyadic(stored[i])), sub(exact[j], exact[i]));
              const size = abs(error);
              expect(compare(size, dyadic(exactBound.base[p]))).toBeLessThanOrEqual(0);
              worst = Math.max(worst, Number(size.m) * 2 ** size.e);
            }
          }
        }
        // Not vacuous where the logits are large: their float32 storage does lose something.
        if (k.offset >= 1e3) expect(worst).toBeGreaterThan(0);
        // 2. Every certified ball holds for the exact network, at points built to break it.
        const radius = certifiedRadius(data, { kind: 'standard' });
        const out = certify({ ...data, epsilon: 0 }, { kind: 'standard' });
        let attacked = 0;
        for (let p = 0; p < n; p++) {
          const r = radius[p];
          if (!(r > 0) || !Number.isFinite(r)) continue;
          const top = out.predicted[p];
          const xp = x.subarray(p * k.inputs, (p + 1) * k.inputs);
          for (const point of attackPoints(plan, weights, xp, top, r, rng)) {
            const f = exactLogits(plan, (i) => weights.get(i)!, point);
            for (let i = 0; i < k.classes; i++) {
              if (i !== top) expect(compare(f[top], f[i])).toBe(1);
            }
            attacked++;
          }
        }
        expect(attacked).toBeGreaterThan(100);
      } finally {
        net.dispose();
      }
    });
  }
});
