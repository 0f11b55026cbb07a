/**
 * What the host needs from the job manager (main/jobs/job-manager.ts implements it). Kept as an
 * interface so tests can inject runners that crash, stall or finish instantly.
 */
import type { JobEvent, JobSpec } from '../jobs/protocol.ts';

export type JobOutcome = 'done' | 'cancelled' | 'failed';

export interface JobHandle {
  jobId: string;
  cancel(): void;
  done: Promise<JobOutcome>;
}

export interface JobRunner {
  submit(job: JobSpec, onEvent: (event: JobEvent) => void): JobHandle;
  close(): Promise<void>;
}
