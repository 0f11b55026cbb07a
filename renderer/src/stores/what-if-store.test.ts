/**
 * The what-if store over a WorkbenchApi whose three what-if methods keep the list as the host
 * does (shared check, replace in place, NOT_FOUND on a missing delete), in memory: the host's own
 * file handling is tested with real files in main/server/api-contract.test.ts.
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkWhatIfInput,
  withoutWhatIf,
  withWhatIf,
  type WhatIfSets,
} from '../../../shared/api/what-if-sets.ts';
import { RelaxCertError } from '../../../shared/errors.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { legacyWhatIfStorage, NO_LEGACY_WHAT_IF } from '../logic/legacy-what-if.ts';
import { fakeApi } from '../testing/fixtures.ts';
import { setLegacyWhatIfStorage, useWhatIfStore } from './what-if-store.ts';

/** Three classes, like the run of the tests. */
function hostLike(runs: Map<string, WhatIfSets[]>) {
  const listOf = (id: string): WhatIfSets[] => runs.get(id) ?? [];
  return fakeApi({
    listWhatIfSets: (id: string) => listOf(id),
    saveWhatIfSets: (id: string, entry: unknown) => {
      const valid = checkWhatIfInput(entry, 3);
      const next = withWhatIf(listOf(id), {
        ...valid,
        savedAt: valid.savedAt ?? new Date().toISOString(),
      });
      runs.set(id, next);
      return next;
    },
    deleteWhatIfSets: (id: string, name: string) => {
      if (!listOf(id).some((w) => w.name === name)) throw new RelaxCertError('NOT_FOUND', name);
      runs.set(id, withoutWhatIf(listOf(id), name));
      return runs.get(id);
    },
  });
}

describe('what-if store', () => {
  const runId = 'r1';
  let runs: Map<string, WhatIfSets[]>;

  beforeEach(() => {
    setActivePinia(createPinia());
    runs = new Map();
    setWorkbenchApi(hostLike(runs));
  });

  afterEach(() => setLegacyWhatIfStorage(NO_LEGACY_WHAT_IF));

  const onDisk = async (): Promise<string[]> => (runs.get(runId) ?? []).map((w) => w.name);

  it('saves through the API and undoes the last save, replace or delete', async () => {
    const store = useWhatIfStore();
    await store.open(runId);
    expect(store.list).toEqual([]);
    expect(await store.save({ name: 'pairs', sets: [[0, 1]], names: ['ab'] })).toBe(true);
    expect(await onDisk()).toEqual(['pairs']);
    // Undo of a new entry removes it.
    await store.undo();
    expect(store.list).toEqual([]);
    expect(await onDisk()).toEqual([]);
    expect(store.lastEdit).toBeUndefined();

    await store.save({ name: 'pairs', sets: [[0, 1]], names: ['ab'] });
    await store.save({ name: 'all', sets: [[0, 1, 2]], names: ['abc'] });
    const original = store.list[0];
    // Undo of a replace brings the earlier sets back, in their place, with their time.
    await store.save({ name: 'pairs', sets: [[1, 2]], names: ['bc'] });
    expect(store.list[0].sets).toEqual([[1, 2]]);
    expect(await store.undo()).toBe(true);
    expect(store.list[0]).toEqual(original);
    // Undo of a delete restores the entry.
    await store.remove('pairs');
    expect(await onDisk()).toEqual(['all']);
    await store.undo();
    expect(store.list.map((w) => w.name).sort()).toEqual(['all', 'pairs']);
    expect((await onDisk()).sort()).toEqual(['all', 'pairs']);

    // A fresh window (new store) reads the same list from the run.
    setActivePinia(createPinia());
    const again = useWhatIfStore();
    await again.open(runId);
    expect(again.list.map((w) => w.name).sort()).toEqual(['all', 'pairs']);
  });

  it('shows the host refusing bad sets and keeps the list', async () => {
    const store = useWhatIfStore();
    await store.open(runId);
    expect(await store.save({ name: 'far', sets: [[0, 9]], names: ['x'] })).toBe(false);
    expect(store.error).toMatch(/unknown class id 9/);
    expect(store.list).toEqual([]);
    expect(store.lastEdit).toBeUndefined();
  });

  it("moves this browser's old entries into the run once, reporting those the run refuses", async () => {
    const items = new Map<string, string>();
    const web = {
      getItem: (k: string) => items.get(k) ?? null,
      removeItem: (k: string) => void items.delete(k),
    };
    items.set(
      `relaxcert.what-if-sets.${runId}`,
      JSON.stringify([
        { name: 'old pairs', sets: [[0, 2]], names: ['Set 1'], savedAt: '2026-01-01T00:00:00Z' },
        { name: 'too many classes', sets: [[0, 5]], names: ['Set 1'], savedAt: 'x' },
      ]),
    );
    setLegacyWhatIfStorage(legacyWhatIfStorage(web));
    const store = useWhatIfStore();
    await store.open(runId);
    expect(store.list.map((w) => [w.name, w.savedAt])).toEqual([
      ['old pairs', '2026-01-01T00:00:00Z'],
    ]);
    expect(store.error).toMatch(/too many classes/);
    expect(items.size).toBe(0);
    expect(await onDisk()).toEqual(['old pairs']);
    // Once: deleting it in the run does not bring it back on the next open.
    await store.remove('old pairs');
    await store.open(runId);
    expect(store.list).toEqual([]);
  });

  it('keeps old entries in the browser when the move failed for another reason', async () => {
    const items = new Map<string, string>();
    const web = {
      getItem: (k: string) => items.get(k) ?? null,
      removeItem: (k: string) => void items.delete(k),
    };
    const key = `relaxcert.what-if-sets.${runId}`;
    items.set(key, JSON.stringify([{ name: 'old', sets: [[0, 1]], names: ['Set 1'] }]));
    setLegacyWhatIfStorage(legacyWhatIfStorage(web));
    setWorkbenchApi(
      fakeApi({
        listWhatIfSets: () => [],
        saveWhatIfSets: () => {
          throw new RelaxCertError('CONFLICT', 'run busy');
        },
      }),
    );
    const store = useWhatIfStore();
    await store.open(runId);
    expect(store.error).toMatch(/run busy/);
    expect(items.has(key)).toBe(true);
    // The next open, with the run free, moves it.
    setWorkbenchApi(hostLike(runs));
    await store.open(runId);
    expect(store.list.map((w) => w.name)).toEqual(['old']);
    expect(items.has(key)).toBe(false);
  });
});
