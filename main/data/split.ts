/**
 * Deterministic seeded, stratified train/test split: within each class, a seeded shuffle puts
 * round(n_c × trainFraction) points in train. Points keep their original order inside each split.
 */
import { createRng, permutation } from './rng.ts';

/** Returns for every point 0 (train) or 1 (test). */
export function stratifiedSplit(
  labels: Int32Array,
  classes: number,
  trainFraction: number,
  seed: number,
): Uint8Array {
  const part = new Uint8Array(labels.length);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const rng = createRng(seed);
  for (const members of byClass) {
    const order = permutation(members.length, rng);
    const nTrain = Math.round(members.length * trainFraction);
    for (let k = nTrain; k < members.length; k++) part[members[order[k]]] = 1;
  }
  return part;
}

/** Copies the rows of `x`/`y` with part[i] === which into a new split. */
export function takePart(
  x: Float32Array,
  y: Int32Array,
  part: Uint8Array,
  which: 0 | 1,
  size: number,
) {
  let n = 0;
  for (let i = 0; i < part.length; i++) if (part[i] === which) n++;
  const xs = new Float32Array(n * size);
  const ys = new Int32Array(n);
  for (let i = 0, k = 0; i < part.length; i++) {
    if (part[i] !== which) continue;
    xs.set(x.subarray(i * size, (i + 1) * size), k * size);
    ys[k++] = y[i];
  }
  return { n, x: xs, y: ys };
}
