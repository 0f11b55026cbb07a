/**
 * Per-point bound on the rounding error of the logits, with no assumption about the network:
 * what certification must subtract from every margin (shared/certify/input.ts, ErrorBound).
 * Pure float64 arithmetic on quantities the evaluation pass measures (float64-pass.ts); no tfjs.
 *
 * Two bounds, one per claim (shared/certify/claim.ts). `float32`: the network run in IEEE float32
 * (f̂, any summation order, with or without fused multiply-add, on any conforming backend) gives
 * a class of the certified set at every x' of the ε-ball, and so does the network in exact
 * arithmetic (f). `exact`: f does; that needs only the error of the stored logits at x, since
 * K bounds the Lipschitz constants of f itself. The stored logits f̃ are f(x) computed in
 * float64 and rounded to float32.
 *
 * Error model (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., §3.1, Lemma 3.1
 * and eq. 3.5): a sum of n products plus a bias, in any order, with or without FMA, returns
 * s + e with |e| ≤ γ_{n+1}·(Σ|w_k·h_k| + |b|), γ_m = m·u/(1 − m·u), u = 2^-24 in float32 and
 * 2^-53 in float64, as long as nothing underflows. Underflow, gradual or flushed to zero
 * (FTZ/DAZ, as TensorFlow's CPU threads set), adds an absolute error below 2^-126 (float32) per
 * operation and, for an operand flushed to zero, below 2^-126 times the other operand: the
 * underflow terms below (2^-1022 for float64). MinMax, space-to-depth and flatten only compare
 * or move values: they are exact. TF32 (10-bit mantissa) is not IEEE float32: a deployment
 * that computes in TF32 is not covered (README, Soundness).
 *
 * Notation: linear layers l = 1..L (dense or conv), each followed by exact 1-Lipschitz maps;
 * a_l the exact activations after layer l (a_0 = x), ã_l the float64 ones of the evaluation
 * pass, â_l the float32 ones of a deployment, Lip_l the proven spectral bound of layer l,
 * P_l = Π_{m≤l} Lip_m, c_l = |W_l|·|ã_{l−1}| + |b_l| (per output, measured in float64).
 *
 * At x (float64): layer l adds an error vector e_l with |e_l| ≤ γ64·c_l, so D_l = ‖ã_l − a_l‖₂
 * obeys D_l ≤ Lip_l·D_{l−1} + γ64·‖c_l‖₂. For a logit difference, (w_j − w_i)·(ã_{L−1} − a_{L−1})
 * adds ‖w_j − w_i‖₂·D_{L−1}, the last layer its own |e_L,j| + |e_L,i|, and storing f̃ as float32
 * 2^-24·(|f̃_j| + |f̃_i|).
 * At any x' with ‖x' − x‖ ≤ ε (float32): ‖â_l(x') − ã_l(x)‖ ≤ ρ_l = ε·P_l + Δ_l(x') + D_l(x),
 * with Δ_l(x') = ‖â_l(x') − a_l(x')‖, so |â_l(x')| ≤ |ã_l(x)| + |δ| with ‖δ‖₂ ≤ ρ_l, and the
 * float32 layer's operands obey c_{l+1}(x') ≤ c_{l+1} + |W_{l+1}|·|δ|, whose norm is at most
 * ‖|W_{l+1}|‖₂·ρ_l (per output j of the last layer, ‖w_j‖₂·ρ_{L−1}); then
 * Δ_{l+1}(x') ≤ Lip_{l+1}·Δ_l(x') + γ32·‖c_{l+1}(x')‖₂.
 * Every quantity is affine in ε with non-negative coefficients, so the bound is returned as
 * base + ε·perEpsilon, and the certified radius keeps its closed form (shared/certify/radius.ts).
 */
import type { ClaimErrorBounds } from '../../../shared/certify/claim.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { gamma32, gamma64, UNIT_ROUNDOFF_32, UNIT_ROUNDOFF_64 } from './rounding.ts';

/** Absolute error of one float32 operation that underflows (flush to zero included). */
export const UNDERFLOW_32 = 2 ** -126;

/** The same for float64 (JavaScript keeps subnormals; the allowance is generous anyway). */
export const UNDERFLOW_64 = 2 ** -1022;

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
 * Measured, per point, by the float64 evaluation pass (float64-pass.ts; sums already turned
 * into sound upper bounds of the exact quantities by measuredSumBound / measuredNormBound): for
 * each hidden linear layer l < L, ‖c_l‖₂, and max|ã_{l−1}| for every layer; for the last
 * layer, c_L per class.
 */
export interface PointMeasurements {
  /** [hidden layer][point]: upper bound on ‖c_l‖₂. */
  hiddenNorms: Float64Array[];
  /** [linear layer][point]: max_k |ã_{l−1,k}| (the layer's input). */
  inputMaxAbs: Float64Array[];
  /** n × C: upper bound on c_L per class. */
  lastSums: Float64Array;
  /** n × C stored logits f̃(x): float64 values rounded to float32. */
  logits: Float32Array;
}

/** An affine function of ε with non-negative coefficients. */
interface Affine {
  at0: number;
  slope: number;
}

/** The arithmetic of one pass: float64 at x (the evaluation), float32 in the ball. */
interface Arithmetic {
  gamma: (n: number) => number;
  underflow: number;
}
const FLOAT64: Arithmetic = { gamma: gamma64, underflow: UNDERFLOW_64 };
const FLOAT32: Arithmetic = { gamma: gamma32, underflow: UNDERFLOW_32 };

/** Per-output underflow allowance of a layer whose inputs are bounded by `inputMax` (+ ρ). */
function underflow(layer: LinearErrorSpec, inputMax: number, rho: Affine, tiny: number): Affine {
  const n = layer.fanIn;
  return {
    at0: tiny * (layer.maxAbsRowSum + n * (inputMax + rho.at0) + 2 * (n + 1)),
    slope: tiny * n * rho.slope,
  };
}

const AT_X: Affine = { at0: 0, slope: 0 };

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

/** D_{L−1} at x (float64) and Δ_{L−1} in the ball (float32), with ρ_{L−1}, for point p. */
function hiddenErrors(
  spec: ErrorNetworkSpec,
  m: PointMeasurements,
  p: number,
): { atX: number; ball: Affine; rho: Affine } {
  let atX = 0;
  let ball: Affine = { at0: 0, slope: 0 };
  let rho: Affine = { at0: 0, slope: 1 }; // ρ_0 = ε
  let prefix = 1; // P_l
  const hidden = spec.layers.slice(0, -1);
  hidden.forEach((layer, l) => {
    const cNorm = m.hiddenNorms[l][p];
    const rootOut = Math.sqrt(layer.outputs);
    const inputMax = m.inputMaxAbs[l][p];
    const g32 = FLOAT32.gamma(layer.fanIn + 1);
    const u64 = underflow(layer, inputMax, AT_X, FLOAT64.underflow);
    const u32 = underflow(layer, inputMax, rho, FLOAT32.underflow);
    atX = layer.lipschitz * atX + FLOAT64.gamma(layer.fanIn + 1) * cNorm + rootOut * u64.at0;
    ball = {
      at0: layer.lipschitz * ball.at0 + g32 * (cNorm + layer.absNorm * rho.at0) + rootOut * u32.at0,
      slope: layer.lipschitz * ball.slope + g32 * layer.absNorm * rho.slope + rootOut * u32.slope,
    };
    prefix *= layer.lipschitz;
    rho = { at0: atX + ball.at0, slope: prefix + ball.slope };
  });
  return { atX, ball, rho };
}

/**
 * err(x, ε) = base + ε·perEpsilon for every point, one per claim (shared/certify/claim.ts):
 * `exact` bounds the error of every logit difference of the stored logits at x; `float32` adds
 * that of the float32 network at any x' of the ε-ball (file comment). `n` points, `c` classes.
 */
export function roundingErrorBounds(
  spec: ErrorNetworkSpec,
  m: PointMeasurements,
  n: number,
  c: number,
): ClaimErrorBounds {
  checkSpec(spec, c);
  const last = spec.layers[spec.layers.length - 1];
  const lastInput = spec.layers.length - 1;
  const g64 = FLOAT64.gamma(last.fanIn + 1);
  const g32 = FLOAT32.gamma(last.fanIn + 1);
  const [w1, w2] = topTwo(spec.classRowNorms, 0, c);
  const exact = { base: new Float64Array(n), perEpsilon: new Float64Array(n) };
  const float32 = { base: new Float64Array(n), perEpsilon: new Float64Array(n) };
  for (let p = 0; p < n; p++) {
    const { atX, ball, rho } = hiddenErrors(spec, m, p);
    const row = p * c;
    const [c1, c2] = topTwo(m.lastSums, row, c);
    const inputMax = m.inputMaxAbs[lastInput][p];
    const u64 = underflow(last, inputMax, AT_X, FLOAT64.underflow);
    const u32 = underflow(last, inputMax, rho, FLOAT32.underflow);
    let maxLogit = 0;
    for (let j = 0; j < c; j++) maxLogit = Math.max(maxLogit, Math.abs(m.logits[row + j]));
    // At x: hidden errors through w_j − w_i, the last layer's own errors of the two classes
    // (γ64·c) and their underflow terms, the rounding of the stored logits to float32 (ties and
    // subnormals included), and the certify core's own float64 margin arithmetic:
    // f_j − (f_i + ε·K_ji) takes three roundings, each at most 2^-53 of |f_j| + |f_i| + ε·K_ji;
    // 2^-50 of twice the largest |logit| (and of K) covers them.
    const atX0 =
      spec.maxRowDistance * atX +
      g64 * (c1 + c2) +
      2 * u64.at0 +
      2 * UNIT_ROUNDOFF_32 * (1 + 2 ** -22) * maxLogit +
      2 ** -148 +
      8 * UNIT_ROUNDOFF_64 * 2 * maxLogit;
    const atXSlope = 8 * UNIT_ROUNDOFF_64 * spec.maxK;
    // In the ball: hidden errors through w_j − w_i, the last layer's own errors at x'
    // (γ32·(c + ‖w‖·ρ)) and their underflow terms.
    const ball0 =
      spec.maxRowDistance * ball.at0 + g32 * (c1 + c2 + (w1 + w2) * rho.at0) + 2 * u32.at0;
    const ballSlope =
      spec.maxRowDistance * ball.slope + g32 * (w1 + w2) * rho.slope + 2 * u32.slope;
    exact.base[p] = finiteOrInfinity(atX0 * OWN_ROUNDING);
    exact.perEpsilon[p] = finiteOrInfinity(atXSlope * OWN_ROUNDING);
    float32.base[p] = finiteOrInfinity((atX0 + ball0) * OWN_ROUNDING);
    float32.perEpsilon[p] = finiteOrInfinity((atXSlope + ballSlope) * OWN_ROUNDING);
  }
  return { exact, float32 };
}

/** NaN (from ∞·0 or an overflowed measurement) means "unbounded": never certified. */
function finiteOrInfinity(x: number): number {
  return x >= 0 ? x : Infinity;
}

/**
 * Sound upper bound on an exact sum of non-negative products c = Σ|w||a| + |b| (fanIn
 * products) from its float64 value ĉ: ĉ ≥ c·(1 − γ64_{fanIn+1}) − φ with φ the underflow
 * allowance, so c ≤ (ĉ + φ)/(1 − γ64_{fanIn+1}). NaN becomes +∞.
 */
export function measuredSumBound(computed: number, fanIn: number): number {
  const phi = 2 * (fanIn + 1) * UNDERFLOW_64;
  return finiteOrInfinity(((computed + phi) / (1 - gamma64(fanIn + 1))) * OWN_ROUNDING);
}

/**
 * Sound upper bound on ‖c‖₂ for the exact vector c of `outputs` non-negative sums (each of
 * fanIn products), from ŝ = the float64 sum of the squares of their float64 values:
 * Σĉ² ≤ (ŝ + 2·outputs·φ)/(1 − γ64_{outputs+1}), then each ĉ_k as in measuredSumBound.
 */
export function measuredNormBound(sumOfSquares: number, outputs: number, fanIn: number): number {
  const squares = (sumOfSquares + 2 * outputs * UNDERFLOW_64) / (1 - gamma64(outputs + 1));
  const phi = 2 * (fanIn + 1) * UNDERFLOW_64;
  const norm = Math.sqrt(squares) / (1 - gamma64(fanIn + 1));
  return finiteOrInfinity((norm + Math.sqrt(outputs) * phi) * OWN_ROUNDING);
}
