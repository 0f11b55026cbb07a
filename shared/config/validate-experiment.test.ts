import { describe, expect, it } from 'vitest';
import {
  collectConfigErrors,
  defaultExperimentConfig,
  validateExperimentConfig,
} from './validate-experiment.ts';
import { RelaxCertError } from '../errors.ts';

type Json = Record<string, unknown>;

/** The default config with one field replaced (or removed, with `undefined`). */
function withField(path: string, value: unknown): Json {
  const cfg = JSON.parse(JSON.stringify(defaultExperimentConfig())) as Json;
  const keys = path.split('.');
  let o = cfg;
  for (const k of keys.slice(0, -1)) o = o[k] as Json;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return cfg;
}

function firstError(value: unknown): RelaxCertError {
  try {
    validateExperimentConfig(value);
  } catch (e) {
    expect(e).toBeInstanceOf(RelaxCertError);
    expect((e as RelaxCertError).code).toBe('INVALID_CONFIG');
    return e as RelaxCertError;
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('validateExperimentConfig', () => {
  it('accepts the default config and returns it', () => {
    const cfg = defaultExperimentConfig();
    expect(validateExperimentConfig(cfg)).toBe(cfg);
    expect(collectConfigErrors(cfg)).toEqual([]);
  });

  const bad: Array<[string, unknown]> = [
    ['name', ''],
    ['name', 3],
    ['dataset', 'blobs'],
    ['dataset.kind', 'mnist'],
    ['dataset.path', 7],
    ['dataset.trainSize', 0],
    ['dataset.testSize', 2.5],
    ['dataset.seed', -1],
    ['dataset.normalize', 'zscore'],
    ['dataset.options', 'x'],
    ['architecture.name', 'resnet'],
    ['architecture.width', 0],
    ['architecture.depth', 'two'],
    ['guarantee.kind', 'topk'],
    ['training', undefined],
    ['training.epochs', 0],
    ['training.epochs', 1.5],
    ['training.epochs', '20'],
    ['training.batchSize', -4],
    ['training.learningRate', '1e-3 -> '],
    ['training.learningRate', 0.001],
    ['training.loss', 'hinge'],
    ['training.tradesLambda', 'fast'],
    ['training.epsilon', -0.1],
    ['training.epsilon', Number.NaN],
    ['training.epsilonSchedule', '[0]-[x]'],
    ['training.powerIterations', 0],
    ['training.seed', 2 ** 33],
  ];
  for (const [field, value] of bad) {
    it(`names ${field} when it is ${String(value)}`, () => {
      const e = firstError(withField(field, value));
      expect(e.field).toBe(field);
      expect(e.message).toContain(field);
    });
  }

  it('names the field of schedule errors and quotes the schedule', () => {
    const e = firstError(withField('training.learningRate', '1e-3 -> 1e-6 sideways'));
    expect(e.field).toBe('training.learningRate');
    expect(e.message).toContain('"1e-3 -> 1e-6 sideways"');
  });

  it('requires tradesLambda with the TRADES loss', () => {
    const e = firstError(withField('training.loss', 'trades'));
    expect(e.field).toBe('training.tradesLambda');
  });

  it('checks RTK k ≥ 1 and affinity set structure', () => {
    expect(firstError(withField('guarantee', { kind: 'rtk', k: 0 })).field).toBe('guarantee.k');
    expect(firstError(withField('guarantee', { kind: 'rtk' })).field).toBe('guarantee.k');
    expect(firstError(withField('guarantee', { kind: 'rtk', k: 2.5 })).field).toBe('guarantee.k');
    const aff = (sets: unknown, names?: unknown) =>
      firstError(withField('guarantee', { kind: 'affinity', sets, names })).field;
    expect(aff('[0,1]')).toBe('guarantee.sets');
    expect(aff([[0, 1], []])).toBe('guarantee.sets[1]');
    expect(aff([[0, -1]])).toBe('guarantee.sets[0][1]');
    expect(aff([[0, 0.5]])).toBe('guarantee.sets[0][1]');
    expect(aff([[3, 2, 3]])).toBe('guarantee.sets[0][2]');
    expect(
      aff([
        [0, 1],
        [1, 0],
      ]),
    ).toBe('guarantee.sets[1]');
    expect(aff([[0, 1]], ['a', 'b'])).toBe('guarantee.names');
    expect(aff([[0, 1]], [1])).toBe('guarantee.names');
  });

  it('allows overlapping affinity sets and names', () => {
    const cfg = withField('guarantee', {
      kind: 'affinity',
      sets: [
        [0, 1],
        [0, 2],
        [1, 3],
      ],
      names: ['a', 'b', 'c'],
    });
    expect(collectConfigErrors(cfg)).toEqual([]);
  });

  it('rejects unknown fields (typos)', () => {
    expect(firstError(withField('training.epoch', 3)).field).toBe('training.epoch');
    expect(firstError(withField('extra', true)).field).toBe('extra');
    expect(firstError(withField('guarantee', { kind: 'standard', k: 3 })).field).toBe(
      'guarantee.k',
    );
  });

  it('collects every problem, in order, for the form', () => {
    const cfg = withField('training.epochs', 0);
    (cfg.training as Json).batchSize = 0;
    (cfg.architecture as Json).name = 'x';
    const problems = collectConfigErrors(cfg);
    expect(problems.map((p) => p.field)).toEqual([
      'architecture.name',
      'training.epochs',
      'training.batchSize',
    ]);
    expect(firstError(cfg).message).toContain('2 more');
  });

  it('rejects non-objects', () => {
    expect(collectConfigErrors(null)).toHaveLength(1);
    expect(collectConfigErrors([])).toHaveLength(1);
    firstError('config');
  });
});
