/**
 * The figures the CLI reports for a run: always from the sound certification of the stored
 * evaluation artefacts (shared/certify/session.ts), never from the training-time estimates;
 * named and labelled by the vocabulary (shared/certify/vocabulary.ts).
 */
import type { RunSummary } from '../../shared/api/run-types.ts';
import type { EvalArtifacts } from '../../shared/api/workbench-api.ts';
import type { Guarantee } from '../../shared/config/experiment.ts';
import {
  formatAffinitySets,
  METRIC_TERMS,
  prepareCertification,
} from '../../shared/certify/index.ts';
import type { CertificationSummary, MetricKey } from '../../shared/certify/index.ts';
import { CLAIM_TERMS, DEFAULT_CLAIM, underClaim } from '../../shared/certify/claim.ts';
import type { CertClaim } from '../../shared/certify/claim.ts';
import { pct } from './format.ts';

/** The sound certification at the trained ε with the run's guarantee, and where the run is. */
export type RunReport = CertificationSummary & {
  runId: string;
  name: string;
  state: RunSummary['state'];
  epochs: number;
  backend?: string;
  runDir: string;
};

export function runReport(
  run: RunSummary,
  artifacts: EvalArtifacts,
  runDir: string,
  claim: CertClaim = DEFAULT_CLAIM,
): RunReport {
  const summary = prepareCertification(underClaim(artifacts, claim), artifacts.guarantee).summary(
    artifacts.trainedEpsilon,
  );
  const report: RunReport = {
    runId: run.id,
    name: run.name,
    state: run.state,
    epochs: run.epochsDone,
    ...summary,
    runDir,
  };
  if (run.backend !== undefined) report.backend = run.backend;
  return report;
}

export function describeGuarantee(g: Guarantee): string {
  switch (g.kind) {
    case 'standard':
      return 'standard GloRo';
    case 'rtk':
      return `relaxed top-${g.k} (RT${g.k})`;
    case 'affinity':
      return `affinity sets ${formatAffinitySets(g.sets)}`;
  }
}

/** Metrics shown in text, in order; the guarantee's own figures only when it is not standard. */
export function shownMetrics(g: Guarantee): MetricKey[] {
  return g.kind === 'standard'
    ? ['cleanAccuracy', 'standardVra', 'rejectionRate']
    : ['cleanAccuracy', 'standardVra', 'guaranteeVra', 'top1GuaranteeVra', 'rejectionRate'];
}

const WIDTH = Math.max(...Object.values(METRIC_TERMS).map((t) => t.label.length)) + 2;

/** The claim of a summary or explanation in words (absent: exact arithmetic, no bound). */
export function claimText(claim: CertClaim | undefined): string {
  return claim === undefined
    ? 'claim: exact arithmetic on the stored logits, no error bound'
    : `claim: ${CLAIM_TERMS[claim].label}`;
}

export function summaryText(s: CertificationSummary): string {
  const lines = [
    `certified at ε = ${s.epsilon} with ${describeGuarantee(s.guarantee)} on ${s.n} test points ` +
      `(${claimText(s.claim)}):`,
  ];
  for (const key of shownMetrics(s.guarantee)) {
    lines.push(`  ${METRIC_TERMS[key].label.padEnd(WIDTH)}${pct(s[key])}`);
  }
  lines.push(`  ${METRIC_TERMS.certifiedCount.label.padEnd(WIDTH)}${s.certifiedCount} of ${s.n}`);
  return lines.join('\n') + '\n';
}
