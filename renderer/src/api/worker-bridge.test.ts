import { describe, expect, it } from 'vitest';
import { createWorkerApi, serveWorkerApi, type PortLike } from './worker-bridge.ts';
import { reactive } from 'vue';
import { fakeApi, makeArtifacts, makeConfig, makeRun } from '../testing/fixtures.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

/** Two ends of an in-memory channel with structured cloning, as between page and worker. */
function channel(): [PortLike, PortLike] {
  const make = () => ({
    listeners: [] as ((e: { data: unknown }) => void)[],
    other: undefined as unknown as { listeners: ((e: { data: unknown }) => void)[] },
  });
  const a = make();
  const b = make();
  a.other = b;
  b.other = a;
  const port = (self: typeof a): PortLike => ({
    postMessage(message, transfer) {
      const data = structuredClone(message, { transfer: transfer as Transferable[] });
      setTimeout(() => self.other.listeners.forEach((l) => l({ data })), 0);
    },
    addEventListener(_type, listener) {
      self.listeners.push(listener);
    },
  });
  return [port(a), port(b)];
}

describe('worker bridge', () => {
  it('connects, forwards calls with typed arrays, errors and events', async () => {
    const [pagePort, workerPort] = channel();
    const backend = fakeApi({
      getRun: (id: never) => makeRun(id),
      createRun: (config: never) => makeRun('new', { config }),
      getEvalArtifacts: () => makeArtifacts(),
      deleteRun: () => {
        throw new RelaxCertError('CONFLICT', 'run is running', { field: 'runId' });
      },
    });
    let seen: [string, string] | undefined;
    serveWorkerApi(workerPort, async (url, token) => {
      seen = [url, token];
      return backend;
    });
    const { api, ready } = createWorkerApi(pagePort, 'ws://h/ws', 't0k');
    await ready;
    expect(seen).toEqual(['ws://h/ws', 't0k']);
    expect((await api.getRun('r9')).id).toBe('r9');
    // Reactive store state (a Proxy) crosses the boundary as plain data.
    const config = reactive(makeConfig({ name: 'from a store' }));
    expect((await api.createRun(config)).config.name).toBe('from a store');
    const a = await api.getEvalArtifacts('r1');
    expect(a.logits).toBeInstanceOf(Float32Array);
    expect(Array.from(a.labels)).toEqual([0, 1, 2, 1]);
    await expect(api.deleteRun('r1')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'run is running',
      field: 'runId',
    });
    const events: string[] = [];
    api.onEvent((e) => events.push(e.type));
    backend.emit({ type: 'run-state', run: makeRun('r1') });
    await new Promise((done) => setTimeout(done, 5));
    expect(events).toEqual(['run-state']);
  });

  it('rejects `ready` with the connection error', async () => {
    const [pagePort, workerPort] = channel();
    serveWorkerApi(workerPort, async () => {
      throw new RelaxCertError('UNAUTHORIZED', 'workbench server refused the connection');
    });
    const { ready } = createWorkerApi(pagePort, 'ws://h/ws', 'bad');
    await expect(ready).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
