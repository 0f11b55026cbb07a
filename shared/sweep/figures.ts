/**
 * The figures a sweep records for one finished run: the sound certification of its stored
 * artefacts at the trained ε with the trained guarantee under the default claim (the same
 * summary as `relaxcert certify` and the host's certifyRun), and the wall time of its training
 * epochs.
 */
import type { EpochMetrics } from '../api/run-types.ts';
import type { EvalArtifacts } from '../api/workbench-api.ts';
import { DEFAULT_CLAIM, underClaim } from '../certify/claim.ts';
import { prepareCertification } from '../certify/session.ts';
import type { RunFigures } from './aggregate.ts';

export function runFigures(artifacts: EvalArtifacts, metrics: readonly EpochMetrics[]): RunFigures {
  const summary = prepareCertification(
    underClaim(artifacts, DEFAULT_CLAIM),
    artifacts.guarantee,
  ).summary(artifacts.trainedEpsilon);
  const figures: RunFigures = {
    cleanAccuracy: summary.cleanAccuracy,
    standardVra: summary.standardVra,
    rejectionRate: summary.rejectionRate,
    // Wall time of the training epochs (the final sound evaluation not included).
    trainSeconds: metrics.reduce((s, m) => s + m.seconds, 0),
  };
  if (summary.guarantee.kind !== 'standard') figures.guaranteeVra = summary.guaranteeVra;
  return figures;
}
