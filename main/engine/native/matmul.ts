/**
 * tfjs tensors through the native SGEMM: operands are read in place (views of the WASM heap,
 * or the CPU backend's own arrays) and the product is written straight into a new tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { tensorFilledBy, valuesOf } from '../ops/wasm-heap.ts';
import { nativeKernels } from './load.ts';
import type { NativeKernels } from './load.ts';

/**
 * The kernels when the native path applies: they loaded, and tfjs runs on WASM or its CPU
 * backend (tfjs-node-gpu brings its own BLAS and keeps tensors off this heap).
 */
export function activeNative(): NativeKernels | undefined {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') return undefined;
  return nativeKernels();
}

function required(): NativeKernels {
  const k = activeNative();
  if (k === undefined) throw new Error('native kernels are not available');
  return k;
}

/**
 * op(a)·op(b) (+ bias) for 2-D float32 tensors, op = transpose when the flag is set; no
 * gradient (callers define their own).
 */
export function nativeMatMul(
  a: tf.Tensor,
  b: tf.Tensor,
  transA = false,
  transB = false,
  bias?: tf.Tensor,
): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2) throw new Error('nativeMatMul: operands must be 2-D');
  const [a0, a1] = a.shape as [number, number];
  const [b0, b1] = b.shape as [number, number];
  const [m, k] = transA ? [a1, a0] : [a0, a1];
  const [kb, n] = transB ? [b1, b0] : [b0, b1];
  if (k !== kb) throw new Error(`nativeMatMul: inner sizes differ ([${a.shape}], [${b.shape}])`);
  if (bias !== undefined && bias.size !== n) throw new Error('nativeMatMul: bias needs n values');
  const kernels = required();
  // The heap views are taken after the output's allocation (a growing heap moves).
  return tensorFilledBy([m, n], (out) =>
    kernels.sgemm(
      transA,
      transB,
      m,
      n,
      k,
      valuesOf(a),
      valuesOf(b),
      out,
      bias === undefined ? null : valuesOf(bias),
      false,
    ),
  ) as tf.Tensor2D;
}

/** Ones to multiply by, shared between calls (never written). */
let ones = new Float32Array(0);

/**
 * Sums of t's values over every axis but the last (a bias gradient) as the native product
 * 1ᵀ·T: one pass over T in a fixed order, where tfjs' Sum over leading axes transposes T first
 * on WASM (docs/PERFORMANCE.md, "Where the time goes").
 */
export function nativeColumnSums(t: tf.Tensor): tf.Tensor1D {
  const kernels = required();
  const n = t.shape[t.rank - 1];
  const rows = t.size / n;
  if (ones.length < rows) ones = new Float32Array(rows).fill(1);
  return tensorFilledBy([n], (out) =>
    kernels.sgemm(false, false, 1, n, rows, ones, valuesOf(t), out, null, false),
  ) as tf.Tensor1D;
}

/** Scratch for nativeStackedGradient's operands, reused between calls (nothing keeps it). */
let stackedScratch = new Float32Array(0);

/**
 * [x; u]ᵀ·[dy; dr] = xᵀ·dy + uᵀ·dr for x [n, in], u [1, in], dy [n, out], dr [1, out]: a dense
 * layer's weight gradient plus the rank-1 gradient of its norm estimate u·W, as one product
 * with k = n + 1 (the kernels sum a last k block of one with the block before it). Separately
 * the rank-1 term was an outer product the size of W and a tfjs Add of two such.
 */
export function nativeStackedGradient(
  x: tf.Tensor,
  u: tf.Tensor,
  dy: tf.Tensor,
  dr: tf.Tensor,
): tf.Tensor2D {
  const [n, inDim] = x.shape as [number, number];
  const outDim = dy.shape[1] as number;
  if (u.size !== inDim || dy.shape[0] !== n || dr.size !== outDim) {
    throw new Error('nativeStackedGradient: operand shapes do not fit');
  }
  const kernels = required();
  const aSize = (n + 1) * inDim;
  const size = aSize + (n + 1) * outDim;
  if (stackedScratch.length < size) stackedScratch = new Float32Array(size);
  const a = stackedScratch.subarray(0, aSize);
  const b = stackedScratch.subarray(aSize, size);
  return tensorFilledBy([inDim, outDim], (out) => {
    a.set(valuesOf(x));
    a.set(valuesOf(u), n * inDim);
    b.set(valuesOf(dy));
    b.set(valuesOf(dr), n * outDim);
    kernels.sgemm(true, false, inDim, outDim, n + 1, a, b, out, null, false);
  }) as tf.Tensor2D;
}
