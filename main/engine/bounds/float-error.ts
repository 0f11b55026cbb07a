/**
 * Per-point bound on the float32 rounding error of the logits, with no assumption about the
 * network: what certification must subtract from every margin (shared/certify/input.ts,
 * ErrorBound). Pure float64 arithmetic on quantities the evaluation pass measures
 * (float-error-pass.ts); no tfjs.
 *
 * Error model (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1, Lemma 3.1
 * and eq. 3.5): a float32 sum of n products plus a bias, in any order, with or without fused
 * multiply-add, returns s + e with |e| ≤ γ_{n+1}·(Σ|w_k·h_k| + |b|), γ_m = m·u/(1 − m·u),
 * u = 2^-24, as long as nothing underflows. Underflow, gradual or flushed to zero (FTZ/DAZ, as
 * TensorFlow's CPU threads set), adds an absolute error below 2^-126 per operation and, for an
 * operand flushed to zero, below 2^-126 times the other operand: UNDERFLOW_32 terms below. MinMax,
 * space-to-depth and flatten only compare or move values: they are exact. The backend must follow
 * IEEE float32 arithmetic (the WASM and CPU backends and the native kernels do; TF32 on a GPU does
 * not, which is why evaluation never runs there: float-error-pass.ts).
 *
 * Notation: linear layers l = 1..L (dense or conv), each followed by exact 1-Lipschitz maps;
 * â_l the float32 activations after layer l (â_0 = x), a_l the exact ones, Lip_l the proven
 * spectral bound of layer l, P_l = Π_{m≤l} Lip_m, c_l = |W_l|·|â_{l−1}| + |b_l| (per output).
 *
 * At x: layer l adds an error vector e_l with |e_l| ≤ γ·c_l, so Δ_l = ‖â_l − a_l‖₂ obeys
 * Δ_l ≤ Lip_l·Δ_{l−1} + γ·‖c_l‖₂. For a logit difference, (w_j − w_i)·(â_{L−1} − a_{L−1}) adds
 * ‖w_j − w_i‖₂·Δ_{L−1}, and the last layer its own |e_L,j| + |e_L,i|.
 * At any x' with ‖x' − x‖ ≤ ε: ‖â_l(x') − â_l(x)‖ ≤ ρ_l = ε·P_l + Δ_l(x) + Δ_l(x'), so
 * |â_l(x')| ≤ |â_l(x)| + |δ| with ‖δ‖₂ ≤ ρ_l, and c_{l+1}(x') ≤ c_{l+1}(x) + |W_{l+1}|·|δ|, whose
 * norm is at most ‖|W_{l+1}|‖₂·ρ_l (and, per output j of the last layer, ‖w_j‖₂·ρ_{L−1}).
 * Every quantity is affine in ε with non-negative coefficients, so the bound is returned as
 * base + ε·perEpsilon, and the certified radius keeps its closed form (shared/certify/radius.ts).
 */
import { RelaxCertError } from '../../../shared/errors.ts';
import { gamma32, UNIT_ROUNDOFF_64 } from './rounding.ts';

/** Absolute error of one float32 operation that underflows (flush to zero included). */
export const UNDERFLOW_32 = 2 ** -126;

/**
 * Relative inflation covering this module's own float64 arithmetic: a few dozen roundings of
 * non-negative sums and products per point (each ≤ 2^-53), with a wide margin.
 */
const OWN_ROUNDING = 1 + 1e-12;

/** What the bound needs to know about one linear layer (all sound upper bounds). */
export interface LinearErrorSpec {
  /** Products summed into one output (dense: inputs; conv: kh·kw·cin). */
  fanIn: number;
  /** Number of outputs of the layer (for the ℓ2 norm of per-output underflow terms). */
  outputs: number;
  /** Proven bound on the layer's spectral norm (the one K is built from); unused for the last. */
  lipschitz: number;
  /** Upper bound on ‖|W|‖₂ (spectral norm of the entry-wise absolute weights). */
  absNorm: number;
  /** Largest Σ_k |W_jk| over outputs j (for the underflow term). */
  maxAbsRowSum: number;
}

/** Network constants of the bound; the last entry of `layers` is the logit layer. */
export interface ErrorNetworkSpec {
  layers: LinearErrorSpec[];
  /** ‖w_j‖₂ of each class row of the last layer. */
  classRowNorms: Float64Array;
  /** Upper bound on max_{j≠i} ‖w_j − w_i‖₂ over the last layer's class rows. */
  maxRowDistance: number;
  /** Largest K_ji (for the float64 rounding of the certify core's own margin arithmetic). */
  maxK: number;
}

/**
 * Measured, per point, by the evaluation pass (float32 values already rounded up to sound upper
 * bounds of the exact quantities, see float-error-pass.ts): for each hidden linear layer l < L,
 * ‖c_l‖₂ and max|â_{l−1}|; for the last layer, c_L per class and max|â_{L−1}|.
 */
export interface PointMeasurements {
  /** [hidden layer][point]: upper bound on ‖c_l‖₂. */
  hiddenNorms: Float64Array[];
  /** [linear layer][point]: upper bound on max_k |â_{l−1,k}| (the layer's input). */
  inputMaxAbs: Float64Array[];
  /** n × C: upper bound on c_L per class. */
  lastSums: Float64Array;
  /** n × C float32 logits f̂(x) (their magnitude enters the certify core's own rounding). */
  logits: Float32Array;
}

/** An affine function of ε with non-negative coefficients. */
interface Affine {
  at0: number;
  slope: number;
}

/** Per-output underflow allowance of a layer whose inputs are bounded by `inputMax` (+ ρ). */
function underflow(layer: LinearErrorSpec, inputMax: number, rho: Affine): Affine {
  const n = layer.fanIn;
  return {
    at0: UNDERFLOW_32 * (layer.maxAbsRowSum + n * (inputMax + rho.at0) + 2 * (n + 1)),
    slope: UNDERFLOW_32 * n * rho.slope,
  };
}

function checkSpec(spec: ErrorNetworkSpec, c: number): void {
  if (spec.layers.length < 1) {
    throw new RelaxCertError('INTERNAL', 'float-error: the network has no linear layer');
  }
  if (spec.classRowNorms.length !== c) {
    throw new RelaxCertError(
      'INTERNAL',
      `float-error: ${spec.classRowNorms.length} class row norms for ${c} classes`,
    );
  }
}

/** The two largest values of v[from..from+len) (0 when there are fewer). */
function topTwo(v: Float64Array, from: number, len: number): [number, number] {
  let a = 0;
  let b = 0;
  for (let t = from; t < from + len; t++) {
    const x = v[t];
    // NaN (an overflowed measurement) must not vanish: it becomes +∞ (never certified).
    const y = x === x ? x : Infinity;
    if (y > a) {
      b = a;
      a = y;
    } else if (y > b) b = y;
  }
  return [a, b];
}

/**
 * err(x, ε) = base + ε·perEpsilon for every point: a bound on |Δ(f̂_j − f̂_i)| at x plus the same
 * at any x' of the ε-ball, for every pair of classes (file comment). `n` points, `c` classes.
 */
export function floatErrorBound(
  spec: ErrorNetworkSpec,
  m: PointMeasurements,
  n: number,
  c: number,
): { base: Float64Array; perEpsilon: Float64Array } {
  checkSpec(spec, c);
  const hidden = spec.layers.slice(0, -1);
  const last = spec.layers[spec.layers.length - 1];
  const gLast = gamma32(last.fanIn + 1);
  const [w1, w2] = topTwo(spec.classRowNorms, 0, c);
  const base = new Float64Array(n);
  const perEpsilon = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    let atX = 0; // Δ_l(x)
    let ball: Affine = { at0: 0, slope: 0 }; // Δ_l(x') for the worst x' in the ball
    let rho: Affine = { at0: 0, slope: 1 }; // ρ_0 = ε
    let prefix = 1; // P_l
    hidden.forEach((layer, l) => {
      const g = gamma32(layer.fanIn + 1);
      const cNorm = m.hiddenNorms[l][p];
      const rootOut = Math.sqrt(layer.outputs);
      const uX = underflow(layer, m.inputMaxAbs[l][p], { at0: 0, slope: 0 });
      const uBall = underflow(layer, m.inputMaxAbs[l][p], rho);
      atX = layer.lipschitz * atX + g * cNorm + rootOut * uX.at0;
      ball = {
        at0:
          layer.lipschitz * ball.at0 + g * (cNorm + layer.absNorm * rho.at0) + rootOut * uBall.at0,
        slope: layer.lipschitz * ball.slope + g * layer.absNorm * rho.slope + rootOut * uBall.slope,
      };
      prefix *= layer.lipschitz;
      rho = { at0: atX + ball.at0, slope: prefix + ball.slope };
    });
    const row = p * c;
    const [c1, c2] = topTwo(m.lastSums, row, c);
    const uX = underflow(last, m.inputMaxAbs[hidden.length][p], { at0: 0, slope: 0 });
    const uBall = underflow(last, m.inputMaxAbs[hidden.length][p], rho);
    // Hidden errors through w_j − w_i, at x and at x'; the last layer's own errors of the two
    // classes, at x (γ·c) and at x' (γ·(c + ‖w‖·ρ)), plus their underflow terms.
    let at0 =
      spec.maxRowDistance * (atX + ball.at0) +
      gLast * (2 * (c1 + c2) + (w1 + w2) * rho.at0) +
      2 * (uX.at0 + uBall.at0);
    let slope = spec.maxRowDistance * ball.slope + gLast * (w1 + w2) * rho.slope + 2 * uBall.slope;
    // The certify core computes f_j − (f_i + ε·K_ji) in float64: three roundings, each at most
    // 2^-53 of |f_j| + |f_i| + ε·K_ji; 2^-50 of twice the largest |logit| covers them.
    let maxLogit = 0;
    for (let j = 0; j < c; j++) maxLogit = Math.max(maxLogit, Math.abs(m.logits[row + j]));
    at0 += 8 * UNIT_ROUNDOFF_64 * 2 * maxLogit;
    slope += 8 * UNIT_ROUNDOFF_64 * spec.maxK;
    base[p] = finiteOrInfinity(at0 * OWN_ROUNDING);
    perEpsilon[p] = finiteOrInfinity(slope * OWN_ROUNDING);
  }
  return { base, perEpsilon };
}

/** NaN (from ∞·0 or an overflowed measurement) means "unbounded": never certified. */
function finiteOrInfinity(x: number): number {
  return x >= 0 ? x : Infinity;
}

/**
 * Sound upper bound on an exact sum of non-negative products c = Σ|w||h| + |b| (fanIn products)
 * from its float32 value ĉ: ĉ ≥ c·(1 − γ_{fanIn+1}) − φ with φ the underflow allowance, so
 * c ≤ (ĉ + φ)/(1 − γ_{fanIn+1}).
 */
export function exactSumBound(computed: number, fanIn: number, underflowAllowance: number): number {
  return ((computed + underflowAllowance) / (1 - gamma32(fanIn + 1))) * OWN_ROUNDING;
}

/**
 * Sound upper bound on ‖c‖₂ for the exact vector c of `outputs` non-negative sums (each of
 * fanIn products), from ŝ = the float32 sum of the squares of their float32 values:
 * Σĉ² ≤ (ŝ + 2·outputs·2^-126)/(1 − γ_{outputs+1}), then each ĉ_k as in exactSumBound.
 */
export function exactNormBound(
  sumOfSquares: number,
  outputs: number,
  fanIn: number,
  underflowAllowance: number,
): number {
  const squares = (sumOfSquares + 2 * outputs * UNDERFLOW_32) / (1 - gamma32(outputs + 1));
  const norm = Math.sqrt(squares) / (1 - gamma32(fanIn + 1));
  return (norm + Math.sqrt(outputs) * underflowAllowance) * OWN_ROUNDING;
}

/** Underflow allowance of one output of `layer` whose inputs are at most `inputMax` in size. */
export function outputUnderflow(layer: LinearErrorSpec, inputMax: number): number {
  return underflow(layer, inputMax, { at0: 0, slope: 0 }).at0;
}
