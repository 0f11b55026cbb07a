import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { SweepSummary } from '../../../shared/api/sweep-types.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeRun } from '../testing/fixtures.ts';
import { REFRESH_DELAY_MS, useSweepsStore } from './sweeps-store.ts';

function sweep(id: string, over: Partial<SweepSummary> = {}): SweepSummary {
  return {
    id,
    name: 'demo',
    createdAt: '2026-12-01T00:00:00Z',
    status: 'running',
    cellsDone: 0,
    cells: [1, 2, 3].map((seed) => ({
      key: `eps=0.3 guarantee=standard seed=${seed}`,
      group: 'eps=0.3 guarantee=standard',
      epsilon: 0.3,
      guarantee: 'standard',
      seed,
    })),
    ...over,
  };
}

describe('sweeps store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('starts "repeat with N seeds" through the API and follows sweep-state events', async () => {
    const api = fakeApi({
      listSweeps: () => [],
      startSweep: (request: never) =>
        sweep('sweep-1', { sourceRunId: (request as { runId: string }).runId }),
    });
    setWorkbenchApi(api);
    const store = useSweepsStore();
    store.subscribe();
    await store.refresh();
    expect(store.sweeps).toEqual([]);
    const started = await store.start('run-a', 3);
    expect(started?.sourceRunId).toBe('run-a');
    expect(api.calls.at(-1)).toEqual({
      method: 'startSweep',
      args: [{ runId: 'run-a', seeds: 3 }],
    });
    api.emit({ type: 'sweep-state', sweep: sweep('sweep-1', { cellsDone: 2 }) });
    expect(store.byId('sweep-1')?.cellsDone).toBe(2);
    api.emit({ type: 'sweep-state', sweep: sweep('sweep-2', { status: 'stopped' }) });
    expect(store.sweeps.map((s) => [s.id, s.status])).toEqual([
      ['sweep-1', 'running'],
      ['sweep-2', 'stopped'],
    ]);
  });

  it('refuses a seed count outside 2…100 without asking the host', async () => {
    const api = fakeApi({ startSweep: () => sweep('never') });
    setWorkbenchApi(api);
    const store = useSweepsStore();
    for (const n of [1, 101, 2.5, Number.NaN]) {
      expect(await store.start('run-a', n)).toBeUndefined();
      expect(store.error).toBe('The number of seeds must be a whole number from 2 to 100.');
    }
    expect(api.calls).toEqual([]);
  });

  it('shows the host’s refusal and keeps the list; resume and stop update the sweep', async () => {
    const api = fakeApi({
      listSweeps: () => [sweep('sweep-1', { status: 'stopped' })],
      resumeSweep: (id: never) => sweep(id),
      cancelSweep: () => {
        throw new RelaxCertError('CONFLICT', "sweep 'sweep-1' is not running");
      },
    });
    setWorkbenchApi(api);
    const store = useSweepsStore();
    await store.refresh();
    await store.resume('sweep-1');
    expect(store.byId('sweep-1')?.status).toBe('running');
    expect(store.error).toBeUndefined();
    await store.cancel('sweep-1');
    expect(store.error).toBe("sweep 'sweep-1' is not running");
    expect(store.sweeps).toHaveLength(1);
  });
  it('reloads the list once after run changes of another process’s sweep', async () => {
    vi.useFakeTimers();
    try {
      let listed: SweepSummary[] = [];
      const api = fakeApi({ listSweeps: () => listed });
      setWorkbenchApi(api);
      const store = useSweepsStore();
      store.subscribe();
      // A `relaxcert sweep` elsewhere creates its first run: the new sweep is loaded.
      listed = [
        sweep('sweep-cli', {
          cells: sweep('x').cells.map((c, i) => (i === 0 ? { ...c, runId: 'r1' } : c)),
        }),
      ];
      api.emit({ type: 'run-state', run: makeRun('r1', { state: 'created' }) });
      api.emit({ type: 'run-state', run: makeRun('r1', { state: 'queued' }) });
      await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
      expect(api.calls.filter((c) => c.method === 'listSweeps')).toHaveLength(1);
      expect(store.byId('sweep-cli')?.cells[0].runId).toBe('r1');
      // Its run trains (a run of a known sweep): reloaded again, once for the burst.
      api.emit({ type: 'run-state', run: makeRun('r1', { state: 'running' }) });
      api.emit({ type: 'run-state', run: makeRun('r1', { state: 'completed' }) });
      await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
      expect(api.calls.filter((c) => c.method === 'listSweeps')).toHaveLength(2);
      // Another run's progress elsewhere is not a sweep's.
      api.emit({ type: 'run-state', run: makeRun('other', { state: 'running' }) });
      await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
      expect(api.calls.filter((c) => c.method === 'listSweeps')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
