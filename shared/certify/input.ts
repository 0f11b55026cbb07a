/** Input checks shared by certify() and certifiedRadius(): every problem names its field. */
import { RelaxCertError } from '../errors.ts';

/**
 * Per-point bound on the rounding error of every logit difference under one claim
 * (claim.ts; main/engine/bounds/float-error.ts derives both). Claim `exact`: the stored logits f̃
 * at x, |(f̃_j − f̃_i)(x) − (f_j − f_i)(x)| ≤ base[p] + ε·perEpsilon[p], f the exact network.
 * Claim `float32`: that plus |(f̂_j − f̂_i)(x') − (f_j − f_i)(x')| for every x' with
 * ‖x' − x‖₂ ≤ ε, f̂ the float32 network. A point is certified at ε only when its margin exceeds
 * the bound. Entries are ≥ 0, possibly +∞ (an evaluation that overflowed certifies nothing).
 */
export interface ErrorBound {
  base: Float64Array;
  perEpsilon: Float64Array;
}

export interface LogitsAndBounds {
  logits: Float32Array | Float64Array;
  n: number;
  c: number;
  /** c×c; lipschitz[j*c+i] bounds Lip(f_j − f_i). */
  lipschitz: Float32Array | Float64Array;
  /** Absent: exact arithmetic is assumed (the paper's rule m > 0); for tests and the math only. */
  errorBound?: ErrorBound;
}

/** The bound err(p, ε) = base[p] + ε·perEpsilon[p]; 0·∞ is taken as 0 (ε = 0 adds nothing). */
export function errorAt(bound: ErrorBound | undefined, p: number, epsilon: number): number {
  if (bound === undefined) return 0;
  return epsilon > 0 ? bound.base[p] + epsilon * bound.perEpsilon[p] : bound.base[p];
}

function bad(field: string, message: string): never {
  throw new RelaxCertError('INVALID_INPUT', message, { field });
}

export function checkLogitsAndBounds(input: LogitsAndBounds): void {
  const { n, c, logits, lipschitz } = input;
  if (!Number.isInteger(n) || n < 0) bad('n', `n must be a non-negative integer (got ${n}).`);
  if (!Number.isInteger(c) || c < 1) bad('c', `c must be a positive integer (got ${c}).`);
  if (!(logits instanceof Float32Array || logits instanceof Float64Array)) {
    bad('logits', 'logits must be a Float32Array or Float64Array.');
  }
  if (logits.length !== n * c) {
    bad('logits', `logits has ${logits.length} values, expected n × c = ${n} × ${c} = ${n * c}.`);
  }
  if (!(lipschitz instanceof Float32Array || lipschitz instanceof Float64Array)) {
    bad('lipschitz', 'lipschitz must be a Float32Array or Float64Array.');
  }
  if (lipschitz.length !== c * c) {
    bad('lipschitz', `lipschitz has ${lipschitz.length} values, expected c × c = ${c * c}.`);
  }
  for (let t = 0; t < logits.length; t++) {
    const v = logits[t];
    // v - v is NaN exactly for NaN and ±Infinity: one comparison per value.
    if (v - v !== 0) {
      const point = Math.floor(t / c);
      bad('logits', `logits of point ${point} (class ${t - point * c}) is ${v}: not finite.`);
    }
  }
  for (let t = 0; t < lipschitz.length; t++) {
    const v = lipschitz[t];
    if (v - v !== 0 || v < 0) {
      const j = Math.floor(t / c);
      bad(
        'lipschitz',
        `lipschitz[${j}][${t - j * c}] (bound of f_${j} − f_${t - j * c}) is ${v}: ` +
          'must be finite and ≥ 0.',
      );
    }
  }
  if (input.errorBound !== undefined) checkErrorBound(input.errorBound, n);
}

function checkErrorBound(bound: ErrorBound, n: number): void {
  for (const field of ['base', 'perEpsilon'] as const) {
    const values = bound[field];
    if (!(values instanceof Float64Array)) {
      bad(`errorBound.${field}`, `errorBound.${field} must be a Float64Array.`);
    }
    if (values.length !== n) {
      bad(
        `errorBound.${field}`,
        `errorBound.${field} has ${values.length} values for ${n} points.`,
      );
    }
    for (let p = 0; p < n; p++) {
      // NaN and negative values are refused; +∞ is allowed and means "never certified".
      if (!(values[p] >= 0)) {
        bad(
          `errorBound.${field}`,
          `errorBound.${field} of point ${p} is ${values[p]}: must be ≥ 0.`,
        );
      }
    }
  }
}

export function checkEpsilon(epsilon: number): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    bad('epsilon', `epsilon must be a finite number ≥ 0 (got ${epsilon}).`);
  }
}

/** Labels must be one per point, each a class id in 0..c−1. */
export function checkLabels(labels: Int32Array, n: number, c: number): void {
  if (!(labels instanceof Int32Array)) bad('labels', 'labels must be an Int32Array.');
  if (labels.length !== n) bad('labels', `labels has ${labels.length} entries for ${n} points.`);
  for (let p = 0; p < n; p++) {
    const y = labels[p];
    if (y < 0 || y >= c)
      bad('labels', `label of point ${p} is ${y}: not a class id in 0..${c - 1}.`);
  }
}
