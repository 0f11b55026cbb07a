/**
 * The engine worker thread: loads tfjs and its backend once, then runs the jobs it is sent one
 * after another. A job that throws is reported as failed and the worker stays usable. Cancel
 * requests are messages; the training loop yields to the event loop after every batch so they
 * arrive within one batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../../shared/errors.ts';
import type { JobSpec, WorkerInit, WorkerMessage, WorkerRequest } from './protocol.ts';
// Type only: the engine (and tfjs) is loaded dynamically, after the backend is chosen.
import type { runJob as RunJobFn } from '../engine/run-job.ts';
import type { BackendChoice } from '../engine/backend.ts';

type RunJob = typeof RunJobFn;

const port = parentPort;
if (port === null) throw new Error('engine-worker.ts must run in a worker thread');
const post = (message: WorkerMessage): void => port.postMessage(message);
const init = (workerData ?? {}) as WorkerInit;

const queue: Array<{ jobId: string; job: JobSpec }> = [];
const cancelled = new Set<string>();
let running = false;
let backendName = '';
let backendChoice: BackendChoice | undefined;
let runJob: RunJob;

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length > 0) {
    const { jobId, job } = queue.shift()!;
    if (cancelled.has(jobId)) {
      cancelled.delete(jobId);
      post({ type: 'cancelled', jobId });
      continue;
    }
    try {
      const status = await runJob(job, {
        jobId,
        backend: backendName,
        backendChoice,
        emit: post,
        isCancelled: () => cancelled.has(jobId),
      });
      post(status === 'done' ? { type: 'done', jobId } : { type: 'cancelled', jobId });
    } catch (error) {
      post({ type: 'failed', jobId, error: toErrorInfo(error) });
    } finally {
      cancelled.delete(jobId);
    }
  }
  running = false;
}

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'cancel') {
    cancelled.add(request.jobId);
  } else if (request.type === 'run') {
    queue.push({ jobId: request.jobId, job: request.job });
    void drain();
  }
});

try {
  const { selectBackend } = await import('../engine/backend.ts');
  const info = await selectBackend(init.backend);
  backendName = info.description;
  backendChoice = info.choice;
  ({ runJob } = await import('../engine/run-job.ts'));
  post({ type: 'ready', backend: backendName });
} catch (error) {
  post({ type: 'init-failed', error: toErrorInfo(error) });
}
