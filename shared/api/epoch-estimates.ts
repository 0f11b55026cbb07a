/**
 * The training-time figures of an epoch under names that say they are estimates (power-iteration
 * Lipschitz bounds, no float32 error bound): what JSON outputs and tables show in place of the
 * raw EpochMetrics fields, so an estimate is never mistaken for a certificate.
 */
import type { Guarantee } from '../config/experiment.ts';
import type { EpochMetrics } from './run-types.ts';

export interface EpochEstimates {
  epoch: number;
  /** Not an estimate: top-1 accuracy needs no bound. */
  cleanAccuracy: number;
  estimatedStandardVra: number;
  /** RTK and affinity runs only. */
  estimatedGuaranteeVra?: number;
  estimatedRejectionRate: number;
  /** Product of the layers' power-iteration estimates. */
  estimatedLipschitz: number;
}

export function epochEstimates(m: EpochMetrics, guarantee: Guarantee): EpochEstimates {
  const out: EpochEstimates = {
    epoch: m.epoch,
    cleanAccuracy: m.cleanAccuracy,
    estimatedStandardVra: m.vra,
    estimatedRejectionRate: m.rejectionRate,
    estimatedLipschitz: m.lipschitz,
  };
  const relaxed =
    guarantee.kind === 'rtk' ? m.rtkVra : guarantee.kind === 'affinity' ? m.affinityVra : undefined;
  if (relaxed !== undefined) out.estimatedGuaranteeVra = relaxed;
  return out;
}
