/**
 * MinMax activation: the first half of the channels is paired with the second half, and each
 * pair (a, b) becomes (min(a, b), max(a, b)). It permutes values, so it is 1-Lipschitz and
 * preserves gradient norms. The custom gradient routes dy with one select per half; tfjs'
 * own gradient of a reshape + min/max (broadcast Equal masks) is very slow on WASM.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customGrad } from './custom-grad.ts';
import { tensorFilledBy, valuesOf } from './wasm-heap.ts';
import { activeNative } from '../native/matmul.ts';

const minMaxOp = customGrad(([x], save) => {
  const axis = x.rank - 1;
  const [a, b] = tf.split(x, 2, axis);
  // The comparison is made in the backward pass only: inference skips it.
  save([a, b]);
  const value = tf.concat([tf.minimum(a, b), tf.maximum(a, b)], axis);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const lo = tf.lessEqual(saved[0], saved[1]);
      const [dMin, dMax] = tf.split(dy, 2, axis);
      return tf.concat([tf.where(lo, dMin, dMax), tf.where(lo, dMax, dMin)], axis);
    },
  };
});

/**
 * The same MinMax computed in one JavaScript pass over the input (read in place from the WASM
 * heap), remembering which element of each pair was the smaller for the backward pass. On
 * WASM, tfjs' split + minimum + maximum + concat take ~115 ms CPU on [4096, 1000] against
 * ~290 ms for the matMul before it; the JavaScript pass plus one upload is several times
 * cheaper (docs/PERFORMANCE.md).
 */
const minMaxJsOp = customGrad(([x]) => {
  const c = x.shape[x.rank - 1];
  const h = c / 2;
  const v = valuesOf(x);
  const n = v.length;
  const out = new Float32Array(n);
  const firstIsMin = new Uint8Array(n / 2);
  for (let row = 0, p = 0; row < n; row += c) {
    for (let i = 0; i < h; i++, p++) {
      const a = v[row + i];
      const b = v[row + h + i];
      if (a <= b) {
        out[row + i] = a;
        out[row + h + i] = b;
        firstIsMin[p] = 1;
      } else {
        out[row + i] = b;
        out[row + h + i] = a;
      }
    }
  }
  const shape = x.shape;
  return {
    value: tf.tensor(out, shape),
    gradFunc: (dy: tf.Tensor) => {
      const d = valuesOf(dy);
      const dx = new Float32Array(n);
      for (let row = 0, p = 0; row < n; row += c) {
        for (let i = 0; i < h; i++, p++) {
          const dMin = d[row + i];
          const dMax = d[row + h + i];
          if (firstIsMin[p]) {
            dx[row + i] = dMin;
            dx[row + h + i] = dMax;
          } else {
            dx[row + i] = dMax;
            dx[row + h + i] = dMin;
          }
        }
      }
      return tf.tensor(dx, shape);
    },
  };
});

/** The same pass in the native kernels (main/engine/native), several times cheaper again. */
const minMaxNativeOp = customGrad(([x]) => {
  const kernels = activeNative();
  if (kernels === undefined) throw new Error('native kernels are not available');
  const c = x.shape[x.rank - 1];
  const n = x.size;
  const rows = n / c;
  const firstIsMin = new Uint8Array(n / 2);
  const shape = x.shape;
  // Heap views are taken inside the fill, after the output's allocation (a growing heap moves).
  const value = tensorFilledBy(shape, (out) =>
    kernels.minMax(valuesOf(x), rows, c, out, firstIsMin),
  );
  return {
    value,
    gradFunc: (dy: tf.Tensor) =>
      tensorFilledBy(shape, (dx) => kernels.minMaxGrad(valuesOf(dy), rows, c, firstIsMin, dx)),
  };
});

function checkEven(x: tf.Tensor): void {
  const channels = x.shape[x.rank - 1];
  if (channels % 2 !== 0) throw new Error(`MinMax needs an even channel count (got ${channels})`);
}

/** Channels-last MinMax (native kernels, else a JavaScript pass); the last dimension must be even. */
export function minMax<T extends tf.Tensor>(x: T): T {
  checkEven(x);
  return (activeNative() !== undefined ? minMaxNativeOp : minMaxJsOp)(x) as T;
}

/** The JavaScript pass, whether or not native kernels are available. */
export function minMaxJs<T extends tf.Tensor>(x: T): T {
  checkEven(x);
  return minMaxJsOp(x) as T;
}

/** The same with tfjs ops only (the reference the JavaScript version is tested against). */
export function minMaxTf<T extends tf.Tensor>(x: T): T {
  checkEven(x);
  return minMaxOp(x) as T;
}
