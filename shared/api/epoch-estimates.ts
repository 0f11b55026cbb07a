/**
 * The training-time figures of an epoch that `relaxcert runs --json` shows beside a run's sound
 * certification: the EpochMetrics fields named as estimates (power-iteration Lipschitz bounds,
 * no float32 error bound) and clean accuracy, without the training bookkeeping.
 */
import type { EpochMetrics } from './run-types.ts';

export type EpochEstimates = Pick<
  EpochMetrics,
  | 'epoch'
  | 'cleanAccuracy'
  | 'estimatedStandardVra'
  | 'estimatedGuaranteeVra'
  | 'estimatedRejectionRate'
  | 'estimatedLipschitz'
>;

export function epochEstimates(m: EpochMetrics): EpochEstimates {
  const out: EpochEstimates = {
    epoch: m.epoch,
    cleanAccuracy: m.cleanAccuracy,
    estimatedStandardVra: m.estimatedStandardVra,
    estimatedRejectionRate: m.estimatedRejectionRate,
    estimatedLipschitz: m.estimatedLipschitz,
  };
  if (m.estimatedGuaranteeVra !== undefined) out.estimatedGuaranteeVra = m.estimatedGuaranteeVra;
  return out;
}
