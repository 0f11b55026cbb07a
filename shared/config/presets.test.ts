import { describe, expect, it } from 'vitest';
import { AFFINITY_FROM_DATA, PRESETS, getPreset } from './presets.ts';
import { collectConfigErrors, validateExperimentConfig } from './validate-experiment.ts';
import { makeAffinitySets } from '../certify/affinity.ts';
import { parseSchedule, scheduleValue } from '../schedule/schedule.ts';
import { RelaxCertError } from '../errors.ts';
import { isGeneratorKind } from './dataset-kinds.ts';
import { FASHION_MNIST_CLASS_NAMES } from './fashion-mnist.ts';

const EUROSAT = [
  'AnnualCrop',
  'Forest',
  'HerbaceousVegetation',
  'Highway',
  'Industrial',
  'Pasture',
  'PermanentCrop',
  'Residential',
  'River',
  'SeaLake',
];

/** Class counts of the data each preset uses, to check its sets' ids. */
const CLASSES: Record<string, number> = {
  'blobs-2d': 12,
  'shapes-32': 12,
  'image-folder': 10,
  cifar100: 100,
  'tiny-imagenet': 200,
  acasxu: 5,
  idx: 10,
};

function affinityNames(id: string): string[][] {
  const g = getPreset(id).config.guarantee;
  if (g.kind !== 'affinity') throw new Error(`${id} is not an affinity preset`);
  return g.sets.map((s) => s.map((c) => EUROSAT[c]));
}

describe('PRESETS', () => {
  it('every preset passes validation, and the ids are unique', () => {
    for (const p of PRESETS) {
      expect(collectConfigErrors(p.config), p.id).toEqual([]);
      expect(() => validateExperimentConfig(p.config)).not.toThrow();
    }
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it('has the demos and one preset per Table F1 row', () => {
    const ids = PRESETS.map((p) => p.id);
    for (const id of [
      'demo-blobs-affinity',
      'demo-blobs-standard',
      'demo-blobs-rtk',
      'demo-shapes-rtk',
      'paper-eurosat-standard',
      'paper-eurosat-rt3',
      'paper-eurosat-affinity-highway-river',
      'paper-eurosat-affinity-highway-river-agriculture',
      'paper-cifar100-standard',
      'paper-cifar100-rt5',
      'paper-cifar100-superclass',
      'paper-tiny-imagenet-rt5',
      'paper-acasxu-affinity',
    ]) {
      expect(ids).toContain(id);
    }
    for (const p of PRESETS) {
      const isPaper = p.id.startsWith('paper-');
      expect(p.source !== undefined, p.id).toBe(isPaper);
      expect((p.needsData ?? '') !== '', p.id).toBe(!isGeneratorKind(p.config.dataset.kind));
    }
  });

  it("affinity sets are valid for their data's class count", () => {
    for (const p of PRESETS) {
      const g = p.config.guarantee;
      if (g.kind !== 'affinity') continue;
      const c = CLASSES[p.config.dataset.kind];
      expect(() => makeAffinitySets(g.sets, c, g.names)).not.toThrow();
      if (g.sets.length === 0) expect(AFFINITY_FROM_DATA[p.id]).toBe('superclasses');
    }
  });

  it('blobs demo groups, EuroSAT and ACAS Xu sets are the intended classes', () => {
    const blobs = getPreset('demo-blobs-affinity').config.guarantee;
    expect(blobs).toMatchObject({
      sets: [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
      ],
    });
    expect(affinityNames('paper-eurosat-affinity-highway-river')).toEqual([['Highway', 'River']]);
    expect(affinityNames('paper-eurosat-affinity-highway-river-agriculture')).toEqual([
      ['Highway', 'River'],
      ['AnnualCrop', 'PermanentCrop', 'Pasture'],
    ]);
    const acas = getPreset('paper-acasxu-affinity').config;
    const adv = ['COC', 'WL', 'WR', 'SL', 'SR'];
    if (acas.guarantee.kind !== 'affinity') throw new Error('not affinity');
    expect(acas.guarantee.sets.map((s) => s.map((c) => adv[c]))).toEqual([
      ['COC', 'WL'],
      ['COC', 'WR'],
      ['WL', 'SL'],
      ['WR', 'SR'],
    ]);
    expect(acas.architecture.name).toBe('dense-3x1000');
    expect(acas.training).toMatchObject({ epsilon: 0.01, epochs: 100, batchSize: 128 });
    expect(acas.training.loss).toBe('crossentropy');
  });

  it('Fashion-MNIST trains affinity over tops and footwear from the Debian folder', () => {
    const p = getPreset('fashion-mnist-affinity').config;
    expect(p.dataset).toMatchObject({ kind: 'idx', path: '/usr/share/datasets/fashion-mnist' });
    if (p.guarantee.kind !== 'affinity') throw new Error('not affinity');
    expect(p.guarantee.sets.map((s) => s.map((c) => FASHION_MNIST_CLASS_NAMES[c]))).toEqual([
      ['T-shirt/top', 'Pullover', 'Coat', 'Shirt'],
      ['Sandal', 'Sneaker', 'Ankle boot'],
    ]);
    expect(p.guarantee.names).toEqual(['tops', 'footwear']);
  });

  it('paper learning-rate schedules start at their first value and end at their last', () => {
    for (const p of PRESETS.filter((x) => x.id.startsWith('paper-'))) {
      const t = p.config.training;
      const lr = parseSchedule(t.learningRate);
      const first = lr.knots[0].value;
      const last = lr.knots[lr.knots.length - 1].value;
      expect(scheduleValue(lr, 0, t.epochs)).toBe(first);
      expect(scheduleValue(lr, t.epochs / 2 - 1, t.epochs)).toBe(first);
      expect(scheduleValue(lr, t.epochs - 1, t.epochs)).toBeCloseTo(last, 15);
      if (t.loss === 'trades') expect(t.tradesLambda).toBeDefined();
    }
  });

  it('getPreset returns an independent copy and throws NOT_FOUND for unknown ids', () => {
    const a = getPreset('demo-blobs-standard');
    a.config.training.epochs = 999;
    expect(getPreset('demo-blobs-standard').config.training.epochs).not.toBe(999);
    try {
      getPreset('nope');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(RelaxCertError);
      expect((e as RelaxCertError).code).toBe('NOT_FOUND');
      expect((e as RelaxCertError).message).toContain('nope');
    }
  });
});
