/**
 * A JobManager whose worker a test can kill as a crash would: the manager is given a spawner
 * that keeps the Worker it starts, so production code needs no crash method of its own.
 */
import { Worker } from 'node:worker_threads';
import { JobManager } from '../job-manager.ts';
import type { JobManagerOptions } from '../job-manager.ts';

export interface CrashableJobs {
  manager: JobManager;
  /** Terminates the current engine worker, as a crash would (a no-op when none runs). */
  crashWorker(): Promise<void>;
}

export function crashableJobManager(
  options: Omit<JobManagerOptions, 'spawnWorker'> = {},
): CrashableJobs {
  let current: Worker | undefined;
  const manager = new JobManager({
    ...options,
    spawnWorker: (entry, init) => (current = new Worker(entry, { workerData: init })),
  });
  const jobs: CrashableJobs = {
    manager,
    async crashWorker() {
      await current?.terminate();
    },
  };
  return jobs;
}
