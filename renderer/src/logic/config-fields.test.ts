import { describe, expect, it } from 'vitest';
import {
  CONFIG_FIELDS,
  getPath,
  setPath,
  visibleFields,
  withGuaranteeKind,
} from './config-fields.ts';
import { makeConfig } from '../test-support/fixtures.ts';
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
