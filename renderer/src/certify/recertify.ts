/**
 * The renderer's side of the shared certification session (shared/certify/session.ts): the
 * worker keeps one session per guarantee and packs what the views need into a result of typed
 * arrays, which crosses the worker boundary by transfer. No certification arithmetic here.
 */
import { pointRecords, pointsCsv, prepareCertification } from '../../../shared/certify/index.ts';
import type {
  CertificationMetrics,
  CertificationSession,
  PointExplanation,
  VraVsEpsilon,
} from '../../../shared/certify/index.ts';
import { underClaim } from '../../../shared/certify/claim.ts';
import type { CertClaim, ClaimErrorBounds } from '../../../shared/certify/claim.ts';
import type { Guarantee } from '../../../shared/config/experiment.ts';
import { decisionRegions, modelRegions, type RegionGrid } from '../logic/decision-regions.ts';
import type { DecisionGrid } from '../../../shared/api/workbench-api.ts';

export interface CertData {
  n: number;
  c: number;
  logits: Float32Array;
  labels: Int32Array;
  lipschitz: Float64Array;
  /**
   * Per-point rounding-error bounds of the stored logits, one per claim
   * (EvalArtifacts.errorBounds): a point is certified only when its margin exceeds the bound of
   * the request's claim, as in the CLI and the host.
   */
  errorBounds: ClaimErrorBounds;
  /** Present for small inputs; 2-D inputs enable the decision-region map. */
  inputs?: Float32Array;
  inputShape: number[];
  /** The model's logits on a grid (2-D data evaluated with one): regions drawn from the model. */
  regions?: DecisionGrid;
}

export interface RecertifyRequest {
  epsilon: number;
  guarantee: Guarantee;
  claim: CertClaim;
  /** ε values of the VRA-vs-ε curve (recomputed only when they or the guarantee change). */
  curveEpsilons: number[];
  /** Side of the decision-region grid (2-D data only); 0 for none. */
  regionGrid: number;
}

export interface RecertifyResult {
  epsilon: number;
  guarantee: Guarantee;
  claim: CertClaim;
  maxK: number;
  predicted: Int32Array;
  /** n × maxK top classes. */
  order: Int32Array;
  kStar: Int32Array;
  certified: Uint8Array;
  margin: Float64Array;
  /** The error bound of the claim each margin had to exceed at this ε. */
  error: Float64Array;
  /** Largest certified ε per point under this guarantee (independent of ε). */
  radius: Float64Array;
  /** The session's figures (vocabulary.ts): standardVra is always the standard certificate. */
  metrics: CertificationMetrics;
  /** c rows × (c + 1) columns, the last one ⊥. */
  confusion: number[][];
  curve: VraVsEpsilon;
  regions?: RegionGrid;
  millis: number;
}

export interface ExplainRequest {
  index: number;
  epsilon: number;
  guarantee: Guarantee;
  claim: CertClaim;
}

/** The shown points as CSV (the columns of `certify --out`), in the table's order. */
export interface CsvRequest {
  epsilon: number;
  guarantee: Guarantee;
  claim: CertClaim;
  indices: Int32Array;
  classNames: string[];
}

/**
 * Holds the loaded data's sessions, by claim and guarantee; caches curves for the last claim,
 * guarantee and ε grid.
 */
export class Recertifier {
  private data: CertData | undefined;
  private sessions = new Map<string, CertificationSession>();
  /** Sessions over the decision grid's points (same K, the grid's error bounds). */
  private gridSessions = new Map<string, CertificationSession>();
  private curveKey = '';
  private curve: VraVsEpsilon | undefined;

  load(data: CertData): void {
    this.data = data;
    this.sessions.clear();
    this.gridSessions.clear();
    this.curveKey = '';
  }

  /** The decision grid certified like the test points: prediction and ⊥ per grid point. */
  private gridRegions(
    grid: DecisionGrid,
    g: Guarantee,
    claim: CertClaim,
    epsilon: number,
  ): RegionGrid {
    const data = this.data as CertData;
    const key = JSON.stringify([claim, g]);
    let s = this.gridSessions.get(key);
    if (!s) {
      const cells = grid.side * grid.side;
      s = prepareCertification(
        {
          n: cells,
          c: data.c,
          logits: grid.logits,
          // Grid points have no label; the regions use predictions and certificates only.
          labels: new Int32Array(cells),
          lipschitz: data.lipschitz,
          errorBound: grid.errorBounds[claim],
          claim,
        },
        g,
      );
      if (this.gridSessions.size >= 4) this.gridSessions.clear();
      this.gridSessions.set(key, s);
    }
    const out = s.at(epsilon).output;
    return modelRegions(grid, out.predicted, out.certified);
  }

  private session(g: Guarantee, claim: CertClaim): CertificationSession {
    if (!this.data) throw new Error('no certification data loaded');
    const key = JSON.stringify([claim, g]);
    let s = this.sessions.get(key);
    if (!s) {
      // Data already checked under this claim is not checked again.
      const checked = [...this.sessions.values()].find((x) => x.claim === claim);
      const { n, c, logits, labels, lipschitz, errorBounds } = this.data;
      s = checked
        ? checked.withGuarantee(g)
        : prepareCertification(
            underClaim({ n, c, logits, labels, lipschitz, errorBounds }, claim),
            g,
          );
      // A few guarantees at most (trained, edited, switched): keep the last handful.
      if (this.sessions.size >= 4) this.sessions.delete(this.sessions.keys().next().value ?? '');
      this.sessions.set(key, s);
    }
    return s;
  }

  run(req: RecertifyRequest, now: () => number = () => performance.now()): RecertifyResult {
    const t0 = now();
    const session = this.session(req.guarantee, req.claim);
    const data = this.data as CertData;
    const at = session.at(req.epsilon);
    const key = JSON.stringify([req.claim, req.guarantee, req.curveEpsilons]);
    if (key !== this.curveKey || !this.curve) {
      this.curve = session.curves(req.curveEpsilons);
      this.curveKey = key;
    }
    const out = at.output;
    const result: RecertifyResult = {
      epsilon: req.epsilon,
      guarantee: req.guarantee,
      claim: req.claim,
      maxK: out.maxK,
      predicted: out.predicted,
      order: out.order,
      kStar: out.kStar,
      certified: out.certified,
      margin: out.margin,
      error: out.error,
      // A copy: the session's cached array must survive being transferred to the page.
      radius: session.radii().slice(),
      metrics: at.metrics,
      confusion: session.confusion(at),
      curve: this.curve,
      millis: 0,
    };
    if (req.regionGrid > 0 && data.regions) {
      result.regions = this.gridRegions(data.regions, req.guarantee, req.claim, req.epsilon);
    } else if (
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

  explain(req: ExplainRequest): PointExplanation {
    return this.session(req.guarantee, req.claim).explain(req.index, req.epsilon);
  }

  pointsCsv(req: CsvRequest): string {
    const session = this.session(req.guarantee, req.claim);
    const rows = pointRecords(session, session.at(req.epsilon), req.indices);
    return pointsCsv(rows, req.classNames, session.claim);
  }
}

/** The ε grid of the VRA curve: 0 up to twice the trained ε (or 1 when that is 0). */
export function curveEpsilons(trainedEpsilon: number, steps = 40): number[] {
  const max = trainedEpsilon > 0 ? 2 * trainedEpsilon : 1;
  return Array.from({ length: steps + 1 }, (_, i) => (max * i) / steps);
}
