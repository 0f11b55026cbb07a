/** Small deterministic generators for the bound tests (same seed → same layers). */
import { mulberry32 } from '../../../data/rng.ts';

/** mulberry32 (main/data/rng.ts) from the raw seed: numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

/** Standard normal samples (Box–Muller) from a uniform generator. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A Float32Array of n independent N(0, scale²) values. */
export function gaussianArray(random: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gaussian(random) * scale;
  return out;
}
