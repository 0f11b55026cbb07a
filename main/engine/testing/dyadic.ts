/**
 * Exact arithmetic for tests: every float32 or float64 value is a dyadic rational m·2^e, and so
 * are sums, differences and products of them, so a dense MinMax network with float32 weights
 * evaluates exactly on BigInt mantissas. The exact network a certificate of the `exact` claim
 * speaks of, with no rounding anywhere (not even float64's).
 */
import type { LayerPlan } from '../../../shared/config/layer-plan.ts';
import type { ReferenceWeights } from './reference-forward.ts';

/** m·2^e, exactly. */
export interface Dyadic {
  m: bigint;
  e: number;
}

const ZERO: Dyadic = { m: 0n, e: 0 };

/** The exact value of a finite double. */
export function dyadic(x: number): Dyadic {
  if (!Number.isFinite(x)) throw new Error(`dyadic: ${x} is not finite`);
  if (x === 0) return ZERO;
  let m = x;
  let e = 0;
  // Doubling is exact for finite doubles; a double has at most 1074 fraction bits.
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  return { m: BigInt(m), e };
}

function align(a: Dyadic, b: Dyadic): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m << BigInt(a.e - e), b.m << BigInt(b.e - e), e];
}

export function add(a: Dyadic, b: Dyadic): Dyadic {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
}

export function sub(a: Dyadic, b: Dyadic): Dyadic {
  const [x, y, e] = align(a, b);
  return { m: x - y, e };
}

export function mul(a: Dyadic, b: Dyadic): Dyadic {
  return { m: a.m * b.m, e: a.e + b.e };
}

/** −1, 0 or 1 as a < b, a = b, a > b. */
export function compare(a: Dyadic, b: Dyadic): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function abs(a: Dyadic): Dyadic {
  return a.m < 0n ? { m: -a.m, e: a.e } : a;
}

/**
 * The exact logits of a dense MinMax network (dense and minmax layers only, tfjs layouts: dense
 * kernels [in, out]; MinMax pairs unit k with unit k + units/2 → (min, max), as ops/minmax.ts).
 */
export function exactLogits(
  plan: LayerPlan,
  weights: ReferenceWeights,
  x: ArrayLike<number>,
): Dyadic[] {
  let h = Array.from(x, dyadic);
  plan.layers.forEach((spec, index) => {
    if (spec.kind === 'dense') {
      const { w, b } = weights(index);
      const y: Dyadic[] = [];
      for (let j = 0; j < spec.units; j++) {
        let s = dyadic(b[j]);
        for (let k = 0; k < spec.inFeatures; k++)
          s = add(s, mul(dyadic(w[k * spec.units + j]), h[k]));
        y.push(s);
      }
      h = y;
    } else if (spec.kind === 'minmax') {
      const half = h.length / 2;
      const y = h.slice();
      for (let k = 0; k < half; k++) {
        const low = compare(h[k], h[k + half]) <= 0;
        y[k] = low ? h[k] : h[k + half];
        y[k + half] = low ? h[k + half] : h[k];
      }
      h = y;
    } else {
      throw new Error(`exactLogits: layer kind ${spec.kind} is not supported`);
    }
  });
  return h;
}
