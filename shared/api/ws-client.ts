/**
 * A WorkbenchApi client over WebSocket. The WebSocket constructor is injected, so the same
 * client runs in the browser (`globalThis.WebSocket`) and in Node tests (the `ws` package).
 */
import { fromErrorInfo, RelaxCertError } from '../errors.ts';
import type { ErrorInfo } from '../errors.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import type { WireReply } from './wire.ts';
import type {
  WorkbenchApi,
  WorkbenchEvent,
  WorkbenchMethod,
  Unsubscribe,
} from './workbench-api.ts';
import { WORKBENCH_METHODS } from './workbench-api.ts';

/** The part of the WebSocket interface the client uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WsClientOptions {
  /** ws:// URL of the server's socket, e.g. `ws://127.0.0.1:5123/ws`. */
  url: string;
  /** The per-launch token printed by `relaxcert serve`. */
  token: string;
  WebSocket: WebSocketConstructor;
}

export interface WsWorkbenchClient extends WorkbenchApi {
  /** Resolves once the socket is open; rejects when it cannot connect or is refused. */
  readonly ready: Promise<void>;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: RelaxCertError): void;
}

const OPEN = 1;

export function createWsClient(options: WsClientOptions): WsWorkbenchClient {
  const sep = options.url.includes('?') ? '&' : '?';
  const socket = new options.WebSocket(
    `${options.url}${sep}token=${encodeURIComponent(options.token)}`,
  );
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  let nextId = 1;
  let closed: RelaxCertError | undefined;

  // Node's `ws` throws an 'error' nobody listens to; the 'close' that follows reports it.
  socket.addEventListener('error', () => {});
  let opened = false;
  const ready = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => {
      opened = true;
      resolve();
    });
    socket.addEventListener('close', (event) => {
      // A refused upgrade (401/403) and a server that is down look the same from a browser.
      const why = opened
        ? new RelaxCertError(
            'INTERNAL',
            `connection to the workbench server closed (code ${event.code})`,
          )
        : new RelaxCertError(
            'UNAUTHORIZED',
            `cannot connect to the workbench server at ${options.url}: is it running, and is ` +
              'the token the one it printed at this launch?',
          );
      closed = why;
      reject(why);
      for (const p of pending.values()) p.reject(why);
      pending.clear();
    });
  });
  // A rejected `ready` that nobody awaits must not crash the page or the test runner.
  ready.catch(() => {});

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let reply: WireReply;
    try {
      reply = decodeMessage(event.data) as WireReply;
    } catch {
      return;
    }
    if ('event' in reply) {
      for (const listener of [...listeners]) listener(reply.event);
      return;
    }
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(fromErrorInfo(reply.error as ErrorInfo));
  });

  async function call(method: WorkbenchMethod, params: unknown[]): Promise<unknown> {
    await ready;
    if (closed) throw closed;
    if (socket.readyState !== OPEN) {
      throw new RelaxCertError('INTERNAL', 'connection to the workbench server is not open');
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(encodeMessage({ id, method, params }));
    });
  }

  const client: Partial<Record<WorkbenchMethod, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of WORKBENCH_METHODS) {
    client[method] = (...args: unknown[]) => call(method, args);
  }
  return Object.assign(client as unknown as WorkbenchApi, {
    ready,
    onEvent(listener: (event: WorkbenchEvent) => void): Unsubscribe {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close(): void {
      socket.close(1000, 'client closed');
    },
  });
}
