/**
 * Invertible downsampling (2×2 space-to-depth): [n, h, w, c] → [n, h/2, w/2, 4c]. A
 * permutation of the values, hence 1-Lipschitz. With the native kernels it is their copy (and
 * its inverse for the gradient); else reshape and transpose, because the WASM backend has
 * DepthToSpace but no SpaceToDepth kernel (the reshapes copy nothing: reshape.ts). The two give
 * the same values: a permutation has no rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { activeNative } from '../native/matmul.ts';
import type { NativeKernels } from '../native/load.ts';
import { customGrad } from './custom-grad.ts';
import { reshapeActivations } from './reshape.ts';
import { tensorFilledBy, valuesOf } from './wasm-heap.ts';

type Permute = NonNullable<NativeKernels['spaceToDepth2']>;

function nativePermutation(): Permute | undefined {
  const kernels = activeNative();
  return kernels?.spaceToDepth2?.bind(kernels);
}

/**
 * tfjs on WASM transposed value by value: the two downsamplings of cnn-c2f2, both ways, took
 * 23 ms of a 523 ms step; the native copies take about 17 ms on one thread, 10 ms on two
 * (docs/PERFORMANCE.md).
 */
const nativeOp = customGrad(([x]) => {
  const permute = nativePermutation();
  if (permute === undefined) throw new Error('native kernels are not available');
  const [n, h, w, c] = x.shape;
  const value = tensorFilledBy([n, h / 2, w / 2, 4 * c], (out) =>
    permute(valuesOf(x), n, h, w, c, out, false),
  );
  return {
    value,
    gradFunc: (dy: tf.Tensor) =>
      tensorFilledBy([n, h, w, c], (dx) => permute(valuesOf(dy), n, h, w, c, dx, true)),
  };
});

function withTfjs(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  // tidy: the intermediate views would keep x's memory alive after the caller disposes x.
  return tf.tidy(() => {
    const r = reshapeActivations(x, [n, h / 2, 2, w / 2, 2, c]);
    const t = tf.transpose(r, [0, 1, 3, 2, 4, 5]);
    return reshapeActivations<tf.Tensor4D>(t, [n, h / 2, w / 2, 4 * c]);
  });
}

/** `tfOnly`: the tfjs ops even when native kernels are loaded (the reference in tests). */
export function spaceToDepth2(x: tf.Tensor4D, tfOnly = false): tf.Tensor4D {
  const [, h, w] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) {
    throw new Error(`invertible downsampling needs even height and width (got ${h}×${w})`);
  }
  return !tfOnly && nativePermutation() !== undefined ? (nativeOp(x) as tf.Tensor4D) : withTfjs(x);
}
