/**
 * Records that flow from the engine through the host to every front end: progress, metrics,
 * run state. Plain JSON, no classes.
 */
import type { ExperimentConfig } from '../config/experiment.ts';

export type RunState =
  | 'created' // config saved, never started
  | 'queued'
  | 'running'
  | 'completed'
  | 'cancelled'
  | 'failed'
  | 'interrupted'; // was running when the process died; resumable from its last checkpoint

/** Posted after each training batch (throttled by the host for the UI). */
export interface BatchProgress {
  runId: string;
  epoch: number; // 0-based epoch in progress
  batch: number; // 0-based batch within the epoch
  batchesPerEpoch: number;
  loss: number;
  samplesPerSecond: number;
}

/**
 * One line of a run's metrics.jsonl: the state at the end of an epoch. The test-set figures are
 * at the training ε with the run's guarantee, and except cleanAccuracy they are ESTIMATES
 * (shared/certify/vocabulary.ts GLOSSARY.estimate): power-iteration Lipschitz estimates and no
 * float32 error bound. Their field names say so, in the file, on the API and in every JSON
 * output; labels come from estimateLabel. The sound figures come from certifying the evaluation
 * artefacts. (Runs written before the rename used vra, rtkVra, affinityVra, rejectionRate and
 * lipschitz; the store's reader maps them, main/store/metrics-log.ts.)
 */
export interface EpochMetrics {
  epoch: number; // 1-based: metrics after this many epochs
  trainLoss: number;
  /** Not an estimate: top-1 accuracy needs no bound. */
  cleanAccuracy: number;
  /** Estimated standard VRA (standard certificate at k = 1, top-1 correct). */
  estimatedStandardVra: number;
  /** Estimated guarantee VRA of RTK and affinity runs (label in the certified set). */
  estimatedGuaranteeVra?: number;
  /** Estimated rejection rate under the run's guarantee. */
  estimatedRejectionRate: number;
  /** Largest entry of the power-iteration estimate of the Lipschitz matrix K. */
  estimatedLipschitz: number;
  learningRate: number;
  lambda?: number; // TRADES λ
  epsilon: number; // ε in force this epoch
  seconds: number; // wall time of the epoch
  samplesPerSecond: number;
}

export interface RunSummary {
  id: string;
  name: string;
  state: RunState;
  createdAt: string; // ISO time
  updatedAt: string;
  config: ExperimentConfig;
  /** Epochs completed. */
  epochsDone: number;
  latest?: EpochMetrics;
  /** Backend that trained it, e.g. "wasm (1 thread × 2 workers)". */
  backend?: string;
  /** Set when the run has certification artefacts (eval/). */
  evaluated: boolean;
  error?: string;
}

/** A run folder that cannot be read as a run (a corrupt config.json or state.json). */
export interface DamagedRun {
  id: string;
  /** Why it cannot be read, naming the file. */
  reason: string;
}

export interface LogLine {
  runId?: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  time: string;
}
