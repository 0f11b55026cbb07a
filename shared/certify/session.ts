/**
 * One certification model for every door (CLI, host, renderer worker, engine epoch figures):
 * prepare once from logits, labels, K and the error bound of a claim (claim.ts) with a guarantee — checked and
 * resolved once — then ask for results at any ε, radii, VRA-vs-ε curves and the explanation of
 * any point. Figures are named by the vocabulary (vocabulary.ts).
 *
 * Standard VRA is always the standard certificate (k = 1 only, same K and error bound), whatever
 * the guarantee: a relaxed guarantee certifies more points at k > 1, and counting those with a
 * correct top-1 class is a different figure (top1GuaranteeVra).
 */
import { certifyChecked, marginsPerK } from './certify.ts';
import type { CertifyOutput } from './certify.ts';
import { markAllowed, resolveGuarantee, toCertGuarantee } from './guarantee.ts';
import type { CertGuarantee, ResolvedGuarantee } from './guarantee.ts';
import { checkEpsilon, checkLabels, checkLogitsAndBounds, errorAt } from './input.ts';
import type { ErrorBound } from './input.ts';
import { confusionMatrix, vraCurve } from './metrics.ts';
import { certifiedRadiusChecked, labelRadiusChecked, pairRadius } from './radius.ts';
import { selectTopK } from './top-k.ts';
import type { Guarantee } from '../config/experiment.ts';
import { RelaxCertError } from '../errors.ts';
import type { MetricKey } from './vocabulary.ts';
import type { CertClaim } from './claim.ts';

/** What certification needs; EvalArtifacts has these fields. */
export interface CertificationData {
  n: number;
  c: number;
  /** n × c logits, row-major. */
  logits: Float32Array | Float64Array;
  /** n class ids. */
  labels: Int32Array;
  /** c × c; lipschitz[j*c+i] bounds Lip(f_j − f_i). */
  lipschitz: Float32Array | Float64Array;
  /**
   * Per-point rounding-error bound of the claim below; absent only for exact arithmetic on the
   * given logits (tests, the math).
   */
  errorBound?: ErrorBound;
  /** What the certificates claim (claim.ts); named in every summary and explanation. */
  claim?: CertClaim;
  /** Stored artefacts carry one bound per claim: pick one with underClaim(), never pass both. */
  errorBounds?: never;
}

/** The figures at one ε, named and defined in vocabulary.ts. */
export type CertificationMetrics = Record<MetricKey, number> & {
  n: number;
  epsilon: number;
  /** Index k−1: fraction with the label among the k top classes, k = 1..maxK (⊥ ignored). */
  topKAccuracy: number[];
};

/** The figures at one ε without the per-point arrays: what certifyRun and `--json` return. */
export type CertificationSummary = Record<MetricKey, number> & {
  n: number;
  epsilon: number;
  guarantee: Guarantee;
  /** The claim of the certificates (absent: exact arithmetic on the given logits, no bound). */
  claim?: CertClaim;
};

export interface CertificationAt {
  epsilon: number;
  guarantee: Guarantee;
  /** Per-point results under the guarantee. */
  output: CertifyOutput;
  /** n flags: certified by the standard guarantee (k = 1) at ε. */
  standardCertified: Uint8Array;
  /** n flags: label inside the certified set F^{k*} under the guarantee. */
  labelInSet: Uint8Array;
  /** The n labels the metrics were computed against (the session's; do not modify). */
  labels: Int32Array;
  metrics: CertificationMetrics;
}

export interface VraVsEpsilon {
  epsilons: number[];
  standardVra: number[];
  guaranteeVra: number[];
}

/** One k of one point: why F^k is or is not certified. */
export interface KExplanation {
  k: number;
  /** F^k: the k top classes, ties to the lower id. */
  topK: number[];
  /** Whether the guarantee allows this k for this point (affinity: F^k inside a set). */
  allowed: boolean;
  /**
   * The pair that sets the margin: j ∈ F^k, i ∉ F^k minimising f_j − f_i − ε·K_ji; null when
   * k = C (no class outside: holds vacuously).
   */
  binding: { j: number; i: number; gap: number; epsilonK: number } | null;
  /** m^k (+∞ when k = C). */
  margin: number;
  /** The error bound the margin must exceed. */
  error: number;
  certified: boolean;
  reason: string;
}

export interface PointExplanation {
  index: number;
  epsilon: number;
  guarantee: Guarantee;
  /** As CertificationSummary.claim. */
  claim?: CertClaim;
  label: number;
  predicted: number;
  logits: number[];
  perK: KExplanation[];
  /** m: the largest margin over allowed k (as certify()). */
  margin: number;
  error: number;
  /** The error bound's parts: err(ε) = errorBase + ε·errorPerEpsilon. */
  errorBase: number;
  errorPerEpsilon: number;
  certified: boolean;
  kStar: number;
  certifiedSet: number[];
  labelInSet: boolean;
  reason: string;
  /** Certified radius under the guarantee, and the allowed k and pair (j, i) that limit it. */
  radius: number;
  radiusLimit: { k: number; j: number; i: number } | null;
}

export interface CertificationSession {
  readonly n: number;
  readonly c: number;
  readonly guarantee: Guarantee;
  /** The claim of its certificates (absent: exact arithmetic on the given logits, no bound). */
  readonly claim: CertClaim | undefined;
  readonly maxK: number;
  at(epsilon: number): CertificationAt;
  /** The metrics at ε with the guarantee, as plain JSON. */
  summary(epsilon: number): CertificationSummary;
  /** Certified radius per point under the guarantee (cached; do not modify). */
  radii(): Float64Array;
  /** Radius below which each label stays in the certified set (cached). */
  labelRadii(): Float64Array;
  /** Standard certified radius per point (cached). */
  standardRadii(): Float64Array;
  curves(epsilons: number[]): VraVsEpsilon;
  /** c rows (label) × c + 1 columns (prediction, the last ⊥). */
  confusion(result: CertificationAt): number[][];
  explain(index: number, epsilon: number): PointExplanation;
  /** The same checked data under another guarantee. */
  withGuarantee(guarantee: Guarantee): CertificationSession;
}

/** Checks the data once (every problem names its field) and resolves the guarantee. */
export function prepareCertification(
  data: CertificationData,
  guarantee: Guarantee,
): CertificationSession {
  checkLogitsAndBounds(data);
  checkLabels(data.labels, data.n, data.c);
  return new Session(data, guarantee);
}

const STANDARD: CertGuarantee = { kind: 'standard' };

class Session implements CertificationSession {
  readonly n: number;
  readonly c: number;
  readonly maxK: number;
  readonly claim: CertClaim | undefined;
  private readonly resolved: ResolvedGuarantee;
  private readonly standard: ResolvedGuarantee;
  private cache: { radii?: Float64Array; label?: Float64Array; standard?: Float64Array } = {};

  constructor(
    private readonly data: CertificationData,
    readonly guarantee: Guarantee,
  ) {
    this.n = data.n;
    this.c = data.c;
    this.claim = data.claim;
    this.resolved = resolveGuarantee(this.certGuarantee(), data.c);
    this.standard = resolveGuarantee(STANDARD, data.c);
    this.maxK = this.resolved.maxK;
  }

  private certGuarantee(): CertGuarantee {
    return toCertGuarantee(this.guarantee, this.data.c);
  }

  withGuarantee(guarantee: Guarantee): CertificationSession {
    return new Session(this.data, guarantee);
  }

  at(epsilon: number): CertificationAt {
    checkEpsilon(epsilon);
    const input = { ...this.data, epsilon };
    const output = certifyChecked(input, this.resolved);
    const standardCertified =
      this.guarantee.kind === 'standard'
        ? output.certified
        : certifyChecked(input, this.standard).certified;
    const { n, maxK } = output;
    const labels = this.data.labels;
    const labelInSet = new Uint8Array(n);
    const topK = new Float64Array(maxK);
    let clean = 0;
    let certified = 0;
    let standardVra = 0;
    let top1 = 0;
    let inSet = 0;
    for (let p = 0; p < n; p++) {
      const y = labels[p];
      const off = p * maxK;
      for (let r = 0; r < maxK; r++) {
        if (output.order[off + r] === y) {
          for (let k = r; k < maxK; k++) topK[k]++;
          // y ∈ F^{k*} ⇔ its rank is below k* (0 when rejected).
          if (r < output.kStar[p]) labelInSet[p] = 1;
          break;
        }
      }
      const correct = output.predicted[p] === y;
      if (correct) clean++;
      if (correct && standardCertified[p] === 1) standardVra++;
      if (output.certified[p] === 1) {
        certified++;
        if (correct) top1++;
      }
      inSet += labelInSet[p];
    }
    const frac = (x: number): number => (n === 0 ? 0 : x / n);
    return {
      epsilon,
      guarantee: this.guarantee,
      output,
      standardCertified,
      labelInSet,
      labels,
      metrics: {
        n,
        epsilon,
        cleanAccuracy: frac(clean),
        standardVra: frac(standardVra),
        guaranteeVra: frac(inSet),
        top1GuaranteeVra: frac(top1),
        rejectionRate: frac(n - certified),
        certifiedCount: certified,
        topKAccuracy: Array.from(topK, frac),
      },
    };
  }

  summary(epsilon: number): CertificationSummary {
    const m = this.at(epsilon).metrics;
    const summary: CertificationSummary = {
      n: m.n,
      epsilon,
      guarantee: this.guarantee,
      cleanAccuracy: m.cleanAccuracy,
      standardVra: m.standardVra,
      guaranteeVra: m.guaranteeVra,
      top1GuaranteeVra: m.top1GuaranteeVra,
      rejectionRate: m.rejectionRate,
      certifiedCount: m.certifiedCount,
    };
    if (this.data.claim !== undefined) summary.claim = this.data.claim;
    return summary;
  }

  radii(): Float64Array {
    this.cache.radii ??= certifiedRadiusChecked(this.data, this.resolved);
    return this.cache.radii;
  }

  labelRadii(): Float64Array {
    this.cache.label ??= labelRadiusChecked(this.data, this.resolved, this.data.labels);
    return this.cache.label;
  }

  standardRadii(): Float64Array {
    if (this.guarantee.kind === 'standard') return this.radii();
    this.cache.standard ??= certifiedRadiusChecked(this.data, this.standard);
    return this.cache.standard;
  }

  curves(epsilons: number[]): VraVsEpsilon {
    const { n, c, logits, labels } = this.data;
    // Standard VRA at ε: standard radius > ε and top-1 (ties to the lower id) = label.
    const hit = new Uint8Array(n);
    for (let p = 0; p < n; p++) {
      let best = 0;
      for (let i = 1; i < c; i++) if (logits[p * c + i] > logits[p * c + best]) best = i;
      hit[p] = best === labels[p] ? 1 : 0;
    }
    const all = new Uint8Array(n).fill(1);
    return {
      epsilons: [...epsilons],
      standardVra: vraCurve(this.standardRadii(), hit, epsilons),
      guaranteeVra: vraCurve(this.labelRadii(), all, epsilons),
    };
  }

  confusion(result: CertificationAt): number[][] {
    return confusionMatrix(result.output, this.data.labels);
  }

  explain(index: number, epsilon: number): PointExplanation {
    return explainPoint(this.data, this.guarantee, this.resolved, index, epsilon);
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

function explainPoint(
  data: CertificationData,
  guarantee: Guarantee,
  resolved: ResolvedGuarantee,
  index: number,
  epsilon: number,
): PointExplanation {
  checkEpsilon(epsilon);
  const { n, c, logits: f, lipschitz: lip, errorBound } = data;
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new RelaxCertError('INVALID_INPUT', `point index ${index} is not in 0..${n - 1}.`, {
      field: 'index',
    });
  }
  const maxK = resolved.maxK;
  const row = index * c;
  const order = new Int32Array(maxK);
  selectTopK(f, row, c, maxK, order, 0);
  const allowed = new Uint8Array(maxK);
  markAllowed(
    resolved,
    order,
    0,
    allowed,
    new Uint32Array(resolved.bitmaps?.setWordsPerClass ?? 1),
  );
  // The margins exactly as certify() computes them, so explanation and certificate agree.
  const mk = new Float64Array(maxK);
  marginsPerK(f, row, c, lip, epsilon, order, 0, maxK, new Uint8Array(c), mk);
  const err = errorAt(errorBound, index, epsilon);
  const e0 = errorBound?.base[index] ?? 0;
  const e1 = errorBound?.perEpsilon[index] ?? 0;
  const inTop = new Uint8Array(c);
  const perK: KExplanation[] = [];
  let margin = -Infinity;
  let kStar = 0;
  let bestRk = -Infinity;
  let radiusLimit: PointExplanation['radiusLimit'] = null;
  for (let k = 1; k <= maxK; k++) {
    inTop[order[k - 1]] = 1;
    let binding: KExplanation['binding'] = null;
    let bindingValue = Infinity;
    let rk = Infinity;
    let rPair: { j: number; i: number } | null = null;
    for (let r = 0; r < k; r++) {
      const j = order[r];
      for (let i = 0; i < c; i++) {
        if (inTop[i] === 1) continue;
        const m = f[row + j] - (f[row + i] + epsilon * lip[j * c + i]);
        if (m < bindingValue) {
          bindingValue = m;
          binding = { j, i, gap: f[row + j] - f[row + i], epsilonK: epsilon * lip[j * c + i] };
        }
        const rji = pairRadius(f[row + j] - e0 - f[row + i], lip[j * c + i] + e1);
        if (rji < rk) {
          rk = rji;
          rPair = { j, i };
        }
      }
    }
    const isAllowed = allowed[k - 1] === 1;
    const m = mk[k - 1];
    const certified = isAllowed && m > err;
    if (isAllowed) {
      if (m > margin) margin = m;
      if (certified) kStar = k;
      // radius = max(0, max over allowed k of r_k); the first k wins ties, as in radius.ts.
      if (rk > bestRk) {
        bestRk = rk;
        radiusLimit = rPair === null ? null : { k, ...rPair };
      }
    }
    perK.push({
      k,
      topK: Array.from(order.subarray(0, k)),
      allowed: isAllowed,
      binding,
      margin: m,
      error: err,
      certified,
      reason: kReason(k, isAllowed, binding, m, err),
    });
  }
  const label = data.labels[index];
  const certifiedSet = Array.from(order.subarray(0, kStar));
  const certified = margin > err;
  const explanation: PointExplanation = {
    index,
    epsilon,
    guarantee,
    label,
    predicted: order[0],
    logits: Array.from(f.subarray(row, row + c)),
    perK,
    margin,
    error: err,
    errorBase: e0,
    errorPerEpsilon: e1,
    certified,
    kStar,
    certifiedSet,
    labelInSet: certifiedSet.includes(label),
    reason: pointReason(certified, kStar, margin, err),
    radius: Math.max(0, bestRk),
    radiusLimit,
  };
  if (data.claim !== undefined) explanation.claim = data.claim;
  return explanation;
}

function kReason(
  k: number,
  allowed: boolean,
  binding: KExplanation['binding'],
  m: number,
  err: number,
): string {
  if (!allowed) return `k = ${k} not allowed: F^${k} lies in no affinity set`;
  if (binding === null) return `k = ${k} = C: every class is in F^${k}, holds vacuously`;
  const pair = `f_${binding.j} − f_${binding.i} = ${fmt(binding.gap)}, ε·K = ${fmt(binding.epsilonK)}`;
  if (m <= 0) return `not certified: m^${k} = ${fmt(m)} ≤ 0 (${pair})`;
  if (m <= err) {
    return `not certified: m^${k} = ${fmt(m)} > 0 but ≤ error bound ${fmt(err)} (${pair})`;
  }
  return `certified: m^${k} = ${fmt(m)} > error bound ${fmt(err)}`;
}

function pointReason(certified: boolean, kStar: number, m: number, err: number): string {
  if (certified) return `certified with k* = ${kStar}: m^${kStar} > error bound ${fmt(err)}`;
  if (m > 0) {
    return (
      `rejected by the error bound alone: best margin m = ${fmt(m)} is positive ` +
      `but ≤ ${fmt(err)}`
    );
  }
  return `rejected: best margin over allowed k is m = ${fmt(m)} ≤ 0`;
}
