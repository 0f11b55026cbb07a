/** A WorkbenchApi client from Node for setting up e2e scenes quickly (no UI clicks). */
import WebSocket from 'ws';
import {
  createWsClient,
  type WebSocketConstructor,
  type WsWorkbenchClient,
} from '../../shared/api/ws-client.ts';
import type { ExperimentConfig } from '../../shared/config/experiment.ts';
import type { RunSummary } from '../../shared/api/run-types.ts';

export async function connectApi(pageUrl: string): Promise<WsWorkbenchClient> {
  const url = new URL(pageUrl);
  const client = createWsClient({
    url: `ws://${url.host}/ws`,
    token: url.searchParams.get('token') ?? '',
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  await client.ready;
  return client;
}

/** Creates, starts and waits for a run to finish (completed and evaluated). */
export async function trainRun(
  api: WsWorkbenchClient,
  config: ExperimentConfig,
  timeoutMs = 300_000,
): Promise<RunSummary> {
  const created = await api.createRun(config);
  await api.startRun(created.id);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await api.getRun(created.id);
    if (run.state === 'completed' && run.evaluated) return run;
    if (run.state === 'failed' || run.state === 'cancelled')
      throw new Error(`run ${run.id} ${run.state}: ${run.error ?? ''}`);
    if (Date.now() > until)
      throw new Error(`run ${run.id} still ${run.state} after ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
