/**
 * Re-certification of a finished run's stored test-set logits with the shared core: the pure
 * function behind the ε slider and the affinity editor. Runs inside a Web Worker in the app
 * (see certify.worker.ts) and in-process in tests. Results hold typed arrays only, so they
 * cross the worker boundary by transfer.
 */
import {
  certify,
  certifiedRadius,
  computeMetrics,
  confusionMatrix,
  toCertGuarantee,
  vraCurves,
} from '../../../shared/certify/index.ts';
import type {
  CertGuarantee,
  CertMetrics,
  ErrorBound,
  VraCurves,
} from '../../../shared/certify/index.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import { decisionRegions, type RegionGrid } from '../logic/decision-regions.ts';

export interface CertData {
  n: number;
  c: number;
  logits: Float32Array;
  labels: Int32Array;
  lipschitz: Float64Array;
  /**
   * Per-point float32 error bound of the stored logits (EvalArtifacts.errorBound): a point is
   * certified only when its margin exceeds it, as in the CLI and the host.
   */
  errorBound: ErrorBound;
  /** Present for small inputs; 2-D inputs enable the decision-region map. */
  inputs?: Float32Array;
  inputShape: number[];
}

export interface RecertifyRequest {
  epsilon: number;
  guarantee: Guarantee;
  /** ε values of the VRA-vs-ε curve (recomputed only when the guarantee changes). */
  curveEpsilons: number[];
  /** Side of the decision-region grid (2-D data only); 0 for none. */
  regionGrid: number;
}

export interface RecertifyResult {
  epsilon: number;
  guarantee: Guarantee;
  maxK: number;
  predicted: Int32Array;
  /** n × maxK top classes. */
  order: Int32Array;
  kStar: Int32Array;
  certified: Uint8Array;
  margin: Float64Array;
  /** Largest certified ε per point under this guarantee (independent of ε). */
  radius: Float64Array;
  metrics: CertMetrics;
  /**
   * The standard guarantee's certificate at the same ε, K and error bound, whatever guarantee
   * is chosen: standard VRA is always what `relaxcert certify RUN --rtk 1` prints.
   */
  standard: StandardFigures;
  /** c rows × (c + 1) columns, the last one ⊥. */
  confusion: number[][];
  curve: VraCurves;
  regions?: RegionGrid;
  millis: number;
}

export interface StandardFigures {
  /** Certified under the standard guarantee and predicted = label. */
  vra: number;
  certifiedCount: number;
  /** Standard VRA at each ε of `curve.epsilons`. */
  curve: number[];
}

const STANDARD: CertGuarantee = { kind: 'standard' };

/** Caches what does not depend on ε (radii, curves) for the last guarantee. */
export class Recertifier {
  private data: CertData | undefined;
  private cacheKey = '';
  private radius: Float64Array | undefined;
  private curve: VraCurves | undefined;
  private standardCurve: number[] | undefined;

  load(data: CertData): void {
    this.data = data;
    this.cacheKey = '';
  }

  run(req: RecertifyRequest, now: () => number = () => performance.now()): RecertifyResult {
    const data = this.data;
    if (!data) throw new Error('no certification data loaded');
    const t0 = now();
    const g = toCertGuarantee(req.guarantee, data.c);
    const input = {
      logits: data.logits,
      n: data.n,
      c: data.c,
      lipschitz: data.lipschitz,
      errorBound: data.errorBound,
      epsilon: req.epsilon,
    };
    const out = certify(input, g);
    const key = JSON.stringify([req.guarantee, req.curveEpsilons]);
    if (key !== this.cacheKey || !this.radius || !this.curve) {
      this.radius = certifiedRadius(input, g);
      this.curve = vraCurves(input, data.labels, g, req.curveEpsilons);
      this.standardCurve =
        g.kind === 'standard'
          ? this.curve.vra
          : vraCurves(input, data.labels, STANDARD, req.curveEpsilons).vra;
      this.cacheKey = key;
    }
    const metrics = computeMetrics(out, data.labels, g);
    const std =
      g.kind === 'standard'
        ? metrics
        : computeMetrics(certify(input, STANDARD), data.labels, STANDARD);
    const result: RecertifyResult = {
      epsilon: req.epsilon,
      guarantee: req.guarantee,
      maxK: out.maxK,
      predicted: out.predicted,
      order: out.order,
      kStar: out.kStar,
      certified: out.certified,
      margin: out.margin,
      // A copy: the cached array must survive being transferred to the page.
      radius: this.radius.slice(),
      metrics,
      standard: {
        vra: std.vra,
        certifiedCount: std.certifiedCount,
        curve: this.standardCurve ?? [],
      },
      confusion: confusionMatrix(out, data.labels),
      curve: this.curve,
      millis: 0,
    };
    if (
      req.regionGrid > 0 &&
      data.inputs &&
      data.inputShape.length === 1 &&
      data.inputShape[0] === 2
    ) {
      result.regions = decisionRegions(
        data.inputs,
        out.predicted,
        out.certified,
        data.c,
        req.regionGrid,
      );
    }
    result.millis = now() - t0;
    return result;
  }
}

/** The ε grid of the VRA curve: 0 up to twice the trained ε (or 1 when that is 0). */
export function curveEpsilons(trainedEpsilon: number, steps = 40): number[] {
  const max = trainedEpsilon > 0 ? 2 * trainedEpsilon : 1;
  return Array.from({ length: steps + 1 }, (_, i) => (max * i) / steps);
}
