/**
 * Invertible downsampling (2×2 space-to-depth): [n, h, w, c] → [n, h/2, w/2, 4c]. A
 * permutation of the values, hence 1-Lipschitz. Written with reshape and transpose because the
 * WASM backend has DepthToSpace but no SpaceToDepth kernel (the reshapes copy nothing:
 * reshape.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { reshapeActivations } from './reshape.ts';

export function spaceToDepth2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (h % 2 !== 0 || w % 2 !== 0) {
    throw new Error(`invertible downsampling needs even height and width (got ${h}×${w})`);
  }
  // tidy: the intermediate views would keep x's memory alive after the caller disposes x.
  return tf.tidy(() => {
    const r = reshapeActivations(x, [n, h / 2, 2, w / 2, 2, c]);
    const t = tf.transpose(r, [0, 1, 3, 2, 4, 5]);
    return reshapeActivations<tf.Tensor4D>(t, [n, h / 2, w / 2, 4 * c]);
  });
}
