/**
 * The object the preload exposes as `window.relaxcert`: exactly the WorkbenchApi methods and
 * `onEvent`, each a fixed IPC channel; no generic send/invoke reaches the page. Built from an
 * injected ipcRenderer so tests can check it without Electron.
 */
import { ipcChannel, IPC_EVENT_CHANNEL } from '../shared/api/ipc-channels.ts';
import type { BridgeError, IpcReply } from '../shared/api/ipc-channels.ts';
import { WORKBENCH_METHODS } from '../shared/api/workbench-api.ts';
import type { WorkbenchApi, WorkbenchEvent } from '../shared/api/workbench-api.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildBridge(ipc: IpcRendererLike): WorkbenchApi {
  const bridge: Record<string, unknown> = {};
  for (const method of WORKBENCH_METHODS) {
    const channel = ipcChannel(method);
    bridge[method] = async (...args: unknown[]): Promise<unknown> => {
      const reply = (await ipc.invoke(channel, ...args)) as IpcReply;
      if (reply.ok) return reply.result;
      const error: BridgeError = { name: 'RelaxCertError', ...reply.error };
      return Promise.reject(error);
    };
  }
  bridge.onEvent = (listener: (event: WorkbenchEvent) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const handler = (_event: unknown, payload: unknown) => listener(payload as WorkbenchEvent);
    ipc.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipc.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  };
  return Object.freeze(bridge) as unknown as WorkbenchApi;
}
