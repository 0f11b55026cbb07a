/**
 * The figures the CLI reports for a run: always from the sound certification of the stored
 * evaluation artefacts (shared/certify), never from the training-time estimates.
 */
import type { RunSummary } from '../../shared/api/run-types.ts';
import type { CertificationSummary, EvalArtifacts } from '../../shared/api/workbench-api.ts';
import type { Guarantee } from '../../shared/config/experiment.ts';
import { formatAffinitySets } from '../../shared/certify/index.ts';
import { certifyArtifacts } from '../host/certification.ts';
import { pct } from './format.ts';

export interface RunReport extends CertificationSummary {
  runId: string;
  name: string;
  state: RunSummary['state'];
  epochs: number;
  backend?: string;
  /** Top-1 VRA under standard GloRo certification (same as `vra` for standard runs). */
  standardVra: number;
  runDir: string;
}

export function runReport(run: RunSummary, artifacts: EvalArtifacts, runDir: string): RunReport {
  const epsilon = artifacts.trainedEpsilon;
  const trained = certifyArtifacts(artifacts, epsilon, artifacts.guarantee).summary;
  const standard =
    artifacts.guarantee.kind === 'standard'
      ? trained
      : certifyArtifacts(artifacts, epsilon, { kind: 'standard' }).summary;
  const report: RunReport = {
    runId: run.id,
    name: run.name,
    state: run.state,
    epochs: run.epochsDone,
    ...trained,
    standardVra: standard.vra,
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

export function summaryText(s: CertificationSummary, standardVra?: number): string {
  const lines = [
    `certified at ε = ${s.epsilon} with ${describeGuarantee(s.guarantee)} on ${s.n} test points:`,
    `  clean accuracy   ${pct(s.cleanAccuracy)}`,
  ];
  if (s.guarantee.kind === 'standard') {
    lines.push(`  VRA              ${pct(s.vra)}`);
  } else {
    // computeMetrics' vra under a relaxed guarantee: certified (any allowed k) and top-1 right.
    lines.push(`  top-1 VRA        ${pct(s.vra)}  (certified, top-1 correct)`);
    if (standardVra !== undefined) {
      lines.push(`  standard VRA     ${pct(standardVra)}  (standard GloRo certificate)`);
    }
  }
  if (s.rtkVra !== undefined) lines.push(`  RTK VRA          ${pct(s.rtkVra)}`);
  if (s.affinityVra !== undefined) lines.push(`  affinity VRA     ${pct(s.affinityVra)}`);
  lines.push(`  rejection rate   ${pct(s.rejectionRate)}`);
  lines.push(`  certified        ${s.certifiedCount} of ${s.n}`);
  return lines.join('\n') + '\n';
}
