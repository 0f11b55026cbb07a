import { describe, expect, it } from 'vitest';
import {
  CONFIG_FIELDS,
  getPath,
  setPath,
  formOnlyErrors,
  visibleFields,
  withDatasetKind,
  withGuaranteeKind,
} from './config-fields.ts';
import { makeConfig } from '../testing/fixtures.ts';
import { ARCHITECTURE_NAMES } from '../../../shared/config/architectures.ts';
import { DATASET_KIND_CATALOGUE, DATASET_KINDS } from '../../../shared/config/dataset-kinds.ts';
import {
  GUARANTEE_KINDS,
  LOSS_KINDS,
  NORMALIZATIONS,
} from '../../../shared/config/experiment-choices.ts';

describe('config form schema', () => {
  it('reads and writes every field path of a config without mutating it', () => {
    const c = makeConfig();
    for (const f of CONFIG_FIELDS) {
      const next = setPath(c, f.path, 'x');
      expect(getPath(next, f.path)).toBe('x');
    }
    expect(c.training.epochs).toBe(3);
    expect(getPath(setPath(c, 'dataset.seed', undefined), 'dataset.seed')).toBeUndefined();
  });

  it('offers every catalogued data set kind and architecture, with their labels', () => {
    const options = (path: string) => CONFIG_FIELDS.find((f) => f.path === path)?.options ?? [];
    expect(options('dataset.kind').map((o) => o.value)).toEqual([...DATASET_KINDS]);
    expect(options('dataset.kind').find((o) => o.value === 'idx')?.label).toBe(
      DATASET_KIND_CATALOGUE.idx.label,
    );
    expect(options('architecture.name').map((o) => o.value)).toEqual([...ARCHITECTURE_NAMES]);
    expect(options('training.loss').map((o) => o.value)).toEqual([...LOSS_KINDS]);
    expect(options('guarantee.kind').map((o) => o.value)).toEqual([...GUARANTEE_KINDS]);
    expect(options('dataset.normalize').map((o) => o.value)).toEqual(['', ...NORMALIZATIONS]);
  });

  it('shows fields only where they apply', () => {
    const c = makeConfig();
    const paths = (cfg: typeof c) => visibleFields(cfg).map((f) => f.path);
    expect(paths(c)).toContain('dataset.trainSize');
    expect(paths(c)).not.toContain('dataset.path');
    expect(paths(c)).not.toContain('guarantee.k');
    const rtk = withGuaranteeKind(c, 'rtk', 12);
    expect(rtk.guarantee).toEqual({ kind: 'rtk', k: 3 });
    expect(paths(rtk)).toContain('guarantee.k');
    const cifar = setPath(c, 'dataset.kind', 'cifar10');
    expect(paths(cifar)).toContain('dataset.path');
    const idx = setPath(c, 'dataset.kind', 'idx');
    expect(paths(idx)).toContain('dataset.path');
    expect(paths(idx)).not.toContain('dataset.trainSize');
    expect(paths({ ...c, training: { ...c.training, loss: 'trades' } })).toContain(
      'training.tradesLambda',
    );
  });
});

describe('changing the data set', () => {
  it('drops the path for a generator and the sizes for a reader', () => {
    const reader = withDatasetKind(makeConfig(), 'csv', undefined);
    expect(reader.config.dataset).toEqual({ kind: 'csv', seed: 1, path: '' });
    expect(reader.cleared).toEqual(['generated sizes']);
    const back = withDatasetKind(
      { ...reader.config, dataset: { kind: 'csv', path: '/a.csv' } },
      'blobs-2d',
      12,
    );
    expect(back.config.dataset).toEqual({ kind: 'blobs-2d' });
    expect(back.cleared).toEqual(['data path']);
  });

  it('clears affinity sets and lowers a K the new data set cannot have', () => {
    const aff = makeConfig({ guarantee: { kind: 'affinity', sets: [[0, 5]] } });
    expect(withDatasetKind(aff, 'shapes-32', 10).config.guarantee).toEqual({ kind: 'standard' });
    const rtk = makeConfig({ guarantee: { kind: 'rtk', k: 5 } });
    const two = withDatasetKind(rtk, 'acasxu', 3);
    expect(two.config.guarantee).toEqual({ kind: 'rtk', k: 3 });
    expect(two.cleared).toContain('K = 5');
    expect(withDatasetKind(rtk, 'blobs-2d', 3).cleared).toEqual([]);
  });

  it('asks a reader for its path', () => {
    const c = withDatasetKind(makeConfig(), 'npy', undefined).config;
    expect(formOnlyErrors(c)['dataset.path']).toMatch(/npy reads files/);
    expect(formOnlyErrors({ ...c, dataset: { ...c.dataset, path: ' /d ' } })).toEqual({});
    expect(formOnlyErrors(makeConfig())).toEqual({});
  });
});
