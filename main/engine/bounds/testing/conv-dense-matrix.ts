/**
 * The dense matrix of a tfjs-style conv2d (cross-correlation, NHWC, kernel [kh, kw, cin, cout]),
 * built by applying the convolution to every basis vector, for checking the conv bound against
 * an exact norm. Padding follows tfjs: 'same' gives ceil(h/stride) outputs with
 * padTop = floor(max((out − 1)·stride + kh − h, 0) / 2); 'valid' gives floor((h − kh)/stride) + 1.
 */
export interface ConvGeometry {
  kh: number;
  kw: number;
  cin: number;
  cout: number;
  h: number;
  w: number;
  stride: number;
  padding: 'same' | 'valid';
}

function outputAndPad(
  size: number,
  k: number,
  stride: number,
  padding: 'same' | 'valid',
): [number, number] {
  if (padding === 'valid') return [Math.floor((size - k) / stride) + 1, 0];
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + k - size, 0);
  return [out, Math.floor(total / 2)];
}

/**
 * The output size and every (output pixel, input pixel, tap) the convolution pairs, in the order
 * output row, output column, kernel row, kernel column: `visit` gets the offsets of the output
 * pixel in y (of its cout values), of the input pixel in x (of its cin values) and of the tap in
 * the kernel (of its cin·cout values).
 */
function convPairs(g: ConvGeometry): {
  oh: number;
  ow: number;
  each(visit: (yAt: number, xAt: number, kAt: number) => void): void;
} {
  const [oh, padTop] = outputAndPad(g.h, g.kh, g.stride, g.padding);
  const [ow, padLeft] = outputAndPad(g.w, g.kw, g.stride, g.padding);
  const each = (visit: (yAt: number, xAt: number, kAt: number) => void): void => {
    for (let p = 0; p < oh; p++) {
      for (let q = 0; q < ow; q++) {
        for (let a = 0; a < g.kh; a++) {
          const r = p * g.stride + a - padTop;
          if (r < 0 || r >= g.h) continue;
          for (let b = 0; b < g.kw; b++) {
            const c0 = q * g.stride + b - padLeft;
            if (c0 < 0 || c0 >= g.w) continue;
            visit((p * ow + q) * g.cout, (r * g.w + c0) * g.cin, (a * g.kw + b) * g.cin * g.cout);
          }
        }
      }
    }
  };
  return { oh, ow, each };
}

/** y = conv(x) for one NHWC input x (h·w·cin values), as tfjs conv2d computes it. */
export function applyConv2d(
  kernel: ArrayLike<number>,
  g: ConvGeometry,
  x: ArrayLike<number>,
): Float64Array {
  const pairs = convPairs(g);
  const y = new Float64Array(pairs.oh * pairs.ow * g.cout);
  pairs.each((yAt, xAt, kAt) => {
    for (let c = 0; c < g.cin; c++) {
      const xv = x[xAt + c];
      if (xv === 0) continue;
      for (let o = 0; o < g.cout; o++) y[yAt + o] += xv * kernel[kAt + c * g.cout + o];
    }
  });
  return y;
}

/** The row-major (outputs × inputs) matrix of the convolution. */
export function convDenseMatrix(
  kernel: ArrayLike<number>,
  g: ConvGeometry,
): { matrix: Float64Array; rows: number; cols: number } {
  const cols = g.h * g.w * g.cin;
  const basis = new Float64Array(cols);
  let rows = 0;
  let matrix = new Float64Array(0);
  for (let j = 0; j < cols; j++) {
    basis.fill(0);
    basis[j] = 1;
    const column = applyConv2d(kernel, g, basis);
    if (j === 0) {
      rows = column.length;
      matrix = new Float64Array(rows * cols);
    }
    for (let i = 0; i < rows; i++) matrix[i * cols + j] = column[i];
  }
  return { matrix, rows, cols };
}

/** The adjoint map: x = convᵀ(y), for power iteration on convᵀ·conv. */
export function applyConv2dTranspose(
  kernel: ArrayLike<number>,
  g: ConvGeometry,
  y: ArrayLike<number>,
): Float64Array {
  const x = new Float64Array(g.h * g.w * g.cin);
  convPairs(g).each((yAt, xAt, kAt) => {
    for (let c = 0; c < g.cin; c++) {
      let s = 0;
      for (let o = 0; o < g.cout; o++) s += y[yAt + o] * kernel[kAt + c * g.cout + o];
      x[xAt + c] += s;
    }
  });
  return x;
}

/**
 * A lower bound on the conv's operator norm: ‖conv(x)‖/‖x‖ for the vector x reached by `steps`
 * power iterations on convᵀ·conv (any x gives a lower bound; iterating makes it tight).
 */
export function convNormLowerBound(
  kernel: ArrayLike<number>,
  g: ConvGeometry,
  random: () => number,
  steps = 300,
): number {
  let x: Float64Array = Float64Array.from({ length: g.h * g.w * g.cin }, () => random() - 0.5);
  let estimate = 0;
  for (let t = 0; t < steps; t++) {
    const norm = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
    x = x.map((v) => v / norm);
    const y = applyConv2d(kernel, g, x);
    estimate = Math.max(estimate, Math.sqrt(y.reduce((s, v) => s + v * v, 0)));
    x = applyConv2dTranspose(kernel, g, y);
  }
  return estimate;
}
