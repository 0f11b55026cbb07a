/**
 * Messages between the host (main thread) and the engine workers. The main thread only relays
 * these; all tfjs work happens in the worker.
 */
import type { BackendChoice } from '../../shared/config/backends.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import type { BatchProgress, EpochMetrics } from '../../shared/api/run-types.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

export type JobSpec =
  /** Train (or resume from `${runDir}/checkpoints/`) and evaluate at the end. */
  | { type: 'train'; runId: string; runDir: string; config: ExperimentConfig; resume: boolean }
  /** Converge sound bounds, write `${runDir}/eval/` (logits, labels, K matrix). */
  | { type: 'evaluate'; runId: string; runDir: string; config: ExperimentConfig };

export type JobEvent =
  | { type: 'backend'; jobId: string; backend: string }
  | { type: 'progress'; jobId: string; progress: BatchProgress }
  | { type: 'epoch'; jobId: string; metrics: EpochMetrics }
  | { type: 'log'; jobId: string; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done'; jobId: string }
  | { type: 'cancelled'; jobId: string }
  | { type: 'failed'; jobId: string; error: ErrorInfo };

/** Host → worker. */
export type WorkerRequest =
  { type: 'run'; jobId: string; job: JobSpec } | { type: 'cancel'; jobId: string };

/** Given to a worker at spawn (workerData). */
export interface WorkerInit {
  /** Forced backend; absent: RELAXCERT_BACKEND, else gpu → wasm → cpu. */
  backend?: BackendChoice;
}

/** Worker → host: job events, plus the worker's own start-up result. */
export type WorkerMessage =
  JobEvent | { type: 'ready'; backend: string } | { type: 'init-failed'; error: ErrorInfo };
