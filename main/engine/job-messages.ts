/**
 * The engine's side of the job protocol: what a job asks the engine to do and the events it
 * reports. Defined here, beside the code that runs jobs, so that main/engine never imports
 * main/jobs; main/jobs/protocol.ts wraps these in the worker's messages.
 */
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
