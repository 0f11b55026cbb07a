/**
 * The shared inner kernel of the Gram matrix (gram-iteration.ts) and of the Cholesky factor
 * (shifted-cholesky.ts): eight dot products at once, four rows against two, so that each load
 * serves two or four products (the fastest of the shapes measured in V8).
 */

/**
 * out[2·i + j] = Σ_{k < length} a[row_i + k]·a[col_j + k] for the rows at offsets r0 … r3 and
 * the columns at offsets c0, c1 of `a`, each sum accumulated in increasing k (the rounding error
 * analyses of both callers hold for this order, as for any).
 */
export function dotBlock4x2(
  a: Float64Array,
  r0: number,
  r1: number,
  r2: number,
  r3: number,
  c0: number,
  c1: number,
  length: number,
  out: Float64Array,
): void {
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s30 = 0;
  let s31 = 0;
  for (let k = 0; k < length; k++) {
    const b0 = a[c0 + k];
    const b1 = a[c1 + k];
    let x = a[r0 + k];
    s00 += x * b0;
    s01 += x * b1;
    x = a[r1 + k];
    s10 += x * b0;
    s11 += x * b1;
    x = a[r2 + k];
    s20 += x * b0;
    s21 += x * b1;
    x = a[r3 + k];
    s30 += x * b0;
    s31 += x * b1;
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s10;
  out[3] = s11;
  out[4] = s20;
  out[5] = s21;
  out[6] = s30;
  out[7] = s31;
}
