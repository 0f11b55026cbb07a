/**
 * GloRo certification on plain arrays (PAPER.md, Eq. 1 and B1/B2). For each point x with logits
 * f and each allowed k ≤ K:
 *   m^k_j = f_j − max_{i∉F^k} (f_i + ε K_ji)   (j ∈ F^k),   m^k = min_j m^k_j,
 *   m = max over allowed k of m^k,   g_⊥ = max_i f_i − m.
 * F^k are the k largest logits, ties broken by the lower class id. With k = C there is no class
 * outside F^k, so m^C = +∞: the guarantee "one of all classes" holds vacuously.
 *
 * Rounding: a point is certified iff m > err(x, ε), not m > 0. The engine computes logits in
 * float32, so it passes a per-point bound on the rounding error of every logit difference at x
 * and anywhere in the ball (`errorBound`, see input.ts); every margin must exceed it. Without
 * one the paper's exact rule m > 0 applies. certifiedRadius() uses the same bound, so the two
 * stay consistent.
 */
import { checkEpsilon, checkLogitsAndBounds, errorAt } from './input.ts';
import type { LogitsAndBounds } from './input.ts';
import { markAllowed, resolveGuarantee } from './guarantee.ts';
import type { CertGuarantee, ResolvedGuarantee } from './guarantee.ts';
import { selectTopK } from './top-k.ts';

export type { CertGuarantee } from './guarantee.ts';

export interface CertifyInput extends LogitsAndBounds {
  /** n × c logits, row-major. */
  logits: Float32Array | Float64Array;
  n: number;
  c: number;
  /** c × c, lipschitz[j*c+i] bounds Lip(f_j − f_i). */
  lipschitz: Float32Array | Float64Array;
  /** ℓ2 radius ε ≥ 0. */
  epsilon: number;
}

export interface CertifyOutput {
  n: number;
  c: number;
  /** Largest k considered: 1 (standard), K (RTK), size of the largest affinity set. */
  maxK: number;
  /** n top-1 classes. */
  predicted: Int32Array;
  /** n × maxK top classes in order, ties → lower id first. */
  order: Int32Array;
  /** n margins m(x) (max over allowed k of m^k); +∞ when k = C is allowed. */
  margin: Float64Array;
  /** n values of the ⊥ logit g_⊥ = max_i f_i − m. */
  bottom: Float64Array;
  /** n flags: m > err (argmax of g is not ⊥). */
  certified: Uint8Array;
  /** n loosest certified allowed k (largest k with m^k > err), 0 if rejected. */
  kStar: Int32Array;
  /** n × maxK: guarantee per k (k allowed and m^k > err). */
  perK: Uint8Array;
  /** n rounding-error bounds err(x, ε) the margins had to exceed (all 0 without errorBound). */
  error: Float64Array;
}

/** Reusable per-point buffers: no allocation inside the loop. */
interface Scratch {
  inTop: Uint8Array;
  allowed: Uint8Array;
  alive: Uint32Array;
  mk: Float64Array;
}

function makeScratch(c: number, maxK: number, aliveWords: number): Scratch {
  return {
    inTop: new Uint8Array(c),
    allowed: new Uint8Array(maxK),
    alive: new Uint32Array(aliveWords),
    mk: new Float64Array(maxK),
  };
}

/**
 * m^k for k = 1..maxK of one point into `mk` (index k−1), given its top classes
 * order[off..off+maxK). `weight` scales K_ji: ε for margins; see certifiedRadius for the rest.
 */
export function marginsPerK(
  f: Float32Array | Float64Array,
  row: number,
  c: number,
  lip: Float32Array | Float64Array,
  epsilon: number,
  order: Int32Array,
  off: number,
  maxK: number,
  inTop: Uint8Array,
  mk: Float64Array,
): void {
  for (let k = 0; k < maxK; k++) {
    mk[k] = Infinity;
    inTop[order[off + k]] = 1;
  }
  for (let r = 0; r < maxK; r++) {
    const j = order[off + r];
    const fj = f[row + j];
    const lrow = j * c;
    // M = max over classes ranked ≥ maxK (outside every F^k considered) of f_i + ε K_ji.
    let M = -Infinity;
    if (maxK < c) {
      for (let i = 0; i < c; i++) {
        if (inTop[i] === 0) {
          const v = f[row + i] + epsilon * lip[lrow + i];
          if (v > M) M = v;
        }
      }
    }
    // Walk k down from maxK to r+1 (j ∈ F^k iff its rank r < k); M grows by the class of rank k−1.
    for (let k = maxK; k > r; k--) {
      const m = fj - M;
      if (m < mk[k - 1]) mk[k - 1] = m;
      const i = order[off + k - 1];
      const v = f[row + i] + epsilon * lip[lrow + i];
      if (v > M) M = v;
    }
  }
  for (let k = 0; k < maxK; k++) inTop[order[off + k]] = 0;
}

export function certify(input: CertifyInput, guarantee: CertGuarantee): CertifyOutput {
  checkLogitsAndBounds(input);
  checkEpsilon(input.epsilon);
  return certifyChecked(input, resolveGuarantee(guarantee, input.c));
}

/**
 * certify() on input already checked (checkLogitsAndBounds, checkEpsilon) and a guarantee
 * already resolved: what a CertificationSession calls once per ε, having validated once.
 */
export function certifyChecked(input: CertifyInput, resolved: ResolvedGuarantee): CertifyOutput {
  const { n, c, logits, lipschitz, epsilon } = input;
  const maxK = resolved.maxK;
  const out: CertifyOutput = {
    n,
    c,
    maxK,
    predicted: new Int32Array(n),
    order: new Int32Array(n * maxK),
    margin: new Float64Array(n),
    bottom: new Float64Array(n),
    certified: new Uint8Array(n),
    kStar: new Int32Array(n),
    perK: new Uint8Array(n * maxK),
    error: new Float64Array(n),
  };
  const s = makeScratch(c, maxK, resolved.bitmaps?.setWordsPerClass ?? 1);
  const { order, perK } = out;
  for (let p = 0; p < n; p++) {
    const row = p * c;
    const off = p * maxK;
    selectTopK(logits, row, c, maxK, order, off);
    markAllowed(resolved, order, off, s.allowed, s.alive);
    marginsPerK(logits, row, c, lipschitz, epsilon, order, off, maxK, s.inTop, s.mk);
    const err = errorAt(input.errorBound, p, epsilon);
    let m = -Infinity;
    let kStar = 0;
    for (let k = 0; k < maxK; k++) {
      if (s.allowed[k] === 0) continue;
      const mk = s.mk[k];
      if (mk > m) m = mk;
      if (mk > err) {
        perK[off + k] = 1;
        kStar = k + 1;
      }
    }
    const top = order[off];
    out.predicted[p] = top;
    out.margin[p] = m;
    out.bottom[p] = logits[row + top] - m;
    out.certified[p] = m > err ? 1 : 0;
    out.error[p] = err;
    out.kStar[p] = kStar;
  }
  return out;
}

/** The certified class set F^{k*}(x) of point i (empty when rejected). */
export function certifiedSet(out: CertifyOutput, i: number): number[] {
  const k = out.kStar[i];
  const set: number[] = [];
  for (let r = 0; r < k; r++) set.push(out.order[i * out.maxK + r]);
  return set;
}
