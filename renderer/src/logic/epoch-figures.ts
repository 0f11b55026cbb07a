/**
 * The per-epoch figures the training curves and the comparison of runs draw, each with the one
 * label it is shown under. Every figure computed with power-iteration Lipschitz estimates is an
 * `estimated*` field of EpochMetrics shown under its label of the vocabulary (ESTIMATE_TERMS,
 * "… (estimate)"), so no chart can show one as if it were a certificate.
 */
import type { EpochMetrics } from '../../../shared/api/run-types.ts';
import { ESTIMATE_TERMS, METRIC_TERMS } from '../../../shared/certify/index.ts';

export interface EpochFigure {
  label: string;
  /** A fraction of the test points, drawn as a percentage. */
  percent: boolean;
}

export type EpochFigureKey =
  | 'cleanAccuracy'
  | 'estimatedStandardVra'
  | 'estimatedGuaranteeVra'
  | 'estimatedRejectionRate'
  | 'estimatedLipschitz'
  | 'trainLoss';

export const EPOCH_FIGURES: Readonly<Record<EpochFigureKey, EpochFigure>> = {
  cleanAccuracy: { label: METRIC_TERMS.cleanAccuracy.label, percent: true },
  estimatedStandardVra: { label: ESTIMATE_TERMS.estimatedStandardVra.label, percent: true },
  estimatedGuaranteeVra: { label: ESTIMATE_TERMS.estimatedGuaranteeVra.label, percent: true },
  estimatedRejectionRate: { label: ESTIMATE_TERMS.estimatedRejectionRate.label, percent: true },
  estimatedLipschitz: { label: ESTIMATE_TERMS.estimatedLipschitz.label, percent: false },
  trainLoss: { label: 'training loss', percent: false },
};

/** The figure's value in one epoch; undefined where the run has none (e.g. standard runs). */
export function epochFigure(m: EpochMetrics, key: EpochFigureKey): number | undefined {
  return m[key];
}
