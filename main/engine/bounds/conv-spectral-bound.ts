/**
 * Proven upper bound on the operator norm (ℓ2 → ℓ2) of a 2-D convolution layer as a linear map
 * on h×w×cin inputs: tfjs conv2d semantics (cross-correlation, NHWC, kernel [kh, kw, cin, cout],
 * 'same' or 'valid' zero padding, equal strides in both directions, no dilation). The bias does
 * not enter a Lipschitz constant.
 *
 * Why the bound holds.
 * 1. Circular embedding. Put the input in an N1×N2 grid of zeros with N1 ≥ h + kh − 1 and
 *    N2 ≥ w + kw − 1. Every output of the zero-padded convolution (same or valid) is the kernel
 *    window at some offset d with −(kh−1) ≤ d ≤ h − 1 (rows; likewise columns), and for such
 *    offsets the wrapped window of the circular convolution on the grid touches exactly the
 *    same input cells (reaching them again would need a window of length ≥ N1 − h + 1 ≥ kh).
 *    Distinct outputs sit at distinct grid positions. So the padded conv is P·C·E, with E an
 *    isometric embedding of the inputs, C the circular conv and P a selection of outputs, and
 *    ‖P·C·E‖ ≤ ‖C‖.
 * 2. Stride. Place the input at grid rows padTop … padTop + h − 1 (columns alike); output p of
 *    the layer is then the circular conv's output at grid position p·s, and the argument of 1
 *    still applies (padTop ≤ kh − 1 and (out − 1)·s − padTop ≤ h − 1 for tfjs 'same' and
 *    'valid'). So the layer is a selection of the outputs of the *strided* circular map
 *    S = (keep positions ≡ 0 mod s)·C, with N rounded up to a multiple of s; ‖S‖ ≤ ‖C‖, and
 *    ‖S‖ is known exactly: with the unitary DFT, output frequency k' (on the N/s grid) gathers
 *    the s² input frequencies k' + r·N/s (aliasing: Y(k') = s⁻²·Σ_r K̂(k'+rN/s)ᵀ·X(k'+rN/s)), so
 *        ‖S‖ = max_{k'} σ₁(B_{k'}) / s,   B_{k'} = [K̂(k' + r·N/s)]_{r ∈ [0,s)²}   (cout × s²·cin),
 *    where K̂(u, v) = Σ_{a,b} K[a, b, :, :]ᵀ·e^{2πi(au/N1 + bv/N2)}. For s = 1 this is the classic
 *    max over frequencies of the largest singular value of the cout×cin transfer matrix; for
 *    s > 1 it is much tighter than ‖C‖.
 * 3. Each σ₁(B_{k'}) is bounded by Gram iteration (gram-iteration.ts, rounding included);
 *    B_{−k'} is the conjugate of B_{k'} up to a permutation of blocks (the kernel is real), so half
 *    of the frequencies suffice. The DFT itself is computed in float64 with a one-rounding twiddle
 *    table; its error adds at most √2·(T + 35)·u·√T·‖K‖_F to the norm (T = kh·kw taps: ≤ 32u per
 *    twiddle, u per product, γ_T per sum; Cauchy–Schwarz over the taps), which we add.
 *
 * Speed: frequencies are visited in decreasing order of ‖B‖_F, and one whose bound already lies
 * within the tolerance of the best lower estimate found so far is not refined further; the
 * result is the maximum of all the (proven) per-frequency bounds either way.
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import { DEFAULT_GRAM_TOLERANCE, gramIterationLog2 } from './gram-iteration.ts';
import { FINAL_OPERATIONS_FACTOR, UNIT_ROUNDOFF_64 } from './rounding.ts';
import { inflateBound } from './slack.ts';

export interface ConvKernelShape {
  kh: number;
  kw: number;
  cin: number;
  cout: number;
}

export interface ConvInputSize {
  h: number;
  w: number;
}

export interface ConvBoundOptions {
  stride: number;
  padding: 'same' | 'valid';
  /** Tightness target of the per-frequency Gram iteration (default 0.001); never soundness. */
  tolerance?: number;
  /** Cap on squarings per frequency (default 24). */
  maxIterations?: number;
}

/**
 * A proven upper bound on the operator norm of the conv2d layer with `kernel` ([kh, kw, cin, cout]
 * row-major, as tfjs stores it) on h×w×cin inputs, already inflated by BOUND_RELATIVE_SLACK.
 */
export function conv2dSpectralUpperBound(
  kernel: Float32Array | Float64Array,
  shape: ConvKernelShape,
  input: ConvInputSize,
  options: ConvBoundOptions,
): number {
  validate(kernel, shape, input, options);
  const tolerance = options.tolerance ?? DEFAULT_GRAM_TOLERANCE;
  const k64 = Float64Array.from(kernel);
  let kernelNorm2 = 0;
  for (let i = 0; i < k64.length; i++) kernelNorm2 += k64[i] * k64[i];
  if (kernelNorm2 === 0) return 0;

  const grid = frequencyGrid(shape, input, options.stride);
  const block = aliasBlock(grid, k64);
  const log2Slack = Math.log2(1 + tolerance);
  let bestLower = -Infinity;
  let maxUpper = -Infinity;
  for (const { k1, k2 } of frequenciesByEnergy(grid, k64)) {
    block.build(k1, k2);
    const result = gramIterationLog2(block.re.slice(), block.im.slice(), block.rows, grid.cout, {
      tolerance,
      maxIterations: options.maxIterations,
      stopAtLog2: bestLower + log2Slack,
    });
    if (result.log2Upper > maxUpper) maxUpper = result.log2Upper;
    if (result.log2LowerEstimate > bestLower) bestLower = result.log2LowerEstimate;
  }

  const taps = grid.taps;
  const dftError =
    Math.SQRT2 * (taps + 35) * UNIT_ROUNDOFF_64 * Math.sqrt(taps) * Math.sqrt(kernelNorm2) * 1.01;
  const circularNorm = 2 ** maxUpper / grid.s;
  return inflateBound((circularNorm + dftError) * FINAL_OPERATIONS_FACTOR);
}

/** The circular grid of the proof (N1×N2, multiples of the stride) and its twiddle table. */
interface FrequencyGrid extends ConvKernelShape {
  s: number;
  n1: number;
  n2: number;
  /** N1/s and N2/s: the output frequencies. */
  m1: number;
  m2: number;
  /** N1·N2. */
  period: number;
  /** kh·kw. */
  taps: number;
  /** cos/sin(2π·t/(N1·N2)) for every t: one rounding of the angle chain and one of cos/sin. */
  cosTable: Float64Array;
  sinTable: Float64Array;
}

function frequencyGrid(shape: ConvKernelShape, input: ConvInputSize, s: number): FrequencyGrid {
  const { kh, kw } = shape;
  const n1 = roundUp(input.h + kh - 1, s);
  const n2 = roundUp(input.w + kw - 1, s);
  const period = n1 * n2;
  const cosTable = new Float64Array(period);
  const sinTable = new Float64Array(period);
  for (let t = 0; t < period; t++) {
    const angle = (2 * Math.PI * t) / period;
    cosTable[t] = Math.cos(angle);
    sinTable[t] = Math.sin(angle);
  }
  return {
    ...shape,
    s,
    n1,
    n2,
    m1: n1 / s,
    m2: n2 / s,
    period,
    taps: kh * kw,
    cosTable,
    sinTable,
  };
}

/** B_{k'} as a (s²·cin) × cout matrix (the transpose of the text above), rebuilt in place. */
interface AliasBlock {
  rows: number;
  re: Float64Array;
  im: Float64Array;
  /** Fills re/im with B_{k'} for k' = (k1, k2). */
  build(k1: number, k2: number): void;
}

function aliasBlock(grid: FrequencyGrid, k64: Float64Array): AliasBlock {
  const { kh, kw, cin, cout, s, n1, n2, m1, m2, period, taps, cosTable, sinTable } = grid;
  // The kernel with the taps innermost ([cin, cout, taps]) so that each entry of B is one short
  // dot product with the tap twiddles, accumulated in registers.
  const byTap = new Float64Array(k64.length);
  for (let t = 0; t < taps; t++) {
    for (let co = 0; co < cin * cout; co++) byTap[co * taps + t] = k64[t * cin * cout + co];
  }
  const tapCos = new Float64Array(taps);
  const tapSin = new Float64Array(taps);
  const rows = s * s * cin;
  const re = new Float64Array(rows * cout);
  const im = new Float64Array(rows * cout);
  const build = (k1: number, k2: number): void => {
    for (let r1 = 0; r1 < s; r1++) {
      const u = k1 + r1 * m1;
      for (let r2 = 0; r2 < s; r2++) {
        const v = k2 + r2 * m2;
        // e^{2πi(au/N1 + bv/N2)} = e^{2πi·t/(N1·N2)} with t = (a·u·N2 + b·v·N1) mod N1·N2.
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const t = (((a * u) % n1) * n2 + ((b * v) % n2) * n1) % period;
            tapCos[a * kw + b] = cosTable[t];
            tapSin[a * kw + b] = sinTable[t];
          }
        }
        const rowBase = (r1 * s + r2) * cin * cout;
        for (let co = 0; co < cin * cout; co++) {
          const o = co * taps;
          let sumRe = 0;
          let sumIm = 0;
          for (let t = 0; t < taps; t++) {
            const kv = byTap[o + t];
            sumRe += kv * tapCos[t];
            sumIm += kv * tapSin[t];
          }
          re[rowBase + co] = sumRe;
          im[rowBase + co] = sumIm;
        }
      }
    }
  };
  return { rows, re, im, build };
}

/**
 * Half of the output frequencies (conjugate symmetry), in decreasing order of ‖B_{k'}‖_F², which
 * is Σ over the aliases of ‖K̂(u, v)‖_F². The order only affects speed, never soundness.
 */
function frequenciesByEnergy(
  grid: FrequencyGrid,
  k64: Float64Array,
): Array<{ k1: number; k2: number; energy: number }> {
  const { s, m1, m2 } = grid;
  const energy = frequencyEnergy(grid, k64);
  const half2 = Math.floor(m2 / 2);
  const frequencies: Array<{ k1: number; k2: number; energy: number }> = [];
  for (let k1 = 0; k1 < m1; k1++) {
    for (let k2 = 0; k2 <= half2; k2++) {
      let e = 0;
      for (let r1 = 0; r1 < s; r1++)
        for (let r2 = 0; r2 < s; r2++) e += energy(k1 + r1 * m1, k2 + r2 * m2);
      frequencies.push({ k1, k2, energy: e });
    }
  }
  frequencies.sort((x, y) => y.energy - x.energy);
  return frequencies;
}

/**
 * (u, v) ↦ ‖K̂(u, v)‖_F², the DFT of the kernel's autocorrelation
 * R(Δa, Δb) = Σ K[a,b,c,o]·K[a+Δa,b+Δb,c,o] (a handful of terms per frequency).
 */
function frequencyEnergy(grid: FrequencyGrid, k64: Float64Array): (u: number, v: number) => number {
  const { kh, kw, cin, cout, n1, n2, period, cosTable } = grid;
  const autocorrelation = new Float64Array((2 * kh - 1) * (2 * kw - 1));
  for (let da = -(kh - 1); da < kh; da++) {
    for (let db = -(kw - 1); db < kw; db++) {
      let sum = 0;
      for (let a = Math.max(0, -da); a < Math.min(kh, kh - da); a++) {
        for (let b = Math.max(0, -db); b < Math.min(kw, kw - db); b++) {
          const p = (a * kw + b) * cin * cout;
          const q = ((a + da) * kw + (b + db)) * cin * cout;
          for (let co = 0; co < cin * cout; co++) sum += k64[p + co] * k64[q + co];
        }
      }
      autocorrelation[(da + kh - 1) * (2 * kw - 1) + (db + kw - 1)] = sum;
    }
  }
  return (u: number, v: number): number => {
    let e = 0;
    for (let da = -(kh - 1); da < kh; da++) {
      for (let db = -(kw - 1); db < kw; db++) {
        const t =
          (((((da * u) % n1) + n1) % n1) * n2 + ((((db * v) % n2) + n2) % n2) * n1) % period;
        e += autocorrelation[(da + kh - 1) * (2 * kw - 1) + (db + kw - 1)] * cosTable[t];
      }
    }
    return e;
  };
}

function roundUp(x: number, s: number): number {
  return Math.ceil(x / s) * s;
}

function validate(
  kernel: Float32Array | Float64Array,
  shape: ConvKernelShape,
  input: ConvInputSize,
  options: ConvBoundOptions,
): void {
  const positive = (x: number): boolean => Number.isInteger(x) && x >= 1;
  const { kh, kw, cin, cout } = shape;
  if (![kh, kw, cin, cout].every(positive)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: conv kernel shape [${kh}, ${kw}, ${cin}, ${cout}] must be positive integers`,
    );
  }
  if (kernel.length !== kh * kw * cin * cout) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: conv kernel has ${kernel.length} values, expected ${kh}·${kw}·${cin}·${cout} = ${kh * kw * cin * cout}`,
    );
  }
  if (!positive(input.h) || !positive(input.w)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: conv input size ${input.h}×${input.w} must be positive integers`,
    );
  }
  if (!positive(options.stride)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: conv stride must be a positive integer, got ${options.stride}`,
    );
  }
  if (options.padding !== 'same' && options.padding !== 'valid') {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: conv padding must be 'same' or 'valid', got ${String(options.padding)}`,
    );
  }
  if (options.padding === 'valid' && (input.h < kh || input.w < kw)) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `bounds: a 'valid' ${kh}×${kw} conv needs an input of at least that size, got ${input.h}×${input.w}`,
    );
  }
  for (let i = 0; i < kernel.length; i++) {
    if (!Number.isFinite(kernel[i])) {
      throw new RelaxCertError('INVALID_INPUT', 'bounds: the conv kernel contains NaN or Infinity');
    }
  }
}
