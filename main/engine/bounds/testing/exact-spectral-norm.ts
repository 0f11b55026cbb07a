/**
 * Reference singular values for tests: one-sided Jacobi (Hestenes) SVD in float64, run until
 * every pair of columns is orthogonal to machine precision. Accurate to a few ulps relative for
 * the largest singular value; O(sweeps·n²·m), so for small matrices only.
 */

/** All singular values of the row-major rows×cols matrix, in decreasing order. */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): number[] {
  // Work on columns of the orientation with fewer columns (rotations act on column pairs).
  const transpose = cols > rows;
  const m = transpose ? cols : rows; // column length
  const n = transpose ? rows : cols; // number of columns
  const columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = transpose ? a[j * cols + i] : a[i * cols + j];
    columns.push(c);
  }
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = columns[p];
        const y = columns[q];
        let alpha = 0;
        let beta = 0;
        let gammaPq = 0;
        for (let i = 0; i < m; i++) {
          alpha += x[i] * x[i];
          beta += y[i] * y[i];
          gammaPq += x[i] * y[i];
        }
        if (gammaPq === 0 || Math.abs(gammaPq) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gammaPq);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const xi = x[i];
          const yi = y[i];
          x[i] = c * xi - s * yi;
          y[i] = s * xi + c * yi;
        }
      }
    }
    if (!rotated) break;
  }
  const values = columns.map((c) => Math.hypot(...c));
  return values.sort((u, v) => v - u);
}

/** The exact spectral norm ‖A‖₂ (largest singular value) of a small row-major matrix. */
export function exactSpectralNorm(a: ArrayLike<number>, rows: number, cols: number): number {
  return singularValues(a, rows, cols)[0] ?? 0;
}
