/**
 * The small fixed choices of an experiment config, each catalogued once with its form label:
 * input normalisations, training losses and guarantee kinds. Their types are derived from these
 * tables; the validator, the readers and the renderer's form read them.
 */

interface Choice {
  label: string;
}

export const NORMALIZATION_CATALOGUE = {
  none: { label: 'none' },
  unit: { label: 'unit (scale to [0, 1])' },
  standardize: { label: 'standardize (zero mean, unit variance)' },
} as const satisfies Record<string, Choice>;

export type Normalization = keyof typeof NORMALIZATION_CATALOGUE;
export const NORMALIZATIONS = Object.keys(NORMALIZATION_CATALOGUE) as readonly Normalization[];

export const LOSS_CATALOGUE = {
  crossentropy: { label: 'GloRo cross-entropy' },
  trades: { label: 'TRADES' },
} as const satisfies Record<string, Choice>;

export type LossKind = keyof typeof LOSS_CATALOGUE;
export const LOSS_KINDS = Object.keys(LOSS_CATALOGUE) as readonly LossKind[];

/** The robustness properties a GloRo head certifies (their fields are in experiment.ts). */
export const GUARANTEE_CATALOGUE = {
  standard: { label: 'standard (top-1)' },
  rtk: { label: 'RTK — relaxed top-K' },
  affinity: { label: 'affinity sets' },
} as const satisfies Record<string, Choice>;

export type GuaranteeKind = keyof typeof GUARANTEE_CATALOGUE;
export const GUARANTEE_KINDS = Object.keys(GUARANTEE_CATALOGUE) as readonly GuaranteeKind[];

/** A catalogue as the `{ value, label }` options of a select field, in catalogue order. */
export function choiceOptions<K extends string>(
  catalogue: Readonly<Record<K, Choice>>,
): { value: K; label: string }[] {
  return (Object.keys(catalogue) as K[]).map((value) => ({
    value,
    label: catalogue[value].label,
  }));
}
