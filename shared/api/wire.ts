/**
 * Messages of the WebSocket transport (encoded with codec.ts). A request names one of
 * WORKBENCH_METHODS and carries its arguments positionally; the host answers with the same id.
 * Events are pushed to every connected, authorised client.
 */
import type { ErrorInfo } from '../errors.ts';
import type { WorkbenchEvent, WorkbenchMethod } from './workbench-api.ts';
import { WORKBENCH_METHODS } from './workbench-api.ts';

export interface WireRequest {
  id: number;
  method: WorkbenchMethod;
  params: unknown[];
}

export type WireReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorInfo }
  | { event: WorkbenchEvent };

const METHOD_SET: ReadonlySet<string> = new Set(WORKBENCH_METHODS);

export function isWorkbenchMethod(name: unknown): name is WorkbenchMethod {
  return typeof name === 'string' && METHOD_SET.has(name);
}

/** Checks the shape of a decoded request; returns a reason when it is not one. */
export function checkWireRequest(value: unknown): WireRequest | string {
  if (typeof value !== 'object' || value === null) return 'request is not an object';
  const o = value as Record<string, unknown>;
  if (typeof o.id !== 'number' || !Number.isInteger(o.id)) return 'request.id is not an integer';
  if (!isWorkbenchMethod(o.method)) return `request.method '${String(o.method)}' is not a method`;
  if (!Array.isArray(o.params)) return 'request.params is not an array';
  return { id: o.id, method: o.method, params: o.params };
}
