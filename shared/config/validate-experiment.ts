/**
 * The one schema of ExperimentConfig. `collectConfigErrors` lists every problem with the JSON
 * path of its field (the renderer's form marks them all); `validateExperimentConfig` throws the
 * first as INVALID_CONFIG. Schedule strings are parsed and affinity sets checked for structure
 * (the class count is only known once the data is loaded, so ids are checked against it later).
 * Unknown fields are errors too: in a hand-written JSON file they are nearly always typos.
 */
import { findControlCharacter } from '../control-characters.ts';
import { RelaxCertError } from '../errors.ts';
import { parseSchedule } from '../schedule/schedule.ts';
import { ARCHITECTURE_NAMES } from './architectures.ts';
import { DATASET_KINDS } from './dataset-kinds.ts';
import type { ExperimentConfig } from './experiment.ts';
import { GUARANTEE_KINDS, LOSS_KINDS, NORMALIZATIONS } from './experiment-choices.ts';

export interface ConfigProblem {
  /** JSON path, e.g. "training.epochs" or "guarantee.sets[2][0]". */
  field: string;
  message: string;
}

const MAX_SEED = 2 ** 32 - 1;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
}

class Checker {
  readonly problems: ConfigProblem[] = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message: `${field}: ${message}` });
  }

  /** Returns the object at `field`, or undefined after recording a problem. */
  object(parent: Obj, key: string, field: string, allowed: readonly string[]): Obj | undefined {
    const v = parent[key];
    if (!isObject(v)) {
      this.add(field, `must be an object (got ${describe(v)})`);
      return undefined;
    }
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k))
        this.add(`${field}.${k}`, `unknown field (expected one of ${allowed.join(', ')})`);
    }
    return v;
  }

  string(
    o: Obj,
    key: string,
    field: string,
    opts: { optional?: boolean; nonEmpty?: boolean } = {},
  ): void {
    const v = o[key];
    if (v === undefined && opts.optional) return;
    if (typeof v !== 'string') this.add(field, `must be a string (got ${describe(v)})`);
    else if (opts.nonEmpty && v.trim() === '') this.add(field, 'must not be empty');
  }

  oneOf(o: Obj, key: string, field: string, values: readonly string[], optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string' || !values.includes(v)) {
      this.add(field, `must be one of ${values.join(', ')} (got ${describe(v)})`);
    }
  }

  integer(o: Obj, key: string, field: string, min: number, max: number, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(field, `must be an integer (got ${describe(v)})`);
    } else if (v < min || v > max) {
      this.add(field, `must be between ${min} and ${max} (got ${v})`);
    }
  }

  number(o: Obj, key: string, field: string, min: number, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(field, `must be a finite number (got ${describe(v)})`);
    } else if (v < min) {
      this.add(field, `must be ≥ ${min} (got ${v})`);
    }
  }

  schedule(o: Obj, key: string, field: string, optional = false): void {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') {
      this.add(
        field,
        `must be a schedule string such as "1e-3 -> 1e-6 after half" (got ${describe(v)})`,
      );
      return;
    }
    try {
      parseSchedule(v);
    } catch (e) {
      this.add(field, e instanceof Error ? e.message : String(e));
    }
  }
}

function checkDataset(ch: Checker, root: Obj): void {
  const d = ch.object(root, 'dataset', 'dataset', [
    'kind',
    'path',
    'trainSize',
    'testSize',
    'seed',
    'normalize',
    'options',
  ]);
  if (d === undefined) return;
  ch.oneOf(d, 'kind', 'dataset.kind', DATASET_KINDS);
  // The path is checked when the data is loaded (readers need it, generators ignore it): paper
  // presets ship without one and the user fills it in.
  ch.string(d, 'path', 'dataset.path', { optional: true });
  ch.integer(d, 'trainSize', 'dataset.trainSize', 1, 5_000_000, true);
  ch.integer(d, 'testSize', 'dataset.testSize', 1, 5_000_000, true);
  ch.integer(d, 'seed', 'dataset.seed', 0, MAX_SEED, true);
  ch.oneOf(d, 'normalize', 'dataset.normalize', NORMALIZATIONS, true);
  if (d.options !== undefined) {
    if (!isObject(d.options)) {
      ch.add('dataset.options', `must be an object (got ${describe(d.options)})`);
    } else {
      for (const [k, v] of Object.entries(d.options)) {
        const ok =
          typeof v === 'string' ||
          typeof v === 'boolean' ||
          (typeof v === 'number' && Number.isFinite(v));
        if (!ok)
          ch.add(
            `dataset.options.${k}`,
            `must be a string, number or boolean (got ${describe(v)})`,
          );
      }
    }
  }
}

function checkArchitecture(ch: Checker, root: Obj): void {
  const a = ch.object(root, 'architecture', 'architecture', ['name', 'width', 'depth']);
  if (a === undefined) return;
  ch.oneOf(a, 'name', 'architecture.name', ARCHITECTURE_NAMES);
  ch.integer(a, 'width', 'architecture.width', 1, 65_536, true);
  ch.integer(a, 'depth', 'architecture.depth', 1, 64, true);
}

function checkAffinitySets(ch: Checker, g: Obj): void {
  const sets = g.sets;
  if (!Array.isArray(sets)) {
    ch.add(
      'guarantee.sets',
      `must be a list of class-id lists, e.g. [[0,1],[2,3]] (got ${describe(sets)})`,
    );
    return;
  }
  const seen = new Map<string, number>();
  sets.forEach((set: unknown, s: number) => {
    const field = `guarantee.sets[${s}]`;
    if (!Array.isArray(set)) {
      ch.add(field, `must be a list of class ids (got ${describe(set)})`);
      return;
    }
    if (set.length === 0) {
      ch.add(field, 'is empty');
      return;
    }
    const members = new Set<number>();
    let ok = true;
    set.forEach((id: unknown, i: number) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        ch.add(`${field}[${i}]`, `must be a class id (an integer ≥ 0), got ${describe(id)}`);
        ok = false;
      } else if (members.has(id)) {
        ch.add(`${field}[${i}]`, `class ${id} appears twice in the set`);
        ok = false;
      } else {
        members.add(id);
      }
    });
    if (!ok) return;
    const key = [...members].sort((a, b) => a - b).join(',');
    const earlier = seen.get(key);
    if (earlier !== undefined) ch.add(field, `duplicates guarantee.sets[${earlier}]`);
    else seen.set(key, s);
  });
  if (g.names !== undefined) {
    if (!Array.isArray(g.names) || !g.names.every((n) => typeof n === 'string')) {
      ch.add('guarantee.names', 'must be a list of strings');
    } else if (g.names.length !== sets.length) {
      ch.add('guarantee.names', `has ${g.names.length} names for ${sets.length} sets`);
    }
  }
}

function checkGuarantee(ch: Checker, root: Obj): void {
  const g = root.guarantee;
  if (!isObject(g)) {
    ch.add('guarantee', `must be an object (got ${describe(g)})`);
    return;
  }
  const kind = g.kind;
  if (typeof kind !== 'string' || !(GUARANTEE_KINDS as readonly string[]).includes(kind)) {
    ch.add(
      'guarantee.kind',
      `must be one of ${GUARANTEE_KINDS.join(', ')} (got ${describe(kind)})`,
    );
    return;
  }
  const allowed =
    kind === 'standard' ? ['kind'] : kind === 'rtk' ? ['kind', 'k'] : ['kind', 'sets', 'names'];
  for (const k of Object.keys(g)) {
    if (!allowed.includes(k)) ch.add(`guarantee.${k}`, `unknown field for a ${kind} guarantee`);
  }
  if (kind === 'rtk') ch.integer(g, 'k', 'guarantee.k', 1, 1_000_000);
  if (kind === 'affinity') checkAffinitySets(ch, g);
}

function checkTraining(ch: Checker, root: Obj): void {
  const t = ch.object(root, 'training', 'training', [
    'epochs',
    'batchSize',
    'learningRate',
    'loss',
    'tradesLambda',
    'epsilon',
    'epsilonSchedule',
    'powerIterations',
    'seed',
  ]);
  if (t === undefined) return;
  ch.integer(t, 'epochs', 'training.epochs', 1, 100_000);
  ch.integer(t, 'batchSize', 'training.batchSize', 1, 1_000_000);
  ch.schedule(t, 'learningRate', 'training.learningRate');
  ch.oneOf(t, 'loss', 'training.loss', LOSS_KINDS);
  if (t.loss === 'trades' && t.tradesLambda === undefined) {
    ch.add(
      'training.tradesLambda',
      'is required with the TRADES loss (e.g. "0.01 -> 1.2 log half")',
    );
  } else {
    ch.schedule(t, 'tradesLambda', 'training.tradesLambda', true);
  }
  ch.number(t, 'epsilon', 'training.epsilon', 0);
  ch.schedule(t, 'epsilonSchedule', 'training.epsilonSchedule', true);
  ch.integer(t, 'powerIterations', 'training.powerIterations', 1, 1000);
  ch.integer(t, 'seed', 'training.seed', 0, MAX_SEED);
}

/** Every problem of a would-be config, in field order; empty when it is valid. */
export function collectConfigErrors(value: unknown): ConfigProblem[] {
  const ch = new Checker();
  if (!isObject(value)) {
    ch.add('(config)', `must be an object (got ${describe(value)})`);
    return ch.problems.map((p) => ({ field: '', message: p.message }));
  }
  const top = ['name', 'dataset', 'architecture', 'guarantee', 'training'];
  ch.string(value, 'name', 'name', { nonEmpty: true });
  const control = typeof value.name === 'string' ? findControlCharacter(value.name) : undefined;
  if (control !== undefined) ch.add('name', `holds the control character ${control}`);
  checkDataset(ch, value);
  checkArchitecture(ch, value);
  checkGuarantee(ch, value);
  checkTraining(ch, value);
  for (const k of Object.keys(value)) {
    if (!top.includes(k)) ch.add(k, `unknown field (expected one of ${top.join(', ')})`);
  }
  return ch.problems;
}

/** Returns the value typed as a config, or throws INVALID_CONFIG naming the first bad field. */
export function validateExperimentConfig(value: unknown): ExperimentConfig {
  const problems = collectConfigErrors(value);
  if (problems.length > 0) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new RelaxCertError(
      'INVALID_CONFIG',
      `Invalid experiment config: ${first.message}${more}`,
      {
        field: first.field,
      },
    );
  }
  return value as unknown as ExperimentConfig;
}

/** A small, quick, valid config: 2-D blobs, a small dense net, standard GloRo at ε = 0.3. */
export function defaultExperimentConfig(): ExperimentConfig {
  return {
    name: 'Blobs, standard GloRo',
    dataset: { kind: 'blobs-2d', trainSize: 3000, testSize: 1000, seed: 0, normalize: 'none' },
    architecture: { name: 'dense-small' },
    guarantee: { kind: 'standard' },
    training: {
      epochs: 20,
      batchSize: 64,
      learningRate: '1e-3',
      loss: 'crossentropy',
      epsilon: 0.3,
      powerIterations: 2,
      seed: 0,
    },
  };
}
