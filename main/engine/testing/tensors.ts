/** Tensor helpers for the engine's tests: seeded random inputs and a relative comparison. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.ts';

/** A tensor of standard normal values, the same for the same seed. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

/** max |a − b| over max |b| (at least 1e-6); throws when the shapes differ. */
export function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (a.shape.join() !== b.shape.join())
    throw new Error(`shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  const x = a.dataSync();
  const y = b.dataSync();
  let scale = 1e-6;
  for (const v of y) scale = Math.max(scale, Math.abs(v));
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d / scale;
}
