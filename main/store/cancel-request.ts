/**
 * Cancelling a run that another process trains: the canceller leaves `cancel.request` in the
 * run folder, and the owner, which polls for it while it trains, cancels its job and removes
 * it. A request left after the owner died is removed when the run is started again.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';

export const CANCEL_REQUEST = 'cancel.request';

/** How often an owner looks for a request: cancel answers within this, plus one batch. */
export const CANCEL_POLL_MS = 500;

export async function requestCancel(runDir: string): Promise<void> {
  const request = { pid: process.pid, at: new Date().toISOString() };
  await writeFileAtomic(join(runDir, CANCEL_REQUEST), `${JSON.stringify(request)}\n`);
}

export function cancelRequested(runDir: string): boolean {
  return existsSync(join(runDir, CANCEL_REQUEST));
}

export async function clearCancelRequest(runDir: string): Promise<void> {
  await rm(join(runDir, CANCEL_REQUEST), { force: true });
}
