/**
 * Binds the WorkbenchApi to Electron IPC. Every handler goes through one choke point,
 * `trustedSender`, which accepts only the main frame of our own window showing our own app
 * URL; anything else (another window, an iframe, a page that navigated away) gets UNAUTHORIZED.
 * Electron's objects are described by the few members used, so tests inject fakes; the real
 * ipcMain and WebContents fit these shapes (electron-main.ts passes them, and tsc checks it).
 */
import { ipcChannel, IPC_EVENT_CHANNEL } from '../../shared/api/ipc-channels.ts';
import type { IpcReply } from '../../shared/api/ipc-channels.ts';
import { WORKBENCH_METHODS } from '../../shared/api/workbench-api.ts';
import type { WorkbenchApi, WorkbenchEvent } from '../../shared/api/workbench-api.ts';
import { RelaxCertError, toErrorInfo } from '../../shared/errors.ts';
import { dispatchCall } from '../host/dispatch.ts';

export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
}

export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface IpcBindingOptions {
  ipcMain: IpcMainLike;
  api: WorkbenchApi;
  /** The window's contents, or undefined while there is no window. */
  target(): WebContentsLike | undefined;
  /** Whether a URL is our app's page (e.g. under relaxcert://app/). */
  isAppUrl(url: string): boolean;
}

/** The one check every IPC handler makes. */
export function trustedSender(
  event: InvokeEventLike,
  target: WebContentsLike | undefined,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (target === undefined || target.isDestroyed()) return false;
  if (event.sender.id !== target.id) return false;
  const frame = event.senderFrame;
  if (frame === null) return false;
  const main = target.mainFrame;
  if (frame.processId !== main.processId || frame.routingId !== main.routingId) return false;
  return isAppUrl(frame.url);
}

/** Registers one handler per method and forwards events; returns a function that unbinds. */
export function bindWorkbenchIpc(options: IpcBindingOptions): () => void {
  const { ipcMain, api } = options;
  for (const method of WORKBENCH_METHODS) {
    ipcMain.handle(ipcChannel(method), async (event, ...args): Promise<IpcReply> => {
      if (!trustedSender(event, options.target(), options.isAppUrl)) {
        const error = new RelaxCertError(
          'UNAUTHORIZED',
          `IPC call ${method} refused: it did not come from the RelaxCert window`,
        );
        return { ok: false, error: toErrorInfo(error) };
      }
      try {
        return { ok: true, result: await dispatchCall(api, method, args) };
      } catch (error) {
        return { ok: false, error: toErrorInfo(error) };
      }
    });
  }
  const unsubscribe = api.onEvent((event: WorkbenchEvent) => {
    const target = options.target();
    if (target !== undefined && !target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, event);
  });
  return () => {
    unsubscribe();
    for (const method of WORKBENCH_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
