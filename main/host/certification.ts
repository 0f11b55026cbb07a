/**
 * Certification of stored artefacts with the shared core (pure arithmetic on logits, labels and
 * the sound K matrix): the summary behind certifyRun, and the per-point table of `relaxcert
 * certify`.
 */
import type { CertificationSummary, EvalArtifacts } from '../../shared/api/workbench-api.ts';
import type { Guarantee } from '../../shared/config/experiment.ts';
import {
  certifiedRadius,
  certifiedSet,
  certify,
  computeMetrics,
  toCertGuarantee,
} from '../../shared/certify/index.ts';
import type { CertifyOutput, CertMetrics } from '../../shared/certify/index.ts';
import { RelaxCertError } from '../../shared/errors.ts';

export interface PointCertification {
  index: number;
  label: number;
  predicted: number;
  certified: boolean;
  /** Certified class set F^{k*} (empty when rejected). */
  certifiedSet: number[];
  /** Largest ε at which the point is certified under the guarantee. */
  radius: number;
}

export interface Certification {
  summary: CertificationSummary;
  output: CertifyOutput;
  metrics: CertMetrics;
}

export function certifyArtifacts(
  artifacts: EvalArtifacts,
  epsilon: number,
  guarantee: Guarantee,
): Certification {
  if (!Number.isFinite(epsilon) || epsilon < 0) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `epsilon must be a finite number ≥ 0 (got ${epsilon})`,
      {
        field: 'epsilon',
      },
    );
  }
  const g = toCertGuarantee(guarantee, artifacts.c);
  const input = {
    logits: artifacts.logits,
    n: artifacts.n,
    c: artifacts.c,
    lipschitz: artifacts.lipschitz,
    epsilon,
    // The engine's per-point float32 error bound (engine/bounds/float-error.ts).
    errorBound: artifacts.errorBound,
  };
  const output = certify(input, g);
  const metrics = computeMetrics(output, artifacts.labels, g);
  const summary: CertificationSummary = {
    n: metrics.n,
    epsilon,
    guarantee,
    cleanAccuracy: metrics.cleanAccuracy,
    vra: metrics.vra,
    rejectionRate: metrics.rejectionRate,
    certifiedCount: metrics.certifiedCount,
  };
  if (metrics.rtkVra !== undefined) summary.rtkVra = metrics.rtkVra;
  if (metrics.affinityVra !== undefined) summary.affinityVra = metrics.affinityVra;
  return { summary, output, metrics };
}

export function certifyPoints(
  artifacts: EvalArtifacts,
  epsilon: number,
  guarantee: Guarantee,
): { summary: CertificationSummary; points: PointCertification[] } {
  const { summary, output } = certifyArtifacts(artifacts, epsilon, guarantee);
  const radii = certifiedRadius(
    {
      logits: artifacts.logits,
      n: artifacts.n,
      c: artifacts.c,
      lipschitz: artifacts.lipschitz,
      errorBound: artifacts.errorBound,
    },
    toCertGuarantee(guarantee, artifacts.c),
  );
  const points: PointCertification[] = [];
  for (let i = 0; i < artifacts.n; i++) {
    points.push({
      index: i,
      label: artifacts.labels[i],
      predicted: output.predicted[i],
      certified: output.certified[i] === 1,
      certifiedSet: certifiedSet(output, i),
      radius: radii[i],
    });
  }
  return { summary, points };
}
