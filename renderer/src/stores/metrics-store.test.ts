import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useMetricsStore } from './metrics-store.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeMetrics, makeRun } from '../testing/fixtures.ts';

describe('metrics store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('merges loaded metrics with live epoch events without duplicates', async () => {
    const api = fakeApi({ getMetrics: () => [makeMetrics(1), makeMetrics(2)] });
    setWorkbenchApi(api);
    const store = useMetricsStore();
    store.subscribe(() => 0);
    api.emit({
      type: 'epoch',
      runId: 'r',
      metrics: makeMetrics(2, { estimatedStandardVra: 0.99 }),
    });
    api.emit({ type: 'epoch', runId: 'r', metrics: makeMetrics(3) });
    await store.load('r');
    expect(store.epochs.r.map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('records batch losses in step order and clears progress when the run stops', () => {
    const api = fakeApi();
    setWorkbenchApi(api);
    const store = useMetricsStore();
    store.subscribe(() => 5);
    const p = { runId: 'r', epoch: 0, batch: 0, batchesPerEpoch: 4, loss: 2, samplesPerSecond: 10 };
    api.emit({ type: 'progress', progress: p });
    api.emit({ type: 'progress', progress: { ...p, batch: 1, loss: 1.5 } });
    api.emit({ type: 'progress', progress: { ...p, batch: 1, loss: 9 } }); // duplicate step ignored
    expect(store.batches.r).toEqual([
      { step: 0.25, loss: 2 },
      { step: 0.5, loss: 1.5 },
    ]);
    expect(store.progress.r.receivedAt).toBe(5);
    api.emit({ type: 'run-state', run: makeRun('r', { state: 'completed' }) });
    expect(store.progress.r).toBeUndefined();
  });

  it('shows a run trained in another process epoch by epoch, batches taking over', () => {
    const api = fakeApi();
    setWorkbenchApi(api);
    const store = useMetricsStore();
    store.subscribe(() => 7);
    // Only epochs arrive (the home watcher): progress stands at the end of the last one.
    api.emit({ type: 'epoch', runId: 'r', metrics: makeMetrics(2, { trainLoss: 0.5 }) });
    expect(store.progress.r).toMatchObject({
      epoch: 1,
      batch: 0,
      batchesPerEpoch: 1,
      loss: 0.5,
      receivedAt: 7,
      coarse: true,
    });
    expect(store.batches.r).toBeUndefined();
    // Batches of a run trained here say more, and are not overwritten by its epochs.
    const p = { runId: 'r', epoch: 2, batch: 0, batchesPerEpoch: 4, loss: 2, samplesPerSecond: 10 };
    api.emit({ type: 'progress', progress: p });
    api.emit({ type: 'epoch', runId: 'r', metrics: makeMetrics(3) });
    expect(store.progress.r).toMatchObject({ epoch: 2, batchesPerEpoch: 4 });
    expect(store.progress.r.coarse).toBeUndefined();
    api.emit({ type: 'run-state', run: makeRun('r', { state: 'completed' }) });
    expect(store.progress.r).toBeUndefined();
  });

  it('reports load failures as messages', async () => {
    setWorkbenchApi(fakeApi());
    const store = useMetricsStore();
    await store.load('x');
    expect(store.error).toMatch(/getMetrics/);
  });
});
