/** Matrices with known singular values, for checking the reference and the bounds. */
import { gaussian } from './seeded-random.ts';

/** A random Householder reflection H = I − 2vvᵀ/‖v‖² (orthogonal), as a row-major n×n array. */
function householder(random: () => number, n: number): Float64Array {
  const v = Array.from({ length: n }, () => gaussian(random));
  const norm2 = v.reduce((s, x) => s + x * x, 0);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - (2 * v[i] * v[j]) / norm2;
  }
  return h;
}

function multiply(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < m; j++) c[i * m + j] += aip * b[p * m + j];
    }
  }
  return c;
}

/**
 * U·diag(sigma)·Vᵀ with U (rows×rows) and V (cols×cols) random products of two Householder
 * reflections; sigma has min(rows, cols) entries.
 */
export function matrixWithSingularValues(
  random: () => number,
  rows: number,
  cols: number,
  sigma: number[],
): Float64Array {
  const s = new Float64Array(rows * cols);
  sigma.forEach((value, i) => {
    s[i * cols + i] = value;
  });
  const u = multiply(householder(random, rows), householder(random, rows), rows, rows, rows);
  const v = multiply(householder(random, cols), householder(random, cols), cols, cols, cols);
  return multiply(multiply(u, s, rows, rows, cols), v, rows, cols, cols);
}
