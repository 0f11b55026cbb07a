import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useRunsStore } from './runs-store.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeMetrics, makeRun } from '../test-support/fixtures.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

describe('runs store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('loads, sorts by a numeric column with missing values last, and filters by text', async () => {
    const api = fakeApi({
      listRuns: () => [
        makeRun('a', { name: 'alpha', latest: makeMetrics(1, { vra: 0.2 }) }),
        makeRun('b', { name: 'beta', latest: makeMetrics(1, { vra: 0.7 }) }),
        makeRun('c', { name: 'gamma', state: 'created' }),
      ],
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    store.setSort('vra');
    expect(store.visible.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    store.setSort('vra');
    expect(store.visible.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    store.filterText = 'created';
    expect(store.visible.map((r) => r.id)).toEqual(['c']);
  });

  it('shows API errors as readable messages and keeps the list', async () => {
    const api = fakeApi({
      listRuns: () => [makeRun('a')],
      deleteRun: () => {
        throw new RelaxCertError('CONFLICT', "run 'a' is running: cancel it first");
      },
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    await store.remove('a');
    expect(store.error).toBe("run 'a' is running: cancel it first");
    expect(store.runs).toHaveLength(1);
  });

  it('applies run-state and epoch events and removes deleted runs from the selection', async () => {
    const api = fakeApi({
      listRuns: () => [makeRun('a', { state: 'running', epochsDone: 0 })],
      deleteRun: () => undefined,
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    store.subscribe();
    api.emit({ type: 'epoch', runId: 'a', metrics: makeMetrics(2) });
    expect(store.byId('a')?.epochsDone).toBe(2);
    api.emit({ type: 'run-state', run: makeRun('a', { state: 'completed' }) });
    expect(store.byId('a')?.state).toBe('completed');
    store.toggleSelected('a');
    expect(store.selected).toEqual(['a']);
    await store.remove('a');
    expect(store.selected).toEqual([]);
  });

  it('shows the sound certificate of evaluated runs instead of their estimates', async () => {
    const api = fakeApi({
      listRuns: () => [
        makeRun('a', { latest: makeMetrics(3, { vra: 0.733 }), evaluated: true }),
        makeRun('b', { latest: makeMetrics(3, { vra: 0.5 }), evaluated: false }),
      ],
      certifyRun: (id: string) => {
        if (id !== 'a') throw new Error('only a is evaluated');
        return {
          n: 10,
          epsilon: 0.3,
          guarantee: { kind: 'standard' },
          cleanAccuracy: 0.8,
          standardVra: 0.66,
          guaranteeVra: 0.66,
          top1GuaranteeVra: 0.66,
          rejectionRate: 0.305,
          certifiedCount: 7,
        };
      },
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    await store.loadCertificates();
    await store.loadCertificates(); // once per run version
    expect(api.calls.filter((c) => c.method === 'certifyRun')).toHaveLength(1);
    expect(store.soundOf('a')?.standardVra).toBe(0.66);
    expect(store.visible.find((r) => r.id === 'a')?.sound?.rejectionRate).toBe(0.305);
    expect(store.visible.find((r) => r.id === 'b')?.sound).toBeUndefined();
  });

  it('rejects empty names without calling the API', async () => {
    const api = fakeApi({ listRuns: () => [makeRun('a')] });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    await store.rename('a', '   ');
    expect(store.error).toMatch(/empty/);
    expect(api.calls.map((c) => c.method)).toEqual(['listRuns']);
  });
});
