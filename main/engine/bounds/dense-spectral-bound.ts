/**
 * Proven upper bound on the spectral norm of a dense layer's weight matrix.
 *
 * Orientation does not matter: ‖W‖₂ = ‖Wᵀ‖₂, so the bound is the same whether the layer computes
 * y = x·W (tfjs Dense, kernel [inputs, units], x a row vector) or y = W·x. Pass the tfjs kernel
 * as it is, with rows = inputs and cols = units.
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import { gramIterationLog2 } from './gram-iteration.ts';
import type { GramIterationOptions } from './gram-iteration.ts';
import { FINAL_OPERATIONS_FACTOR } from './rounding.ts';
import { inflateBound } from './slack.ts';

export interface SpectralBoundOptions {
  /**
   * Target tightness: Gram iteration stops once the bound is proven within this relative
   * distance of the exact norm (default 0.001). Never affects soundness.
   */
  tolerance?: number;
  /** Cap on the number of squarings (default 24); the bound is sound whenever it stops. */
  maxIterations?: number;
}

/**
 * A proven upper bound on ‖W‖₂ for the row-major rows×cols matrix `w`, already inflated by
 * BOUND_RELATIVE_SLACK (see slack.ts). 0 for the zero matrix.
 */
export function denseSpectralUpperBound(
  w: Float32Array | Float64Array,
  rows: number,
  cols: number,
  options: SpectralBoundOptions = {},
): number {
  checkShape(w.length, rows, cols);
  const gramOptions: GramIterationOptions = {};
  if (options.tolerance !== undefined) gramOptions.tolerance = options.tolerance;
  if (options.maxIterations !== undefined) gramOptions.maxIterations = options.maxIterations;
  // Float64Array.from converts float32 exactly; the copy is rescaled in place by the iteration.
  const result = gramIterationLog2(Float64Array.from(w), null, rows, cols, gramOptions);
  if (result.log2Upper === -Infinity) return 0;
  return inflateBound(2 ** result.log2Upper * FINAL_OPERATIONS_FACTOR);
}

function checkShape(length: number, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: dense shape ${rows}×${cols} must be positive integers`,
    );
  }
  if (length !== rows * cols) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: dense weights have ${length} values, expected ${rows}×${cols} = ${rows * cols}`,
    );
  }
}
