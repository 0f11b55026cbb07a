/**
 * The Electron IPC contract, imported by main/electron and preload/ alike (and by nothing
 * else): one invoke channel per WorkbenchApi method, one push channel for events, and the reply
 * envelope. Errors travel inside the envelope because Electron reduces a rejected invoke to a
 * message string; the preload rejects with the ErrorInfo as a plain object (contextBridge copies
 * plain objects whole, but drops custom properties of Error instances).
 */
import type { ErrorInfo } from '../errors.ts';
import type { WorkbenchMethod } from './workbench-api.ts';

export const IPC_PREFIX = 'relaxcert:';
export const IPC_EVENT_CHANNEL = 'relaxcert:event';

export function ipcChannel(method: WorkbenchMethod): string {
  return `${IPC_PREFIX}${method}`;
}

export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

/** What a bridged call rejects with: the ErrorInfo plus a name, as a plain object. */
export interface BridgeError extends ErrorInfo {
  name: 'RelaxCertError';
}
