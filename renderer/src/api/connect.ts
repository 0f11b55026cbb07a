/**
 * Picks the transport: inside Electron the preload exposes `window.relaxcert` (exactly the
 * WorkbenchApi); in a browser the page talks WebSocket to `relaxcert serve`, with the token
 * taken from the page URL (`?token=…`).
 */
import type { WorkbenchApi } from '../../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { createWsClient } from '../../../shared/api/ws-client.ts';
import { createWorkerApi, withPlainArgs } from './worker-bridge.ts';

export interface ConnectTarget {
  location: { protocol: string; host: string; search: string };
  relaxcert?: WorkbenchApi;
  WebSocket?: typeof WebSocket;
  /** When present, the WebSocket client runs in a worker (large replies decode off the page). */
  Worker?: typeof Worker;
}

export function socketUrl(location: ConnectTarget['location']): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export async function connectWorkbench(target: ConnectTarget): Promise<WorkbenchApi> {
  if (target.relaxcert) return withPlainArgs(target.relaxcert);
  const token = new URLSearchParams(target.location.search).get('token');
  if (!token) {
    throw new RelaxCertError(
      'UNAUTHORIZED',
      'This page needs the address printed by `relaxcert serve` (it ends with ?token=…). ' +
        'Open that full address, or start the desktop app.',
    );
  }
  if (!target.WebSocket || target.location.protocol === 'file:') {
    throw new RelaxCertError(
      'INTERNAL',
      'No workbench connection: neither the desktop bridge nor WebSocket is available.',
    );
  }
  const url = socketUrl(target.location);
  if (target.Worker) {
    const worker = new Worker(new URL('../workers/api.worker.ts', import.meta.url), {
      type: 'module',
    });
    const { api, ready } = createWorkerApi(worker, url, token);
    await ready;
    return api;
  }
  const client = createWsClient({ url, token, WebSocket: target.WebSocket });
  await client.ready;
  return client;
}
