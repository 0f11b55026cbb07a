/** state.json of a run folder: everything about a run that changes, except its metrics. */
import type { RunState } from '../../shared/api/run-types.ts';
import type { ErrorCode } from '../../shared/errors.ts';

export interface RunRecord {
  id: string;
  name: string;
  state: RunState;
  createdAt: string;
  updatedAt: string;
  backend?: string;
  error?: string;
  /** Code of `error` (a user error or an internal one), for the CLI's exit status. */
  errorCode?: ErrorCode;
  /** Process that owns a queued or running run; a dead owner means the run was interrupted. */
  pid?: number;
}

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

/** `20261126-095400-3fa2c1`: sortable by creation time, unique by the random tail. */
export function newRunId(now: Date, random: string): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${random}`;
}
