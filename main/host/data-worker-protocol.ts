/** Messages between the host's data reader (main thread) and the data worker thread. */
import type { DatasetInfo } from '../../shared/api/workbench-api.ts';
import type { DatasetSpec } from '../../shared/config/experiment.ts';
import type { ErrorInfo } from '../../shared/errors.ts';

export type DataRequest =
  | { id: number; op: 'inspect'; spec: DatasetSpec }
  | { id: number; op: 'thumbnail'; spec: DatasetSpec; split: 'train' | 'test'; index: number };

/** Sent when the worker begins a request: its time limit runs from then, not from the queue. */
export interface DataStarted {
  id: number;
  started: true;
}

export type DataReply =
  | { id: number; ok: true; info: DatasetInfo }
  | { id: number; ok: true; png: Uint8Array }
  | { id: number; ok: false; error: ErrorInfo };
