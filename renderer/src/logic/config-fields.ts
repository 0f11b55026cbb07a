/**
 * The form schema of an ExperimentConfig: every editable field with its path, kind, label,
 * choices and when it applies. The New-experiment form is generated from this list, and
 * validation messages (keyed by the same dotted paths) are shown beside the fields.
 */
import { ARCHITECTURE_CATALOGUE } from '../../../shared/config/architectures.ts';
import { DATASET_KIND_CATALOGUE, isGeneratorKind } from '../../../shared/config/dataset-kinds.ts';
import {
  GUARANTEE_CATALOGUE,
  LOSS_CATALOGUE,
  NORMALIZATION_CATALOGUE,
  choiceOptions,
} from '../../../shared/config/experiment-choices.ts';
import type { ExperimentConfig } from '../../../shared/config/experiment.ts';

export type FieldKind = 'text' | 'integer' | 'number' | 'select' | 'schedule' | 'affinity';

export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  group: 'Run' | 'Data' | 'Model' | 'Guarantee' | 'Training';
  help?: string;
  options?: readonly { value: string; label: string }[];
  optional?: boolean;
  min?: number;
  step?: number;
  /** When the field applies to a config (hidden otherwise). */
  when?(c: ExperimentConfig): boolean;
}

const isGenerator = (c: ExperimentConfig): boolean => isGeneratorKind(c.dataset.kind);

export const DATASET_KIND_OPTIONS = choiceOptions(DATASET_KIND_CATALOGUE);
const ARCHITECTURE_OPTIONS = choiceOptions(ARCHITECTURE_CATALOGUE);

export const CONFIG_FIELDS: readonly FieldSpec[] = [
  { path: 'name', label: 'Run name', kind: 'text', group: 'Run' },
  {
    path: 'dataset.kind',
    label: 'Data set',
    kind: 'select',
    group: 'Data',
    options: DATASET_KIND_OPTIONS,
  },
  {
    path: 'dataset.path',
    label: 'Data path',
    kind: 'text',
    group: 'Data',
    help: 'File or folder on the machine running the workbench.',
    when: (c) => !isGenerator(c),
  },
  {
    path: 'dataset.trainSize',
    label: 'Training points',
    kind: 'integer',
    group: 'Data',
    min: 1,
    optional: true,
    when: isGenerator,
  },
  {
    path: 'dataset.testSize',
    label: 'Test points',
    kind: 'integer',
    group: 'Data',
    min: 1,
    optional: true,
    when: isGenerator,
  },
  {
    path: 'dataset.normalize',
    label: 'Normalisation',
    kind: 'select',
    group: 'Data',
    optional: true,
    options: [{ value: '', label: 'default' }, ...choiceOptions(NORMALIZATION_CATALOGUE)],
  },
  {
    path: 'architecture.name',
    label: 'Architecture',
    kind: 'select',
    group: 'Model',
    options: ARCHITECTURE_OPTIONS,
  },
  {
    path: 'architecture.width',
    label: 'Width override',
    kind: 'integer',
    group: 'Model',
    min: 1,
    optional: true,
  },
  {
    path: 'architecture.depth',
    label: 'Depth override',
    kind: 'integer',
    group: 'Model',
    min: 1,
    optional: true,
  },
  {
    path: 'guarantee.kind',
    label: 'Guarantee',
    kind: 'select',
    group: 'Guarantee',
    options: choiceOptions(GUARANTEE_CATALOGUE),
  },
  {
    path: 'guarantee.k',
    label: 'K',
    kind: 'integer',
    group: 'Guarantee',
    min: 1,
    when: (c) => c.guarantee.kind === 'rtk',
  },
  {
    path: 'guarantee.sets',
    label: 'Affinity sets',
    kind: 'affinity',
    group: 'Guarantee',
    help: 'Class ids or names: [0,1][0,2] — or edit them visually after training.',
    when: (c) => c.guarantee.kind === 'affinity',
  },
  {
    path: 'training.epsilon',
    label: 'ε (ℓ2 radius)',
    kind: 'number',
    group: 'Training',
    min: 0,
    step: 0.01,
  },
  { path: 'training.epochs', label: 'Epochs', kind: 'integer', group: 'Training', min: 1 },
  { path: 'training.batchSize', label: 'Batch size', kind: 'integer', group: 'Training', min: 1 },
  {
    path: 'training.learningRate',
    label: 'Learning rate',
    kind: 'schedule',
    group: 'Training',
    help: 'e.g. 1e-3, or 1e-3 -> 1e-6 after half',
  },
  {
    path: 'training.loss',
    label: 'Loss',
    kind: 'select',
    group: 'Training',
    options: choiceOptions(LOSS_CATALOGUE),
  },
  {
    path: 'training.tradesLambda',
    label: 'TRADES λ',
    kind: 'schedule',
    group: 'Training',
    help: 'e.g. 0.01 -> 1.2 log, by half',
    when: (c) => c.training.loss === 'trades',
  },
  {
    path: 'training.epsilonSchedule',
    label: 'ε warm-up',
    kind: 'schedule',
    group: 'Training',
    optional: true,
    help: 'optional, e.g. 0 -> 0.3 by 25%',
  },
  {
    path: 'training.powerIterations',
    label: 'Power iterations / batch',
    kind: 'integer',
    group: 'Training',
    min: 1,
  },
  {
    path: 'training.seed',
    label: 'Seed',
    kind: 'integer',
    group: 'Run',
    min: 0,
    help: 'Same seed, same run.',
  },
];

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Returns a copy of `obj` with `path` set; `undefined` deletes the key. */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const keys = path.split('.');
  // JSON clone: configs are plain JSON, and reactive proxies cannot be structured-cloned.
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  let cur = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof cur[key] !== 'object' || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy as T;
}

/** Switching guarantee kinds keeps only the fields of the new kind. */
export function withGuaranteeKind(
  c: ExperimentConfig,
  kind: string,
  numClasses: number,
): ExperimentConfig {
  const g = c.guarantee;
  if (kind === g.kind) return c;
  if (kind === 'rtk')
    return { ...c, guarantee: { kind: 'rtk', k: Math.min(3, Math.max(1, numClasses)) } };
  if (kind === 'affinity') return { ...c, guarantee: { kind: 'affinity', sets: [[0, 1]] } };
  return { ...c, guarantee: { kind: 'standard' } };
}

export function visibleFields(c: ExperimentConfig): FieldSpec[] {
  return CONFIG_FIELDS.filter((f) => !f.when || f.when(c));
}

/**
 * The config after its data set kind changed, with what no longer fits removed: a generator
 * has no path, a reader no generated sizes, and affinity sets (class ids of the old data set)
 * or an RTK K above the new class count mean nothing for the new one. `cleared` names what
 * went, for a message beside the form.
 */
export function withDatasetKind(
  c: ExperimentConfig,
  kind: string,
  numClasses: number | undefined,
): { config: ExperimentConfig; cleared: string[] } {
  if (kind === c.dataset.kind) return { config: c, cleared: [] };
  const cleared: string[] = [];
  let next = setPath(c, 'dataset.kind', kind);
  if (isGeneratorKind(kind)) {
    if (c.dataset.path !== undefined) cleared.push('data path');
    next = setPath(next, 'dataset.path', undefined);
  } else {
    if (c.dataset.trainSize !== undefined || c.dataset.testSize !== undefined)
      cleared.push('generated sizes');
    next = setPath(setPath(next, 'dataset.trainSize', undefined), 'dataset.testSize', undefined);
    if (c.dataset.path === undefined) next = setPath(next, 'dataset.path', '');
  }
  if (c.dataset.options !== undefined) {
    cleared.push('reader options');
    next = setPath(next, 'dataset.options', undefined);
  }
  const g = c.guarantee;
  if (g.kind === 'affinity') {
    cleared.push('affinity sets');
    next = { ...next, guarantee: { kind: 'standard' } };
  } else if (g.kind === 'rtk' && numClasses !== undefined && g.k > numClasses) {
    cleared.push(`K = ${g.k}`);
    next = { ...next, guarantee: { kind: 'rtk', k: Math.max(1, numClasses) } };
  }
  return { config: next, cleared };
}

/** Problems of the form the shared validator cannot see: a reader needs a data path. */
export function formOnlyErrors(c: ExperimentConfig): Record<string, string> {
  if (!isGenerator(c) && !(c.dataset.path ?? '').trim())
    return {
      'dataset.path': `Data path: ${c.dataset.kind} reads files, so give a file or folder on the machine running the workbench.`,
    };
  return {};
}
