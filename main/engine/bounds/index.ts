/**
 * Sound Lipschitz bounds for certification (pure TypeScript, no tfjs): proven upper bounds on
 * layer norms, the K matrix of the GloRo heads and the float32 slacks. See DESIGN.md, Soundness.
 */
export { conv2dSpectralUpperBound } from './conv-spectral-bound.ts';
export type { ConvBoundOptions, ConvInputSize, ConvKernelShape } from './conv-spectral-bound.ts';
export { denseSpectralUpperBound } from './dense-spectral-bound.ts';
export type { SpectralBoundOptions } from './dense-spectral-bound.ts';
export { lipschitzMatrix, lipschitzMatrixFromClassRows } from './lipschitz-matrix.ts';
export { BOUND_RELATIVE_SLACK, DEFAULT_MAX_FAN_IN, inflateBound, logitSlack } from './slack.ts';
