/**
 * The evaluation's forward pass: the test-set logits and, in the same pass, what the float32
 * error bound (bounds/float-error.ts) measures per point. Beside each linear layer's product it
 * runs the same kernel on absolute values, c = |W|·|â| + |b|, and keeps max|â|; for hidden
 * layers only ‖c‖₂ per point leaves the backend, for the logit layer c per class. The logits and
 * the measurements come from one pass, so the bound is about exactly these logits.
 *
 * Cost: one more product per linear layer (the forward pass twice), a few reductions.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rowsOf } from '../data/inputs.ts';
import type { Split } from '../data/types.ts';
import type { Network } from './model/network.ts';
import { exactNormBound, exactSumBound, outputUnderflow } from './bounds/float-error.ts';
import type { ErrorNetworkSpec, PointMeasurements } from './bounds/float-error.ts';

/**
 * tfjs backends whose float32 arithmetic is IEEE single precision, as the error model needs.
 * tfjs-node-gpu ('tensorflow') may run float32 products in TF32 (10-bit mantissa) or with
 * Winograd/FFT convolutions, whose errors the model does not cover: evaluation moves to WASM.
 */
export const IEEE_BACKENDS = ['wasm', 'cpu'] as const;

/** Runs `fn` on a backend with IEEE float32 arithmetic, switching away from TF's GPU if needed. */
export async function onIeeeBackend<T>(fn: () => T | Promise<T>): Promise<T> {
  const current = tf.getBackend();
  if ((IEEE_BACKENDS as readonly string[]).includes(current)) return fn();
  const target = tf.findBackend('wasm') !== null ? 'wasm' : 'cpu';
  if (!(await tf.setBackend(target))) {
    throw new Error(`cannot switch from ${current} to the ${target} backend for evaluation`);
  }
  try {
    return await fn();
  } finally {
    await tf.setBackend(current);
  }
}

/** Test-set logits and the per-point measurements of the error bound. */
export function logitsWithErrorMeasurements(
  net: Network,
  split: Split,
  spec: ErrorNetworkSpec,
  batchSize = 256,
): PointMeasurements {
  const c = net.plan.numClasses;
  const size = net.plan.inputShape.reduce((a, b) => a * b, 1);
  const layers = net.linear.length;
  const n = split.n;
  const logits = new Float32Array(n * c);
  const lastSums = new Float64Array(n * c);
  const hiddenNorms = Array.from({ length: layers - 1 }, () => new Float64Array(n));
  const inputMaxAbs = Array.from({ length: layers }, () => new Float64Array(n));
  const absWeights = net.linear.map((p) => tf.keep(tf.abs(p.w)));
  const absBiases = net.linear.map((p) => tf.keep(tf.abs(p.b)));
  try {
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      tf.tidy(() => {
        const x = tf.tensor(rowsOf(split, start, m, size), [m, ...net.plan.inputShape]);
        const y = net.forward(x, (l, input) => {
          const layer = spec.layers[l];
          const absIn = tf.abs(input);
          const maxAbs = tf.max(tf.reshape(absIn, [m, -1]), 1).dataSync();
          const sums = net.linearWith(l, absIn, absWeights[l], absBiases[l]);
          if (l < layers - 1) {
            const squares = tf.sum(tf.square(tf.reshape(sums, [m, -1])), 1).dataSync();
            for (let i = 0; i < m; i++) {
              const phi = outputUnderflow(layer, maxAbs[i]);
              hiddenNorms[l][start + i] = exactNormBound(
                squares[i],
                layer.outputs,
                layer.fanIn,
                phi,
              );
            }
          } else {
            const values = sums.dataSync();
            for (let i = 0; i < m; i++) {
              const phi = outputUnderflow(layer, maxAbs[i]);
              for (let j = 0; j < c; j++) {
                lastSums[(start + i) * c + j] = exactSumBound(values[i * c + j], layer.fanIn, phi);
              }
            }
          }
          for (let i = 0; i < m; i++) inputMaxAbs[l][start + i] = maxAbs[i];
        });
        logits.set(y.dataSync() as Float32Array, start * c);
      });
    }
  } finally {
    tf.dispose([...absWeights, ...absBiases]);
  }
  return { logits, hiddenNorms, inputMaxAbs, lastSums };
}
