/**
 * The C×C matrix K of the GloRo heads: K_ji bounds the Lipschitz constant of f_j − f_i. For a
 * network h_L ∘ … ∘ h_1 whose last layer is dense with weight vectors w_i (one per class),
 * f_j − f_i = (w_j − w_i)·z + (b_j − b_i) with z the output of the earlier layers, so
 * K_ji = ‖w_j − w_i‖₂ · prefixBound, prefixBound ≥ Π_{l<L} Lip(h_l).
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import { FINAL_OPERATIONS_FACTOR, UNIT_ROUNDOFF_64 } from './rounding.ts';
import { inflateBound } from './slack.ts';

/**
 * K from the final Dense layer's kernel in the **tfjs layout**: `lastWeights` is row-major
 * [inputs, classes] (what `layer.getWeights()[0].dataSync()` gives), so column j is w_j.
 * Returns a row-major classes×classes Float64Array with K[j·classes + i] = K_ji (symmetric, zero
 * diagonal), each entry a proven upper bound inflated by BOUND_RELATIVE_SLACK.
 * `prefixBound` must already be a sound bound on the product of the earlier layers' norms.
 */
export function lipschitzMatrix(
  lastWeights: Float32Array | Float64Array,
  inputs: number,
  classes: number,
  prefixBound: number,
): Float64Array {
  checkArguments(lastWeights.length, inputs, classes, prefixBound);
  // Transpose into one contiguous row per class.
  const rowsByClass = new Float64Array(classes * inputs);
  for (let k = 0; k < inputs; k++) {
    for (let j = 0; j < classes; j++) rowsByClass[j * inputs + k] = lastWeights[k * classes + j];
  }
  return lipschitzMatrixFromClassRows(rowsByClass, classes, inputs, prefixBound);
}

/**
 * The same K from weights laid out one class per row: `classRows` is row-major
 * [classes, inputs], row i being w_i (the transpose of the tfjs kernel).
 */
export function lipschitzMatrixFromClassRows(
  classRows: Float32Array | Float64Array,
  classes: number,
  inputs: number,
  prefixBound: number,
): Float64Array {
  checkArguments(classRows.length, inputs, classes, prefixBound);
  for (let i = 0; i < classRows.length; i++) {
    if (!Number.isFinite(classRows[i])) {
      throw new RelaxCertError(
        'INVALID_INPUT',
        'bounds: the last layer weights contain NaN or Infinity',
      );
    }
  }
  // ‖w_j − w_i‖ in float64: one rounding per difference and per square (≤ 3u relative each)
  // and a sum of positive terms (γ_inputs), then a square root: (inputs + 8)·u covers it.
  const distanceFactor = 1 + (inputs + 8) * UNIT_ROUNDOFF_64;
  const k = new Float64Array(classes * classes);
  for (let j = 0; j < classes; j++) {
    const oj = j * inputs;
    for (let i = j + 1; i < classes; i++) {
      const oi = i * inputs;
      let s = 0;
      for (let t = 0; t < inputs; t++) {
        const d = classRows[oj + t] - classRows[oi + t];
        s += d * d;
      }
      const value = inflateBound(
        Math.sqrt(s) * distanceFactor * prefixBound * FINAL_OPERATIONS_FACTOR,
      );
      k[j * classes + i] = value;
      k[i * classes + j] = value;
    }
  }
  return k;
}

function checkArguments(
  length: number,
  inputs: number,
  classes: number,
  prefixBound: number,
): void {
  if (!Number.isInteger(inputs) || !Number.isInteger(classes) || inputs < 1 || classes < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: last layer shape ${inputs}×${classes} must be positive integers`,
    );
  }
  if (length !== inputs * classes) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: last layer has ${length} weights, expected ${inputs}×${classes} = ${inputs * classes}`,
    );
  }
  if (!(prefixBound >= 0) || !Number.isFinite(prefixBound)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: prefixBound must be a finite number ≥ 0, got ${prefixBound}`,
    );
  }
}
