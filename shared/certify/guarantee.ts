/**
 * Which robustness property a certification checks (PAPER.md): standard GloRo, RTK(K) or
 * affinity(S). Standard is RTK with K = 1; affinity allows k only when F^k(x) fits in a set.
 */
import { RelaxCertError } from '../errors.ts';
import type { Guarantee } from '../config/experiment.ts';
import { affinityBitmaps, makeAffinitySets } from './affinity.ts';
import type { AffinityBitmaps, AffinitySets } from './affinity.ts';

export type CertGuarantee =
  { kind: 'standard' } | { kind: 'rtk'; k: number } | { kind: 'affinity'; sets: AffinitySets };

/** A guarantee checked against the class count, ready for the per-point loops. */
export interface ResolvedGuarantee {
  /** Largest k considered: 1 (standard), K (RTK), size of the largest set (affinity). */
  maxK: number;
  /** Affinity bitmaps; null when every k ≤ maxK is allowed. */
  bitmaps: AffinityBitmaps | null;
}

export function resolveGuarantee(guarantee: CertGuarantee, c: number): ResolvedGuarantee {
  switch (guarantee.kind) {
    case 'standard':
      return { maxK: 1, bitmaps: null };
    case 'rtk': {
      const k = guarantee.k;
      if (!Number.isInteger(k) || k < 1) {
        throw new RelaxCertError('INVALID_INPUT', `RTK: K must be an integer ≥ 1 (got ${k}).`, {
          field: 'guarantee.k',
        });
      }
      if (k > c) {
        throw new RelaxCertError(
          'INVALID_INPUT',
          `RTK: K = ${k} is larger than the number of classes (${c}).`,
          { field: 'guarantee.k' },
        );
      }
      return { maxK: k, bitmaps: null };
    }
    case 'affinity': {
      const sets = guarantee.sets;
      if (sets.numClasses !== c) {
        throw new RelaxCertError(
          'INVALID_AFFINITY',
          `Affinity sets were made for ${sets.numClasses} classes but the logits have ${c}.`,
          { field: 'guarantee.sets' },
        );
      }
      const bitmaps = affinityBitmaps(sets);
      return { maxK: bitmaps.maxSetSize, bitmaps };
    }
    default: {
      const never: never = guarantee;
      throw new RelaxCertError('INVALID_INPUT', `Unknown guarantee ${JSON.stringify(never)}.`, {
        field: 'guarantee.kind',
      });
    }
  }
}

/** The config's guarantee (plain class-id lists) as a certification guarantee for c classes. */
export function toCertGuarantee(g: Guarantee, numClasses: number): CertGuarantee {
  if (g.kind === 'affinity') {
    return { kind: 'affinity', sets: makeAffinitySets(g.sets, numClasses, g.names) };
  }
  if (g.kind === 'rtk') return { kind: 'rtk', k: g.k };
  return { kind: 'standard' };
}

/** Back to the config form (for storing a re-certification request). */
export function fromCertGuarantee(g: CertGuarantee): Guarantee {
  if (g.kind === 'affinity') {
    const out: Guarantee = { kind: 'affinity', sets: g.sets.sets.map((s) => [...s]) };
    if (g.sets.names !== undefined) out.names = [...g.sets.names];
    return out;
  }
  if (g.kind === 'rtk') return { kind: 'rtk', k: g.k };
  return { kind: 'standard' };
}

/**
 * Marks which k = 1..maxK are allowed for one point whose top classes are
 * `order[off .. off + maxK)`: always k = 1; for affinity, k > 1 only while F^k lies in some set.
 * `alive` is scratch of `bitmaps.setWordsPerClass` words.
 */
export function markAllowed(
  r: ResolvedGuarantee,
  order: Int32Array,
  off: number,
  allowed: Uint8Array,
  alive: Uint32Array,
): void {
  const maxK = r.maxK;
  const b = r.bitmaps;
  allowed[0] = 1;
  if (b === null) {
    for (let k = 1; k < maxK; k++) allowed[k] = 1;
    return;
  }
  const words = b.setWordsPerClass;
  const first = order[off] * words;
  let any = 0;
  for (let w = 0; w < words; w++) {
    alive[w] = b.classSets[first + w];
    any |= alive[w];
  }
  // F^k grows with k, so once F^k leaves a set, every larger k does too.
  for (let k = 1; k < maxK; k++) {
    if (any !== 0) {
      const base = order[off + k] * words;
      any = 0;
      for (let w = 0; w < words; w++) {
        alive[w] &= b.classSets[base + w];
        any |= alive[w];
      }
    }
    allowed[k] = any !== 0 ? 1 : 0;
  }
}
