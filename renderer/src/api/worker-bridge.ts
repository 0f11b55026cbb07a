/**
 * The WorkbenchApi across a worker boundary. In the browser the WebSocket client runs inside a
 * worker (see workers/api.worker.ts): decoding a 100,000-point EvalArtifacts message (JSON with
 * base64 typed arrays, megabytes) would otherwise block the page for a few hundred ms. Typed
 * arrays come back to the page by transfer. `serveWorkerApi` is the worker side,
 * `createWorkerApi` the page side; both only need a message port, so tests wire them directly.
 */
import type {
  WorkbenchApi,
  WorkbenchEvent,
  WorkbenchMethod,
} from '../../../shared/api/workbench-api.ts';
import { WORKBENCH_METHODS } from '../../../shared/api/workbench-api.ts';
import { fromErrorInfo, toErrorInfo, type ErrorInfo } from '../../../shared/errors.ts';

export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type ToWorker =
  | { type: 'connect'; url: string; token: string }
  | { type: 'call'; id: number; method: WorkbenchMethod; args: unknown[] };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'connect-error'; error: ErrorInfo }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: ErrorInfo }
  | { type: 'event'; event: WorkbenchEvent };

/**
 * A plain copy of call arguments: components pass reactive proxies (a config from a store),
 * which postMessage cannot clone. Typed arrays are kept as they are.
 */
export function plainCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(plainCopy);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plainCopy(v);
  return out;
}

/**
 * The same API with call arguments copied to plain data: Electron's contextBridge, like
 * postMessage, cannot clone the reactive proxies components hold.
 */
export function withPlainArgs(api: WorkbenchApi): WorkbenchApi {
  const out: Partial<Record<WorkbenchMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of WORKBENCH_METHODS) {
    const f = api[method] as (...a: unknown[]) => Promise<unknown>;
    out[method] = (...args: unknown[]) => f.apply(api, args.map(plainCopy));
  }
  return Object.assign(out as unknown as WorkbenchApi, {
    onEvent: (listener: Parameters<WorkbenchApi['onEvent']>[0]) => api.onEvent(listener),
  });
}

/** Typed arrays at the top level of a result (EvalArtifacts keeps them there). */
function transferables(value: unknown): Transferable[] {
  if (ArrayBuffer.isView(value)) return [value.buffer as ArrayBuffer];
  if (typeof value !== 'object' || value === null) return [];
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(value)) {
    if (ArrayBuffer.isView(v) && !out.includes(v.buffer as ArrayBuffer))
      out.push(v.buffer as ArrayBuffer);
  }
  return out;
}

/** Worker side: connects on request, then answers calls and forwards events. */
export function serveWorkerApi(
  port: PortLike,
  connect: (url: string, token: string) => Promise<WorkbenchApi>,
): void {
  let api: Promise<WorkbenchApi> | undefined;
  port.addEventListener('message', (event) => {
    const msg = event.data as ToWorker;
    if (msg.type === 'connect') {
      api = connect(msg.url, msg.token);
      api.then(
        (client) => {
          client.onEvent((e) => port.postMessage({ type: 'event', event: e } satisfies FromWorker));
          port.postMessage({ type: 'ready' } satisfies FromWorker);
        },
        (error: unknown) =>
          port.postMessage({
            type: 'connect-error',
            error: toErrorInfo(error),
          } satisfies FromWorker),
      );
      return;
    }
    if (msg.type === 'call') {
      const pending = api ?? Promise.reject(new Error('not connected'));
      pending
        .then((client) =>
          (client[msg.method] as (...a: unknown[]) => Promise<unknown>)(...msg.args),
        )
        .then(
          (result) =>
            port.postMessage(
              { type: 'reply', id: msg.id, ok: true, result } satisfies FromWorker,
              transferables(result),
            ),
          (error: unknown) =>
            port.postMessage({
              type: 'reply',
              id: msg.id,
              ok: false,
              error: toErrorInfo(error),
            } satisfies FromWorker),
        );
    }
  });
}

/** Page side: a WorkbenchApi whose calls run in the worker; `ready` settles on connection. */
export function createWorkerApi(
  port: PortLike,
  url: string,
  token: string,
): { api: WorkbenchApi; ready: Promise<void> } {
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  let settle: { resolve(): void; reject(e: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  port.addEventListener('message', (event) => {
    const msg = event.data as FromWorker;
    if (msg.type === 'ready') settle?.resolve();
    else if (msg.type === 'connect-error') settle?.reject(fromErrorInfo(msg.error));
    else if (msg.type === 'event') for (const l of [...listeners]) l(msg.event);
    else if (msg.type === 'reply') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(fromErrorInfo(msg.error));
    }
  });
  const api: Partial<Record<WorkbenchMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of WORKBENCH_METHODS) {
    api[method] = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        try {
          port.postMessage({
            type: 'call',
            id,
            method,
            args: args.map(plainCopy),
          } satisfies ToWorker);
        } catch (error) {
          pending.delete(id);
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
  }
  port.postMessage({ type: 'connect', url, token } satisfies ToWorker);
  return {
    api: Object.assign(api as unknown as WorkbenchApi, {
      onEvent(listener: (e: WorkbenchEvent) => void) {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    }),
    ready,
  };
}
