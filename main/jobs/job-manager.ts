/**
 * Host side of the engine: one long-lived worker thread per manager (one backend) that loads
 * tfjs once and runs the submitted jobs one at a time. The main thread never imports tfjs.
 * A job that throws fails alone; a worker that dies fails its running job and is replaced by a
 * fresh one for the next job.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { BackendChoice } from '../../shared/config/backends.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import type { JobEvent, JobSpec, WorkerInit, WorkerMessage, WorkerRequest } from './protocol.ts';

export type JobOutcome = 'done' | 'cancelled' | 'failed';

export interface JobHandle {
  jobId: string;
  cancel(): void;
  done: Promise<JobOutcome>;
}

interface PendingJob {
  jobId: string;
  job: JobSpec;
  onEvent: (e: JobEvent) => void;
  resolve: (outcome: JobOutcome) => void;
  cancelRequested: boolean;
}

/** The bundled worker when the app is built, else the TypeScript one through tsx. */
function workerEntry(): URL {
  const bundled = new URL('./engine-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return bundled;
  return new URL('./engine-worker-entry.mjs', import.meta.url);
}

let counter = 0;

/** Starts the engine worker thread from its entry with its init data. */
export type SpawnWorker = (entry: URL, init: WorkerInit) => Worker;

const spawnEngineWorker: SpawnWorker = (entry, init) => new Worker(entry, { workerData: init });

export interface JobManagerOptions {
  backend?: BackendChoice;
  /**
   * How the worker thread is started; the default is a plain `new Worker`. Tests inject one that
   * keeps the Worker, to kill it as a crash would (main/jobs/testing/crashable-jobs.ts).
   */
  spawnWorker?: SpawnWorker;
}

export class JobManager {
  private readonly backend?: BackendChoice;
  private readonly spawnWorker: SpawnWorker;
  private worker?: Worker;
  private ready?: Promise<void>;
  private readonly queue: PendingJob[] = [];
  private current?: PendingJob;
  private closed = false;

  constructor(options: JobManagerOptions = {}) {
    this.backend = options.backend;
    this.spawnWorker = options.spawnWorker ?? spawnEngineWorker;
  }

  submit(job: JobSpec, onEvent: (e: JobEvent) => void): JobHandle {
    const jobId = `job-${++counter}-${randomBytes(4).toString('hex')}`;
    let resolve!: (outcome: JobOutcome) => void;
    const done = new Promise<JobOutcome>((r) => (resolve = r));
    const pending: PendingJob = { jobId, job, onEvent, resolve, cancelRequested: false };
    if (this.closed) {
      this.finish(pending, {
        type: 'failed',
        jobId,
        error: { code: 'CONFLICT', message: 'the job manager is closed' },
      });
    } else {
      this.queue.push(pending);
      this.pump();
    }
    return { jobId, cancel: () => this.cancel(pending), done };
  }

  /** Terminates the worker; queued and running jobs end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.finish(p, { type: 'cancelled', jobId: p.jobId });
    const running = this.current;
    this.current = undefined;
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker !== undefined) await worker.terminate();
    if (running !== undefined) this.finish(running, { type: 'cancelled', jobId: running.jobId });
  }

  private cancel(p: PendingJob): void {
    if (p.cancelRequested) return;
    p.cancelRequested = true;
    const queued = this.queue.indexOf(p);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(p, { type: 'cancelled', jobId: p.jobId });
    } else if (this.current === p && this.worker !== undefined) {
      this.worker.postMessage({ type: 'cancel', jobId: p.jobId } satisfies WorkerRequest);
    }
  }

  private finish(p: PendingJob, event: JobEvent & { type: 'done' | 'cancelled' | 'failed' }): void {
    try {
      p.onEvent(event);
    } finally {
      p.resolve(event.type);
    }
  }

  private startWorker(): Promise<void> {
    const init: WorkerInit = {};
    if (this.backend !== undefined) init.backend = this.backend;
    const worker = this.spawnWorker(workerEntry(), init);
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          started = true;
          resolve();
        } else if (message.type === 'init-failed') {
          started = true;
          this.dropWorker(worker);
          void worker.terminate();
          reject(message.error);
        } else {
          this.onJobEvent(message);
        }
      });
      const died = (why: string): void => {
        if (this.worker !== worker) return; // already replaced or closed
        this.dropWorker(worker);
        const error: ErrorInfo = { code: 'INTERNAL', message: `engine worker stopped: ${why}` };
        if (!started) {
          reject(error);
          return;
        }
        const running = this.current;
        if (running !== undefined) {
          this.current = undefined;
          this.finish(running, { type: 'failed', jobId: running.jobId, error });
          this.pump();
        }
      };
      worker.on('error', (e) => died(e.message));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
  }

  private dropWorker(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.ready = undefined;
    }
  }

  private onJobEvent(event: JobEvent): void {
    const p = this.current;
    if (p === undefined || p.jobId !== event.jobId) return;
    if (event.type === 'done' || event.type === 'cancelled' || event.type === 'failed') {
      this.current = undefined;
      this.worker?.unref();
      this.finish(p, event);
      this.pump();
    } else {
      p.onEvent(event);
    }
  }

  private pump(): void {
    if (this.current !== undefined || this.closed) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.current = next;
    if (this.ready === undefined) this.ready = this.startWorker();
    this.ready.then(
      () => {
        if (this.current !== next || this.worker === undefined) return;
        this.worker.ref();
        this.worker.postMessage({
          type: 'run',
          jobId: next.jobId,
          job: next.job,
        } satisfies WorkerRequest);
        if (next.cancelRequested) {
          this.worker.postMessage({ type: 'cancel', jobId: next.jobId } satisfies WorkerRequest);
        }
      },
      (error: ErrorInfo) => {
        if (this.current !== next) return;
        this.current = undefined;
        this.finish(next, { type: 'failed', jobId: next.jobId, error });
        this.pump();
      },
    );
  }
}
