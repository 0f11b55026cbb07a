import { describe, expect, it } from 'vitest';
import { ARCHITECTURE_CATALOGUE, ARCHITECTURE_NAMES } from './architectures.ts';
import { BACKEND_CHOICES, isBackendChoice } from './backends.ts';
import { DATASET_KINDS, GENERATOR_KINDS, isDatasetKind, isGeneratorKind } from './dataset-kinds.ts';
import {
  GUARANTEE_KINDS,
  LOSS_CATALOGUE,
  LOSS_KINDS,
  NORMALIZATIONS,
  choiceOptions,
} from './experiment-choices.ts';
import { isConvolutional } from './layer-plan.ts';
import { collectConfigErrors, defaultExperimentConfig } from './validate-experiment.ts';

function datasetKindErrors(kind: string): string[] {
  const config = defaultExperimentConfig();
  return collectConfigErrors({ ...config, dataset: { ...config.dataset, kind } })
    .filter((p) => p.field === 'dataset.kind')
    .map((p) => p.message);
}

describe('catalogues', () => {
  it('the validator accepts exactly the catalogued data set kinds and names them', () => {
    for (const kind of DATASET_KINDS) expect(datasetKindErrors(kind), kind).toEqual([]);
    const [message] = datasetKindErrors('mnist');
    expect(message).toContain(DATASET_KINDS.join(', '));
    expect(DATASET_KINDS).toContain('idx');
    expect(isDatasetKind('toString')).toBe(false);
  });

  it('generators are the built-in sets, which need no path', () => {
    expect(GENERATOR_KINDS).toEqual(['blobs-2d', 'shapes-32']);
    expect(isGeneratorKind('idx')).toBe(false);
    expect(isGeneratorKind('nope')).toBe(false);
  });

  it('architectures: the validator and the layer plans read the same table', () => {
    for (const name of ARCHITECTURE_NAMES)
      expect(isConvolutional({ name }), name).toBe(ARCHITECTURE_CATALOGUE[name].convolutional);
    const config = defaultExperimentConfig();
    const errors = collectConfigErrors({ ...config, architecture: { name: 'resnet' } });
    expect(errors.map((e) => e.message).join()).toContain(ARCHITECTURE_NAMES.join(', '));
  });

  it('backends come in the automatic order gpu, wasm, cpu', () => {
    expect(BACKEND_CHOICES).toEqual(['gpu', 'wasm', 'cpu']);
    expect(isBackendChoice('wasm')).toBe(true);
    expect(isBackendChoice('tpu')).toBe(false);
  });

  it('normalisations, losses and guarantee kinds: the validator names exactly the catalogued ones', () => {
    const config = defaultExperimentConfig();
    const messages = (value: unknown) =>
      collectConfigErrors(value)
        .map((p) => p.message)
        .join('; ');
    expect(messages({ ...config, dataset: { ...config.dataset, normalize: 'zscore' } })).toContain(
      NORMALIZATIONS.join(', '),
    );
    expect(messages({ ...config, training: { ...config.training, loss: 'hinge' } })).toContain(
      LOSS_KINDS.join(', '),
    );
    expect(messages({ ...config, guarantee: { kind: 'topk' } })).toContain(
      GUARANTEE_KINDS.join(', '),
    );
    for (const normalize of NORMALIZATIONS)
      expect(messages({ ...config, dataset: { ...config.dataset, normalize } })).toBe('');
    expect(choiceOptions(LOSS_CATALOGUE)).toEqual([
      { value: 'crossentropy', label: 'GloRo cross-entropy' },
      { value: 'trades', label: 'TRADES' },
    ]);
  });
});
