/**
 * Messages between the host (main thread) and the engine workers. The main thread only relays
 * these; all tfjs work happens in the worker. Type-only imports: nothing of the engine loads
 * on the main thread.
 */
import type { BackendChoice } from '../../shared/config/backends.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { JobEvent, JobSpec } from '../engine/job-messages.ts';

/** Jobs and their events are the engine's (engine/job-messages.ts); the host reads them here. */
export type { JobEvent, JobSpec };

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
