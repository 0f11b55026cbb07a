/**
 * The experiment configuration: one JSON-serialisable object that fully determines a run
 * (with the data files it names). Validation lives in `validate-experiment.ts`; the renderer's
 * form, the CLI and the engine all use these types.
 */

import type { ArchitectureName } from './architectures.ts';
import type { DatasetKind } from './dataset-kinds.ts';
import type { GuaranteeKind, LossKind, Normalization } from './experiment-choices.ts';

// The kinds and names are catalogued with what each one is (dataset-kinds.ts, architectures.ts,
// experiment-choices.ts).
export type { ArchitectureName, DatasetKind, GuaranteeKind, LossKind, Normalization };

export interface DatasetSpec {
  kind: DatasetKind;
  /** File or folder for readers; absent for generators. */
  path?: string;
  /** Generators: number of training / test points. */
  trainSize?: number;
  testSize?: number;
  /** Seed of generators and of seeded splits (defaults to the training seed). */
  seed?: number;
  /** Input normalisation. */
  normalize?: Normalization;
  /** Reader-specific options (CSV label column, CIFAR-100 label kind, ...). */
  options?: Record<string, string | number | boolean>;
}

export interface ArchitectureSpec {
  name: ArchitectureName;
  /** Overrides: hidden width of dense layers / base channel width of conv nets. */
  width?: number;
  /** Overrides: number of hidden dense layers. */
  depth?: number;
}

/** Which robustness property the GloRo head certifies. */
export type Guarantee =
  | { kind: 'standard' }
  | { kind: 'rtk'; k: number }
  | {
      kind: 'affinity';
      /** Affinity sets as lists of class ids; sets may overlap. */
      sets: number[][];
      /** Optional display names of the sets, same order. */
      names?: string[];
    };

export interface TrainingSpec {
  epochs: number;
  batchSize: number;
  /** Schedule string (see shared/schedule): "1e-3", "1e-3 -> 1e-6 after half", or the reference syntax. */
  learningRate: string;
  loss: LossKind;
  /** TRADES λ schedule string; required when loss is 'trades'. */
  tradesLambda?: string;
  /** Certification radius ε (ℓ2) used for training. */
  epsilon: number;
  /** Optional ε schedule (warm-up); its values are radii, its last value should be `epsilon`. */
  epsilonSchedule?: string;
  /** Power iterations per batch (paper: 2). */
  powerIterations: number;
  seed: number;
}

export interface ExperimentConfig {
  /** Display name of the run. */
  name: string;
  dataset: DatasetSpec;
  architecture: ArchitectureSpec;
  guarantee: Guarantee;
  training: TrainingSpec;
}
