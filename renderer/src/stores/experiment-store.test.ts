import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { useExperimentStore } from './experiment-store.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeConfig, makeRun } from '../testing/fixtures.ts';
import type { DatasetInfo, PresetInfo } from '../../../shared/api/workbench-api.ts';
import { RelaxCertError } from '../../../shared/errors.ts';

const blobs: DatasetInfo = {
  kind: 'blobs-2d',
  name: 'blobs',
  classNames: Array.from({ length: 12 }, (_, i) => `c${i}`),
  inputShape: [2],
  trainSize: 10,
  testSize: 10,
  classCounts: [],
  testClassCounts: [],
  affinityPresets: [],
  hasThumbnails: false,
};
const presets: PresetInfo[] = [
  {
    id: 'paper',
    title: 'Paper',
    description: '',
    needsData: 'CIFAR-100 files',
    config: makeConfig({ name: 'paper', dataset: { kind: 'cifar100', path: '/x' } }),
  },
  { id: 'demo', title: 'Demo', description: '', config: makeConfig({ name: 'demo preset' }) },
];

describe('experiment store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('defaults to the first built-in demo preset and validates beside fields', async () => {
    setWorkbenchApi(fakeApi({ listPresets: () => presets, listDatasets: () => [blobs] }));
    const store = useExperimentStore();
    await store.load();
    expect(store.config.name).toBe('demo preset');
    expect(store.valid).toBe(true);
    store.setField('training.epochs', 0);
    expect(store.errors['training.epochs']).toMatch(/epochs/);
    expect(store.valid).toBe(false);
  });

  it('parses affinity sets by id or class name and reports bad ones at the field', async () => {
    setWorkbenchApi(fakeApi({ listPresets: () => presets, listDatasets: () => [blobs] }));
    const store = useExperimentStore();
    await store.load();
    store.setField('guarantee.kind', 'affinity');
    store.setAffinityText('[0,1][c2,c3]');
    expect(store.config.guarantee).toEqual({
      kind: 'affinity',
      sets: [
        [0, 1],
        [2, 3],
      ],
    });
    store.setAffinityText('[0,99]');
    expect(store.errors['guarantee.sets']).toMatch(/99/);
  });

  it('round-trips the full config through JSON and rejects non-objects', async () => {
    setWorkbenchApi(fakeApi({ listPresets: () => [], listDatasets: () => [blobs] }));
    const store = useExperimentStore();
    const cfg = makeConfig({ name: 'pasted', training: { ...makeConfig().training, seed: 1234 } });
    expect(store.importJson(JSON.stringify(cfg))).toBe(true);
    expect(JSON.parse(store.json)).toEqual(cfg);
    expect(store.importJson('[1,2]')).toBe(false);
    expect(store.importJson('{oops')).toBe(false);
    expect(store.jsonErrors[0]).toMatch(/JSON/);
    expect(store.config.name).toBe('pasted');
  });

  it('checks pasted JSON with the shared validator and lists its field errors', () => {
    setWorkbenchApi(fakeApi({}));
    const store = useExperimentStore();
    const before = store.json;
    expect(store.importJson('{"name":1}')).toBe(false);
    expect(store.json).toBe(before);
    expect(store.jsonErrors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: must be a string/),
        expect.stringMatching(/^dataset: must be an object/),
        expect.stringMatching(/^guarantee: must be an object/),
      ]),
    );
    expect(store.importJson(JSON.stringify(makeConfig({ name: 'ok' })))).toBe(true);
    expect(store.jsonErrors).toEqual([]);
  });

  it('starts from scratch with nothing of the previous preset', async () => {
    const affinityPreset: PresetInfo = {
      id: 'aff',
      title: 'Affinity',
      description: '',
      config: makeConfig({
        name: 'blobs affinity',
        guarantee: { kind: 'affinity', sets: [[0, 1]] },
        training: { ...makeConfig().training, epsilon: 0.7 },
      }),
    };
    setWorkbenchApi(fakeApi({ listPresets: () => [affinityPreset], listDatasets: () => [blobs] }));
    const store = useExperimentStore();
    await store.load();
    expect(store.config.guarantee.kind).toBe('affinity');
    store.startFromScratch();
    expect(store.config.name).toBe('');
    expect(store.config.guarantee).toEqual({ kind: 'standard' });
    expect(store.config.training.epsilon).not.toBe(0.7);
    expect(store.affinityText).toBe('');
    expect(store.presetId).toBeUndefined();
    expect(store.errors.name).toMatch(/name/);
  });

  it('clears what no longer fits when the data set changes, and says so', async () => {
    setWorkbenchApi(fakeApi({ listPresets: () => [], listDatasets: () => [blobs] }));
    const store = useExperimentStore();
    await store.load();
    store.setField('guarantee.kind', 'affinity');
    store.setAffinityText('[0,1][2,3]');
    store.setField('dataset.kind', 'shapes-32');
    expect(store.config.guarantee).toEqual({ kind: 'standard' });
    expect(store.affinityText).toBe('');
    expect(store.clearedNote).toMatch(/affinity sets/);
    store.setField('dataset.kind', 'cifar10');
    expect(store.config.dataset.trainSize).toBeUndefined();
    expect(store.clearedNote).toMatch(/generated sizes/);
    // A reader with no path cannot be created: the button stays disabled.
    expect(store.errors['dataset.path']).toMatch(/cifar10 reads files/);
    expect(store.valid).toBe(false);
  });

  it('inspects the data path through the host before creating a run', async () => {
    const api = fakeApi({
      inspectDataset: () => {
        throw new RelaxCertError('NOT_FOUND', 'no such file or folder: /nope', {
          field: 'dataset.path',
        });
      },
      createRun: (c: never) => makeRun('new', { config: c, state: 'created' }),
    });
    setWorkbenchApi(api);
    const store = useExperimentStore();
    store.setField('dataset.kind', 'cifar10');
    store.setField('dataset.path', '/nope');
    expect(store.valid).toBe(true);
    expect(await store.submit()).toBeUndefined();
    expect(api.calls.map((c) => c.method)).toEqual(['inspectDataset']);
    expect(store.errors['dataset.path']).toBe('no such file or folder: /nope');
    expect(store.submitError).toMatch(/data path/);
    // Editing the path forgets the failed check.
    store.setField('dataset.path', '/data/cifar');
    expect(store.errors['dataset.path']).toBeUndefined();
  });

  it('reports a readable data path with its size', async () => {
    setWorkbenchApi(
      fakeApi({
        inspectDataset: () => ({ ...blobs, kind: 'cifar10', trainSize: 50000, testSize: 10000 }),
      }),
    );
    const store = useExperimentStore();
    store.setField('dataset.kind', 'cifar10');
    store.setField('dataset.path', '/data/cifar');
    expect(await store.checkData()).toBe(true);
    expect(store.dataCheck).toEqual({
      state: 'ok',
      summary: '12 classes, 50,000 training and 10,000 test points',
    });
  });

  it('edit and retry: a new run designed from a failed run', () => {
    setWorkbenchApi(fakeApi({}));
    const store = useExperimentStore();
    const failed = makeRun('f1', {
      name: 'cifar try',
      state: 'failed',
      config: makeConfig({ name: 'cifar try', dataset: { kind: 'cifar10', path: '/x' } }),
    });
    store.editFrom(failed);
    expect(store.config.name).toBe('cifar try (retry)');
    expect(store.config.dataset).toEqual({ kind: 'cifar10', path: '/x' });
  });

  it('keeps a draft across reloads and says when it needs fixing', async () => {
    const mem = new Map<string, string>();
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
      removeItem: (k: string) => void mem.delete(k),
    };
    setWorkbenchApi(fakeApi({ listPresets: () => presets, listDatasets: () => [blobs] }));
    const first = useExperimentStore();
    first.attachDraftStorage(storage);
    await first.load();
    first.setField('training.epochs', 0);
    await nextTick();
    // A reload: a fresh store over the same storage.
    setActivePinia(createPinia());
    const second = useExperimentStore();
    second.attachDraftStorage(storage);
    await second.load();
    expect(second.config.training.epochs).toBe(0);
    expect(second.restored?.problems).toEqual([expect.stringMatching(/epochs/)]);
    second.discardDraft();
    expect(second.config.name).toBe('demo preset');
    expect(second.restored).toBeUndefined();
    expect(mem.size).toBe(0);
  });

  it('creates and starts a run, and shows host errors', async () => {
    const api = fakeApi({
      createRun: (c: never) => makeRun('new', { config: c, state: 'created' }),
      startRun: () => makeRun('new', { state: 'running' }),
    });
    setWorkbenchApi(api);
    const store = useExperimentStore();
    const run = await store.submit();
    expect(run?.state).toBe('running');
    expect(api.calls.map((c) => c.method)).toEqual(['createRun', 'startRun']);
    setWorkbenchApi(
      fakeApi({
        createRun: () => {
          throw new RelaxCertError('INVALID_CONFIG', 'dataset.path: no such folder /x', {
            field: 'dataset.path',
          });
        },
      }),
    );
    expect(await store.submit()).toBeUndefined();
    expect(store.submitError).toBe('dataset.path: no such folder /x');
  });
});
