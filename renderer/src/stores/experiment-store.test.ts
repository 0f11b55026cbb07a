import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useExperimentStore } from './experiment-store.ts';
import { setWorkbenchApi } from '../api/api-holder.ts';
import { fakeApi, makeConfig, makeRun } from '../test-support/fixtures.ts';
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
    expect(store.jsonError).toMatch(/JSON/);
    expect(store.config.name).toBe('pasted');
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
