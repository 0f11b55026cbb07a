/**
 * What the host needs from the job manager (main/jobs/job-manager.ts implements it). Kept as an
 * interface so tests can inject runners that crash, stall or finish instantly.
 */
import type { JobHandle } from '../jobs/job-manager.ts';
import type { JobEvent, JobSpec } from '../jobs/protocol.ts';

// One definition of a submitted job's handle and outcome: the job manager's.
export type { JobHandle, JobOutcome } from '../jobs/job-manager.ts';

export interface JobRunner {
  submit(job: JobSpec, onEvent: (event: JobEvent) => void): JobHandle;
  close(): Promise<void>;
}
