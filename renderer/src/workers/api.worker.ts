/// <reference lib="webworker" />
/** The browser's WebSocket client, off the page's thread (see api/worker-bridge.ts). */
import { createWsClient } from '../../../shared/api/ws-client.ts';
import type { WebSocketConstructor } from '../../../shared/api/ws-client.ts';
import { serveWorkerApi } from '../api/worker-bridge.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

serveWorkerApi(scope, async (url, token) => {
  const client = createWsClient({
    url,
    token,
    WebSocket: globalThis.WebSocket as unknown as WebSocketConstructor,
  });
  await client.ready;
  return client;
});
