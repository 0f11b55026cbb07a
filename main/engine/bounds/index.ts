/**
 * Sound Lipschitz bounds for certification (pure TypeScript on Float32Array/Float64Array, no
 * tfjs, so they run anywhere). See DESIGN.md, Soundness. Conventions:
 * - denseSpectralUpperBound(w, rows, cols): any row-major layout (‖W‖₂ = ‖Wᵀ‖₂); pass the tfjs
 *   Dense kernel as [inputs, units].
 * - conv2dSpectralUpperBound(kernel, {kh, kw, cin, cout}, {h, w}, {stride, padding}): tfjs conv2d
 *   kernel [kh, kw, cin, cout], NHWC input h×w×cin, 'same'/'valid', equal strides.
 * - lipschitzMatrix(kernel, inputs, classes, prefixBound): the last Dense kernel in tfjs layout
 *   [inputs, classes]; returns K row-major classes×classes, K[j·C + i] = K_ji.
 * - Every returned bound is already inflated once by BOUND_RELATIVE_SLACK (products of them are
 *   sound). roundingErrorBounds(...) are each point's rounding-error bounds (one per claim) for the certify
 *   core, from the constants errorNetworkSpec(...) derives from the weights.
 */
export { conv2dSpectralUpperBound } from './conv-spectral-bound.ts';
export type { ConvBoundOptions, ConvInputSize, ConvKernelShape } from './conv-spectral-bound.ts';
export { denseSpectralUpperBound } from './dense-spectral-bound.ts';
export type { SpectralBoundOptions } from './dense-spectral-bound.ts';
export { DEFAULT_GRAM_TOLERANCE } from './gram-iteration.ts';
export { lipschitzMatrix, lipschitzMatrixFromClassRows } from './lipschitz-matrix.ts';
export { BOUND_RELATIVE_SLACK, inflateBound } from './slack.ts';
export { roundingErrorBounds } from './float-error.ts';
export type { ErrorNetworkSpec, PointMeasurements } from './float-error.ts';
export { errorNetworkSpec } from './float-error-spec.ts';
