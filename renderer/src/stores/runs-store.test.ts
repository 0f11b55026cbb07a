import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useRunsStore } from './runs-store.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeMetrics, makeRun } from '../testing/fixtures.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

describe('runs store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('loads, sorts by a numeric column with missing values last, and filters by text', async () => {
    const api = fakeApi({
      listRuns: () => [
        makeRun('a', { name: 'alpha', latest: makeMetrics(1, { estimatedStandardVra: 0.2 }) }),
        makeRun('b', { name: 'beta', latest: makeMetrics(1, { estimatedStandardVra: 0.7 }) }),
        makeRun('c', { name: 'gamma', state: 'created' }),
      ],
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    store.setSort('standardVra');
    expect(store.visible.map((r) => r.id)).toEqual(['b', 'a', 'c']);
    store.setSort('standardVra');
    expect(store.visible.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    store.filterText = 'created';
    expect(store.visible.map((r) => r.id)).toEqual(['c']);
  });

  it('keeps a renamed run in its row: newest created first, whatever was updated', async () => {
    const api = fakeApi({
      listRuns: () => [
        makeRun('old', { createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' }),
        makeRun('new', { createdAt: '2026-11-02T00:00:00Z', updatedAt: '2026-11-02T00:00:00Z' }),
      ],
      renameRun: (_id: never, name: never) =>
        makeRun('old', {
          name,
          createdAt: '2026-11-01T00:00:00Z',
          updatedAt: '2026-11-03T00:00:00Z',
        }),
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    expect(store.visible.map((r) => r.id)).toEqual(['new', 'old']);
    await store.rename('old', 'renamed');
    expect(store.visible.map((r) => [r.id, r.name])).toEqual([
      ['new', 'run new'],
      ['old', 'renamed'],
    ]);
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

  it('adds runs created elsewhere and drops runs deleted elsewhere, from events alone', async () => {
    const api = fakeApi({ listRuns: () => [makeRun('a')] });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    store.subscribe();
    store.toggleSelected('a');
    // A run started by `relaxcert train` in another process, seen by the host's home watcher.
    api.emit({ type: 'run-state', run: makeRun('b', { state: 'running', epochsDone: 0 }) });
    api.emit({ type: 'epoch', runId: 'b', metrics: makeMetrics(1) });
    expect(store.byId('b')).toMatchObject({ state: 'running', epochsDone: 1 });
    api.emit({ type: 'run-deleted', runId: 'a' });
    expect(store.runs.map((r) => r.id)).toEqual(['b']);
    expect(store.selected).toEqual([]);
    expect(api.calls.map((c) => c.method)).toEqual(['listRuns', 'listDamagedRuns']);
  });

  it('lists damaged run folders with their reason and deletes them', async () => {
    const reason = '/h/runs/x/config.json: Unexpected token';
    const api = fakeApi({
      listRuns: () => [makeRun('a')],
      listDamagedRuns: () => [{ id: 'x', reason }],
      deleteRun: () => undefined,
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    expect(store.damaged).toEqual([{ id: 'x', reason }]);
    expect(store.runs.map((r) => r.id)).toEqual(['a']);
    await store.removeDamaged('x');
    expect(store.damaged).toEqual([]);
    expect(api.calls.at(-1)).toEqual({ method: 'deleteRun', args: ['x'] });
  });

  it('moves a run damaged elsewhere from the runs to the damaged folders, and back when repaired', async () => {
    const api = fakeApi({ listRuns: () => [makeRun('a'), makeRun('b')] });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    store.subscribe();
    store.toggleSelected('b');
    const reason = '/h/runs/b/config.json: Unexpected end of JSON input';
    api.emit({ type: 'run-damaged', damaged: { id: 'b', reason } });
    expect(store.runs.map((r) => r.id)).toEqual(['a']);
    expect(store.selected).toEqual([]);
    expect(store.damaged).toEqual([{ id: 'b', reason }]);
    // Seen again with another reason: one entry, the newest reason.
    api.emit({ type: 'run-damaged', damaged: { id: 'b', reason: 'state.json: missing' } });
    expect(store.damaged).toEqual([{ id: 'b', reason: 'state.json: missing' }]);
    api.emit({ type: 'run-state', run: makeRun('b') });
    expect(store.damaged).toEqual([]);
    expect(store.runs.map((r) => r.id)).toEqual(['a', 'b']);
    api.emit({ type: 'run-damaged', damaged: { id: 'b', reason } });
    api.emit({ type: 'run-deleted', runId: 'b' });
    expect(store.damaged).toEqual([]);
  });

  it('shows the sound certificate of evaluated runs instead of their estimates', async () => {
    const api = fakeApi({
      listRuns: () => [
        makeRun('a', { latest: makeMetrics(3, { estimatedStandardVra: 0.733 }), evaluated: true }),
        makeRun('b', { latest: makeMetrics(3, { estimatedStandardVra: 0.5 }), evaluated: false }),
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
    expect(api.calls.map((c) => c.method)).toEqual(['listRuns', 'listDamagedRuns']);
  });

  it('exports a run in the chosen format and keeps the written files, or the error', async () => {
    const api = fakeApi({
      listRuns: () => [makeRun('a')],
      exportRun: (_id, outDir, options) => {
        if ((options as { format?: string }).format === 'nnet') {
          throw new RelaxCertError('INVALID_INPUT', '.nnet holds dense networks only');
        }
        return { files: [`${String(outDir)}/model.onnx`, `${String(outDir)}/k-matrix.json`] };
      },
    });
    setWorkbenchApi(api);
    const store = useRunsStore();
    await store.refresh();
    expect(await store.exportRun('a', '  /tmp/out ', { format: 'onnx', gloroHead: true })).toBe(
      true,
    );
    expect(api.calls.at(-1)).toEqual({
      method: 'exportRun',
      args: ['a', '/tmp/out', { format: 'onnx', gloroHead: true }],
    });
    expect(store.exported).toEqual({
      runId: 'a',
      files: ['/tmp/out/model.onnx', '/tmp/out/k-matrix.json'],
    });
    expect(await store.exportRun('a', '/tmp/out', { format: 'nnet' })).toBe(false);
    expect(store.error).toBe('.nnet holds dense networks only');
    expect(store.exported).toBeUndefined();
    expect(await store.exportRun('a', ' ', { format: 'tfjs' })).toBe(false);
    expect(store.error).toMatch(/folder/);
  });
});
